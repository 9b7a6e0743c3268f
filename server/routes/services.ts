// The one-stop report table (answer and download) and the working-day calendar (read; an admin replaces a year).
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app.ts';
import { oneStopExport } from '../export/one-stop.ts';
import { ScopeError, subsystemInScope } from '../kpis/engine.ts';
import { ONE_STOP_BY, oneStopTable } from '../kpis/one-stop.ts';
import { CalendarError, CalendarRowSchema, replaceCalendarYears } from '../reference/calendar.ts';
import { CalendarAnswer, OkAnswer, OneStopAnswerSchema } from './responses.ts';
import { route } from './route.ts';
import { knownFilters, RangeQuery, rangeNote, splitQuery } from './schemas.ts';
import { validate } from './validate.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const OneStopQuery = z.intersection(RangeQuery, z.object({ by: z.enum(ONE_STOP_BY).default('agency') }));
const OneStopExportQuery = z.intersection(
  OneStopQuery,
  z.object({
    format: z.enum(['xlsx', 'csv']).default('xlsx'),
    lang: z.enum(['vi', 'en']).default('vi'),
    csvStyle: z.enum(['standard', 'vi']).default('standard'),
  }),
);
const YearParam = z.object({ year: z.coerce.number().int().min(2000).max(2040) });
const CalendarPut = z.object({ rows: z.array(CalendarRowSchema).max(366) });

const R = {
  oneStop: route({
    method: 'get',
    path: '/api/services/one-stop',
    response: OneStopAnswerSchema,
    need: 'read',
    summary:
      'The one-stop report table for a period: handled, carried over, received, completed early / on the due day / late, in progress within / past the deadline, waiting for supplement, returned / withdrawn / cancelled, by agency, commune, district, sector or procedure',
    tag: 'kpis',
    query: OneStopQuery,
  }),
  oneStopExport: route({
    method: 'get',
    path: '/api/services/one-stop/export',
    need: 'export',
    stream: true,
    summary:
      'The one-stop report table as XLSX (with each column’s definition) or CSV. HEAD is answered 405.',
    tag: 'exports',
    query: OneStopExportQuery,
    produces: [XLSX, 'text/csv'],
  }),
  calendar: route({
    method: 'get',
    path: '/api/calendar/:year',
    response: CalendarAnswer,
    need: 'read',
    summary: 'The working-day calendar of a year: holidays, days off in lieu, Saturdays worked by a swap',
    tag: 'reference',
    param: YearParam,
  }),
  calendarPut: route({
    method: 'put',
    path: '/api/admin/calendar/:year',
    response: OkAnswer,
    need: 'admin',
    summary:
      'Replace the calendar of one year (a corrected year, e.g. the government’s day swaps); every day count follows it',
    tag: 'admin',
    param: YearParam,
    json: CalendarPut,
    errors: { 422: 'A row outside the year, a day listed twice, or a working_day row on a weekday' },
  }),
};

function servicesInScope(c: { var: { ctx: { scope?: { subsystems?: string[] } } } }) {
  if (!subsystemInScope(c.var.ctx.scope, 'services'))
    throw new ScopeError('outside your scope: subsystem services');
}

export const serviceRoutes = new Hono<AppEnv>()
  .get(R.oneStop.path, R.oneStop.guard, knownFilters, validate('query', OneStopQuery), async (c) => {
    servicesInScope(c);
    const q = c.req.valid('query');
    const { range, filters } = splitQuery(q);
    return c.json({ ...(await oneStopTable(c.var.ctx, range, filters, q.by)), ...rangeNote(q) });
  })
  .get(
    R.oneStopExport.path,
    R.oneStopExport.guard,
    knownFilters,
    validate('query', OneStopExportQuery),
    async (c) => {
      servicesInScope(c);
      const q = c.req.valid('query');
      const { range, filters } = splitQuery(q);
      const res = await oneStopExport(c.var.ctx, { ...q, range, filters });
      await c.var.auth.audit(c, {
        action: 'export',
        target: 'services.one_stop',
        outcome: 'ok',
        detail: { format: q.format, by: q.by, range, filters, scope: c.var.principal.assignment ?? null },
      });
      return res;
    },
  )
  .get(R.calendar.path, R.calendar.guard, validate('param', YearParam), async (c) => {
    const { year } = c.req.valid('param');
    const db = c.var.ctx.db;
    const rows = await db.query<{ date: string; kind: string; name: string; source: string }>(
      `SELECT strftime(date, '%Y-%m-%d') AS date, kind, name, source FROM calendar WHERE year(date) = $y ORDER BY date`,
      { y: year },
    );
    const n = await db.query<{ n: number }>(
      'SELECT count(*) FILTER (WHERE working) AS n FROM workdays WHERE year(day) = $y',
      { y: year },
    );
    return c.json({
      year,
      source: [...new Set(rows.map((r) => r.source))],
      workingDays: n[0]?.n ?? 0,
      rows: rows.map(({ date, kind, name }) => ({ date, kind, name })) as z.infer<
        typeof CalendarAnswer
      >['rows'],
    });
  })
  .put(
    R.calendarPut.path,
    R.calendarPut.guard,
    validate('param', YearParam),
    validate('json', CalendarPut),
    async (c) => {
      const { year } = c.req.valid('param');
      const { rows } = c.req.valid('json');
      try {
        await c.var.ctx.db.transaction((tx) => replaceCalendarYears(tx, rows, [year], 'admin'));
      } catch (e) {
        if (e instanceof CalendarError) return c.json({ error: e.message }, 422);
        throw e;
      }
      await c.var.auth.audit(c, {
        action: 'calendar.update',
        target: String(year),
        outcome: 'ok',
        detail: { rows: rows.length },
      });
      return c.json({ ok: true as const });
    },
  );
