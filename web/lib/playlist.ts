// The wall's playlist from its URL: /wall?slides=overview,services(unit=238;period=2021-Q3),direction&seconds=20
// Each slide is `overview` or a subsystem id, optionally with its own filters and seconds in parentheses
// (`;`-separated key=value: period, from, to, unit, agency, sector, seconds); the rest of the URL gives the
// defaults for every slide. Without `slides`: the overview, then every subsystem in order.

import { todayLocal } from '../../common/period.ts';
import { readFilters, type ViewFilters } from './filters.ts';

export interface Slide {
  /** `overview` or a subsystem id. */
  id: string;
  /** Unique within the playlist (a subsystem may appear twice with different filters). */
  key: string;
  seconds: number;
  filters: ViewFilters;
}

export const DEFAULT_SECONDS = 20;
const MIN_SECONDS = 5;
const MAX_SECONDS = 600;
const SLIDE_RE = /^([a-z0-9_-]+)(?:\(([^()]*)\))?$/i;
const SLIDE_KEYS = new Set(['period', 'from', 'to', 'unit', 'agency', 'sector', 'seconds']);

const clampSeconds = (v: string | null | undefined, fallback: number) => {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? Math.min(MAX_SECONDS, Math.max(MIN_SECONDS, Math.round(n))) : fallback;
};

/** Split on commas outside parentheses. */
function tokens(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter(Boolean);
}

/**
 * The slides of a wall URL. Unknown subsystem ids are dropped (when the list of known ids is given), so a typo
 * never shows an empty slide at a Monday briefing.
 */
export function parsePlaylist(
  params: URLSearchParams,
  subsystemIds?: string[],
  today: string = todayLocal(),
): Slide[] {
  const seconds = clampSeconds(params.get('seconds'), DEFAULT_SECONDS);
  const raw = params.get('slides');
  const ids = raw ? tokens(raw) : ['overview', ...(subsystemIds ?? [])];
  const seen = new Map<string, number>();
  const slides: Slide[] = [];
  for (const tok of ids) {
    const m = SLIDE_RE.exec(tok);
    if (!m) continue;
    const id = m[1];
    if (id !== 'overview' && subsystemIds && !subsystemIds.includes(id)) continue;
    const own = new URLSearchParams(params);
    let secs = seconds;
    for (const kv of (m[2] ?? '').split(';')) {
      const [k, ...rest] = kv.split('=');
      const v = rest.join('=').trim();
      const key = k?.trim();
      if (!key || !SLIDE_KEYS.has(key)) continue;
      if (key === 'seconds') secs = clampSeconds(v, seconds);
      else if (v) own.set(key, v);
      else own.delete(key);
      // A slide's own period replaces the wall's custom range.
      if (key === 'period' && v !== 'custom') {
        own.delete('from');
        own.delete('to');
      }
    }
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    slides.push({
      id,
      key: n === 0 ? id : `${id}#${n + 1}`,
      seconds: secs,
      filters: readFilters(own, today),
    });
  }
  if (slides.length === 0)
    slides.push({ id: 'overview', key: 'overview', seconds, filters: readFilters(params, today) });
  return slides;
}

/** Where the wall starts: `start=` a slide key or a 1-based position; else the first slide. */
export function startIndex(params: URLSearchParams, slides: Slide[]): number {
  const s = params.get('start');
  if (!s) return 0;
  const byKey = slides.findIndex((x) => x.key === s || x.id === s);
  if (byKey >= 0) return byKey;
  const n = Number(s);
  return Number.isInteger(n) && n >= 1 && n <= slides.length ? n - 1 : 0;
}
