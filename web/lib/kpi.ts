// Reading a server answer for display: tone of a change by the KPI's direction, status colours, labels of
// breakdown keys. Comparisons only; every value shown was computed by the server.
import type { MessageKey } from '../../common/messages.ts';
import type { Status } from '../../common/vocabulary.ts';

export { isStatus, STATUS_RANK, type Status } from '../../common/vocabulary.ts';

/** The map's KPI when the URL names none (`mapKpi=`): the one leaders ask about first. */
export const DEFAULT_MAP_KPI = 'services.ontime_rate';

export type Direction = 'up' | 'down';
export type Tone = 'better' | 'worse' | 'flat' | 'none';

/** Better or worse by the KPI's direction, not by the sign: fewer overdue dossiers is green. */
export function changeTone(change: number | null | undefined, direction: Direction): Tone {
  if (change === null || change === undefined || !Number.isFinite(change)) return 'none';
  if (Math.round(change * 10) === 0) return 'flat';
  return change > 0 === (direction === 'up') ? 'better' : 'worse';
}

/** Tone of a value against an earlier one (previous period), by direction. */
export function compareTone(
  value: number | null | undefined,
  base: number | null | undefined,
  direction: Direction,
): Tone {
  if (value === null || value === undefined || base === null || base === undefined) return 'none';
  if (value === base) return 'flat';
  return value > base === (direction === 'up') ? 'better' : 'worse';
}

/** Arrow of a comparison without a number: ▲ higher, ▼ lower, = equal. */
export function arrow(value: number | null | undefined, base: number | null | undefined): string {
  if (value === null || value === undefined || base === null || base === undefined) return '';
  return value > base ? '▲' : value < base ? '▼' : '=';
}

export const STATUS_COLORS: Record<Status, string> = {
  good: '#1e8e3e',
  warning: '#e8a100',
  bad: '#d93025',
  none: '#8a94a6',
};

export const statusKey = (s: Status): MessageKey => `status.${s}`;
