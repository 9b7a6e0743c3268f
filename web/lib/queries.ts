// One TanStack queryOptions factory per endpoint: the key holds every parameter, so two views asking the same
// question share one request and one cache entry. `live` adds the wall's 30-second refresh.
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { BreakdownBy } from '../../common/vocabulary.ts';
import { client, compact, ok } from './api.ts';

/** The filters every KPI endpoint takes (a period as local dates, plus an optional unit/agency/sector). */
export interface RangeFilters {
  from: string;
  to: string;
  unit?: string;
  agency?: string;
  sector?: string;
  /** The units history is shown by: today's (default, omitted) or `then`, as they were. */
  boundaries?: 'then';
}

export type { BreakdownBy } from '../../common/vocabulary.ts';
export type RecordsPart = 'numerator' | 'denominator';
export type IndexBy = 'agency' | 'commune' | 'district';
export type GeoLevel = 'province' | 'district' | 'commune';

const STALE = 30_000;
/** The wall's refresh period: 30 s, or `?refresh=N` seconds (N ≥ 5) on the page URL. */
export const REFRESH_MS = (() => {
  const n = Number(
    typeof location === 'undefined' ? Number.NaN : new URLSearchParams(location.search).get('refresh'),
  );
  return Number.isFinite(n) && n >= 5 ? n * 1000 : 30_000;
})();

/** The wall's refresh: every REFRESH_MS even when the tab is in the background, and keep trying while offline. */
const liveOpts = (live?: boolean) =>
  live
    ? ({
        refetchInterval: REFRESH_MS,
        refetchIntervalInBackground: true,
        networkMode: 'always',
        retry: 1,
        retryDelay: 2_000,
        // Slides come back minutes later: keep their data (the last good picture) while they are off screen.
        gcTime: 24 * 60 * 60_000,
      } as const)
    : {};

const rangeQuery = (f: RangeFilters) => ({
  ...compact({ from: f.from, to: f.to, unit: f.unit, agency: f.agency, sector: f.sector }),
  ...(f.boundaries ? { boundaries: f.boundaries } : {}),
});

// The fetchers, named so their answer types can be named too.
const fetchConfig = () => ok(client.api.config.$get());
const fetchSubsystems = (f: RangeFilters) => ok(client.api.subsystems.$get({ query: rangeQuery(f) }));
const fetchRegistry = () => ok(client.api.kpis.$get());
const fetchKpi = (id: string, f: RangeFilters) =>
  ok(client.api.kpis[':id'].$get({ param: { id }, query: rangeQuery(f) }));
const fetchBreakdown = (id: string, by: BreakdownBy, f: RangeFilters) =>
  ok(client.api.kpis[':id'].breakdown.$get({ param: { id }, query: { ...rangeQuery(f), by } }));
const fetchRecords = (id: string, part: RecordsPart, f: RangeFilters, limit: number, offset: number) =>
  ok(
    client.api.kpis[':id'].records.$get({
      param: { id },
      query: { ...rangeQuery(f), part, limit: String(limit), offset: String(offset) },
    }),
  );
const fetchIndex766 = (by: IndexBy, f: RangeFilters) =>
  ok(client.api.index766.$get({ query: { ...rangeQuery(f), by } }));

export type OneStopBy = 'agency' | 'commune';
const fetchOneStop = (by: OneStopBy, f: RangeFilters) =>
  ok(client.api.services['one-stop'].$get({ query: { ...rangeQuery(f), by } }));

export type { AgencyRow, UnitRow } from '../../common/rows.ts';

const fetchUnits = () => ok(client.api.units.$get());
const fetchAgencies = () => ok(client.api.agencies.$get());
const fetchFeeds = () => ok(client.api.feeds.$get());

