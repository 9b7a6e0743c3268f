// KPI answers for routes, the CLI and exports alike: value + comparisons + target + status + freshness,
// breakdowns and records. Plain functions over the engine; answers cached by the store's data version.

import { todayLocal } from '../../common/vn-time.ts';
import { valueKind, worstStatus } from '../../common/vocabulary.ts';
import type { Db } from '../db/index.ts';
import { inForceSql } from '../db/sql.ts';
import { FEED_NAMES } from '../feeds/specs.ts';
import { type FeedStatus, readFeedState, withStaleness } from '../feeds/status.ts';
import { CellBatcher } from './batch.ts';
import {
  applicableFilters,
  type Branch,
  cellParts,
  cellValue,
  computeCells,
  kpiDimensions,
  QueryError,
  recordRows,
  type Scope,
  ScopeError,
  subsystemInScope,
} from './engine.ts';
import { historyNote } from './history.ts';
import { type IndexScore, index766 } from './index766.ts';
import { buckets, comparisons, type Grain, localEndExclusive, type Range } from './period.ts';
import type { Registry } from './registry.ts';
import { changePct, changePoints, statusOf } from './status.ts';
import type {
  BreakdownRow,
  Dimension,
  Filters,
  Kpi,
  KpiAnswer,
  PeriodValue,
  SourceName,
  Status,
} from './types.ts';
import { TIME_DIMENSIONS } from './types.ts';

export class NotFoundError extends Error {}

export interface KpiContext {
  db: Db;
  registry: Registry;
  scope?: Scope;
  /** Set by a page asking for many answers at once (the overview): their queries are batched (batch.ts). */
  batch?: CellBatcher;
}

/**
 * Answers cached by the version of the data they read: a delivery of dossiers leaves the reported indicators'
 * answers cached (live demo traffic writes every few seconds), and no answer outlives a delivery it depends on.
 */
class VersionedCache {
  private map = new Map<string, Promise<unknown>>();
  get<T>(db: Db, key: string, make: () => Promise<T>, feeds: readonly string[] = FEED_NAMES): Promise<T> {
    key = `${db.versionOf(feeds)}|${key}`;
    const hit = this.map.get(key);
    if (hit) return hit as Promise<T>;
    const p = make();
    p.catch(() => this.map.delete(key));
    if (this.map.size > 5000) this.map.clear();
    this.map.set(key, p);
    return p;
  }
}
const cache = new VersionedCache();

/** An answer cached by the version of the feeds it reads (the one answer cache of the KPI service). */
export function cached<T>(db: Db, key: string, make: () => Promise<T>, feeds: readonly string[]): Promise<T> {
  return cache.get(db, key, make, feeds);
}

const SOURCE_FEED: Partial<Record<SourceName, string>> = {
  documents: 'documents',
  dossiers: 'dossiers',
  payments: 'payments',
  reports: 'reports',
  feedback: 'feedback',
  report_compliance: 'reports',
};
/** The feeds an answer reads, derived from its measures' sources (the 766 score: dossiers and the reported transparency). */
function readsFeeds(kpi: Kpi): string[] {
  if (kpi.kind === 'index') return ['dossiers', 'reports', 'feedback'];
  const ms = [kpi.numerator, ...(kpi.denominator ? [kpi.denominator] : [])];
  return [...new Set(ms.map((m) => SOURCE_FEED[m.source]).filter((f): f is string => f !== undefined))];
}

export function getKpiDef(ctx: KpiContext, id: string): Kpi {
  const k = ctx.registry.kpis.get(id);
  if (!k) throw new NotFoundError(`unknown KPI ${id}`);
  if (!subsystemInScope(ctx.scope, k.subsystem))
    throw new ScopeError(`outside your scope: subsystem ${k.subsystem}`);
  return k;
}

/** Keyed by the minute (`stale` moves with the clock); what the store says is cached by the data version alone. */
export function feedStatus(ctx: KpiContext): Promise<FeedStatus[]> {
  return cache.get(ctx.db, `feeds:${minute()}`, async () =>
    withStaleness(await cache.get(ctx.db, 'feeds', () => readFeedState(ctx.db))),
  );
}

const minute = () => Math.floor(Date.now() / 60_000);

const BRANCH_NAMES = ['current', 'previousPeriod', 'samePeriodLastYear', 'yearToDate'] as const;

