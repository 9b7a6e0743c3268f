// Operations: backup and restore of the store while serving, and the delivery log a rebuild replays. Mounted at
// /api/ops behind admin authentication (the CLIs come with the operator token from data/run/ops.token).
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app.ts';
import { BACKUP_NAME, backupStore, backupsDir, listBackups, OpsError, restoreStore } from '../ops/backup.ts';
import { collectValues, feedRows, storeAnswer, storeDeliveries } from '../ops/rebuild.ts';
import { registryFrom } from '../store.ts';
import { validate } from './validate.ts';

export const RestoreBody = z.object({
  name: z.string().regex(BACKUP_NAME, 'a backup file name (ioc-….duckdb), no path'),
});

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const ValuesBody = z.object({
  periods: z
    .array(z.object({ label: z.string().max(40), from: date, to: date }))
    .min(1)
    .max(12),
});

const fail = (e: unknown) => {
  if (e instanceof OpsError) return { error: e.message, status: e.status };
  throw e;
};

export const opsRoutes = new Hono<AppEnv>()
  .post('/backup', async (c) => {
    try {
      const r = await backupStore(c.var.ctx.db, backupsDir(c.var.env.IOC_DATA_DIR));
      await c.var.auth.audit(c, {
        action: 'ops.backup',
        target: r.path,
        outcome: 'ok',
        detail: { bytes: r.bytes, ms: r.ms },
      });
      return c.json(r);
    } catch (e) {
      const f = fail(e);
      return c.json({ error: f.error }, f.status);
    }
  })
  .get('/backups', async (c) => c.json({ backups: await listBackups(backupsDir(c.var.env.IOC_DATA_DIR)) }))
  .post('/restore', validate('json', RestoreBody), async (c) => {
    const { ctx } = c.var;
    try {
      const r = await restoreStore(ctx.db, backupsDir(c.var.env.IOC_DATA_DIR), c.req.valid('json').name);
      // The restored store may hold other indicators: the registry follows it.
      ctx.registry = await registryFrom(ctx.db);
      c.var.auth.invalidate(); // users, roles and tokens are those of the backup now
      await c.var.auth.audit(c, {
        action: 'ops.restore',
        target: r.name,
        outcome: 'ok',
        detail: { keptAs: r.keptAs },
      });
      return c.json(r);
    } catch (e) {
      const f = fail(e);
      return c.json({ error: f.error }, f.status);
    }
  })
  .get('/deliveries', async (c) => c.json({ deliveries: await storeDeliveries(c.var.ctx.db) }))
  // Every KPI's value for the periods, unscoped, and each feed's rows: what a rebuild compares itself with.
  .post('/kpi-values', validate('json', ValuesBody), async (c) => {
    const { db, registry } = c.var.ctx;
    const values = await collectValues(
      [...registry.kpis.keys()],
      c.req.valid('json').periods,
      storeAnswer(db, registry),
    );
    await c.var.auth.audit(c, { action: 'ops.kpi_values', outcome: 'ok', detail: c.req.valid('json') });
    return c.json({ values: Object.fromEntries(values), feedRows: await feedRows(db) });
  });
