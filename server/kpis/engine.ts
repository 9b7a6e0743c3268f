// The KPI engine: compiles a KPI record + filters + periods (+ a breakdown) into ONE bound SQL query.
// Every KPI, breakdown, records page and export goes through filterSql(): the single place where role-based
// scoping is checked (ScopeError → 403) and applied.

import { applicableFilters as applicableFiltersOf } from '../../common/vocabulary.ts';
import type { Db, Params } from '../db/index.ts';
import { DERIVED_COLUMNS } from './dossier-states.ts';
import { addDays, localEndExclusive, localStart, type Range } from './period.ts';
import { type Rolled, rolledAggSql, rolledMeasure, rollupFor } from './rollups.ts';
import { SOURCE_DEFS, sourceDimensions } from './sources.ts';
import type { Dimension, Filters, Kpi, Measure, SourceName } from './types.ts';
import { TIME_DIMENSIONS } from './types.ts';

/** A request the engine cannot answer as asked (answered 400, never a silently different answer). */
export class QueryError extends Error {}

export interface Branch {
  key: string;
  range: Range;
}

export interface RawCell {
  period: string;
  key: string | null;
  numerator: number | null;
  denominator: number | null;
}

/**
 * What a principal may see (from its role and assignment; see server/auth/principal.ts). A request must stay
 * inside it: asking for more is a ScopeError (403), never a silently narrowed answer that looks complete.
 */
export interface Scope {
  /** Unit subtree roots; a request on a source with units must name a unit inside them. */
  units?: string[];
  /** Every unit code inside the roots. */
  unitSet?: ReadonlySet<string>;
  /** Agencies inside the unit subtrees and sectors. */
  agencySet?: ReadonlySet<string>;
  /** Sectors; a request on a source with sectors must name one of them. */
  sectors?: string[];
  /** Subsystems whose KPIs may be read. */
  subsystems?: string[];
}

/** A request outside the principal's scope (answered 403). */
export class ScopeError extends Error {}

export function subsystemInScope(scope: Scope | undefined, subsystem: string): boolean {
  return !scope?.subsystems || scope.subsystems.includes(subsystem);
}

/** Refuses filters outside the scope; a missing filter the scope requires is outside too (it asks for all). */
export function checkScope(source: SourceName, filters: Filters, scope: Scope | undefined): void {
  if (!scope) return;
  const def = SOURCE_DEFS[source];
  // A unit outside the scope is refused on every source, a province-wide one (the catalogue) included.
  if (scope.unitSet && filters.unit && !scope.unitSet.has(filters.unit))
    throw new ScopeError(`outside your scope: unit ${filters.unit}`);
  if (scope.unitSet && def.unit) {
    if (!filters.unit)
      throw new ScopeError(`outside your scope: choose a unit within ${scope.units?.join(', ') || '(none)'}`);
    if (!scope.unitSet.has(filters.unit)) throw new ScopeError(`outside your scope: unit ${filters.unit}`);
  }
  // A source without sectors (reported indicators, report compliance, communes) cannot be narrowed to a sector:
  // under a sector scope it is readable only through subsystems assigned explicitly (checked per KPI).
  if (scope.sectors && !def.sector && !scope.subsystems)
    throw new ScopeError(`outside your scope: ${source} has no sector; it needs its subsystem assigned`);
  if (scope.sectors && def.sector) {
    if (!filters.sector)
      throw new ScopeError(
        `outside your scope: choose a sector among ${scope.sectors.join(', ') || '(none)'}`,
      );
    if (!scope.sectors.includes(filters.sector))
      throw new ScopeError(`outside your scope: sector ${filters.sector}`);
  }
  if (filters.agency && scope.agencySet && !scope.agencySet.has(filters.agency))
    throw new ScopeError(`outside your scope: agency ${filters.agency}`);
}

const UNIT_DIMS: Dimension[] = ['province', 'district', 'commune'];

/**
 * Predicates (and joins) restricting a source's rows to the filters and the scope. The one filter path: every
 * KPI, breakdown, records page and export comes through here, so the scope is checked and also applied in SQL.
 */