/** A reported indicator's annual plan for the unit (province when no unit filter) and the range's year. */
async function targetFor(ctx: KpiContext, kpi: Kpi, filters: Filters, year: number): Promise<number | null> {
  if (!kpi.indicator) return kpi.target ?? null;
  const rows = await ctx.db.query<{ target: number }>(
    `SELECT target FROM targets WHERE indicator_code = $i AND year = $y
       AND unit_code = coalesce($u, (SELECT code FROM units WHERE level = 'province' LIMIT 1))`,
    { i: kpi.indicator, y: year, u: filters.unit ?? null },
  );
  return rows[0]?.target ?? kpi.target ?? null;
}

function scoreValue(kpi: Kpi, s: IndexScore | undefined): number | null {
  if (!s) return null;
  const group = kpi.id.split('.')[1];
  return group === 'total' ? s.total : (s.groups[group as keyof IndexScore['groups']] ?? null);
}

/** A KPI's name as of a date: the last of its dated names in force then (labels follow their rules), else its name. */
export function nameAt(kpi: Kpi, date: string): { vi: string; en: string } {
  const n = (kpi.names ?? []).filter((x) => x.from <= date).at(-1);
  return n ? { vi: n.vi, en: n.en } : kpi.name;
}

/** computeCells, through the page's batcher when there is one. */
const cellsVia = (ctx: KpiContext): OmitThisParameter<CellBatcher['cells']> =>
  ctx.batch ? ctx.batch.cells.bind(ctx.batch) : (kpi, b, f, opts) => computeCells(ctx.db, kpi, b, f, opts);

/**
 * The reported transparency score (index766_transparency) per branch, if the indicator exists. It is reported for
 * the province (the public portal is province-wide), so agencies and communes share it.
 */
export async function transparencyScores(ctx: KpiContext, branches: Branch[], filters: Filters) {
  const t = [...ctx.registry.kpis.values()].find((k) => k.indicator === 'index766_transparency');
  if (!t) return undefined;
  const cells = await cellsVia(ctx)(t, branches, { unit: filters.unit }, { scope: ctx.scope });
  return new Map(cells.map((c) => [c.period, c.numerator]));
}

/** Values of a KPI for several branches (periods), optionally by a dimension. */
async function cellsFor(ctx: KpiContext, kpi: Kpi, branches: Branch[], filters: Filters, dim?: Dimension) {
  if (kpi.kind === 'index') {
    const score = async () =>
      index766(ctx.db, branches, filters, {
        dim,
        scope: ctx.scope,
        transparency: await transparencyScores(ctx, branches, filters),
      });
    // The 766 KPIs of one page share one computation of the scores.
    const scores = await (ctx.batch
      ? ctx.batch.once(`index766:${JSON.stringify([branches, filters, dim ?? null])}`, score)
      : score());
    return branches.flatMap((b) =>
      [...(scores.get(b.key)?.entries() ?? [])].map(([key, s]) => ({
        period: b.key,
        key,
        numerator: scoreValue(kpi, s),
        denominator: null,
        value: scoreValue(kpi, s),
        score: s,
      })),
    );
  }
  const cells = await cellsVia(ctx)(kpi, branches, filters, { dim, scope: ctx.scope });
  return cells.map((c) => {
    return { ...c, ...cellParts(kpi, c.numerator, c.denominator), score: undefined };
  });
}

