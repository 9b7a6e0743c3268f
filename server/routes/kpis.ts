// KPI routes: the registry, answers, breakdowns, records, subsystems and the 766 index. Thin: call + respond.
import { Hono } from 'hono';
import type { AppEnv } from '../app.ts';
import { exportView } from '../export/index.ts';
import { kpiDimensions, ScopeError, subsystemInScope } from '../kpis/engine.ts';
import { COMPONENTS, index766, indexFormula, METHODOLOGY, NO_DATA, TIERS } from '../kpis/index766.ts';
import { PUBLISHED_MARGIN } from '../kpis/index766-method.ts';
import { getBreakdown, getKpi, getRecords, getSubsystems, transparencyScores } from '../kpis/service.ts';
import {
  BreakdownAnswerSchema,
  IndexAnswer,
  KpiAnswerSchema,
  RecordsAnswer,
  RegistryAnswer,
  SubsystemsAnswer,
} from './responses.ts';
import { route } from './route.ts';
import {
  BreakdownQuery,
  ExportQuery,
  IndexQuery,
  KpiParam,
  knownFilters,
  RangeQuery,
  RecordsQuery,
  rangeNote,
  splitQuery,
} from './schemas.ts';
import { validate } from './validate.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const R = {
  subsystems: route({
    method: 'get',
    path: '/api/subsystems',
    need: 'read',
    summary: 'The 12 subsystems with their headline KPIs',
    tag: 'kpis',
    query: RangeQuery,
    response: SubsystemsAnswer,
  }),
  registry: route({
    method: 'get',
    path: '/api/kpis',
    response: RegistryAnswer,
    // Also for admins: the scope pickers list subsystems and indicators.
    need: 'read|admin',
    summary: 'The KPI registry: names, units, formulas, dimensions',
    tag: 'kpis',
  }),
  kpi: route({
    method: 'get',
    path: '/api/kpis/:id',
    need: 'read',
    summary: 'A KPI value with comparisons, target, status and freshness',
    tag: 'kpis',
    param: KpiParam,
    query: RangeQuery,
    response: KpiAnswerSchema,
    errors: { 404: 'No such KPI', 503: 'The query ran out of its time budget' },
  }),
  breakdown: route({
    method: 'get',
    path: '/api/kpis/:id/breakdown',
    need: 'read',
    summary: 'A KPI by a dimension (ranking) or a time grain (trend)',
    tag: 'kpis',
    param: KpiParam,
    query: BreakdownQuery,
    response: BreakdownAnswerSchema,
    errors: { 404: 'No such KPI', 503: 'The query ran out of its time budget' },
  }),
  records: route({
    method: 'get',
    path: '/api/kpis/:id/records',
    response: RecordsAnswer,
    need: 'read',
    summary: 'A page of the records behind a KPI (numerator or denominator)',
    tag: 'kpis',
    param: KpiParam,
    query: RecordsQuery,
    errors: { 404: 'No such KPI', 503: 'The query ran out of its time budget' },
  }),
  export: route({
    method: 'get',
    path: '/api/kpis/:id/export',
    need: 'export',
    stream: true,
    summary:
      'Download a view (value, breakdown, records) as XLSX, CSV, Parquet or JSON; records stream without a row cap unless `limit` is given. HEAD is answered 405.',
    tag: 'exports',
    param: KpiParam,
    query: ExportQuery,
    produces: [XLSX, 'text/csv', 'application/vnd.apache.parquet', 'application/json'],
    errors: { 404: 'No such KPI' },
  }),
  index766: route({
    method: 'get',
    path: '/api/index766',
    response: IndexAnswer,
    need: 'read',
    summary: 'The Decision 766 service index by agency, commune or district',
    tag: 'kpis',
    query: IndexQuery,
  }),
};

