// View state in the URL (period, unit, agency, sector, selected KPI, records page): a copied link or a wall
// playlist shows exactly the same view. The language is a personal choice and stays out of the URL.
import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import {
  type DateRange,
  type Period,
  parsePeriod,
  periodRange,
  todayLocal,
  writePeriod,
} from '../../common/period.ts';
import { type RangeFilters, unitsOptions } from './queries.ts';
import { clampToScope } from './scope.ts';
import { useSession } from './session.ts';
import { indexUnits } from './units.ts';

/** Parameters that follow the user from page to page (a tile link keeps the period and the unit). */
export const CARRIED = ['period', 'from', 'to', 'unit', 'agency', 'sector', 'boundaries'] as const;

const CODE = /^[0-9A-Za-z._-]{1,64}$/;
const code = (v: string | null) => (v && CODE.test(v) ? v : undefined);

export interface ViewFilters extends RangeFilters {
  period: Period;
  range: DateRange;
}

/** Filters from URL parameters; malformed codes are ignored rather than sent to the API. */
export function readFilters(params: URLSearchParams, today: string = todayLocal()): ViewFilters {
  const period = parsePeriod(params);
  const range = periodRange(period, today);
  return {
    period,
    range,
    from: range.from,
    to: range.to,
    unit: code(params.get('unit')),
    agency: code(params.get('agency')),
    sector: code(params.get('sector')),
    boundaries: params.get('boundaries') === 'then' ? 'then' : undefined,
  };
}

/** A path with the carried parameters of the current URL, plus/minus some. */
export function linkTo(
  path: string,
  params: URLSearchParams,
  set: Record<string, string | null | undefined> = {},
): string {
  const next = new URLSearchParams();
  for (const k of CARRIED) {
    const v = params.get(k);
    if (v) next.set(k, v);
  }
  for (const [k, v] of Object.entries(set)) {
    if (v === null || v === undefined || v === '') next.delete(k);
    else next.set(k, v);
  }
  const q = next.toString();
  return q ? `${path}?${q}` : path;
}

export type ParamUpdate = Record<string, string | null | undefined>;

/**
 * The URL's filters and setters that push a history entry, so Back undoes a drill-down. For a scoped principal
 * the unit and sector are held inside its scope (and written back into the URL, so links carry them).
 */
export function useFilters() {
  const [params, setParams] = useSearchParams();
  const { scope } = useSession();
  // The session gate has loaded the units for a unit-scoped principal before any page renders.
  const units = useQuery({ ...unitsOptions(), enabled: !!scope?.units?.length });
  const index = useMemo(() => indexUnits(units.data?.units), [units.data]);
  const key = params.toString();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the string form is the identity of the params
  const raw = useMemo(() => readFilters(params), [key]);
  const filters = useMemo(() => clampToScope(raw, scope, index), [raw, scope, index]);
  useEffect(() => {
    if (filters === raw) return;
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (filters.unit) next.set('unit', filters.unit);
        if (filters.sector) next.set('sector', filters.sector);
        return next;
      },
      { replace: true, preventScrollReset: true },
    );
  }, [filters, raw, setParams]);
  const update = useCallback(
    (set: ParamUpdate, opts: { replace?: boolean } = {}) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(set)) {
            if (v === null || v === undefined || v === '') next.delete(k);
            else next.set(k, v);
          }
          return next;
        },
        { replace: opts.replace, preventScrollReset: true },
      );
    },
    [setParams],
  );
  const setPeriod = useCallback(
    (p: Period) => setParams((prev) => writePeriod(prev, p), { preventScrollReset: true }),
    [setParams],
  );
  return { params, filters, update, setPeriod };
}