export async function getKpi(
  ctx: KpiContext,
  id: string,
  range: Range,
  filters: Filters,
): Promise<KpiAnswer & { index766?: IndexScore }> {
  const kpi = getKpiDef(ctx, id);
  const key = JSON.stringify([range, filters, ctx.scope]);
  // The answer is keyed by the minute too (`stale` moves with the clock); its figures are cached by the data alone,
  // so the minute turning only puts the answer together again, without a query.
  return cache.get(
    ctx.db,
    `kpi:${id}:${minute()}:${key}`,
    async () => {
      const cmp = comparisons(range);
      const [{ cells, target }, feeds, history] = await Promise.all([
        cache.get(
          ctx.db,
          `cells:${id}:${key}`,
          async () => {
            const branches: Branch[] = BRANCH_NAMES.map((k) => ({ key: k, range: cmp[k] }));
            const [cells, target] = await Promise.all([
              cellsFor(ctx, kpi, branches, filters),
              targetFor(ctx, kpi, filters, +range.to.slice(0, 4)),
            ]);
            return { cells, target };
          },
          readsFeeds(kpi),
        ),
        feedStatus(ctx),
        // Reference data only (the base version): a reform of units between last year's period and this one.
        cache.get(
          ctx.db,
          `history:${key}`,
          () => historyNote(ctx.db, filters, cmp.samePeriodLastYear.from, range),
          [],
        ),
      ]);
      const myFeeds = feeds.filter((f) => kpi.feeds.includes(f.feed));
      const pv = (k: (typeof BRANCH_NAMES)[number]): PeriodValue => {
        const c = cells.find((x) => x.period === k);
        return {
          ...cmp[k],
          value: c?.value ?? null,
          numerator: c?.numerator ?? null,
          denominator: c?.denominator ?? null,
        };
      };
      const cur = pv('current');
      const ytd = pv('yearToDate');
      // An annual plan for a flow summed over the year is judged year-to-date against the share of the year gone.
      const annualFlow = kpi.indicator !== undefined && kpi.aggregation === 'sum';
      const progressBase = annualFlow ? ytd.value : cur.value;
      const share = annualFlow ? +range.to.slice(5, 7) / 12 : 1;
      const newest =
        myFeeds
          .map((f) => f.newestEventAt)
          .filter((x): x is string => x !== null)
          .sort()
          .at(0) ?? null;
      const end = new Date(localEndExclusive(range.to)).toISOString();
      return {
        id: kpi.id,
        subsystem: kpi.subsystem,
        name: nameAt(kpi, range.to),
        unit: kpi.unit,
        direction: kpi.direction,
        kind: kpi.kind,
        from: range.from,
        to: range.to,
        filters,
        value: cur.value,
        numerator: kpi.denominator || kpi.kind === 'index' ? cur.numerator : null,
        denominator: kpi.denominator ? cur.denominator : null,
        previousPeriod: pv('previousPeriod'),
        samePeriodLastYear: pv('samePeriodLastYear'),
        yearToDate: ytd,
        change: changePct(cur.value, pv('samePeriodLastYear').value),
        changePoints: changePoints(kpi.unit, cur.value, pv('samePeriodLastYear').value),
        target,
        targetProgress: target && progressBase !== null ? progressBase / target : null,
        status: statusOf(kpi, annualFlow ? progressBase : cur.value, target, share),
        asOf: kpi.kind === 'catalogue' ? null : newest && newest < end ? newest : newest ? end : null,
        stale: myFeeds.some((f) => f.stale),
        dimensions: kpiDimensions(kpi),
        history,
        ...(kpi.kind === 'index' ? { index766: cells.find((c) => c.period === 'current')?.score } : {}),
      };
    },
    [...new Set([...readsFeeds(kpi), ...kpi.feeds])], // asOf: the newest event of every feed the KPI names
  );
}

export interface BreakdownAnswer {
  id: string;
  by: Dimension;
  from: string;
  to: string;
  filters: Filters;
  unit: string;
  rows: BreakdownRow[];
  /** By district or commune: the records of no unit of that level (province-level agencies), beside the ranking. */
  outside?: BreakdownRow | null;
}

/** The label of the records that belong to no unit of a level. */
export const OUTSIDE_LABEL: Partial<Record<Dimension, string>> = {
  commune: 'Cấp tỉnh — không thuộc xã',
  district: 'Cấp tỉnh — không thuộc huyện',
};

/** Label of each key: unit, agency, procedure and indicator names; sectors and dates are their own label. */
export async function labelsOf(
  ctx: KpiContext,
  by: Dimension,
  view: Filters['boundaries'] = 'current',
): Promise<Map<string, string>> {
  const sql: Partial<Record<Dimension, string>> = {
    province: 'SELECT code AS k, name AS v FROM units',
    // Today's view of an ended district is the area of today's communes it became: "Khu vực Huyện X (cũ)".
    district:
      view === 'then'
        ? 'SELECT code AS k, name AS v FROM units'
        : `SELECT code AS k, CASE WHEN valid_to IS NULL THEN name ELSE 'Khu vực ' || name || ' (cũ)' END AS v FROM units`,
    commune: 'SELECT code AS k, name AS v FROM units',
    agency: 'SELECT code AS k, name AS v FROM agencies',
    procedure: 'SELECT code AS k, name AS v FROM procedures',
    indicator: 'SELECT code AS k, name_vi AS v FROM indicators',
  };
  const q = sql[by];
  if (!q) return new Map();
  return cache.get(
    ctx.db,
    `labels:${by}:${view === 'then' && by === 'district' ? 'then' : 'current'}`,
    async () => new Map((await ctx.db.query<{ k: string; v: string }>(q)).map((r) => [r.k, r.v])),
    [],
  );
}

