// The choropleth: unit shapes from our API (offline), values from a KPI breakdown, legend text from the
// formatter. The Leaflet map is its own chunk, loaded on first use and kept out of the entry bundle.
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useCallback, useMemo } from 'react';
import type { KpiUnit } from '../../common/format.ts';
import { useI18n } from '../lib/i18n.ts';
import { configOptions, type GeoLevel, geoUnitsOptions } from '../lib/queries.ts';
import { ErrorBoundary } from './error-boundary.tsx';
import { Loading } from './status.tsx';

const loadMap = () => import('../map/province-map.tsx');
const ProvinceMap = lazy(loadMap);

/** Fetch the map chunk ahead of need (the wall does, so a network hiccup later cannot leave a hole). */
export function preloadMap(): void {
  void loadMap().catch(() => undefined);
}

export interface MapPanelProps {
  level: GeoLevel;
  /** Parent unit code: the districts of the province, or the communes of a district. */
  parent?: string;
  /** The units as they were on this day (the view as they were: the period's end); default today's. */
  at?: string;
  rows: { key: string | null; value: number | null }[] | undefined;
  unit: KpiUnit;
  legendTitle: string;
  selected?: string;
  onSelect?: (code: string) => void;
  dark?: boolean;
  height?: number | string;
  labels?: boolean;
  /** The KPI's better direction and target: a rate with a target is painted so the worst units stand out. */
  direction?: 'up' | 'down';
  target?: number | null;
}

export function MapPanel({
  level,
  parent,
  at,
  rows,
  unit,
  legendTitle,
  selected,
  onSelect,
  dark,
  height = 420,
  labels = true,
  direction,
  target,
}: MapPanelProps) {
  const { t, fmt } = useI18n();
  const geo = useQuery(geoUnitsOptions(level, parent, at));
  const config = useQuery(configOptions());
  const values = useMemo(() => {
    const m = new Map<string, number | null>();
    for (const r of rows ?? []) if (r.key !== null) m.set(r.key, r.value);
    return m;
  }, [rows]);
  const format = useCallback((v: number | null) => fmt.kpi(v, unit, { compact: true }), [fmt, unit]);
  const demo = config.data?.demo || geo.data?.features.some((f) => f.properties?.demo);
  const unavailable = (
    <div className="map-fallback" style={{ height }}>
      {t('map.unavailable')}
    </div>
  );
  if (geo.isError && !geo.data) return unavailable;
  if (!geo.data) {
    return (
      <div className="map-fallback" style={{ height }}>
        <Loading />
      </div>
    );
  }
  return (
    <div className="map-panel" data-testid="map" data-level={level} style={{ height }}>
      <ErrorBoundary fallback={unavailable} resetKey={`${level}:${parent}`}>
        <Suspense fallback={<Loading />}>
          <ProvinceMap
            features={geo.data}
            values={values}
            format={format}
            legendTitle={legendTitle}
            selected={selected}
            onSelect={onSelect}
            tileUrl={config.data?.tileUrl ?? null}
            demoNote={demo ? t('map.demo') : undefined}
            worse={
              unit === 'percent' && target != null && direction
                ? direction === 'up'
                  ? 'low'
                  : 'high'
                : undefined
            }
            noDataLabel={t('map.noData')}
            labels={labels}
            dark={dark}
            height={height}
          />
        </Suspense>
      </ErrorBoundary>
    </div>
  );
}
