// Calendar arithmetic for KPI periods, on local dates (Asia/Ho_Chi_Minh, a fixed UTC+7 since 1975).
// A range [from, to] of local dates becomes the UTC instants [from 00:00+07, to+1 00:00+07).
import { localStart } from '../../common/vn-time.ts';

export { localStart, todayLocal } from '../../common/vn-time.ts';

export interface Range {
  from: string; // YYYY-MM-DD, inclusive
  to: string; // YYYY-MM-DD, inclusive
}

export interface Comparisons {
  current: Range;
  previousPeriod: Range;
  samePeriodLastYear: Range;
  yearToDate: Range;
}

const DAY = 86_400_000;
const toUtcMs = (d: string) => Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10));
const fromUtcMs = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const lastDayOfMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate(); // m 1-based

export function addDays(d: string, n: number): string {
  return fromUtcMs(toUtcMs(d) + n * DAY);
}

/** Same calendar day one year earlier (29/2 → 28/2); a month-end stays a month-end. */
export function minusYear(d: string): string {
  const y = +d.slice(0, 4) - 1;
  const m = +d.slice(5, 7);
  const day = +d.slice(8, 10);
  const isMonthEnd = day === lastDayOfMonth(y + 1, m);
  const dd = isMonthEnd ? lastDayOfMonth(y, m) : Math.min(day, lastDayOfMonth(y, m));
  return `${y}-${String(m).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
}

export function isMonthAligned(r: Range): boolean {
  const y = +r.to.slice(0, 4);
  const m = +r.to.slice(5, 7);
  return r.from.slice(8) === '01' && +r.to.slice(8) === lastDayOfMonth(y, m);
}

function addMonths(d: string, n: number): string {
  const total = +d.slice(0, 4) * 12 + (+d.slice(5, 7) - 1) + n;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}-01`;
}

/** The previous period: the same number of whole months when the range is month-aligned, else of days. */
export function previousRange(r: Range): Range {
  if (isMonthAligned(r)) {
    const months =
      (+r.to.slice(0, 4) - +r.from.slice(0, 4)) * 12 + (+r.to.slice(5, 7) - +r.from.slice(5, 7)) + 1;
    const from = addMonths(r.from, -months);
    return { from, to: addDays(r.from, -1) };
  }
  const len = Math.round((toUtcMs(r.to) - toUtcMs(r.from)) / DAY) + 1;
  return { from: addDays(r.from, -len), to: addDays(r.from, -1) };
}

export function comparisons(r: Range): Comparisons {
  return {
    current: r,
    previousPeriod: previousRange(r),
    samePeriodLastYear: { from: minusYear(r.from), to: minusYear(r.to) },
    yearToDate: { from: `${r.to.slice(0, 4)}-01-01`, to: r.to },
  };
}

/** Exclusive end instant of an inclusive local range end. */
export function localEndExclusive(d: string): string {
  return localStart(addDays(d, 1));
}

/** A real calendar date YYYY-MM-DD (common/period.ts's rule). */
export { isDate as isValidDate } from '../../common/period.ts';

export type Grain = 'day' | 'month' | 'quarter' | 'year';

/** Buckets of a grain covering a range, each clipped to the range. */
export function buckets(r: Range, grain: Grain): Range[] {
  const out: Range[] = [];
  let start = r.from;
  while (start <= r.to && out.length < 5000) {
    let next: string;
    if (grain === 'day') next = addDays(start, 1);
    else {
      const step = grain === 'month' ? 1 : grain === 'quarter' ? 3 : 12;
      const m0 = +start.slice(5, 7) - 1;
      const aligned = `${start.slice(0, 4)}-${String(m0 - (m0 % step) + 1).padStart(2, '0')}-01`;
      next = addMonths(aligned, step);
    }
    const end = addDays(next, -1);
    // Dates as YYYY-MM-DD compare as text.
    out.push({ from: start, to: end < r.to ? end : r.to });
    start = next;
  }
  return out;
}