export function filterSql(
  source: SourceName,
  filters: Filters,
  scope: Scope | undefined,
  params: Params,
): { where: string[]; joins: Set<string> } {
  checkScope(source, filters, scope);
  const def = SOURCE_DEFS[source];
  const where: string[] = [];
  const joins = new Set<string>();
  const inSubtree = (p: string) =>
    `${def.unit} IN (SELECT code FROM unit_paths WHERE $${p} IN (province_code, district_code, commune_code))`;
  if (filters.unit) {
    // The procedure catalogue is province-wide: a unit filter leaves it whole.
    if (def.unit) {
      params.f_unit = filters.unit;
      where.push(inSubtree('f_unit'));
    } else if (source !== 'procedures') throw new QueryError(`filter unit does not apply to ${source}`);
  }
  if (scope?.units && def.unit) {
    scope.units.forEach((u, i) => {
      params[`s_unit${i}`] = u;
    });
    where.push(
      scope.units.length ? `(${scope.units.map((_, i) => inSubtree(`s_unit${i}`)).join(' OR ')})` : 'false',
    );
  }
  if (scope?.sectors && def.sector) {
    if (def.sector.join) joins.add(def.sector.join);
    scope.sectors.forEach((v, i) => {
      params[`s_sector${i}`] = v;
    });
    where.push(
      scope.sectors.length
        ? `${def.sector.expr} IN (${scope.sectors.map((_, i) => `$s_sector${i}`).join(', ')})`
        : 'false',
    );
  }
  const eq = (name: keyof Filters, expr: string | undefined) => {
    const v = filters[name];
    if (!v) return;
    if (!expr) throw new QueryError(`filter ${name} does not apply to ${source}`);
    params[`f_${name}`] = v;
    where.push(`${expr} = $f_${name}`);
  };
  // An agency filter in the current view takes the former agencies that became it (agency_restate).
  if (filters.agency && def.agency === 's.agency_code' && filters.boundaries !== 'then') {
    params.f_agency = filters.agency;
    where.push('s.agency_code IN (SELECT code FROM agency_restate WHERE current_code = $f_agency)');
  } else eq('agency', def.agency);
  if (filters.sector) {
    if (!def.sector) throw new QueryError(`filter sector does not apply to ${source}`);
    if (def.sector.join) joins.add(def.sector.join);
  }
  eq('sector', def.sector?.expr);
  eq('procedure', def.procedure);
  eq('indicator', def.indicator);
  return { where, joins };
}

/** Key expression of a non-time dimension on a source. */
export function dimSql(
  source: SourceName,
  dim: Dimension,
  view: Filters['boundaries'] = 'current',
): { key: string; join?: string } {
  const def = SOURCE_DEFS[source];
  if (!sourceDimensions(source).includes(dim))
    throw new QueryError(`breakdown by ${dim} is not available for ${source}`);
  if (UNIT_DIMS.includes(dim)) {
    return { key: `dp.${dim}_code`, join: `LEFT JOIN unit_paths dp ON dp.code = ${def.unit}` };
  }
  if (dim === 'agency') {
    // The current view ranks today's agencies: a former one's records count for its successor.
    if (view !== 'then' && def.agency === 's.agency_code')
      return { key: 'ar.current_code', join: 'LEFT JOIN agency_restate ar ON ar.code = s.agency_code' };
    return { key: def.agency! };
  }
  if (dim === 'sector') return { key: def.sector!.expr, join: def.sector!.join || undefined };
  if (dim === 'procedure') return { key: def.procedure! };
  return { key: def.indicator! };
}

/**
 * The current view (boundaries=current, the default) restates a source's rows to today's units when the answer
 * depends on units — a unit filter or a unit breakdown: each row joins its unit's restating rows (unit_restate)
 * and carries their weight `w`, so a divided former commune counts for each successor by its share and every
 * record counts once. `then` reads the units as they were. Null when nothing is restated.
 */
export function restate(
  source: SourceName,
  filters: Filters,
  dim?: Dimension,
): ((table: string) => string) | null {
  if (filters.boundaries === 'then' || SOURCE_DEFS[source].unit !== 's.unit_code') return null;
  if (!filters.unit && !(dim && UNIT_DIMS.includes(dim))) return null;
  return (t) =>
    `(SELECT s.* REPLACE (rs.current_code AS unit_code), rs.weight AS w FROM ${t} s JOIN unit_restate rs ON rs.code = s.unit_code)`;
}

