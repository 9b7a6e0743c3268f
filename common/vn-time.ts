// Vietnam time: Asia/Ho_Chi_Minh is a fixed UTC+7 (no daylight saving since 1975), so the province's clock is
// UTC shifted by seven hours — 3,5× faster in DuckDB than AT TIME ZONE. This is the one home of that shift: the
// web's formatter, the server's period arithmetic and its SQL helpers (server/db/sql.ts) take it from here.

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';
export const VN_UTC_OFFSET_HOURS = 7;
export const VN_UTC_OFFSET_MS = VN_UTC_OFFSET_HOURS * 3_600_000;
/** The offset as ISO 8601 writes it. */
export const VN_OFFSET = '+07:00';

/** A Date whose UTC fields read the Vietnam wall clock of the instant (for arithmetic on the local calendar). */
export function vnWallClock(t: Date | number | string): Date {
  return new Date(new Date(t).getTime() + VN_UTC_OFFSET_MS);
}

/** Today's date on the Vietnam clock (YYYY-MM-DD). */
export function todayLocal(now: Date = new Date()): string {
  return vnWallClock(now).toISOString().slice(0, 10);
}

/** An instant written on the Vietnam clock with its offset: `2026-11-29T09:05:00.000+07:00`. */
export function vnIso(t: Date | number | string): string {
  return `${vnWallClock(t).toISOString().slice(0, 23)}${VN_OFFSET}`;
}

/** The instant a local date starts, as ISO text (DuckDB casts it to TIMESTAMPTZ). */
export function localStart(d: string): string {
  return `${d}T00:00:00${VN_OFFSET}`;
}