/**
 * Every unit of a level under the filter unit, so a unit with nothing to count shows as 0, not as absent: the
 * units of today in the current view, the units in force at the period's end in the view as they were.
 */
async function unitKeys(ctx: KpiContext, by: Dimension, filters: Filters, range: Range): Promise<string[]> {
  const day = filters.boundaries === 'then' ? range.to : todayLocal();
  return (
    await ctx.db.query<{ code: string }>(
      // By district, also the former districts whose areas today's communes are (unit_paths: khu vực huyện cũ).
      `SELECT DISTINCT code FROM (
         SELECT CASE WHEN p.level = $lvl THEN p.code ELSE p.district_code END AS code
         FROM unit_paths p JOIN units u USING (code)
         WHERE (p.level = $lvl OR ($lvl = 'district' AND p.level = 'commune' AND p.district_code IS NOT NULL))
           AND ($u IS NULL OR $u IN (p.province_code, p.district_code, p.commune_code))
           AND ${inForceSql('u', 'CAST($d AS DATE)')}) k
       ORDER BY code`,
      { lvl: by, u: filters.unit ?? null, d: day },
    )
  ).map((r) => r.code);
}

const MAX_BUCKETS: Record<Grain, number> = { day: 400, month: 240, quarter: 80, year: 30 };

export async function getBreakdown(
  ctx: KpiContext,
  id: string,
  range: Range,
  filters: Filters,
  by: Dimension,
): Promise<BreakdownAnswer> {
  const kpi = getKpiDef(ctx, id);
  if (!kpiDimensions(kpi).includes(by)) throw new QueryError(`${id} cannot be broken down by ${by}`);
  return cache.get(
    ctx.db,
    `bd:${id}:${by}:${JSON.stringify([range, filters, ctx.scope])}`,
    async () => {
      let rows: BreakdownRow[];
      // Rows are judged against the target the card uses: the indicator's plan for the period's year (a unit's own
      // plan when it has one); a province-wide plan judges a unit's rate, never a unit's count.
      const cardTarget = await targetFor(ctx, kpi, filters, +range.to.slice(0, 4));
      const unitTargets =
        kpi.indicator && (by === 'district' || by === 'commune')
          ? new Map(
              (
                await ctx.db.query<{ unit_code: string; target: number }>(
                  'SELECT unit_code, target FROM targets WHERE indicator_code = $i AND year = $y',
                  { i: kpi.indicator, y: +range.to.slice(0, 4) },
                )
              ).map((t) => [t.unit_code, t.target]),
            )
          : undefined;
      const rate = valueKind(kpi.unit) === 'percent';
      const targetOf = (key: string | null): number | null =>
        (key !== null ? unitTargets?.get(key) : undefined) ?? (rate || !kpi.indicator ? cardTarget : null);
      if ((TIME_DIMENSIONS as readonly string[]).includes(by)) {
        // A trend: one branch per bucket (stocks are evaluated at each bucket's end), with last year's bucket beside it.
        const bs = buckets(range, by as Grain);
        if (bs.length > MAX_BUCKETS[by as Grain])
          throw new QueryError(`too many ${by} buckets (${bs.length}); choose a coarser grain`);
        const cur: Branch[] = bs.map((r) => ({ key: r.from, range: r }));
        const ly: Branch[] = bs.map((r) => ({
          key: `ly:${r.from}`,
          range: comparisons(r).samePeriodLastYear,
        }));
        const cells = await cellsFor(ctx, kpi, [...cur, ...ly], filters);
        rows = bs.map((r) => {
          const c = cells.find((x) => x.period === r.from);
          const l = cells.find((x) => x.period === `ly:${r.from}`);
          return row(kpi, r.from, r.from, c, l?.value ?? null, targetOf(null));
        });
      } else {
        const cmp = comparisons(range);
        const cells = await cellsFor(
          ctx,
          kpi,
          [
            { key: 'cur', range },
            { key: 'ly', range: cmp.samePeriodLastYear },
          ],
          filters,
          by,
        );
        const names = await labelsOf(ctx, by, filters.boundaries);
        let keys = [...new Set(cells.filter((c) => c.period === 'cur').map((c) => c.key))];
        if (by === 'district' || by === 'commune')
          keys = [...new Set([...(await unitKeys(ctx, by, filters, range)), ...keys])];
        rows = keys.map((k) => {
          const c = cells.find((x) => x.period === 'cur' && x.key === k);
          const l = cells.find((x) => x.period === 'ly' && x.key === k);
          const r = row(kpi, k, k === null ? null : (names.get(k) ?? k), c, l?.value ?? null, targetOf(k));
          // A unit without any row is "no data" for ratios, 0 for counts.
          return c ? r : { ...r, value: cellValue(kpi, null, null), numerator: null, denominator: null };
        });
        rows.sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity));
      }
      // Records of no unit of that level (province-level departments' documents and dossiers) are not a unit:
      // labelled, kept out of the ranking (and the map's classes), answered beside it.
      let outside: BreakdownRow | null = null;
      const label = OUTSIDE_LABEL[by];
      const i = label ? rows.findIndex((r) => r.key === null) : -1;
      if (i >= 0 && label) {
        outside = { ...rows[i], label };
        rows.splice(i, 1);
      }
      return { id, by, from: range.from, to: range.to, filters, unit: kpi.unit, rows, outside };
    },
    readsFeeds(kpi),
  );
}

