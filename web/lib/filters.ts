// View state in the URL (period, unit, agency, sector, selected KPI, records page): a copied link or a wall
// playlist shows exactly the same view. The language is a personal choice and stays out of the URL.
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { type DateRange, type Period, parsePeriod, periodRange, todayLocal, writePeriod } from './period.ts';
import type { RangeFilters } from './queries.ts';

/** Parameters that follow the user from page to page (a tile link keeps the period and the unit). */
export const CARRIED = ['period', 'from', 'to', 'unit', 'agency', 'sector'] as const;

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

/** The URL's filters and setters that push a history entry, so Back undoes a drill-down. */
export function useFilters() {
  const [params, setParams] = useSearchParams();
  const key = params.toString();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the string form is the identity of the params
  const filters = useMemo(() => readFilters(params), [key]);
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
