// KPI records (the registry's data) and the answers the engine gives. Shared with the web app as types only.
import { z } from 'zod';
import type { Dimension, Status } from '../../common/vocabulary.ts';

export const SOURCES = [
  'documents',
  'dossiers',
  'payments',
  'reports',
  'feedback',
  'report_compliance',
  'agencies',
  'communes',
  'procedures',
] as const;
export type SourceName = (typeof SOURCES)[number];

// The API's words (dimensions, statuses) live in common/vocabulary.ts, shared with the web.
export { DIMENSIONS, type Dimension, type Status, TIME_DIMENSIONS } from '../../common/vocabulary.ts';

export const MeasureSchema = z.object({
  source: z.enum(SOURCES),
  agg: z.enum(['count', 'sum', 'avg', 'count_distinct', 'max']),
  /** Column expression over the source row `s` (sum, avg, count_distinct, max). */
  expr: z.string().optional(),
  /** Row condition; may use {start} {end} (TIMESTAMPTZ) and {startDate} {endDate} (DATE, end exclusive). */
  where: z.string().optional(),
  /** Event-time column for flow KPIs: rows whose time falls in the range. Omitted: stock/catalogue. */
  time: z.string().optional(),
  /** `date` when the time column is a DATE (report periods). */
  timeType: z.enum(['timestamptz', 'date']).default('timestamptz'),
  /** Replaces the source table (e.g. latest report per unit as of {end}). */
  from: z.string().optional(),
  /**
   * Count groups instead of rows: the distinct values of `key` (e.g. procedures) among the measure's rows whose
   * group satisfies `having` (an aggregate condition over the group's rows), e.g. procedures whose average
   * processing time beats the time allowed.
   */
  per: z.object({ key: z.string(), having: z.string().optional() }).optional(),
});
export type Measure = z.infer<typeof MeasureSchema>;
export type MeasureInput = z.input<typeof MeasureSchema>;

export const KpiSchema = z.object({
  id: z.string().regex(/^[a-z0-9_]+\.[a-z0-9_]+$/),
  subsystem: z.string(),
  name: z.object({ vi: z.string(), en: z.string() }),
  description: z.object({ vi: z.string(), en: z.string() }).optional(),
  /** Names that changed with a rule, by the date they took effect: an answer carries the name of its period's end. */
  names: z.array(z.object({ from: z.string(), vi: z.string(), en: z.string() })).optional(),
  unit: z.string(),
  direction: z.enum(['up', 'down']),
  /** flow: events in range; stock: state at range end; catalogue: reference data; reported: reports feed. */
  kind: z.enum(['flow', 'stock', 'catalogue', 'reported', 'index']),
  numerator: MeasureSchema,
  denominator: MeasureSchema.optional(),
  /** 100 for percentages. */
  scale: z.number().default(1),
  /** `numerator`: the value is the count itself, shown "of" the denominator (153 of 225 communes). */
  show: z.enum(['ratio', 'numerator']).default('ratio'),
  target: z.number().optional(),
  thresholds: z.object({ good: z.number(), warning: z.number() }).optional(),
  /** Feeds whose freshness decides `stale`. */
  feeds: z.array(z.string()),
  /** For reported KPIs: the indicator, its aggregation and annual targets. */
  indicator: z.string().optional(),
  aggregation: z.enum(['sum', 'avg', 'last', 'max']).optional(),
});
export type Kpi = z.infer<typeof KpiSchema>;
export type KpiInput = z.input<typeof KpiSchema>;

export const SubsystemSchema = z.object({
  id: z.string(),
  order: z.number(),
  name: z.object({ vi: z.string(), en: z.string() }),
  feeds: z.array(z.string()),
  headline: z.array(z.string()),
});
export type Subsystem = z.infer<typeof SubsystemSchema>;

export interface PeriodValue {
  from: string;
  to: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
}

import type { HistoryNote } from './history.ts';

export interface KpiAnswer {
  id: string;
  subsystem: string;
  name: { vi: string; en: string };
  unit: string;
  direction: 'up' | 'down';
  kind: Kpi['kind'];
  from: string;
  to: string;
  filters: Filters;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  previousPeriod: PeriodValue;
  samePeriodLastYear: PeriodValue;
  yearToDate: PeriodValue;
  /** Relative change vs the same period last year, in percent. */
  change: number | null;
  /** For a percentage: its change vs the same period last year in percentage points (the change people read). */
  changePoints: number | null;
  target: number | null;
  /** value ÷ target (reported indicators with an annual plan: year-to-date ÷ plan). */
  targetProgress: number | null;
  status: Status;
  asOf: string | null;
  stale: boolean;
  /** Breakdown and records are available by these. */
  dimensions: Dimension[];
  /** A reform of units between the compared periods, and how the earlier one is counted (kpis/history.ts). */
  history: HistoryNote | null;
  /** Overview only: filters of the page this KPI cannot take (its answer is without them; `filters` shows what applied). */
  ignoredFilters?: (keyof Filters)[];
}

export interface BreakdownRow {
  key: string | null;
  label: string | null;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  samePeriodLastYear: number | null;
  change: number | null;
  changePoints: number | null;
  status: Status;
}

export const FiltersSchema = z.object({
  unit: z
    .string()
    .regex(/^[0-9A-Za-z._-]{1,32}$/)
    .optional(),
  agency: z
    .string()
    .regex(/^[0-9A-Za-z._-]{1,64}$/)
    .optional(),
  sector: z
    .string()
    .regex(/^[0-9A-Za-z_-]{1,64}$/)
    .optional(),
  procedure: z
    .string()
    .regex(/^[0-9A-Za-z._-]{1,64}$/)
    .optional(),
  indicator: z
    .string()
    .regex(/^[0-9A-Za-z_-]{1,64}$/)
    .optional(),
  /** Which units history is shown by: today's (`current`, the default: former units restated) or as they were. */
  boundaries: z.enum(['current', 'then']).optional(),
});
export type Filters = z.infer<typeof FiltersSchema>;