function row(
  kpi: Kpi,
  key: string | null,
  label: string | null,
  c: { value: number | null; numerator: number | null; denominator: number | null } | undefined,
  ly: number | null,
  target: number | null,
): BreakdownRow {
  const value = c?.value ?? null;
  const status: Status = statusOf(kpi, value, target);
  return {
    key,
    label,
    value,
    numerator: c?.numerator ?? null,
    denominator: c?.denominator ?? null,
    samePeriodLastYear: ly,
    change: changePct(value, ly),
    changePoints: changePoints(kpi.unit, value, ly),
    status,
  };
}

export async function getRecords(
  ctx: KpiContext,
  id: string,
  range: Range,
  filters: Filters,
  opts: { part: 'numerator' | 'denominator'; limit: number; offset: number },
) {
  const kpi = getKpiDef(ctx, id);
  if (kpi.kind === 'index')
    throw new QueryError(`${id} is a composite score: open the records of its component KPIs`);
  const r = await recordRows(ctx.db, kpi, range, filters, { ...opts, scope: ctx.scope });
  return {
    id,
    part: opts.part,
    from: range.from,
    to: range.to,
    filters,
    total: r.total,
    limit: opts.limit,
    offset: opts.offset,
    rows: r.rows,
  };
}

export interface SubsystemSummary {
  id: string;
  order: number;
  name: { vi: string; en: string };
  status: Status;
  stale: boolean;
  asOf: string | null;
  headline: KpiAnswer[];
}

/** The 12 subsystems with their headline KPIs: the overview and the wall in one call. */
export async function getSubsystems(
  ctx: KpiContext,
  range: Range,
  filters: Filters,
): Promise<SubsystemSummary[]> {
  ctx = { ...ctx, batch: new CellBatcher(ctx.db, ctx.scope) };
  return Promise.all(
    // The list itself obeys the scope: subsystems outside it are not listed (their KPIs answer 403).
    ctx.registry.subsystems
      .filter((s) => subsystemInScope(ctx.scope, s.id))
      .map(async (s) => {
        const ids = s.headline.filter((h) => ctx.registry.kpis.has(h));
        const headline = await Promise.all(
          ids.map(async (h) => {
            const { applied, ignored } = applicableFilters(getKpiDef(ctx, h), filters);
            const a = await getKpi(ctx, h, range, applied);
            return ignored.length ? { ...a, ignoredFilters: ignored } : a;
          }),
        );
        const worst = worstStatus(headline.map((k) => k.status));
        // "As of" means one thing everywhere: the moment up to which everything shown is known — the earliest
        // newest event among the feeds behind it (a KPI's feeds; a tile's KPIs).
        const asOf =
          headline
            .map((k) => k.asOf)
            .filter((x): x is string => !!x)
            .sort()
            .at(0) ?? null;
        return {
          id: s.id,
          order: s.order,
          name: s.name,
          status: worst,
          stale: headline.some((k) => k.stale),
          asOf,
          headline,
        };
      }),
  );
}
