// KPI routes: the registry, answers, breakdowns, records, subsystems and the 766 index. Thin: call + respond.
import { Hono } from 'hono';
import type { AppEnv } from '../app.ts';
import { exportView } from '../export/index.ts';
import { kpiDimensions, ScopeError, subsystemInScope } from '../kpis/engine.ts';
import { COMPONENTS, index766, METHODOLOGY, NO_DATA, TIERS } from '../kpis/index766.ts';
import { getBreakdown, getKpi, getRecords, getSubsystems, transparencyScores } from '../kpis/service.ts';
import {
  BreakdownQuery,
  ExportQuery,
  IndexQuery,
  KpiParam,
  RangeQuery,
  RecordsQuery,
  splitQuery,
} from './schemas.ts';
import { validate } from './validate.ts';

export const kpiRoutes = new Hono<AppEnv>()
  .get('/subsystems', validate('query', RangeQuery), async (c) => {
    const { range, filters } = splitQuery(c.req.valid('query'));
    return c.json({
      from: range.from,
      to: range.to,
      filters,
      subsystems: await getSubsystems(c.var.ctx, range, filters),
    });
  })
  .get('/kpis', (c) => {
    const { registry } = c.var.ctx;
    return c.json({
      subsystems: registry.subsystems,
      kpis: [...registry.kpis.values()].map((k) => ({
        id: k.id,
        subsystem: k.subsystem,
        name: k.name,
        unit: k.unit,
        direction: k.direction,
        kind: k.kind,
        target: k.target ?? null,
        thresholds: k.thresholds ?? null,
        feeds: k.feeds,
        dimensions: kpiDimensions(k),
        formula: { numerator: k.numerator, denominator: k.denominator ?? null, scale: k.scale, show: k.show },
      })),
    });
  })
  .get('/kpis/:id', validate('param', KpiParam), validate('query', RangeQuery), async (c) => {
    const { range, filters } = splitQuery(c.req.valid('query'));
    return c.json(await getKpi(c.var.ctx, c.req.valid('param').id, range, filters));
  })
  .get('/kpis/:id/breakdown', validate('param', KpiParam), validate('query', BreakdownQuery), async (c) => {
    const q = c.req.valid('query');
    const { range, filters } = splitQuery(q);
    return c.json(await getBreakdown(c.var.ctx, c.req.valid('param').id, range, filters, q.by));
  })
  .get('/kpis/:id/records', validate('param', KpiParam), validate('query', RecordsQuery), async (c) => {
    const q = c.req.valid('query');
    const { range, filters } = splitQuery(q);
    return c.json(await getRecords(c.var.ctx, c.req.valid('param').id, range, filters, q));
  })
  .get('/kpis/:id/export', validate('param', KpiParam), validate('query', ExportQuery), async (c) => {
    const q = c.req.valid('query');
    const { range, filters } = splitQuery(q);
    const id = c.req.valid('param').id;
    const res = await exportView(c.var.ctx, { ...q, id, range, filters });
    // Who exported what, within which filters, how many rows (records: the count before streaming).
    await c.var.auth.audit(c, {
      action: 'export',
      target: id,
      outcome: 'ok',
      detail: {
        view: q.view,
        format: q.format,
        by: q.by ?? null,
        part: q.view === 'records' ? q.part : null,
        range,
        filters,
        scope: c.var.principal.assignment ?? null,
        rows: Number(res.headers.get('X-Row-Count') ?? Number.NaN),
      },
    });
    return res;
  })
  .get('/index766', validate('query', IndexQuery), async (c) => {
    const q = c.req.valid('query');
    const { range, filters } = splitQuery(q);
    if (!subsystemInScope(c.var.ctx.scope, 'index766'))
      throw new ScopeError('outside your scope: subsystem index766');
    const branches = [{ key: 'cur', range }];
    const scores = await index766(c.var.ctx.db, branches, filters, {
      dim: q.by,
      scope: c.var.ctx.scope,
      transparency: await transparencyScores(c.var.ctx, branches, { unit: filters.unit }),
    });
    const rows = [...(scores.get('cur')?.entries() ?? [])]
      .map(([key, s]) => ({ key, ...s }))
      .sort((a, b) => (b.total ?? -1) - (a.total ?? -1))
      .map((r, i) => ({ rank: i + 1, ...r }));
    return c.json({
      methodology: METHODOLOGY,
      by: q.by,
      from: range.from,
      to: range.to,
      filters,
      tiers: TIERS,
      components: COMPONENTS.map(({ id, group, max, fullAt, name }) => ({ id, group, max, fullAt, name })),
      noData: NO_DATA,
      rows,
    });
  });
