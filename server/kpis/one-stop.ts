// The one-stop report table (báo cáo tình hình giải quyết hồ sơ): per agency or commune, for a period, the columns
// the one-stop system's own report lays out — received, carried over, completed early / on the due day / late, in
// progress within / past the deadline, waiting for supplement, returned / withdrawn / cancelled. One query; each
// column is the condition of the services KPI of the same name (dossier-states.ts), under the same filter path.
import type { Params } from '../db/index.ts';
import * as S from './dossier-states.ts';
import { bindBranch, dimSql, filterSql, restate, type Scope, WAGG } from './engine.ts';
import type { Range } from './period.ts';
import { cached, type KpiContext, labelsOf, OUTSIDE_LABEL } from './service.ts';
import { SOURCE_DEFS } from './sources.ts';
import type { Filters } from './types.ts';

export const ONE_STOP_BY = ['agency', 'commune', 'district', 'sector', 'procedure'] as const;
export type OneStopBy = (typeof ONE_STOP_BY)[number];

/** The columns in the report's order: key, KPI it equals, condition (null: a sum of others), labels. */
export const ONE_STOP_COLUMNS = [
  {
    key: 'handled',
    kpi: 'services.dossiers_handled',
    where: S.HANDLED,
    vi: 'Tổng số phải giải quyết',
    en: 'Handled',
  },
  {
    key: 'carried_over',
    kpi: 'services.dossiers_carried_over',
    where: S.CARRIED_OVER,
    vi: 'Kỳ trước chuyển qua',
    en: 'Carried over',
  },
  {
    key: 'received',
    kpi: 'services.dossiers_received',
    where: 's.received_at >= {start} AND s.received_at < {end}',
    vi: 'Tiếp nhận trong kỳ',
    en: 'Received',
  },
  {
    key: 'completed',
    kpi: 'services.dossiers_completed',
    where: `${S.COMPLETED} AND s.completed_at >= {start} AND s.completed_at < {end}`,
    vi: 'Đã giải quyết',
    en: 'Completed',
  },
  {
    key: 'early',
    kpi: 'services.completed_early',
    where: `${S.EARLY} AND s.completed_at >= {start} AND s.completed_at < {end}`,
    vi: 'Trước hạn',
    en: 'Early',
  },
  {
    key: 'on_time',
    kpi: 'services.completed_on_time',
    where: `${S.ON_DUE_DAY} AND s.completed_at >= {start} AND s.completed_at < {end}`,
    vi: 'Đúng hạn',
    en: 'On the due day',
  },
  {
    key: 'late',
    kpi: 'services.completed_late',
    where: `${S.LATE} AND s.completed_at >= {start} AND s.completed_at < {end}`,
    vi: 'Quá hạn',
    en: 'Late',
  },
  {
    key: 'in_progress_within',
    kpi: 'services.in_progress_within',
    where: S.IN_PROGRESS_WITHIN,
    vi: 'Đang giải quyết trong hạn',
    en: 'In progress, within deadline',
  },
  {
    key: 'in_progress_overdue',
    kpi: 'services.overdue_in_progress',
    where: S.OVERDUE,
    vi: 'Đang giải quyết quá hạn',
    en: 'In progress, overdue',
  },
  {
    key: 'waiting',
    kpi: 'services.waiting_supplement',
    where: S.WAITING,
    vi: 'Chờ bổ sung',
    en: 'Waiting for supplement',
  },
  {
    key: 'closed',
    kpi: 'services.dossiers_closed',
    where: S.CLOSED_IN,
    vi: 'Trả lại / rút / hủy',
    en: 'Returned / withdrawn / cancelled',
  },
] as const;

export type OneStopCounts = Record<(typeof ONE_STOP_COLUMNS)[number]['key'], number>;

export interface OneStopRow extends OneStopCounts {
  key: string | null;
  label: string | null;
  /** (early + on the due day) ÷ completed × 100; null without completions. */
  ontime_rate: number | null;
}

export interface OneStopAnswer {
  from: string;
  to: string;
  by: OneStopBy;
  filters: Filters;
  /** The one-stop rules in force during the period (a period across 1/7/2025 names both). */
  rules: { from: string; vi: string; en: string }[];
  columns: { key: string; kpi: string | null; vi: string; en: string }[];
  rows: OneStopRow[];
  total: OneStopRow;
}

