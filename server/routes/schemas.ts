// Request schemas shared by the routes (and, later, the OpenAPI document): query strings are strings.
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { clampToToday } from '../../common/period.ts';
import type { AppEnv } from '../app.ts';
import type { Db } from '../db/index.ts';
import { FEED_NAMES } from '../feeds/specs.ts';
import { isValidDate, todayLocal } from '../kpis/period.ts';
import { DIMENSIONS, FiltersSchema } from '../kpis/types.ts';

const date = z
  .string()
  .refine(isValidDate, 'expected a date YYYY-MM-DD')
  .meta({ format: 'date', example: '2021-07-01' });

export const RangeQuery = FiltersSchema.extend({ from: date.optional(), to: date.optional() })
  .transform((q) => {
    const today = todayLocal();
    const asked = q.to ?? today;
    // A period still running ends today, as on the web (common/period.ts): the answer says when `to` was cut.
    const r = clampToToday({ from: q.from ?? `${asked.slice(0, 4)}-01-01`, to: asked }, today);
    return { ...q, ...r, ...(r.to !== asked ? { requestedTo: asked } : {}) };
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
      /** CSV: a leading ' before text Excel would run as a formula (=, +, -, @); `off` for scripts. */
      csvGuard: z.enum(['on', 'off']).default('on'),
    }),
  )
  .refine((q) => q.view !== 'breakdown' || q.by !== undefined, 'view=breakdown needs by')
  .refine((q) => q.view === 'records' || q.limit === undefined, 'limit applies to view=records only');

export const KpiParam = z.object({
  id: z.string().regex(/^[a-z0-9_]+\.[a-z0-9_]+$/, 'expected a KPI id such as services.ontime_rate'),
});

export const FeedParam = z.object({ feed: z.enum(FEED_NAMES) });

export const RejectsQuery = z.object({
  feed: z.enum(FEED_NAMES).optional(),
  delivery: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export const IndexQuery = z.intersection(
  RangeQuery,
  z.object({ by: z.enum(['agency', 'commune', 'district']).default('agency') }),
);

/** What an answer says about its range: the `to` asked for, when it was cut at today. */
export function rangeNote(q: { requestedTo?: string }): { requestedTo?: string } {
  return q.requestedTo ? { requestedTo: q.requestedTo } : {};
}

/** Split a parsed range query into the range and the filters. */
export function splitQuery<T extends { from: string; to: string }>(q: T) {
  const { from, to, unit, agency, sector, procedure, indicator, boundaries } = q as T &
    z.infer<typeof FiltersSchema>;
  // `current` is the default: only `then` is carried (cache keys, filenames and links stay as they were).
  const filters = Object.fromEntries(
    Object.entries({
      unit,
      agency,
      sector,
      procedure,
      indicator,
      boundaries: boundaries === 'then' ? boundaries : undefined,
    }).filter(([, v]) => v !== undefined),
  );
  return { range: { from, to }, filters };
}

type Codes = Record<'unit' | 'agency' | 'sector' | 'procedure' | 'indicator', ReadonlySet<string>>;
const codesCache = new WeakMap<Db, { version: string; codes: Promise<Codes> }>();

/** The codes a filter may name (reference data), cached by the reference data's version. */
function knownCodes(db: Db): Promise<Codes> {
  const version = db.versionOf([]);
  const hit = codesCache.get(db);
  if (hit?.version === version) return hit.codes;
  const list = async (sql: string) => new Set((await db.query<{ c: string }>(sql)).map((r) => r.c));
  const codes = (async () => ({
    unit: await list('SELECT code AS c FROM units'),
    agency: await list('SELECT code AS c FROM agencies'),
    sector: await list(
      'SELECT sector AS c FROM agencies WHERE sector IS NOT NULL UNION SELECT sector FROM procedures WHERE sector IS NOT NULL',
    ),
    procedure: await list('SELECT code AS c FROM procedures'),
    indicator: await list('SELECT code AS c FROM indicators'),
  }))();
  codesCache.set(db, { version, codes });
  codes.catch(() => codesCache.delete(db));
  return codes;
}

/**
 * A filter naming a code the reference data does not have is a 400 naming it: answering 0 for `unit=99999`
 * would look like a real zero.
 */
export const knownFilters: MiddlewareHandler<AppEnv> = async (c, next) => {
  const q = c.req.query();
  const asked = (['unit', 'agency', 'sector', 'procedure', 'indicator'] as const).filter((k) => q[k]);
  if (asked.length) {
    const codes = await knownCodes(c.var.ctx.db);
    const unknown = asked.filter((k) => !codes[k].has(q[k]));
    if (unknown.length)
      return c.json(
        {
          error: `unknown ${unknown.map((k) => `${k} ${q[k]}`).join(', ')}`,
          issues: unknown.map((k) => ({ field: k, message: `unknown ${k} code ${q[k]}` })),
        },
        400,
      );
  }
  return next();
};
