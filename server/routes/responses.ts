// What the main routes answer, as zod schemas: the OpenAPI document publishes them (so a generated client has
// real types), and a test validates real answers against the document. Kept beside the answer types of the
// service; `satisfies` ties each schema to the TypeScript type the handler returns.
import { z } from 'zod';
import { DIMENSIONS, FILTER_NAMES, STATUSES } from '../../common/vocabulary.ts';
import type { LoadReport } from '../feeds/loader.ts';
import type { KpiAnswer } from '../kpis/types.ts';

const names = z.object({ vi: z.string(), en: z.string() });
const num = z.number().nullable();
const date = z.string().meta({ format: 'date' });
const filters = z.object({
  unit: z.string().optional(),
  agency: z.string().optional(),
  sector: z.string().optional(),
  procedure: z.string().optional(),
  indicator: z.string().optional(),
});
const periodValue = z.object({ from: date, to: date, value: num, numerator: num, denominator: num });
const status = z.enum(STATUSES);

export const HealthAnswer = z.object({
  status: z.literal('ok'),
  version: z.number().int().describe('the store’s data version: it grows with every committed write'),
  startedAt: z.string(),
  kpis: z.number().int(),
});

export const KpiAnswerSchema = z.object({
  id: z.string(),
  subsystem: z.string(),
  name: names,
  unit: z.string(),
  direction: z.enum(['up', 'down']),
  kind: z.enum(['flow', 'stock', 'catalogue', 'reported', 'index']),
  from: date,
  to: date,
  /** The `to` asked for, when a period still running was cut at today. */
  requestedTo: date.optional(),
  filters,
  value: num,
  numerator: num,
  denominator: num,
  previousPeriod: periodValue,
  samePeriodLastYear: periodValue,
  yearToDate: periodValue,
  change: num.describe('relative change vs the same period last year, in percent'),
  changePoints: num.describe('a percentage’s change vs the same period last year, in percentage points'),
  target: num,
  targetProgress: num,
  status,
  asOf: z.string().nullable().describe('the earliest newest event among the feeds behind the KPI'),
  stale: z.boolean(),
  dimensions: z.array(z.enum(DIMENSIONS)),
  ignoredFilters: z.array(z.enum(FILTER_NAMES)).optional(),
  index766: z.unknown().optional(),
}) satisfies z.ZodType<Omit<KpiAnswer, 'filters'>>;

export const BreakdownAnswerSchema = z.object({
  id: z.string(),
  by: z.enum(DIMENSIONS),
  from: date,
  to: date,
  requestedTo: date.optional(),
  filters,
  unit: z.string(),
  rows: z.array(
    z.object({
      key: z.string().nullable(),
      label: z.string().nullable(),
      value: num,
      numerator: num,
      denominator: num,
      samePeriodLastYear: num,
      change: num,
      changePoints: num,
      status,
    }),
  ),
});

export const SubsystemsAnswer = z.object({
  from: date,
  to: date,
  requestedTo: date.optional(),
  filters,
  subsystems: z.array(
    z.object({
      id: z.string(),
      order: z.number(),
      name: names,
      status,
      stale: z.boolean(),
      asOf: z.string().nullable(),
      headline: z.array(KpiAnswerSchema),
    }),
  ),
});

const reject = z.object({
  line: z.number().nullable(),
  record: z.number(),
  field: z.string().nullable(),
  value: z.string().nullable(),
  reason: z.string(),
});

export const LoadReportSchema = z.object({
  deliveryId: z.number().nullable(),
  feed: z.string(),
  name: z.string(),
  records: z.number().int(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  stale: z.number().int(),
  duplicateDelivery: z.boolean(),
  errors: z.array(reject),
  errorsTotal: z.number().int(),
  ignoredColumns: z.array(z.string()),
  ignoredColumnsTotal: z.number().int(),
  ms: z.number(),
}) satisfies z.ZodType<Omit<LoadReport, 'feed'>>;

export const MeAnswer = z.object({
  mode: z.enum(['demo', 'production']),
  signedIn: z.boolean(),
  principal: z
    .object({
      kind: z.string(),
      name: z.string(),
      displayName: z.string(),
      roles: z.array(z.string()),
      permissions: z.array(z.string()),
      scope: z
        .object({
          units: z.array(z.string()).optional(),
          sectors: z.array(z.string()).optional(),
          subsystems: z.array(z.string()).optional(),
        })
        .nullable(),
      playlist: z.string().nullable(),
    })
    .nullable(),
  csrf: z.string().nullable(),
  oidc: z.boolean(),
});

export const ConfigAnswer = z.object({
  tileUrl: z.string().nullable(),
  demo: z.boolean(),
  mode: z.enum(['demo', 'production']),
  oidc: z.boolean(),
});

export const OkAnswer = z.object({ ok: z.literal(true) });