/** Aggregates over restated rows: each row weighted by its share `w` (`f`: a FILTER clause for each aggregate). */
export const WAGG: Record<Measure['agg'], (e: string, f?: string) => string> = {
  // Shares add up in binary floating point (0,678 + 0,322 is not exactly 1): rounded to 6 decimals, a count of whole
  // records stays whole (24130, not 24130.000000000004) and a divided commune's share keeps its digits.
  count: (_e, f = '') => `round(sum(s.w)${f}, 6)`,
  sum: (e, f = '') => `round(sum((${e}) * s.w)${f}, 6)`,
  avg: (e, f = '') => `sum((${e}) * s.w)${f} / nullif(sum(CASE WHEN (${e}) IS NOT NULL THEN s.w END)${f}, 0)`,
  max: (e, f = '') => `max(${e})${f}`,
  count_distinct: (e, f = '') => `count(DISTINCT ${e})${f}`,
};

/** SQL of each aggregate over an expression (shared with the batched queries). */
export const AGG: Record<Measure['agg'], (e: string) => string> = {
  count: () => 'count(*)',
  sum: (e) => `sum(${e})`,
  avg: (e) => `avg(${e})`,
  max: (e) => `max(${e})`,
  count_distinct: (e) => `count(DISTINCT ${e})`,
};

/**
 * Bind one period branch (b<i>k, its bounds as instants and as dates) and give the measure's time predicate and
 * the substitution of its {start} {end} {startDate} {endDate} placeholders. Shared by single and batched queries.
 */
export function bindBranch(
  m: Measure,
  b: Branch,
  i: number,
  params: Params,
): { p: string; sub: (sql: string) => string; timeWhere: string[] } {
  const p = `b${i}`;
  params[`${p}k`] = b.key;
  params[`${p}s`] = localStart(b.range.from);
  params[`${p}e`] = localEndExclusive(b.range.to);
  params[`${p}sd`] = b.range.from;
  params[`${p}ed`] = addDays(b.range.to, 1);
  const sub = (sql: string) =>
    sql
      .replaceAll('{start}', `CAST($${p}s AS TIMESTAMPTZ)`)
      .replaceAll('{end}', `CAST($${p}e AS TIMESTAMPTZ)`)
      .replaceAll('{startDate}', `CAST($${p}sd AS DATE)`)
      .replaceAll('{endDate}', `CAST($${p}ed AS DATE)`);
  const timeWhere: string[] = [];
  if (m.time) {
    const t = `s."${m.time}"`;
    timeWhere.push(
      m.timeType === 'date'
        ? `${t} >= CAST($${p}sd AS DATE) AND ${t} < CAST($${p}ed AS DATE)`
        : `${t} >= CAST($${p}s AS TIMESTAMPTZ) AND ${t} < CAST($${p}e AS TIMESTAMPTZ)`,
    );
  }
  return { p, sub, timeWhere };
}

/**
 * One measure over all branches: (period, key, v) rows; from its daily rollup when `rolled` names one (rollups.ts),
 * the same filters, scope and restating applied to the rollup's rows.
 */
function measureSql(
  m: Measure,
  branches: Branch[],
  dim: Dimension | undefined,
  filters: Filters,
  scope: Scope | undefined,
  params: Params,
  rolled?: Rolled | null,
): string {
  const f = filterSql(m.source, filters, scope, params);
  const d = dim ? dimSql(m.source, dim, filters.boundaries) : undefined;
  const joins = [...f.joins];
  if (d?.join && !joins.includes(d.join)) joins.push(d.join);
  const wrap = restate(m.source, filters, dim);
  const base = rolled?.table ?? m.from ?? SOURCE_DEFS[m.source].table;
  const table = wrap ? wrap(base) : base;
  const parts = branches.map((b, i) => {
    const { p, sub, timeWhere } = bindBranch(rolled ? rolledMeasure(m) : m, b, i, params);
    const where = [...f.where, ...timeWhere];
    if (m.where && !rolled) where.push(`(${m.where})`);
    const keySql = d ? `CAST(${d.key} AS VARCHAR)` : 'CAST(NULL AS VARCHAR)';
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    if (m.per) {
      // Groups (e.g. procedures) satisfying the condition, counted per period and key.
      return sub(`SELECT period, key, count(*) AS v FROM (
        SELECT $${p}k AS period, ${keySql} AS key, ${m.per.key} AS per_key
        FROM ${table} s ${joins.join(' ')} ${whereSql}
        GROUP BY ALL ${m.per.having ? `HAVING ${m.per.having}` : ''}) g GROUP BY period, key`);
    }
    const agg = rolled ? rolledAggSql(m, rolled.column, !!wrap) : (wrap ? WAGG : AGG)[m.agg](m.expr ?? '*');
    // A breakdown lists the keys with rows the measure counts: from a rollup, those whose count is not 0.
    const group = d ? `GROUP BY ALL${rolled ? ` HAVING ${rolled.having}` : ''}` : '';
    return sub(`SELECT $${p}k AS period, ${keySql} AS key, ${agg} AS v
      FROM ${table} s ${joins.join(' ')}
      ${whereSql} ${group}`);
  });
  return parts.join('\nUNION ALL\n');
}

