// Calendar arithmetic for the demo province: local (UTC+7) day numbers, Vietnamese holidays and the
// seasonal activity weights that shape daily volumes. Small data (one value per day), so plain JS.

import { VN_OFFSET, VN_UTC_OFFSET_HOURS } from '../../common/vn-time.ts';
import { builtInCalendar, tetDate, WorkCalendar } from '../reference/calendar.ts';

/** Seconds east of UTC for Asia/Ho_Chi_Minh (common/vn-time.ts); Vietnam has no DST, so a constant is exact. */
export const LOCAL_OFFSET_S = VN_UTC_OFFSET_HOURS * 3600;
export const DAY_S = 86_400;

/** Day number (days since 1970-01-01) of a local calendar date `YYYY-MM-DD`. */
export function dayFromIso(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new Error(`not a YYYY-MM-DD date: ${iso}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== iso)
    throw new Error(`invalid date: ${iso}`);
  return ms / 86_400_000;
}

export function isoFromDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

export function yearOfDay(day: number): number {
  return new Date(day * 86_400_000).getUTCFullYear();
}

/** 1–12 */
export function monthOfDay(day: number): number {
  return new Date(day * 86_400_000).getUTCMonth() + 1;
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOfDay(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** The local calendar day that contains the instant `date`. */
export function localDayOf(date: Date): number {
  return Math.floor((date.getTime() / 1000 + LOCAL_OFFSET_S) / DAY_S);
}

/** Epoch seconds of local midnight starting `day`. */
export function localMidnightS(day: number): number {
  return day * DAY_S - LOCAL_OFFSET_S;
}

/** `2021-09-05T08:12:00+07:00`: the reports CSV spells instants in local time with the offset. */
export function isoLocalWithOffset(epochS: number): string {
  return `${new Date((epochS + LOCAL_OFFSET_S) * 1000).toISOString().slice(0, 19)}${VN_OFFSET}`;
}

/** The working-day calendar the demo lives by (server/reference/calendar.ts: lunar Tết and Giỗ Tổ, make-up days). */
const CALENDAR = new WorkCalendar(builtInCalendar(2014, 2031));
const tetDays = new Map<number, number>();

/** Mùng 1 Tết of a year as a day number, from the lunar calendar. */
function tetDay(year: number): number {
  let d = tetDays.get(year);
  if (d === undefined) {
    d = dayFromIso(tetDate(year));
    tetDays.set(year, d);
  }
  return d;
}

/** Days from the nearest Tết (negative before it), or undefined when no Tết is within 40 days. */
export function daysFromTet(day: number): number | undefined {
  const year = yearOfDay(day);
  for (const y of [year, year + 1]) {
    const t = day - tetDay(y);
    if (t >= -40 && t <= 40) return t;
  }
  return undefined;
}

/** A day off that is not a weekend: a holiday, a day off in lieu or a swapped day off. */
export function isPublicHoliday(day: number): boolean {
  const wd = weekdayOfDay(day);
  return wd !== 0 && wd !== 6 && !CALENDAR.isWorking(isoFromDay(day));
}

/** The day `n` working days after `day` (the working days strictly after it are counted). */
export function addWorkingDays(day: number, n: number): number {
  return dayFromIso(CALENDAR.addWorkingDays(isoFromDay(day), n));
}

/** Whether the offices work that day (a Saturday worked by a swap counts). */
export function isWorkingDay(day: number): boolean {
  return CALENDAR.isWorking(isoFromDay(day));
}

export type ActivityKind = 'office' | 'counter';

/**
 * Relative activity of a day: 1 = an ordinary weekday. `office` shapes e-document traffic
 * (year-end peak, rush before Tết); `counter` shapes one-stop dossiers (Saturday mornings open,
 * a stronger rush before Tết, the April 2020 social-distancing dip).
 */
export function activityWeight(day: number, kind: ActivityKind): number {
  const dow = weekdayOfDay(day);
  if (isPublicHoliday(day)) return 0.05;
  let w = isWorkingDay(day)
    ? 1
    : dow === 0
      ? kind === 'office'
        ? 0.04
        : 0.02
      : kind === 'office'
        ? 0.1
        : 0.16;
  const month = monthOfDay(day);
  if (kind === 'office') {
    if (month === 11) w *= 1.08;
    if (month === 12) w *= 1.2;
    if (month === 7 || month === 8) w *= 0.96;
  } else if (month === 12) {
    w *= 1.08;
  }
  const t = daysFromTet(day);
  if (t !== undefined) {
    if (t >= -12 && t <= -3) w *= kind === 'office' ? 1.12 : 1.25;
    if (t >= 5 && t <= 10) w *= 0.7;
  }
  const iso = isoFromDay(day);
  // Directive 16 social distancing, 1–22 April 2020.
  if (iso >= '2020-04-01' && iso <= '2020-04-22') w *= kind === 'office' ? 0.85 : 0.55;
  return w;
}

/**
 * Largest-remainder rounding: integers proportional to `weights` that sum exactly to `total`.
 * Ties go to the earlier index so the result is deterministic.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (total < 0 || !Number.isInteger(total)) throw new Error(`cannot allocate ${total}`);
  if (weights.length === 0 || sum <= 0) {
    if (total === 0) return weights.map(() => 0);
    throw new Error('cannot allocate a positive total over zero weights');
  }
  const exact = weights.map((w) => (total * w) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) out[order[k].i]++;
  return out;
}

/** Hermite smoothstep of `t` between `t0` and `t1`: 0 before, 1 after, smooth in between. */
export function smoothstep(t: number, t0: number, t1: number): number {
  const x = Math.min(1, Math.max(0, (t - t0) / (t1 - t0)));
  return x * x * (3 - 2 * x);
}
