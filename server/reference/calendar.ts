// The working-day calendar: Vietnam's public holidays, the days off in lieu and the government's yearly day swaps,
// as reference data (the `calendar` table, FEEDS.md `calendar.csv`). Everything that counts days — dossier
// deadlines, processing time, report deadlines and cut-offs — counts working days from it.
//
// The built-in calendar follows Bộ luật Lao động 2019, Điều 112 (Tết Dương lịch 1 day, Tết Âm lịch 5 days, Giỗ Tổ
// Hùng Vương 10/3 lunar, 30/4, 1/5, Quốc khánh 2/9 and one day before or after it from 2021), the make-up rule (a
// holiday on a Saturday or Sunday is taken on the next working day) and the decisions announced each year for
// civil servants (which days the Tết break covers, the second National Day holiday, day swaps). Tết and Giỗ Tổ
// come from the lunar calendar (@dqcai/vn-lunar), never typed in. A province loads a corrected year as
// `calendar.csv` or through the admin API; those rows replace the built-in ones of the years they cover.
import { getSolarDate } from '@dqcai/vn-lunar';
import { z } from 'zod';
import type { Tx } from '../db/index.ts';

export const CALENDAR_KINDS = ['holiday', 'day_off_in_lieu', 'working_day'] as const;
export type CalendarKind = (typeof CALENDAR_KINDS)[number];

export const CalendarRowSchema = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  kind: z.enum(CALENDAR_KINDS),
  name: z.string().min(1).max(200),
});
export type CalendarRow = z.infer<typeof CalendarRowSchema>;

/** Years the product ships a calendar for. */
export const BUILT_IN_YEARS = { from: 2020, to: 2027 } as const;
/** The day table spans these years (outside the calendar's years: Monday–Friday). */
const DAY_TABLE = { from: 2000, to: 2040 } as const;

/**
 * What the government decided for a year (civil servants): where the 5-day Tết break starts, counted in days from
 * mùng 1 Tết (−1 = the last day of the lunar year), and the day swaps (a weekday off, a Saturday worked).
 * Years not listed take the rule: the break starts the day before Tết; the second National Day is the weekday
 * that joins 2/9 to a weekend.
 */
const DECISIONS: Record<number, { tetStart: number; swaps?: { off: string; worked?: string }[] }> = {
  2020: { tetStart: -2 },
  2021: { tetStart: -2 },
  2022: { tetStart: -1 },
  2023: { tetStart: -2 },
  2024: { tetStart: -2, swaps: [{ off: '2024-04-29', worked: '2024-05-04' }] },
  2025: { tetStart: -2, swaps: [{ off: '2025-05-02', worked: '2025-04-26' }] },
  // The Saturday worked for 2/1/2026 is not in our sources: load the corrected year if the province has it.
  2026: { tetStart: -1, swaps: [{ off: '2026-01-02' }, { off: '2026-08-31', worked: '2026-08-22' }] },
};

const DAY_MS = 86_400_000;
const isoOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const msOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
/** 0 = Sunday … 6 = Saturday. */
const weekday = (iso: string) => new Date(msOf(iso)).getUTCDay();
const isWeekend = (iso: string) => weekday(iso) === 0 || weekday(iso) === 6;
const plusDays = (iso: string, n: number) => isoOf(msOf(iso) + n * DAY_MS);
const pad = (n: number) => String(n).padStart(2, '0');

/** Mùng 1 Tết of a lunar year, as a solar date. */
export function tetDate(year: number): string {
  const d = getSolarDate(1, 1, year);
  return `${d.year}-${pad(d.month)}-${pad(d.day)}`;
}

/** Giỗ Tổ Hùng Vương (10/3 lunar) of a year, as a solar date. */
export function hungKingsDate(year: number): string {
  const d = getSolarDate(10, 3, year);
  return `${d.year}-${pad(d.month)}-${pad(d.day)}`;
}

/** The second National Day holiday (from 2021): 1/9 or 3/9, whichever joins 2/9 to a weekend. */
function secondNationalDay(year: number): string {
  const dow = weekday(`${year}-09-02`);
  // Mon → Tue 3/9; Thu → Fri 3/9; Sun → Mon 3/9; otherwise the day before.
  return dow === 1 || dow === 4 || dow === 0 ? `${year}-09-03` : `${year}-09-01`;
}

/** The built-in calendar of one year: holidays, days off in lieu and swapped days. */
export function builtInYear(year: number): CalendarRow[] {
  const d = DECISIONS[year] ?? { tetStart: -1 };
  const holidays: CalendarRow[] = [];
  const h = (date: string, name: string) => holidays.push({ date, kind: 'holiday', name });
  h(`${year}-01-01`, 'Tết Dương lịch');
  const tet = tetDate(year);
  for (let k = 0; k < 5; k++) {
    const date = plusDays(tet, d.tetStart + k);
    const offset = d.tetStart + k;
    h(date, offset < 0 ? 'Tết Nguyên đán (cuối năm Âm lịch)' : `Tết Nguyên đán (mùng ${offset + 1})`);
  }
  h(hungKingsDate(year), 'Giỗ Tổ Hùng Vương (10/3 Âm lịch)');
  h(`${year}-04-30`, 'Ngày Chiến thắng (30/4)');
  h(`${year}-05-01`, 'Ngày Quốc tế Lao động (1/5)');
  h(`${year}-09-02`, 'Quốc khánh (2/9)');
  if (year >= 2021) h(secondNationalDay(year), 'Quốc khánh (ngày nghỉ thứ hai)');
  holidays.sort((a, b) => a.date.localeCompare(b.date));

  const off = new Set(holidays.map((r) => r.date));
  for (const s of d.swaps ?? []) off.add(s.off);
  const rows: CalendarRow[] = [...holidays];
  // Make-up days: each holiday on a Saturday or Sunday is taken on the next day that is neither weekend nor off.
  for (const hol of holidays) {
    if (!isWeekend(hol.date)) continue;
    let day = plusDays(hol.date, 1);
    while (isWeekend(day) || off.has(day)) day = plusDays(day, 1);
    off.add(day);
    rows.push({ date: day, kind: 'day_off_in_lieu', name: `Nghỉ bù ${hol.name}` });
  }
  const dmy = (iso: string) => iso.split('-').reverse().join('/');
  for (const s of d.swaps ?? []) {
    rows.push({
      date: s.off,
      kind: 'day_off_in_lieu',
      name: s.worked ? `Nghỉ hoán đổi (làm bù thứ Bảy ${dmy(s.worked)})` : 'Nghỉ hoán đổi',
    });
    if (s.worked) rows.push({ date: s.worked, kind: 'working_day', name: `Làm bù cho ngày ${dmy(s.off)}` });
  }
  return rows.sort((a, b) => a.date.localeCompare(b.date) || a.kind.localeCompare(b.kind));
}