const rate = (c: OneStopCounts) => (c.completed > 0 ? ((c.early + c.on_time) / c.completed) * 100 : null);

async function compute(
  ctx: KpiContext,
  range: Range,
  filters: Filters,
  by: OneStopBy,
  scope: Scope | undefined,
): Promise<OneStopAnswer> {
  const params: Params = {};
  const f = filterSql('dossiers', filters, scope, params);
  const d = dimSql('dossiers', by, filters.boundaries);
  const joins = [...f.joins];
  if (d.join && !joins.includes(d.join)) joins.push(d.join);
  const { sub } = bindBranch(
    { source: 'dossiers', agg: 'count', timeType: 'timestamptz' },
    { key: 'cur', range },
    0,
    params,
  );
  // The current view restates former units (a divided commune's dossiers count by its shares).
  const wrap = restate('dossiers', filters, by);
  const aggs = ONE_STOP_COLUMNS.map(
    (c) =>
      `${wrap ? WAGG.count('', ` FILTER (WHERE ${c.where})`) : `count(*) FILTER (WHERE ${c.where})`} AS ${c.key}`,
  );
  // Only the rows some column can count: handled in the period, or completed or closed in it. The columns' own
  // conditions then run on those rows alone (a quarter's few hundred thousand, not every dossier since 2020).
  const relevant = `((${S.HANDLED}) OR (s.completed_at >= {start} AND s.completed_at < {end}) OR (${S.CLOSED_IN}))`;
  const relevantRows = `(SELECT * FROM ${SOURCE_DEFS.dossiers.table} s WHERE ${relevant})`;
  const sql = sub(`SELECT CAST(${d.key} AS VARCHAR) AS key, ${aggs.join(', ')}
    FROM ${wrap ? wrap(relevantRows) : relevantRows} s ${joins.join(' ')}
    ${f.where.length ? `WHERE ${f.where.join(' AND ')}` : ''}
    GROUP BY ALL`);
  const raw = await ctx.db.query<OneStopCounts & { key: string | null }>(sql, params);
  const names = await labelsOf(ctx, by, filters.boundaries);
  const rows: OneStopRow[] = raw
    .map((r) => ({
      ...r,
      label: r.key === null ? (OUTSIDE_LABEL[by] ?? null) : (names.get(r.key) ?? r.key),
      ontime_rate: rate(r),
    }))
    .filter((r) => ONE_STOP_COLUMNS.some((c) => r[c.key] > 0))
    .sort((a, b) => b.handled - a.handled || String(a.key).localeCompare(String(b.key)));
  const sum = Object.fromEntries(
    // Shares of divided communes add up in floating point: whole dossiers again to 6 decimals (as the rows are).
    ONE_STOP_COLUMNS.map((c) => [c.key, Math.round(rows.reduce((a, r) => a + r[c.key], 0) * 1e6) / 1e6]),
  ) as OneStopCounts;
  return {
    from: range.from,
    to: range.to,
    by,
    filters,
    rules: S.rulesInForce(S.ONE_STOP_RULES, range.from, range.to).map((r) => ({ ...r })),
    columns: [
      ...ONE_STOP_COLUMNS.map(({ key, kpi, vi, en }) => ({ key, kpi, vi, en })),
      { key: 'ontime_rate', kpi: 'services.ontime_rate', vi: 'Tỷ lệ đúng hạn (%)', en: 'On-time rate (%)' },
    ],
    rows,
    total: { key: null, label: null, ...sum, ontime_rate: rate(sum) },
  };
}

/** The table for a period, by agency, commune (…), inside the caller's scope; cached by the dossiers' version. */
export function oneStopTable(
  ctx: KpiContext,
  range: Range,
  filters: Filters,
  by: OneStopBy,
): Promise<OneStopAnswer> {
  return cached(
    ctx.db,
    `onestop:${by}:${JSON.stringify([range, filters, ctx.scope])}`,
    () => compute(ctx, range, filters, by, ctx.scope),
    ['dossiers'],
  );
}
