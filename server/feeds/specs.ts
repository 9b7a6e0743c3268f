// The four feeds of FEEDS.md v1 as data: the loader core is generic over these specs.
import type { FieldKind, FieldSpec } from './fields.ts';

export const FEED_NAMES = ['documents', 'dossiers', 'payments', 'reports', 'feedback'] as const;
export type FeedName = (typeof FEED_NAMES)[number];

export interface FeedSpec {
  name: FeedName;
  fields: FieldSpec[];
  /** The event time that says how fresh the feed is. */
  eventTime: string;
  /** Expected delivery cadence: older data than this makes the feed (and its KPIs) stale. */
  cadenceHours: number;
  /** SQL for the stored unit_code, from the parsed row `p` and its agency `ag` (reports carry it; others default to the agency's). */
  unitSql: string;
  /** Rules across fields: `bad` is true (over the parsed record's typed columns) when the record breaks it. */
  recordRules?: { field: string; bad: string; reason: string }[];
}

const f = (name: string, type: FieldKind, required = false, def?: string): FieldSpec => ({
  name,
  type,
  required,
  default: def,
  // Deadlines are planned times: a dossier received today is due next week.
  planned: name === 'due_at',
});
const id: FieldKind = { kind: 'id' };
const ts: FieldKind = { kind: 'timestamp' };
const bool: FieldKind = { kind: 'boolean' };
const text: FieldKind = { kind: 'text' };
const agency: FieldKind = { kind: 'code', table: 'agencies' };
const unit: FieldKind = { kind: 'code', table: 'units' };
const enumOf = (...values: string[]): FieldKind => ({ kind: 'enum', values });

/** The agency's unit (agencies joined as `ag`) when the record names none. */
const agencyUnit = 'coalesce(p.unit_code, ag.unit_code)';

export const FEEDS: Record<FeedName, FeedSpec> = {
  documents: {
    name: 'documents',
    eventTime: 'at',
    cadenceHours: 24,
    unitSql: 'ag.unit_code',
    fields: [
      f('id', id, true),
      f('direction', enumOf('in', 'out'), true),
      f('agency_code', agency, true),
      f('at', ts, true),
      f('doc_type', text),
      f('subject', text),
      f('digitally_signed', bool, true),
      f('via_national_axis', bool, false, 'false'),
      f('is_task', bool, false, 'false'),
      f('due_at', ts),
      f('completed_at', ts),
      f('updated_at', ts),
    ],
  },
  dossiers: {
    name: 'dossiers',
    eventTime: 'received_at',
    cadenceHours: 24,
    unitSql: agencyUnit,
    fields: [
      f('id', id, true),
      f('procedure_code', { kind: 'code', table: 'procedures' }, true),
      f('agency_code', agency, true),
      f('unit_code', unit),
      f('channel', enumOf('online', 'counter', 'postal'), true),
      f('received_at', ts, true),
      f('due_at', ts, true),
      f('completed_at', ts),
      f(
        'status',
        enumOf('received', 'processing', 'supplement', 'completed', 'returned', 'withdrawn', 'cancelled'),
        true,
      ),
      // v2: the events the one-stop count needs (server/kpis/dossier-states.ts); a source without them gets the
      // best count its fields allow.
      f('supplement_requested_at', ts),
      f('supplemented_at', ts),
      f('closed_at', ts),
      f('result_digitized', bool),
      f('components_digitized', bool),
      f('reused_data', bool),
      f('fee_vnd', { kind: 'vnd' }),
      f('paid_online', bool),
      f('synced_national', bool),
      f('satisfaction', enumOf('satisfied', 'neutral', 'unsatisfied')),
      f('updated_at', ts),
    ],
  },
  payments: {
    name: 'payments',
    eventTime: 'paid_at',
    cadenceHours: 24,
    unitSql: agencyUnit,
    fields: [
      f('id', id, true),
      f('dossier_id', id),
      f('agency_code', agency, true),
      f('unit_code', unit),
      f('amount_vnd', { kind: 'vnd' }, true),
      f('paid_at', ts, true),
      f(
        'channel',
        enumOf('national_portal', 'provincial_gateway', 'vneid', 'bank_transfer', 'counter_pos'),
        true,
      ),
      f('status', enumOf('success', 'failed', 'refunded'), true),
      f('e_receipt', bool),
      f('updated_at', ts),
    ],
  },
  reports: {
    name: 'reports',
    eventTime: 'submitted_at',
    // Reports arrive monthly at the fastest; a feed silent for 45 days is late.
    cadenceHours: 24 * 45,
    unitSql: 'p.unit_code',
    fields: [
      f('id', id, true),
      f('indicator_code', { kind: 'code', table: 'indicators' }, true),
      f('unit_code', unit, true),
      f('period', { kind: 'period' }, true),
      f('value', { kind: 'number' }, true),
      f('submitted_at', ts, true),
      f('agency_code', agency),
      f('updated_at', ts),
    ],
  },
  feedback: {
    name: 'feedback',
    eventTime: 'received_at',
    cadenceHours: 24 * 7,
    unitSql: agencyUnit,
    recordRules: [
      {
        field: 'agency_code',
        bad: '"agency_code" IS NULL AND "unit_code" IS NULL',
        reason: 'agency_code or unit_code is required',
      },
    ],
    fields: [
      f('id', id, true),
      f('received_at', ts, true),
      f(
        'channel',
        enumOf('national_portal', 'provincial_portal', 'hotline', 'app', 'letter', 'in_person'),
        true,
      ),
      f('agency_code', agency),
      f('unit_code', unit),
      f('topic', text),
      f('procedure_code', { kind: 'code', table: 'procedures' }),
      f('dossier_id', id),
      f('due_at', ts),
      f('resolved_at', ts),
      f('status', enumOf('received', 'processing', 'resolved', 'rejected'), true),
      f('satisfied', bool),
      f('updated_at', ts),
    ],
  },
};

export function isFeedName(s: string): s is FeedName {
  return (FEED_NAMES as readonly string[]).includes(s);
}
