// Feed routes: status per feed, the rejects table, and the HTTP push of a delivery (FEEDS.md).
import { rm } from 'node:fs/promises';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../app.ts';
import { archiveUpload } from '../feeds/archive.ts';
import { feedContract, PUSH_TYPES, pushBodies } from '../feeds/contract.ts';
import { loadDelivery } from '../feeds/loader.ts';
import { DeliveryError, type Format } from '../feeds/stage.ts';
import { feedStatus } from '../kpis/service.ts';
import {
  ContractAnswer,
  DeliveriesAnswer,
  FeedsAnswer,
  LoadReportSchema,
  RejectsAnswer,
} from './responses.ts';
import { route } from './route.ts';
import { FeedParam, RejectsQuery } from './schemas.ts';
import { validate } from './validate.ts';

const CONTENT_TYPES: Record<string, Format> = PUSH_TYPES;

const R = {
  contract: route({
    method: 'get',
    path: '/api/feeds/contract',
    response: ContractAnswer,
    need: 'public',
    summary:
      'The feed contract: formats, value kinds, record rules and every feed’s fields (also at /api/docs/feeds)',
    tag: 'feeds',
  }),
  status: route({
    method: 'get',
    path: '/api/feeds',
    response: FeedsAnswer,
    need: 'read|feeds.read',
    summary: 'Freshness and counts per feed (a scoped reader sees freshness only)',
    tag: 'feeds',
  }),
  rejects: route({
    method: 'get',
    path: '/api/feeds/rejects',
    response: RejectsAnswer,
    need: 'feeds.read',
    summary: 'Rejected records',
    tag: 'feeds',
    query: RejectsQuery,
  }),
  deliveries: route({
    method: 'get',
    path: '/api/feeds/deliveries',
    response: DeliveriesAnswer,
    need: 'feeds.read',
    summary: 'Deliveries received',
    tag: 'feeds',
  }),
  push: route({
    method: 'post',
    path: '/api/feeds/:feed',
    need: 'feeds.push',
    summary: 'Push a delivery; answers the load report',
    tag: 'feeds',
    param: FeedParam,
    body: pushBodies(),
    response: LoadReportSchema,
    errors: {
      422: 'The delivery as a whole is unusable (a required column is missing)',
      413: 'Body larger than IOC_MAX_BODY',
      415: 'Unsupported Content-Type',
      503: 'The store ran out of memory (IOC_DB_MEMORY) loading it: nothing was kept; send it again later',
    },
  }),
};

export const feedRoutes = new Hono<AppEnv>()
  // Declared before /api/feeds/:feed's siblings: a fixed path, public (an integrator reads it before any token).
  .get(R.contract.path, R.contract.guard, (c) => c.json(feedContract()))
  .get(R.status.path, R.status.guard, async (c) => {
    const feeds = await feedStatus(c.var.ctx);
    // A scoped principal learns whether the data is fresh, not the province's volumes, sources or rejects.
    if (c.var.principal.scope)
      return c.json({
        feeds: feeds.map(({ feed, newestEventAt, cadenceHours, stale }) => ({
          feed,
          newestEventAt,
          cadenceHours,
          stale,
        })),
      });
    return c.json({ feeds });
  })
  .get(R.rejects.path, R.rejects.guard, validate('query', RejectsQuery), async (c) => {
    const q = c.req.valid('query');
    const params = { feed: q.feed ?? null, delivery: q.delivery ?? null };
    const where = `($feed IS NULL OR r.feed = $feed) AND ($delivery IS NULL OR r.delivery_id = $delivery)`;
    const [rows, total] = await Promise.all([
      c.var.ctx.db.query(
        `SELECT r.delivery_id AS "deliveryId", r.feed, r.name, r.line, r.record, r.id, r.field, r.value, r.reason,
           d.received_at AS "receivedAt", d.source
         FROM rejects r JOIN deliveries d ON d.id = r.delivery_id WHERE ${where}
         ORDER BY r.delivery_id DESC, r.record, r.field LIMIT $lim OFFSET $off`,
        { ...params, lim: q.limit, off: q.offset },
      ),
      c.var.ctx.db.query<{ n: number }>(`SELECT count(*) AS n FROM rejects r WHERE ${where}`, params),
    ]);
    return c.json({ total: total[0].n, limit: q.limit, offset: q.offset, rows });
  })
  .get(R.deliveries.path, R.deliveries.guard, async (c) =>
    c.json({
      deliveries: await c.var.ctx.db.query(
        `SELECT id, feed, source, name, format, received_at AS "receivedAt", status, records, accepted, rejected, stale,
           ignored_columns AS "ignoredColumns", error, ms FROM deliveries ORDER BY id DESC LIMIT 200`,
      ),
    }),
  )
  .post(
    R.push.path,
    R.push.guard,
    validate('param', FeedParam),
    async (c, next) =>
      bodyLimit({
        maxSize: c.var.env.IOC_MAX_BODY,
        onError: (cc) => cc.json({ error: `body larger than ${c.var.env.IOC_MAX_BODY} bytes` }, 413),
      })(c, next),
    async (c) => {
      const feed = c.req.valid('param').feed;
      const who = c.var.principal;
      if (who.feeds && !who.feeds.includes(feed)) {
        await c.var.auth.audit(c, { action: 'feed.delivery', target: feed, outcome: 'denied' });
        return c.json({ error: `this source may push only ${who.feeds.join(', ')}` }, 403);
      }
      const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
      const format = CONTENT_TYPES[type];
      if (!format) {
        return c.json(
          { error: `unsupported Content-Type '${type}': use ${Object.keys(CONTENT_TYPES).join(', ')}` },
          415,
        );
      }
      if (!c.req.raw.body) return c.json({ error: 'empty body' }, 400);
      // Archived first (read-only, hashed while streaming): the loader reads files, and the archive allows a rebuild.
      const { path, hash } = await archiveUpload(c.var.ctx.archiveDir, feed, format, c.req.raw.body);
      try {
        const report = await loadDelivery(c.var.ctx.db, {
          feed,
          path,
          name: `POST /api/feeds/${feed}`,
          format,
          archivePath: path,
          hash,
          // Which source sent it: the feed source's (or operator's) name.
          source: who.name,
        });
        if (who.kind === 'source' && who.id) await c.var.auth.accounts.sourceUsed(who.id);
        await c.var.auth.audit(c, {
          action: 'feed.delivery',
          target: feed,
          outcome: 'ok',
          detail: {
            deliveryId: report.deliveryId ?? null,
            accepted: report.accepted,
            rejected: report.rejected,
            stale: report.stale,
            duplicate: report.duplicateDelivery,
          },
        });
        return c.json(report, 200);
      } catch (e) {
        await rm(path, { force: true });
        await c.var.auth.audit(c, {
          action: 'feed.delivery',
          target: feed,
          outcome: 'failed',
          detail: { error: e instanceof Error ? e.message : String(e) },
        });
        if (e instanceof DeliveryError) return c.json({ error: e.message }, e.status);
        throw e;
      }
    },
  );
