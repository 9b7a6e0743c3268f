// Dossier states as the one-stop rules count them (FEEDS.md v2, "How dossiers are counted"), as SQL conditions on a
// dossier row `s` for a period [{start}, {end}). The registry's services KPIs and the one-stop table are built from
// these, so a column of the table and the KPI of the same name cannot disagree.
//
// Judged as of the end of the period: a dossier completed after it is still in progress in it, so a period's
// figures do not change once it has ended.
import { vnDateSql } from '../db/sql.ts';

/** Returned, withdrawn or cancelled: closed without a result, never late, never overdue. */
export const CLOSED = `s.status IN ('returned', 'withdrawn', 'cancelled')`;
/** When a closed dossier was closed: `closed_at`, else its last version (FEEDS.md), else its receipt. */
const closedAt = `coalesce(s.closed_at, s.updated_at, s.received_at)`;
/**
 * When the dossier left the desk: its result or its closing; NULL while open. Stored with each record as `ended_at`
 * (the loader computes it, migration 15 for the records before it): the states below name it several times each —
 * evaluating this CASE at every mention doubled the cost of the index's handled-dossier counts, and computing it
 * per query still cost 40 % more than reading it.
 */
export const ENDED_AT = `(CASE WHEN ${CLOSED} THEN ${closedAt} ELSE s.completed_at END)`;
const endedAt = 's.ended_at';
/** Still open at an instant: received before it and not ended by it. */
const openAt = (t: string) => `(s.received_at < ${t} AND (${endedAt} IS NULL OR ${endedAt} >= ${t}))`;
/**
 * Waiting for the applicant at the period's end (the clock paused): a supplement asked for before the end and not
 * supplied by then. A source that sends no request time: the dossier's current status says it.
 */
const waitingAtEnd = `(CASE WHEN s.supplement_requested_at IS NOT NULL
    THEN s.supplement_requested_at < {end} AND (s.supplemented_at IS NULL OR s.supplemented_at >= {end})
    ELSE s.status = 'supplement' END)`;

/** Completed with a result in the period (time column `completed_at`), not a closed dossier. */
export const COMPLETED = `s.completed_at IS NOT NULL AND NOT (${CLOSED})`;
/** Completed on a day before the due day (Vietnam calendar days). */
export const EARLY = `${COMPLETED} AND ${vnDateSql('s.completed_at')} < ${vnDateSql('s.due_at')}`;
/** Completed on the due day, not after the due time. */
export const ON_DUE_DAY = `${COMPLETED} AND ${vnDateSql('s.completed_at')} >= ${vnDateSql('s.due_at')} AND s.completed_at <= s.due_at`;
/** Completed within the deadline: early or on the due day. */
export const WITHIN = `${COMPLETED} AND s.completed_at <= s.due_at`;
export const LATE = `${COMPLETED} AND s.completed_at > s.due_at`;

/** Received before the period, not ended when it starts. */
export const CARRIED_OVER = `s.received_at < {start} AND (${endedAt} IS NULL OR ${endedAt} >= {start})`;
/** Handled in the period: received in it or carried over into it. */
export const HANDLED = `s.received_at < {end} AND (${endedAt} IS NULL OR ${endedAt} >= {start})`;
/** Returned, withdrawn or cancelled in the period. */
export const CLOSED_IN = `${CLOSED} AND ${closedAt} >= {start} AND ${closedAt} < {end}`;
/** Waiting for supplement at the period's end. */
export const WAITING = `${openAt('{end}')} AND ${waitingAtEnd}`;
/** In progress at the period's end (not waiting), within the deadline. */
export const IN_PROGRESS_WITHIN = `${openAt('{end}')} AND NOT ${waitingAtEnd} AND s.due_at >= {end}`;
/** In progress at the period's end (not waiting), past the deadline. */
export const OVERDUE = `${openAt('{end}')} AND NOT ${waitingAtEnd} AND s.due_at < {end}`;

// Citizen feedback (PAKN) on the `feedback_due` view (`due`: the deadline sent, else the statutory one).
/** Feedback still unanswered at the period end (a rejected one is closed at its last version). */
const feedbackEnded = `(CASE WHEN s.status = 'rejected' THEN coalesce(s.resolved_at, s.updated_at, s.received_at) ELSE s.resolved_at END)`;
export const FEEDBACK_OPEN_AT_END = `s.received_at < {end} AND (${feedbackEnded} IS NULL OR ${feedbackEnded} >= {end})`;
/** Handled on time, judged at the period end: not answered after its deadline, not open past it. */
export const FEEDBACK_ON_TIME = `NOT ((s.resolved_at IS NOT NULL AND s.resolved_at < {end} AND s.resolved_at > s.due)
  OR (${FEEDBACK_OPEN_AT_END} AND s.due < {end}))`;

/** Columns the loader derives from a record and stores with it (feeds/loader.ts), by feed. */
export const DERIVED_COLUMNS: Record<string, { name: string; sql: string }[]> = {
  dossiers: [{ name: 'ended_at', sql: ENDED_AT }],
};

/** The rules the count follows, by the date they took effect (a record is counted by the rule of its date). */
export const ONE_STOP_RULES = [
  {
    from: '2018-06-21',
    vi: 'Nghị định 61/2018/NĐ-CP, sửa đổi bởi Nghị định 107/2021/NĐ-CP',
    en: 'Decree 61/2018/ND-CP as amended by Decree 107/2021/ND-CP',
  },
  {
    from: '2025-07-01',
    vi: 'Nghị định 118/2025/NĐ-CP',
    en: 'Decree 118/2025/ND-CP',
  },
] as const;

/** The versions of a dated rule in force at some time in [from, to] (ISO dates), oldest first. */
export function rulesInForce<T extends { from: string }>(rules: readonly T[], from: string, to: string): T[] {
  return rules.filter((r, i) => r.from <= to && (rules[i + 1]?.from ?? '9999') > from);
}
