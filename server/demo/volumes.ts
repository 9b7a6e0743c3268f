// Daily volumes of the big feeds: annual totals, spread over the days by activity weight, rounded
// to whole counts per day so that chosen windows (the seed figures) hold exactly. One number per
// day, so this is plain JS; the rows themselves are generated in SQL.
import { type ActivityKind, activityWeight, allocate, dayFromIso, yearOfDay } from './calendar.ts';
import { hash01 } from './random.ts';

/** A run of days; when `total` is given, their counts must add up to it exactly. */
export interface Segment {
  from: number;
  to: number;
  total?: number;
}

/**
 * Expected count per day from `fromDay` to `toDay` inclusive. The rate per unit of activity is
 * interpolated linearly between mid-year points, so growth is smooth across New Year.
 */
export function expectedDaily(
  fromDay: number,
  toDay: number,
  kind: ActivityKind,
  annual: (year: number) => number,
): number[] {
  const y0 = yearOfDay(fromDay) - 1;
  const y1 = yearOfDay(toDay) + 1;
  const rate = new Map<number, number>();
  const mid = new Map<number, number>();
  for (let y = y0; y <= y1; y++) {
    const start = dayFromIso(`${y}-01-01`);
    const end = dayFromIso(`${y}-12-31`);
    let w = 0;
    for (let d = start; d <= end; d++) w += activityWeight(d, kind);
    rate.set(y, annual(y) / w);
    mid.set(y, dayFromIso(`${y}-07-02`));
  }
  const out: number[] = [];
  for (let d = fromDay; d <= toDay; d++) {
    const y = yearOfDay(d);
    const a = d < (mid.get(y) ?? 0) ? y - 1 : y;
    const ma = mid.get(a) ?? 0;
    const mb = mid.get(a + 1) ?? ma + 365;
    const f = (d - ma) / (mb - ma);
    const r = (rate.get(a) ?? 0) * (1 - f) + (rate.get(a + 1) ?? 0) * f;
    out.push(r * activityWeight(d, kind));
  }
  return out;
}

/**
 * Segments covering [fromDay, toDay]: each calendar year split at 1 September, so that a
 * January–August window (the seed figures' range) is always a segment of its own.
 */
export function yearSegments(fromDay: number, toDay: number, exact: ReadonlyMap<string, number>): Segment[] {
  const segments: Segment[] = [];
  for (let y = yearOfDay(fromDay); y <= yearOfDay(toDay); y++) {
    const parts: Array<[string, string]> = [
      [`${y}-01-01`, `${y}-08-31`],
      [`${y}-09-01`, `${y}-12-31`],
    ];
    for (const [a, b] of parts) {
      const from = Math.max(fromDay, dayFromIso(a));
      const to = Math.min(toDay, dayFromIso(b));
      if (from > to) continue;
      const whole = from === dayFromIso(a) && to === dayFromIso(b);
      const key = `${a}/${b}`;
      segments.push({ from, to, total: whole ? exact.get(key) : undefined });
    }
  }
  return segments;
}

/**
 * Whole counts per day. A segment with a fixed total gets largest-remainder rounding, so the total
 * holds exactly; elsewhere each day is rounded on its own (up with probability equal to its fraction,
 * keyed by `key` and the day), so a day's count never depends on where the generated range ends.
 */
export function allocateDaily(
  fromDay: number,
  expected: readonly number[],
  segments: readonly Segment[],
  key: string,
): number[] {
  const counts = new Array<number>(expected.length).fill(0);
  for (const s of segments) {
    const offset = s.from - fromDay;
    const slice = expected.slice(offset, s.to - fromDay + 1);
    const rounded =
      s.total === undefined
        ? slice.map((e, k) => Math.floor(e + hash01(key, s.from + k)))
        : allocate(s.total, slice);
    rounded.forEach((n, k) => {
      counts[offset + k] = n;
    });
  }
  return counts;
}

/**
 * Multiply `annual` for the given years until the expected totals of their January–August windows
 * match `targets` (key = year). The exact rounding then moves each window by well under 1 %, so no
 * step shows at 1 September.
 */
export function calibrateAnnual(
  kind: ActivityKind,
  annual: (year: number) => number,
  targets: ReadonlyMap<number, number>,
): (year: number) => number {
  const factor = new Map<number, number>();
  const calibrated = (y: number): number => annual(y) * (factor.get(y) ?? 1);
  for (let iter = 0; iter < 8; iter++) {
    for (const [year, target] of targets) {
      const from = dayFromIso(`${year}-01-01`);
      const e = expectedDaily(from, dayFromIso(`${year}-08-31`), kind, calibrated);
      const sum = e.reduce((a, b) => a + b, 0);
      factor.set(year, (factor.get(year) ?? 1) * (target / sum));
    }
  }
  return calibrated;
}
