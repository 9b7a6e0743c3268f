// Request schemas shared by the routes (and, later, the OpenAPI document): query strings are strings.
import { z } from 'zod';
import { FEED_NAMES } from '../feeds/specs.ts';
import { isValidDate, todayLocal } from '../kpis/period.ts';
import { DIMENSIONS, FiltersSchema } from '../kpis/types.ts';

const date = z
  .string()
  .refine(isValidDate, 'expected a date YYYY-MM-DD')
  .meta({ format: 'date', example: '2021-07-01' });

export const RangeQuery = FiltersSchema.extend({ from: date.optional(), to: date.optional() })
  .transform((q) => {
    const to = q.to ?? todayLocal();
    return { ...q, from: q.from ?? `${to.slice(0, 4)}-01-01`, to };
  })
  .refine((q) => q.from <= q.to, 'from must not be after to')
  .refine((q) => +q.to.slice(0, 4) - +q.from.slice(0, 4) <= 30, 'range longer than 30 years');

export const BreakdownQuery = z.intersection(RangeQuery, z.object({ by: z.enum(DIMENSIONS) }));

export const RecordsQuery = z.intersection(
  RangeQuery,
  z.object({
    part: z.enum(['numerator', 'denominator']).default('numerator'),
    limit: z.coerce.number().int().min(1).max(1000).default(50),
    offset: z.coerce.number().int().min(0).max(100_000_000).default(0),
  }),
);

export const ExportQuery = z
  .intersection(
    RangeQuery,
    z.object({
      format: z.enum(['xlsx', 'csv', 'parquet', 'json']).default('xlsx'),
      view: z.enum(['value', 'breakdown', 'records']).default('value'),
      by: z.enum(DIMENSIONS).optional(),
      part: z.enum(['numerator', 'denominator']).default('numerator'),
      /** Records only: an explicit cap, written into the filename and the X-Row-Limit header. Omitted: every row. */
      limit: z.coerce.number().int().min(1).optional(),
      lang: z.enum(['vi', 'en']).default('vi'),
      csvStyle: z.enum(['standard', 'vi']).default('standard'),
    }),
  )
  .refine((q) => q.view !== 'breakdown' || q.by !== undefined, 'view=breakdown needs by')
  .refine((q) => q.view === 'records' || q.limit === undefined, 'limit applies to view=records only');

export const KpiParam = z.object({
  id: z.string().regex(/^[a-z0-9_]+\.[a-z0-9_]+$/, 'expected a KPI id such as services.ontime_rate'),
});

export const FeedParam = z.object({ feed: z.enum(FEED_NAMES) });

export const RejectsQuery = z.object({
  feed: z.enum(['documents', 'dossiers', 'payments', 'reports']).optional(),
  delivery: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export const IndexQuery = z.intersection(
  RangeQuery,
  z.object({ by: z.enum(['agency', 'commune', 'district']).default('agency') }),
);

/** Split a parsed range query into the range and the filters. */
export function splitQuery<T extends { from: string; to: string }>(q: T) {
  const { from, to, unit, agency, sector, procedure, indicator } = q as T & z.infer<typeof FiltersSchema>;
  const filters = Object.fromEntries(
    Object.entries({ unit, agency, sector, procedure, indicator }).filter(([, v]) => v !== undefined),
  );
  return { range: { from, to }, filters };
}
