// Per-feed health for the feeds page and for KPI freshness: rows, newest event, last delivery, rejects.
import type { Db } from '../db/index.ts';
import { FEED_NAMES, FEEDS, type FeedName } from './specs.ts';

export interface FeedStatus {
  feed: FeedName;
  rows: number;
  /** Newest event time in the store (documents.at, dossiers.received_at…). */
  newestEventAt: string | null;
  lastDelivery: {
    name: string;
    source: string;
    receivedAt: string;
    status: string;
    accepted: number | null;
    rejected: number | null;
  } | null;
  deliveries: number;
  rejects: number;
  cadenceHours: number;
  stale: boolean;
}

/** What the store says of each feed; only `stale` (added by withStaleness) depends on the clock. */
export type FeedState = Omit<FeedStatus, 'stale'>;

/** A feed is stale when its newest event is older than its cadence (or it has none). */
export function withStaleness(state: FeedState[], now = new Date()): FeedStatus[] {
  return state.map((f) => ({
    ...f,
    stale:
      !f.newestEventAt || now.getTime() - new Date(f.newestEventAt).getTime() > f.cadenceHours * 3_600_000,
  }));
}

export async function readFeedState(db: Db): Promise<FeedState[]> {
  const parts = FEED_NAMES.map(
    (f) => `SELECT '${f}' AS feed, count(*) AS rows, max("${FEEDS[f].eventTime}") AS newest FROM ${f}`,
  );
  const [counts, last, rej] = await Promise.all([
    db.query<{ feed: FeedName; rows: number; newest: string | null }>(parts.join(' UNION ALL ')),
    db.query<{
      feed: FeedName;
      name: string;
      source: string;
      received_at: string;
      status: string;
      accepted: number | null;
      rejected: number | null;
      n: number;
    }>(
      `SELECT feed, name, source, received_at, status, accepted, rejected, count(*) OVER (PARTITION BY feed) AS n
       FROM deliveries QUALIFY row_number() OVER (PARTITION BY feed ORDER BY id DESC) = 1`,
    ),
    db.query<{ feed: FeedName; n: number }>('SELECT feed, count(*) AS n FROM rejects GROUP BY feed'),
  ]);
  return FEED_NAMES.map((feed) => {
    const c = counts.find((x) => x.feed === feed);
    const l = last.find((x) => x.feed === feed);
    const newest = c?.newest ?? null;
    const cadence = FEEDS[feed].cadenceHours;
    return {
      feed,
      rows: c?.rows ?? 0,
      newestEventAt: newest,
      lastDelivery: l
        ? {
            name: l.name,
            source: l.source,
            receivedAt: l.received_at,
            status: l.status,
            accepted: l.accepted,
            rejected: l.rejected,
          }
        : null,
      deliveries: l?.n ?? 0,
      rejects: rej.find((x) => x.feed === feed)?.n ?? 0,
      cadenceHours: cadence,
    };
  });
}