/**
 * Branches per statement. A trend's two dozen periods (this year's months and last year's) in one UNION ALL hold
 * every branch's join state at once: a commune's month trend of a per-procedure KPI over the working-day view ran
 * out of a 1 GB memory limit on a store of a few hundred thousand dossiers. In statements of 8 the memory is bounded
 * and the round trips stay few.
 */
const BRANCHES_PER_STATEMENT = 8;

/**
 * Branches of the same range are asked once (a page's current period is often its year to date): the distinct
 * branches, and for each branch key the key of the distinct one that answers it.
 */
export function distinctBranches(branches: Branch[]): {
  distinct: Branch[];
  answeredBy: Map<string, string>;
} {
  const byRange = new Map<string, Branch>();
  const answeredBy = new Map<string, string>();
  for (const b of branches) {
    const r = `${b.range.from}/${b.range.to}`;
    if (!byRange.has(r)) byRange.set(r, b);
    answeredBy.set(b.key, byRange.get(r)!.key);
  }
  return { distinct: [...byRange.values()], answeredBy };
}

/** Numerator and denominator of a KPI for each branch (and each key of a breakdown), 8 branches per query. */
export async function computeCells(
  db: Db,
  kpi: Kpi,
  branches: Branch[],
  filters: Filters,
  opts: { dim?: Dimension; scope?: Scope; raw?: boolean } = {},
): Promise<RawCell[]> {
  const { distinct, answeredBy } = distinctBranches(branches);
  if (distinct.length < branches.length) {
    const cells = await computeCells(db, kpi, distinct, filters, opts);
    return branches.flatMap((b) =>
      cells.filter((c) => c.period === answeredBy.get(b.key)).map((c) => ({ ...c, period: b.key })),
    );
  }
  if (branches.length > BRANCHES_PER_STATEMENT) {
    const out: RawCell[] = [];
    for (let i = 0; i < branches.length; i += BRANCHES_PER_STATEMENT)
      out.push(
        ...(await computeCells(db, kpi, branches.slice(i, i + BRANCHES_PER_STATEMENT), filters, opts)),
      );
    return out;
  }
  const params: Params = {};
  const rolled = (m: Measure) =>
    rollupFor(db, m, filters, { dim: opts.dim, sectorScope: !!opts.scope?.sectors, raw: opts.raw });
  const num = measureSql(
    kpi.numerator,
    branches,
    opts.dim,
    filters,
    opts.scope,
    params,
    rolled(kpi.numerator),
  );
  if (!kpi.denominator) {
    return db.query<RawCell>(
      `SELECT period, key, v AS numerator, CAST(NULL AS DOUBLE) AS denominator FROM (${num})`,
      params,
    );
  }
  const den = measureSql(
    kpi.denominator,
    branches,
    opts.dim,
    filters,
    opts.scope,
    params,
    rolled(kpi.denominator),
  );
  return db.query<RawCell>(
    `WITH n AS (${num}), d AS (${den})
     SELECT coalesce(n.period, d.period) AS period, coalesce(n.key, d.key) AS key, n.v AS numerator, d.v AS denominator
     FROM n FULL OUTER JOIN d ON n.period = d.period AND n.key IS NOT DISTINCT FROM d.key`,
    params,
  );
}

/**
 * A cell's numerator, denominator and value, with one rule for empty input: counts and sums over no rows are 0,
 * an average over none (and any reported value) is absent; a ratio over 0 is null. Value = ratio × scale, or the
 * numerator itself.
 */
