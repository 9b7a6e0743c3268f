// The period control's model: a period people name (Tháng 8/2021, Quý III/2021, 6 tháng đầu năm…) ⇄ the URL
// parameter `period` (plus `from`/`to` for a custom range) ⇄ the {from, to} local dates the API takes.
import { formatPeriod, type Lang } from './format.ts';
import { todayLocal } from './vn-time.ts';

export type Period =
  | { kind: 'month'; year: number; month: number }
  | { kind: 'quarter'; year: number; quarter: number }
  | { kind: 'half'; year: number; half: 1 | 2 }
  | { kind: 'nine'; year: number }
  | { kind: 'year'; year: number }
  | { kind: 'ytd' }
  | { kind: 'custom'; from: string; to: string };

export type PeriodKind = Period['kind'];
export const PERIOD_KINDS: PeriodKind[] = ['ytd', 'month', 'quarter', 'half', 'nine', 'year', 'custom'];

export interface DateRange {
  from: string;
  to: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const DATE_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export function isDate(s: string | null | undefined): s is string {
  if (!s || !DATE_RE.test(s)) return false;
  return +s.slice(8, 10) <= lastDay(+s.slice(0, 4), +s.slice(5, 7));
}

export { todayLocal };

const monthRange = (y: number, m1: number, m2: number): DateRange => ({
  from: `${y}-${pad(m1)}-01`,
  to: `${y}-${pad(m2)}-${pad(lastDay(y, m2))}`,
});

/**
 * The dates of a period. A period still running ends today, so "the same period last year" compares like with
 * like (1–26/11 against 1–26/11, not a whole month against 26 days).
 */
export function periodRange(p: Period, today: string = todayLocal()): DateRange {
  let r: DateRange;
  switch (p.kind) {
    case 'month':
      r = monthRange(p.year, p.month, p.month);
      break;
    case 'quarter':
      r = monthRange(p.year, p.quarter * 3 - 2, p.quarter * 3);
      break;
    case 'half':
      r = p.half === 1 ? monthRange(p.year, 1, 6) : monthRange(p.year, 7, 12);
      break;
    case 'nine':
      r = monthRange(p.year, 1, 9);
      break;
    case 'year':
      r = monthRange(p.year, 1, 12);
      break;
    case 'ytd':
      return { from: `${today.slice(0, 4)}-01-01`, to: today };
    case 'custom':
      return p.from <= p.to ? { from: p.from, to: p.to } : { from: p.to, to: p.from };
  }
  return clampToToday(r, today);
}

/**
 * A range still running ends today, so that "the same period last year" compares like with like: the one rule
 * for the web's periods and the API's `to` (which says when it cut one).
 */
export function clampToToday(r: DateRange, today: string = todayLocal()): DateRange {
  return r.to > today && r.from <= today ? { from: r.from, to: today } : r;
}

/** The URL form: 2021-08, 2021-Q3, 2021-H1, 2021-9M, 2021, ytd, custom (with from/to). */
export function periodToParam(p: Period): string {
  switch (p.kind) {
    case 'month':
      return `${p.year}-${pad(p.month)}`;
    case 'quarter':
      return `${p.year}-Q${p.quarter}`;
    case 'half':
      return `${p.year}-H${p.half}`;
    case 'nine':
      return `${p.year}-9M`;
    case 'year':
      return String(p.year);
    case 'ytd':
      return 'ytd';
    case 'custom':
      return 'custom';
  }
}

/** Read the period from URL parameters; anything unreadable falls back to year to date. */
export function parsePeriod(params: URLSearchParams): Period {
  const v = (params.get('period') ?? '').trim();
  const from = params.get('from');
  const to = params.get('to');
  if ((v === 'custom' || v === '') && isDate(from) && isDate(to)) return { kind: 'custom', from, to };
  let m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(v);
  if (m) return { kind: 'month', year: +m[1], month: +m[2] };
  m = /^(\d{4})-Q([1-4])$/i.exec(v);
  if (m) return { kind: 'quarter', year: +m[1], quarter: +m[2] };
  m = /^(\d{4})-H([12])$/i.exec(v);
  if (m) return { kind: 'half', year: +m[1], half: +m[2] as 1 | 2 };
  m = /^(\d{4})-9M$/i.exec(v);
  if (m) return { kind: 'nine', year: +m[1] };
  m = /^(\d{4})$/.exec(v);
  if (m) return { kind: 'year', year: +m[1] };
  return { kind: 'ytd' };
}

/** Write a period into URL parameters (a copy): `period`, and `from`/`to` only for a custom range. */
export function writePeriod(params: URLSearchParams, p: Period): URLSearchParams {
  const next = new URLSearchParams(params);
  next.delete('from');
  next.delete('to');
  if (p.kind === 'ytd') next.delete('period');
  else next.set('period', periodToParam(p));
  if (p.kind === 'custom') {
    next.set('from', p.from);
    next.set('to', p.to);
  }
  return next;
}

/** A period of another kind around the same time (switching "Tháng" → "Quý" keeps the year and season). */
export function switchKind(kind: PeriodKind, current: Period, today: string = todayLocal()): Period {
  const r = periodRange(current, today);
  const year = +r.to.slice(0, 4);
  const month = +r.to.slice(5, 7);
  switch (kind) {
    case 'month':
      return { kind, year, month };
    case 'quarter':
      return { kind, year, quarter: Math.ceil(month / 3) };
    case 'half':
      return { kind, year, half: month <= 6 ? 1 : 2 };
    case 'nine':
      return { kind, year };
    case 'year':
      return { kind, year };
    case 'ytd':
      return { kind };
    case 'custom':
      return { kind, from: r.from, to: r.to };
  }
}

/** The label of a period in the UI language. */
export function periodLabel(lang: Lang, p: Period, today: string = todayLocal()): string {
  return formatPeriod(lang, p, p.kind === 'ytd' ? today : undefined);
}

/** Years offered by the control: from the first year of data the demo holds up to this year. */
export function yearChoices(today: string = todayLocal(), first = 2018): number[] {
  const out: number[] = [];
  for (let y = +today.slice(0, 4); y >= first; y--) out.push(y);
  return out;
}

/** Months a range touches (Jan 15 – Mar 2 touches 3). */
export function monthsSpanned(r: DateRange): number {
  return (+r.to.slice(0, 4) - +r.from.slice(0, 4)) * 12 + (+r.to.slice(5, 7) - +r.from.slice(5, 7)) + 1;
}

/**
 * The range of a trend for a period: the period itself when it holds enough buckets (six months, three quarters), else the twelve months
 * ending with it, so a single month (or quarter) still has a line to sit on.
 */
export function trendRange(r: DateRange, grain: 'month' | 'quarter' = 'month'): DateRange {
  if (monthsSpanned(r) >= (grain === 'quarter' ? 9 : 6)) return r;
  let total = +r.to.slice(0, 4) * 12 + (+r.to.slice(5, 7) - 1) - 11;
  if (grain === 'quarter') total -= total % 3;
  return { from: `${Math.floor(total / 12)}-${pad((total % 12) + 1)}-01`, to: r.to };
}

/** Reported indicators come monthly to yearly; a quarter holds every one of them, a month does not. */
export function trendGrain(kind: string): 'month' | 'quarter' {
  return kind === 'reported' ? 'quarter' : 'month';
}