export function builtInCalendar(
  from: number = BUILT_IN_YEARS.from,
  to: number = BUILT_IN_YEARS.to,
): CalendarRow[] {
  const out: CalendarRow[] = [];
  for (let y = from; y <= to; y++) out.push(...builtInYear(y));
  return out;
}

/** Days off and worked weekend days of a calendar, for day arithmetic in JS (the demo's generator). */
export class WorkCalendar {
  private readonly off = new Set<string>();
  private readonly worked = new Set<string>();
  constructor(rows: readonly CalendarRow[]) {
    for (const r of rows) (r.kind === 'working_day' ? this.worked : this.off).add(r.date);
  }

  isWorking(iso: string): boolean {
    if (this.worked.has(iso)) return true;
    return !isWeekend(iso) && !this.off.has(iso);
  }

  /**
   * The date `n` working days after `iso` (n ≥ 1): the working days strictly after it are counted, so a dossier
   * received on a Friday before a holiday is due after the holiday.
   */
  addWorkingDays(iso: string, n: number): string {
    let day = iso;
    for (let k = 0; k < n; ) {
      day = plusDays(day, 1);
      if (this.isWorking(day)) k++;
    }
    return day;
  }
}

/** Refuses a set of rows with the first problem named: two rows for one day, a swap on a weekday. */
export function checkCalendar(rows: readonly CalendarRow[]): void {
  const seen = new Set<string>();
  for (const r of rows) {
    if (Number.isNaN(msOf(r.date)) || isoOf(msOf(r.date)) !== r.date)
      throw new CalendarError(`not a date: ${r.date}`);
    if (seen.has(r.date)) throw new CalendarError(`${r.date} is listed twice`);
    seen.add(r.date);
    if (r.kind === 'working_day' && !isWeekend(r.date))
      throw new CalendarError(`${r.date} is a weekday: a working_day row marks a Saturday or Sunday worked`);
  }
}

export class CalendarError extends Error {}

/** Replace the calendar rows of the given years (and rebuild the day table), inside the caller's transaction. */
export async function replaceCalendarYears(
  tx: Tx,
  rows: readonly CalendarRow[],
  years: readonly number[],
  source: string,
): Promise<void> {
  checkCalendar(rows);
  const outside = rows.find((r) => !years.includes(Number(r.date.slice(0, 4))));
  if (outside) throw new CalendarError(`${outside.date} is outside the years ${years.join(', ')}`);
  for (const y of years) await tx.run('DELETE FROM calendar WHERE year(date) = $y', { y });
  for (const r of rows)
    await tx.run('INSERT INTO calendar VALUES (CAST($d AS DATE), $k, $n, $s)', {
      d: r.date,
      k: r.kind,
      n: r.name,
      s: source,
    });
  await rebuildWorkdays(tx);
}

/**
 * The `workdays` table: every day of 2000–2040, whether it is a working day, and `seq`, the number of working days
 * up to and including it. Working days between two days are a difference of `seq`; n working days after a day is
 * the first working day whose `seq` is n more.
 */
export async function rebuildWorkdays(tx: Tx): Promise<void> {
  await tx.run('DELETE FROM workdays');
  await tx.run(`INSERT INTO workdays
    WITH days AS (
      SELECT CAST(d AS DATE) AS day FROM generate_series(DATE '${DAY_TABLE.from}-01-01', DATE '${DAY_TABLE.to}-12-31', INTERVAL 1 DAY) t(d)),
    flagged AS (
      SELECT days.day, CASE WHEN c.kind = 'working_day' THEN true
                            WHEN c.kind IS NOT NULL THEN false
                            ELSE isodow(days.day) <= 5 END AS working
      FROM days LEFT JOIN calendar c ON c.date = days.day)
    SELECT day, working, CAST(sum(CASE WHEN working THEN 1 ELSE 0 END) OVER (ORDER BY day) AS INTEGER) AS seq
    FROM flagged`);
}

/** A store without a calendar gets the built-in one (the first start, or a store older than the calendar). */
export async function ensureCalendar(tx: Tx): Promise<boolean> {
  const n = (await tx.query<{ n: number }>('SELECT count(*) AS n FROM calendar'))[0].n;
  if (n > 0) return false;
  const years: number[] = [];
  for (let y = BUILT_IN_YEARS.from; y <= BUILT_IN_YEARS.to; y++) years.push(y);
  await replaceCalendarYears(tx, builtInCalendar(), years, 'built-in');
  return true;
}