export const kpiRoutes = new Hono<AppEnv>()
  .get(R.subsystems.path, R.subsystems.guard, knownFilters, validate('query', RangeQuery), async (c) => {
    const { range, filters } = splitQuery(c.req.valid('query'));
    return c.json({
      from: range.from,
      to: range.to,
      ...rangeNote(c.req.valid('query')),
      filters,
      subsystems: await getSubsystems(c.var.ctx, range, filters),
    });
  })
  .get(R.registry.path, R.registry.guard, (c) => {
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
        // The 766 records are scored by index766.ts: they publish that method (`index`), not a placeholder measure.
        formula: {
          numerator: k.kind === 'index' ? null : k.numerator,
          denominator: k.denominator ?? null,
          scale: k.scale,
          show: k.show,
          ...(k.kind === 'index' ? { index: indexFormula(k.id) } : {}),
        },
      })),
    });
  })
  .get(
    R.kpi.path,
    R.kpi.guard,
    knownFilters,
    validate('param', KpiParam),
    validate('query', RangeQuery),
    async (c) => {
      const q = c.req.valid('query');
      const { range, filters } = splitQuery(q);
      return c.json({
        ...(await getKpi(c.var.ctx, c.req.valid('param').id, range, filters)),
        ...rangeNote(q),
      });
    },
  )
  .get(
    R.breakdown.path,
    R.breakdown.guard,
    knownFilters,
    validate('param', KpiParam),
    validate('query', BreakdownQuery),
    async (c) => {
      const q = c.req.valid('query');
      const { range, filters } = splitQuery(q);
      return c.json({
        ...(await getBreakdown(c.var.ctx, c.req.valid('param').id, range, filters, q.by)),
        ...rangeNote(q),
      });
    },
  )
  .get(
    R.records.path,
    R.records.guard,
    knownFilters,
    validate('param', KpiParam),
    validate('query', RecordsQuery),
    async (c) => {
      const q = c.req.valid('query');
      const { range, filters } = splitQuery(q);
      return c.json({
        ...(await getRecords(c.var.ctx, c.req.valid('param').id, range, filters, q)),
        ...rangeNote(q),
      });
    },
  )
  .get(
    R.export.path,
    R.export.guard,
    knownFilters,
    validate('param', KpiParam),
    validate('query', ExportQuery),
    async (c) => {
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
    },
  )
  .get(R.index766.path, R.index766.guard, knownFilters, validate('query', IndexQuery), async (c) => {
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
    // The province (or the filtered unit) as a whole, and what the portal published for it (reported figures).
    const ctx = c.var.ctx;
    const reported = (id: string) =>
      ctx.registry.kpis.has(id) ? getKpi(ctx, id, range, { unit: filters.unit }).catch(() => null) : null;
    const [whole, score, rank] = await Promise.all([
      index766(ctx.db, branches, filters, {
        scope: ctx.scope,
        transparency: await transparencyScores(ctx, branches, { unit: filters.unit }),
      }),
      reported('index766.portal_score'),
      reported('index766.portal_rank'),
    ]);
    const overall = whole.get('cur')?.get(null) ?? null;
    const publishedScore = score?.value ?? null;
    const difference =
      overall?.total !== null && overall?.total !== undefined && publishedScore !== null
        ? overall.total - publishedScore
        : null;
    const rows = [...(scores.get('cur')?.entries() ?? [])]
      .map(([key, s]) => ({ key, ...s }))
      .sort((a, b) => (b.total ?? -1) - (a.total ?? -1))
      .map((r, i) => ({ rank: i + 1, ...r }));
    return c.json({
      methodology: METHODOLOGY,
      by: q.by,
      from: range.from,
      to: range.to,
      ...rangeNote(q),
      filters,
      tiers: TIERS,
      components: COMPONENTS.map(({ id, group, max, fullAt, zero, name, num }) => ({
        id,
        group,
        max,
        fullAt,
        zero,
        name,
        measured: Boolean(num),
      })),
      noData: NO_DATA,
      overall,
      published: {
        score: publishedScore,
        rank: rank?.value ?? null,
        asOf: score?.asOf ?? null,
        difference,
        margin: PUBLISHED_MARGIN,
        flagged: difference !== null && Math.abs(difference) > PUBLISHED_MARGIN,
      },
      rows,
    });
  });