export function cellParts(
  kpi: Kpi,
  num: number | null,
  den: number | null,
): { numerator: number | null; denominator: number | null; value: number | null } {
  const zeroIfEmpty = (m: Measure, v: number | null) =>
    v === null &&
    (m.agg === 'count' || m.agg === 'count_distinct' || m.agg === 'sum') &&
    kpi.kind !== 'reported'
      ? 0
      : v;
  const n = zeroIfEmpty(kpi.numerator, num);
  const d = kpi.denominator ? zeroIfEmpty(kpi.denominator, den) : null;
  const value =
    !kpi.denominator || kpi.show === 'numerator'
      ? n
      : n === null || d === null || d === 0
        ? null
        : (n / d) * kpi.scale;
  return { numerator: n, denominator: d, value };
}

/** The value a cell shows (see cellParts). */
export function cellValue(kpi: Kpi, num: number | null, den: number | null): number | null {
  return cellParts(kpi, num, den).value;
}

/** Dimensions a KPI can be broken down by: those all its measures offer, plus time for flows and stocks. */
export function kpiDimensions(kpi: Kpi): Dimension[] {
  const ms = [kpi.numerator, ...(kpi.denominator ? [kpi.denominator] : [])];
  const common = sourceDimensions(ms[0].source).filter((d) =>
    ms.every((m) => sourceDimensions(m.source).includes(d)),
  );
  return kpi.kind === 'catalogue' ? common : [...common, ...TIME_DIMENSIONS];
}

/**
 * The filters a KPI's sources can take, for views showing many KPIs at once (the overview): the rule of
 * common/vocabulary.ts, the same the web's cards follow.
 */
export function applicableFilters(
  kpi: Kpi,
  filters: Filters,
): { applied: Filters; ignored: (keyof Filters)[] } {
  return applicableFiltersOf({ dimensions: kpiDimensions(kpi), kind: kpi.kind }, filters);
}

/**
 * The records behind a number as SQL: the rows of the measure's source under the same definition, newest first
 * (`$lim`/`$off` bound by the caller; a NULL limit is no limit), and the count of them.
 */
export function recordsSql(
  kpi: Kpi,
  range: Range,
  filters: Filters,
  opts: { part: 'numerator' | 'denominator'; scope?: Scope },
): { rowsSql: string; countSql: string; params: Params } {
  const m = opts.part === 'denominator' ? kpi.denominator : kpi.numerator;
  if (!m) throw new QueryError(`${kpi.id} has no denominator`);
  const params: Params = {};
  // The measure compiled for one branch, selecting rows instead of aggregating them.
  const agg = measureSql(
    { ...m, agg: 'count', per: undefined },
    [{ key: 'current', range }],
    undefined,
    filters,
    opts.scope,
    params,
  );
  const body = agg.slice(agg.indexOf('FROM '));
  const order = m.time ? `s."${m.time}" DESC, ` : '';
  const idCol =
    m.source === 'report_compliance'
      ? 's.indicator_code, s.unit_code, s.period_start'
      : m.source === 'communes' || m.source === 'agencies' || m.source === 'procedures'
        ? 's.code'
        : 's.id';
  const hidden = [
    ...(['documents', 'dossiers', 'payments', 'reports', 'feedback'].includes(m.source)
      ? ['delivery_id', 'loaded_at']
      : []),
    ...(restate(m.source, filters) ? ['w'] : []),
    // What the loader derives and stores with a record (a dossier's `ended_at`) is the engine's, not a field of it.
    ...(DERIVED_COLUMNS[m.source] ?? []).map((c) => c.name),
  ];
  const lineage = hidden.length ? ` EXCLUDE (${hidden.join(', ')})` : '';
  return {
    rowsSql: `SELECT s.*${lineage} ${body} ORDER BY ${order}${idCol} LIMIT $lim OFFSET $off`,
    countSql: `SELECT count(*) AS n ${body}`,
    params,
  };
}

/** One page of the records behind a number, and how many there are. */
export async function recordRows(
  db: Db,
  kpi: Kpi,
  range: Range,
  filters: Filters,
  opts: { part: 'numerator' | 'denominator'; limit: number; offset: number; scope?: Scope },
): Promise<{ total: number; rows: Record<string, unknown>[] }> {
  const q = recordsSql(kpi, range, filters, opts);
  const [rows, total] = await Promise.all([
    db.query(q.rowsSql, { ...q.params, lim: opts.limit, off: opts.offset }),
    db.query<{ n: number }>(q.countSql, q.params),
  ]);
  return { total: total[0]?.n ?? 0, rows };
}