export type ConfigData = Awaited<ReturnType<typeof fetchConfig>>;
export type SubsystemsData = Awaited<ReturnType<typeof fetchSubsystems>>;
export type SubsystemSummary = SubsystemsData['subsystems'][number];
export type RegistryData = Awaited<ReturnType<typeof fetchRegistry>>;
export type KpiDef = RegistryData['kpis'][number];
export type SubsystemDef = RegistryData['subsystems'][number];
export type KpiData = Awaited<ReturnType<typeof fetchKpi>>;
export type BreakdownData = Awaited<ReturnType<typeof fetchBreakdown>>;
export type RecordsData = Awaited<ReturnType<typeof fetchRecords>>;
export type Index766Data = Awaited<ReturnType<typeof fetchIndex766>>;
export type FeedsData = Awaited<ReturnType<typeof fetchFeeds>>;

export const configOptions = () =>
  queryOptions({
    queryKey: ['config'],
    queryFn: fetchConfig,
    staleTime: Number.POSITIVE_INFINITY,
  });

export const subsystemsOptions = (f: RangeFilters, live?: boolean) =>
  queryOptions({
    queryKey: ['subsystems', rangeQuery(f)],
    queryFn: () => fetchSubsystems(f),
    staleTime: STALE,
    placeholderData: keepPreviousData,
    ...liveOpts(live),
  });

export const registryOptions = () =>
  queryOptions({
    queryKey: ['kpis'],
    queryFn: fetchRegistry,
    staleTime: 5 * 60_000,
  });

export const kpiOptions = (id: string, f: RangeFilters, live?: boolean) =>
  queryOptions({
    queryKey: ['kpi', id, rangeQuery(f)],
    queryFn: () => fetchKpi(id, f),
    staleTime: STALE,
    placeholderData: keepPreviousData,
    ...liveOpts(live),
  });

export const breakdownOptions = (id: string, by: BreakdownBy, f: RangeFilters, live?: boolean) =>
  queryOptions({
    queryKey: ['breakdown', id, by, rangeQuery(f)],
    queryFn: () => fetchBreakdown(id, by, f),
    staleTime: STALE,
    ...liveOpts(live),
  });

export const recordsOptions = (
  id: string,
  part: RecordsPart,
  f: RangeFilters,
  limit: number,
  offset: number,
) =>
  queryOptions({
    queryKey: ['records', id, part, rangeQuery(f), limit, offset],
    queryFn: () => fetchRecords(id, part, f, limit, offset),
    staleTime: STALE,
    placeholderData: keepPreviousData,
  });

export const index766Options = (by: IndexBy, f: RangeFilters) =>
  queryOptions({
    queryKey: ['index766', by, rangeQuery(f)],
    queryFn: () => fetchIndex766(by, f),
    staleTime: STALE,
    placeholderData: keepPreviousData,
  });

export const oneStopOptions = (by: OneStopBy, f: RangeFilters) =>
  queryOptions({
    queryKey: ['one-stop', by, rangeQuery(f)],
    queryFn: () => fetchOneStop(by, f),
    staleTime: STALE,
    placeholderData: keepPreviousData,
  });

export type OneStopData = Awaited<ReturnType<typeof fetchOneStop>>;

export const unitsOptions = () =>
  queryOptions({
    queryKey: ['units'],
    queryFn: fetchUnits,
    staleTime: 60 * 60_000,
  });

export const agenciesOptions = () =>
  queryOptions({
    queryKey: ['agencies'],
    queryFn: fetchAgencies,
    staleTime: 60 * 60_000,
  });

export const feedsOptions = (live?: boolean) =>
  queryOptions({
    queryKey: ['feeds'],
    queryFn: fetchFeeds,
    staleTime: STALE,
    ...liveOpts(live),
  });

/** Unit shapes from our own API (offline by default); they change only when boundaries are imported. */
export const geoUnitsOptions = (level: GeoLevel, parent?: string, at?: string) =>
  queryOptions({
    queryKey: ['geo', level, parent ?? null, at ?? null],
    queryFn: () =>
      ok(
        client.api.geo.units.$get({
          query: { level, ...(parent ? { parent } : {}), ...(at ? { at } : {}) },
        }),
      ),
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 60 * 60_000,
  });
