// The trend of a KPI: which buckets (months, or quarters for reported indicators) over which range, as one
// breakdown query shared by the subsystem page, the wall and the wall's prefetch.
import { type DateRange, trendGrain, trendRange } from '../../common/period.ts';
import { breakdownOptions, type RangeFilters } from './queries.ts';

export interface TrendSpec {
  grain: 'month' | 'quarter';
  range: DateRange;
}

export function trendSpec(def: { kind: string }, f: RangeFilters): TrendSpec {
  const grain = trendGrain(def.kind);
  return { grain, range: trendRange(f, grain) };
}

export function trendOptions(def: { id: string; kind: string }, f: RangeFilters, live?: boolean) {
  const s = trendSpec(def, f);
  return breakdownOptions(def.id, s.grain, { ...f, ...s.range }, live);
}
