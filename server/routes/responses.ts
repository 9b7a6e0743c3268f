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
  role: z.enum(['all', 'writer', 'reader']).describe('IOC_ROLE of the process that answered'),
  snapshot: z
    .object({ sequence: z.number().int(), createdAt: z.string() })
    .nullable()
    .describe('a reader: the snapshot it serves; a writer: the newest it published; otherwise null'),
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
  history: z
    .object({
      reform: date,
      view: z.enum(['current', 'then']),
      formerUnits: z.number().int(),
      formerLevel: z.enum(['province', 'district', 'commune']),
    })
    .nullable()
    .describe(
      'a reform of units between the compared periods: its first day, the view, and how many former units (of the asked unit’s level) the earlier period counts',
    ),
  ignoredFilters: z.array(z.enum(FILTER_NAMES)).optional(),
  index766: z.unknown().optional(),
}) satisfies z.ZodType<Omit<KpiAnswer, 'filters'>>;

const breakdownRow = z.object({
  key: z.string().nullable(),
  label: z.string().nullable(),
  value: num,
  numerator: num,
  denominator: num,
  samePeriodLastYear: num,
  change: num,
  changePoints: num,
  status,
});

export const BreakdownAnswerSchema = z.object({
  id: z.string(),
  by: z.enum(DIMENSIONS),
  from: date,
  to: date,
  requestedTo: date.optional(),
  filters,
  unit: z.string(),
  rows: z.array(breakdownRow),
  /** By district or commune: the records of no unit of that level (province-level agencies), beside the ranking. */
  outside: breakdownRow.nullable().optional(),
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
  mapped: z.number().int(),
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

// The other routes. Rows read straight from the store are typed by the fields clients rely on; further columns
// are allowed (a loose object), so adding a column is not a breaking change.
const str = z.string();
const strOrNull = z.string().nullable();
const page = { total: z.number().int(), limit: z.number().int(), offset: z.number().int() };

export const RegistryAnswer = z.object({
  subsystems: z.array(z.looseObject({ id: str, order: z.number(), name: names, headline: z.array(str) })),
  kpis: z.array(
    z.object({
      id: str,
      subsystem: str,
      name: names,
      unit: str,
      direction: z.enum(['up', 'down']),
      kind: z.enum(['flow', 'stock', 'catalogue', 'reported', 'index']),
      target: num,
      thresholds: z.object({ good: z.number(), warning: z.number() }).nullable(),
      feeds: z.array(str),
      dimensions: z.array(z.enum(DIMENSIONS)),
      formula: z.looseObject({
        numerator: z.unknown().nullable(),
        denominator: z.unknown().nullable(),
        scale: z.number(),
        show: str,
        index: z
          .looseObject({ method: str, points: str, components: z.array(z.looseObject({ id: str })) })
          .optional(),
      }),
    }),
  ),
});

export const RecordsAnswer = z.object({
  id: str,
  part: z.enum(['numerator', 'denominator']),
  from: date,
  to: date,
  requestedTo: date.optional(),
  filters,
  ...page,
  rows: z.array(z.record(z.string(), z.unknown())),
});

export const IndexAnswer = z.object({
  methodology: str,
  by: z.enum(['agency', 'commune', 'district']),
  from: date,
  to: date,
  requestedTo: date.optional(),
  filters,
  tiers: z.array(z.looseObject({ min: z.number(), vi: str, en: str })),
  components: z.array(
    z.looseObject({ id: str, group: str, max: z.number(), fullAt: z.number(), name: names }),
  ),
  noData: z.array(z.looseObject({ group: str, max: z.number(), name: names })),
  /** The province (or the filtered unit) as a whole: each indicator's parts, points and the points it loses. */
  overall: z
    .looseObject({
      total: num,
      maxAvailable: z.number(),
      normalised: num,
      components: z.array(
        z.object({
          id: str,
          group: str,
          numerator: num,
          denominator: num,
          rate: num,
          points: num,
          max: z.number(),
          lost: num,
        }),
      ),
    })
    .nullable(),
  /** What the national portal published (reported figures index766.portal_score / portal_rank), beside ours. */
  published: z.object({
    score: num,
    rank: num,
    asOf: strOrNull,
    difference: num,
    margin: z.number(),
    flagged: z.boolean(),
  }),
  rows: z.array(z.looseObject({ rank: z.number().int(), key: strOrNull, total: num, normalised: num })),
});

export const FeedsAnswer = z.object({
  feeds: z.array(
    z.looseObject({ feed: str, newestEventAt: strOrNull, cadenceHours: z.number(), stale: z.boolean() }),
  ),
});

export const RejectsAnswer = z.object({
  ...page,
  rows: z.array(
    z.looseObject({
      deliveryId: z.number(),
      feed: str,
      line: z.number().nullable(),
      record: z.number(),
      field: strOrNull,
      value: strOrNull,
      reason: str,
    }),
  ),
});

export const DeliveriesAnswer = z.object({
  deliveries: z.array(
    z.looseObject({ id: z.number(), feed: str, name: str, status: str, accepted: z.number().nullable() }),
  ),
});

export const ContractAnswer = z.looseObject({
  version: z.number().int(),
  rules: z.array(str),
  feeds: z.array(
    z.looseObject({
      name: str,
      title: names,
      eventTime: str,
      fields: z.array(z.looseObject({ name: str, kind: str, required: z.boolean() })),
    }),
  ),
});

export const UnitsAnswer = z.object({
  units: z.array(z.looseObject({ code: str, name: str, level: str, parentCode: strOrNull })),
});
export const AgenciesAnswer = z.object({
  agencies: z.array(
    z.looseObject({ code: str, name: str, unitCode: strOrNull, kind: strOrNull, sector: strOrNull }),
  ),
});
export const GeoAnswer = z.looseObject({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.looseObject({ type: z.literal('Feature'), properties: z.looseObject({ code: str, name: str }) }),
  ),
});

export const LoginAnswer = z.object({ ok: z.literal(true), csrf: str, expires: str });
export const PasswordAnswer = z.object({ ok: z.literal(true), csrf: str });
export const PairAnswer = z.object({ ok: z.literal(true), name: str, playlist: strOrNull });

export const UsersAnswer = z.object({
  users: z.array(
    z.looseObject({ id: str, username: str, displayName: str, roles: z.array(str), disabled: z.boolean() }),
  ),
});
export const CreatedAnswer = z.object({ id: str });
export const RolesAnswer = z.object({
  roles: z.array(z.looseObject({ name: str, permissions: z.array(str), scoped: z.boolean() })),
  permissions: z.array(str),
});
export const DevicesAnswer = z.object({
  devices: z.array(z.looseObject({ id: str, name: str, playlist: str, revokedAt: z.unknown() })),
});
export const DeviceCreated = z.object({ id: str, token: str, wallUrl: str });
export const SourcesAnswer = z.object({
  sources: z.array(z.looseObject({ id: str, name: str, feeds: z.array(str), revokedAt: z.unknown() })),
});
export const SourceCreated = z.object({ id: str, token: str });
export const AuditAnswer = z.object({
  ...page,
  rows: z.array(z.looseObject({ seq: z.number(), at: str, actor: str, action: str, outcome: str })),
});
export const AuditVerifyAnswer = z.object({ entries: z.number().int(), brokenAt: z.number().nullable() });

const tableRows = z.record(z.string(), z.number());
export const BackupAnswer = z.object({ name: str, bytes: z.number(), ms: z.number(), rows: tableRows });
export const BackupsAnswer = z.object({
  backups: z.array(z.looseObject({ name: str, bytes: z.number(), createdAt: str })),
});
export const RestoreAnswer = z.looseObject({ name: str, keptAs: str, ms: z.number(), rows: tableRows });
export const OpsDeliveriesAnswer = z.object({
  deliveries: z.array(z.looseObject({ feed: str, name: str, format: str, archivePath: strOrNull })),
});
export const KpiValuesAnswer = z.object({ values: z.record(z.string(), z.unknown()), feedRows: tableRows });
export const OpenApiAnswer = z.looseObject({ openapi: str, paths: z.record(z.string(), z.unknown()) });

const oneStopRow = z.looseObject({
  key: strOrNull,
  label: strOrNull,
  handled: z.number(),
  carried_over: z.number(),
  received: z.number(),
  completed: z.number(),
  early: z.number(),
  on_time: z.number(),
  late: z.number(),
  in_progress_within: z.number(),
  in_progress_overdue: z.number(),
  waiting: z.number(),
  closed: z.number(),
  ontime_rate: num,
});

export const OneStopAnswerSchema = z.object({
  from: date,
  to: date,
  requestedTo: date.optional(),
  by: z.enum(['agency', 'commune', 'district', 'sector', 'procedure']),
  filters,
  rules: z.array(z.object({ from: date, vi: str, en: str })),
  columns: z.array(z.object({ key: str, kpi: strOrNull, vi: str, en: str })),
  rows: z.array(oneStopRow),
  total: oneStopRow,
});

const calendarRow = z.object({
  date,
  kind: z.enum(['holiday', 'day_off_in_lieu', 'working_day']),
  name: str,
});
export const CalendarAnswer = z.object({
  year: z.number().int(),
  source: z.array(str),
  workingDays: z.number().int(),
  rows: z.array(calendarRow),
});
