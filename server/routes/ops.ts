// Operations: backup and restore of the store while serving, and the delivery log a rebuild replays. Mounted at
// /api/ops behind admin authentication (the CLIs come with the operator token from data/run/ops.token).
import { relative } from 'node:path';
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app.ts';
import { BACKUP_NAME, backupStore, backupsDir, listBackups, OpsError, restoreStore } from '../ops/backup.ts';
import { collectValues, feedRows, storeAnswer, storeDeliveries } from '../ops/rebuild.ts';
import { registryFrom } from '../store.ts';
import {
  BackupAnswer,
  BackupsAnswer,
  KpiValuesAnswer,
  OpsDeliveriesAnswer,
  RestoreAnswer,
} from './responses.ts';
import { route } from './route.ts';
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

const R = {
  backup: route({
    method: 'post',
    path: '/api/ops/backup',
    response: BackupAnswer,
    need: 'admin',
    summary: 'Back up the store while serving (admin, console)',
    tag: 'ops',
  }),
  backups: route({
    method: 'get',
    path: '/api/ops/backups',
    response: BackupsAnswer,
    need: 'admin',
    summary: 'Backups kept in data/backups',
    tag: 'ops',
  }),
  restore: route({
    method: 'post',
    path: '/api/ops/restore',
    response: RestoreAnswer,
    need: 'admin',
    summary: 'Restore a backup while serving (the replaced store is kept)',
    tag: 'ops',
    json: RestoreBody,
    errors: { 404: 'No such backup' },
  }),
  deliveries: route({
    method: 'get',
    path: '/api/ops/deliveries',
    response: OpsDeliveriesAnswer,
    need: 'admin',
    summary: 'The delivery log a rebuild replays',
    tag: 'ops',
  }),
  kpiValues: route({
    method: 'post',
    path: '/api/ops/kpi-values',
    response: KpiValuesAnswer,
    need: 'admin',
    summary: 'Every KPI for some periods, unscoped (for comparing a rebuild)',
    tag: 'ops',
    json: ValuesBody,
  }),
};

export const opsRoutes = new Hono<AppEnv>()
  .post(R.backup.path, R.backup.guard, async (c) => {
    try {
      const r = await backupStore(c.var.ctx.db, backupsDir(c.var.env.IOC_DATA_DIR));
      await c.var.auth.audit(c, {
        action: 'ops.backup',
        target: r.name,
        outcome: 'ok',
        detail: { bytes: r.bytes, ms: r.ms },
      });
      const { path: _path, ...answer } = r; // no server path in an answer
      return c.json(answer);
    } catch (e) {
      const f = fail(e);
      return c.json({ error: f.error }, f.status);
    }
  })
  .get(R.backups.path, R.backups.guard, async (c) =>
    c.json({ backups: await listBackups(backupsDir(c.var.env.IOC_DATA_DIR)) }),
  )
  .post(R.restore.path, R.restore.guard, validate('json', RestoreBody), async (c) => {
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
  // Archive paths relative to the archive folder (no server path in an answer); a rebuild resolves them there.
  .get(R.deliveries.path, R.deliveries.guard, async (c) =>
    c.json({
      deliveries: (await storeDeliveries(c.var.ctx.db)).map((d) => ({
        ...d,
        archivePath: d.archivePath && relative(c.var.ctx.archiveDir, d.archivePath),
      })),
    }),
  )
  // Every KPI's value for the periods, unscoped, and each feed's rows: what a rebuild compares itself with.
  .post(R.kpiValues.path, R.kpiValues.guard, validate('json', ValuesBody), async (c) => {
    const { db, registry } = c.var.ctx;
    const values = await collectValues(
      [...registry.kpis.keys()],
      c.req.valid('json').periods,
      storeAnswer(db, registry),
    );
    await c.var.auth.audit(c, { action: 'ops.kpi_values', outcome: 'ok', detail: c.req.valid('json') });
    return c.json({ values: Object.fromEntries(values), feedRows: await feedRows(db) });
  });
