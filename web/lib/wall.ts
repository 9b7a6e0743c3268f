// What a wall slide shows, decided from the registry, and the prefetch that fills the cache for it: a slide
// that has been fetched once can be shown again while the API is unreachable.
import type { QueryClient } from '@tanstack/react-query';
import type { Slide } from './playlist.ts';
import {
  breakdownOptions,
  geoUnitsOptions,
  type KpiDef,
  type RegistryData,
  subsystemsOptions,
} from './queries.ts';
import { trendOptions, trendSpec } from './trend.ts';
import { drillLevel, type UnitIndex } from './units.ts';

export interface SlidePlan {
  headline: KpiDef[];
  /** The KPI of the trend, map and ranking: the alarm's, else the first headline KPI mappable by district. */
  focus: KpiDef | undefined;
}

export function slidePlan(
  registry: RegistryData | undefined,
  subsystem: string,
  alarmKpi?: string,
): SlidePlan {
  const defs = new Map((registry?.kpis ?? []).map((k) => [k.id, k]));
  const sub = registry?.subsystems.find((s) => s.id === subsystem);
  const headline = (sub?.headline ?? []).map((id) => defs.get(id)).filter((k): k is KpiDef => !!k);
  const timeable = headline.filter((k) => k.kind !== 'catalogue' && k.dimensions.includes('quarter'));
  const alarm = alarmKpi ? headline.find((k) => k.id === alarmKpi) : undefined;
  const focus = alarm ?? timeable.find((k) => k.dimensions.includes('district')) ?? timeable[0];
  return { headline, focus };
}

/** Province-level indicators have nothing to map: every unit row is empty. */
export function hasUnitData(rows: { key: string | null; value: number | null }[] | undefined): boolean {
  return (rows ?? []).some((r) => r.key !== null && r.value !== null);
}

/** The trends a subsystem slide draws: the focus KPI's beside its map, else each headline KPI's (up to 3). */
export function slideTrends(
  plan: SlidePlan,
  withMap: boolean,
  filters: Parameters<typeof trendSpec>[1],
): KpiDef[] {
  if (withMap || !plan.focus) return plan.focus ? [plan.focus] : [];
  return plan.headline
    .filter((k) => k.kind !== 'catalogue' && k.dimensions.includes(trendSpec(k, filters).grain))
    .slice(0, 3);
}

/** The ranking/map filters of a slide: the parent of the units shown (none for the province's districts). */
export function unitView(index: UnitIndex, filters: Slide['filters']) {
  const drill = drillLevel(index, filters.unit, { view: filters.boundaries, to: filters.to });
  return {
    drill,
    filters: { ...filters, unit: drill.parent === index.province?.code ? undefined : drill.parent },
  };
}

/** Fetch everything a slide draws into the cache (errors ignored: the slide shows what it has). */
export async function prefetchSlide(
  qc: QueryClient,
  slide: Slide,
  registry: RegistryData,
  index: UnitIndex,
  mapKpi: string,
): Promise<void> {
  if (!index.province) return;
  const f = slide.filters;
  const view = unitView(index, f);
  const quiet = <T>(p: Promise<T>) => p.catch(() => undefined);
  const base = [
    quiet(qc.prefetchQuery(subsystemsOptions(f, true))),
    quiet(qc.prefetchQuery(geoUnitsOptions(view.drill.level, view.drill.parent))),
  ];
  if (slide.id === 'overview') {
    const def = registry.kpis.find((k) => k.id === mapKpi && k.dimensions.includes(view.drill.level));
    if (def)
      base.push(quiet(qc.prefetchQuery(breakdownOptions(def.id, view.drill.level, view.filters, true))));
    await Promise.all(base);
    return;
  }
  const plan = slidePlan(registry, slide.id);
  let withMap = false;
  if (plan.focus?.dimensions.includes(view.drill.level)) {
    const rows = await quiet(
      qc.fetchQuery(breakdownOptions(plan.focus.id, view.drill.level, view.filters, true)),
    );
    withMap = hasUnitData(rows?.rows);
  }
  await Promise.all([
    ...base,
    ...slideTrends(plan, withMap, f).map((d) => quiet(qc.prefetchQuery(trendOptions(d, f, true)))),
  ]);
}
