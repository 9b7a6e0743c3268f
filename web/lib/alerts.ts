// The alerts list (overview and wall) and the wall's alarm override, as pure functions over API answers.
import { STATUS_RANK, type Status } from './kpi.ts';

interface HeadlineLike {
  id: string;
  name: { vi: string; en: string };
  unit: string;
  status: Status;
  value: number | null;
  change: number | null;
  changePoints?: number | null;
  direction: 'up' | 'down';
}

interface SubsystemLike {
  id: string;
  name: { vi: string; en: string };
  headline: HeadlineLike[];
}

interface FeedLike {
  feed: string;
  stale: boolean;
  newestEventAt: string | null;
}

export type Alert =
  | { type: 'kpi'; key: string; status: 'bad' | 'warning'; subsystem: SubsystemLike; kpi: HeadlineLike }
  | { type: 'feed'; key: string; status: 'bad'; feed: FeedLike };

/** Headline KPIs that are red or amber, and late feeds: red first, then late feeds, then amber. */
export function buildAlerts(subsystems: SubsystemLike[] | undefined, feeds: FeedLike[] | undefined): Alert[] {
  const kpis: Alert[] = [];
  for (const s of subsystems ?? []) {
    for (const k of s.headline) {
      if (k.status === 'bad' || k.status === 'warning') {
        kpis.push({ type: 'kpi', key: k.id, status: k.status, subsystem: s, kpi: k });
      }
    }
  }
  const bad = kpis.filter((a) => a.status === 'bad');
  const warn = kpis.filter((a) => a.status === 'warning');
  const late: Alert[] = (feeds ?? [])
    .filter((f) => f.stale)
    .map((f) => ({ type: 'feed', key: `feed:${f.feed}`, status: 'bad', feed: f }));
  return [...bad, ...late, ...warn];
}

/** Each headline KPI's status, to compare one refresh with the next. */
export function statusSnapshot(subsystems: SubsystemLike[] | undefined): Map<string, Status> {
  const m = new Map<string, Status>();
  for (const s of subsystems ?? []) for (const k of s.headline) m.set(k.id, k.status);
  return m;
}

/**
 * Subsystems with a headline KPI that turned `bad` since the previous snapshot (the wall shows them next).
 * A KPI seen for the first time does not count: a fresh wall does not open with a cascade of alarms.
 */
export function newlyBad(
  prev: Map<string, Status>,
  subsystems: SubsystemLike[] | undefined,
): { subsystem: string; kpi: string }[] {
  const out: { subsystem: string; kpi: string }[] = [];
  for (const s of subsystems ?? []) {
    for (const k of s.headline) {
      const before = prev.get(k.id);
      if (k.status === 'bad' && before !== undefined && before !== 'bad')
        out.push({ subsystem: s.id, kpi: k.id });
    }
  }
  return out.sort((a, b) => a.subsystem.localeCompare(b.subsystem));
}

/** The worst status of a list. */
export function worst(statuses: Status[]): Status {
  return statuses.reduce<Status>((w, s) => (STATUS_RANK[s] > STATUS_RANK[w] ? s : w), 'none');
}
