// The API's vocabulary: the words the server answers with and the web reads — languages, permissions, scope
// assignments, dimensions, statuses, the kinds of a KPI's unit, and the rule for which filters a KPI can take.
// One home for both sides; no React, no Node APIs.

export type Lang = 'vi' | 'en';

export const PERMISSIONS = ['read', 'export', 'feeds.read', 'feeds.push', 'admin', 'audit.read'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** A scope as assigned to a user or a device: omitted lists mean "no limit on that axis". */
export interface ScopeAssignment {
  units?: string[];
  sectors?: string[];
  subsystems?: string[];
}

export const TIME_DIMENSIONS = ['day', 'month', 'quarter', 'year'] as const;
export const DIMENSIONS = [
  'province',
  'district',
  'commune',
  'agency',
  'sector',
  'procedure',
  'indicator',
  ...TIME_DIMENSIONS,
] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export type TimeDimension = (typeof TIME_DIMENSIONS)[number];
/** What a breakdown can be asked by: every dimension (by province: the former provinces side by side, as they were). */
export type BreakdownBy = Dimension;

export const STATUSES = ['good', 'warning', 'bad', 'none'] as const;
export type Status = (typeof STATUSES)[number];
/** Worse is higher: a subsystem tile shows its worst KPI's status. */
export const STATUS_RANK: Record<Status, number> = { bad: 3, warning: 2, good: 1, none: 0 };

export function isStatus(s: unknown): s is Status {
  return (STATUSES as readonly unknown[]).includes(s);
}

/** The worst of some statuses ('none' when there are none). */
export function worstStatus(statuses: Iterable<Status>): Status {
  let w: Status = 'none';
  for (const s of statuses) if (STATUS_RANK[s] > STATUS_RANK[w]) w = s;
  return w;
}

/**
 * A KPI's unit as the registry and the indicators reference name it; anything else is printed after the number.
 * `percent` and `%` values are already × 100 (35.6 means 35,6 %): the web shows them with a percent sign and
 * exports write them as percent-formatted cells.
 */
export type KpiUnit =
  | 'count'
  | 'percent'
  | '%'
  | 'ratio'
  | 'vnd'
  | 'days'
  | 'score'
  | 'rank'
  | 'index'
  | 'number'
  | 'tỷ VND'
  | 'triệu USD'
  | 'per 10k'
  | (string & {});

export type ValueKind = 'integer' | 'decimal' | 'percent' | 'vnd';

/** How a value of this unit is written: the one rule for the web's formatter and the exports' cell formats. */
export function valueKind(unit: string): ValueKind {
  if (unit === 'percent' || unit === '%') return 'percent';
  if (unit === 'count') return 'integer';
  if (unit === 'vnd') return 'vnd';
  return 'decimal';
}

export type FilterName = 'unit' | 'agency' | 'sector' | 'procedure' | 'indicator';
export const FILTER_NAMES = [
  'unit',
  'agency',
  'sector',
  'procedure',
  'indicator',
] as const satisfies readonly FilterName[];

/** The dimension a filter needs among the KPI's dimensions (a unit needs the unit hierarchy). */
const FILTER_DIMENSION: Record<FilterName, Dimension> = {
  unit: 'district',
  agency: 'agency',
  sector: 'sector',
  procedure: 'procedure',
  indicator: 'indicator',
};

/**
 * Which filters a KPI can take, from its dimensions: the others are left out of its request and named, so a page
 * showing many KPIs (a health head's sector filter on reported indicators) shows each without the filter it cannot
 * take instead of failing. The procedure catalogue is province-wide: a unit filter leaves it whole and is kept.
 */
export function applicableFilters<F extends Partial<Record<FilterName, string | undefined>>>(
  kpi: { dimensions: readonly string[]; kind: string },
  filters: F,
): { applied: F; ignored: FilterName[] } {
  const applied = { ...filters };
  const ignored: FilterName[] = [];
  for (const k of FILTER_NAMES) {
    if (filters[k] === undefined || filters[k] === '') continue;
    const takes = kpi.dimensions.includes(FILTER_DIMENSION[k]) || (k === 'unit' && kpi.kind === 'catalogue');
    if (!takes) {
      ignored.push(k);
      delete applied[k];
    }
  }
  return { applied, ignored };
}
