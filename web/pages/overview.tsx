// Overview (/): the 12 subsystem tiles, the province map of a headline KPI, the alerts, the period control.
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useNavigate } from 'react-router';
import { AlertsList } from '../components/alerts-list.tsx';
import { AppHeader } from '../components/app-header.tsx';
import { BoundariesControl } from '../components/boundaries-control.tsx';
import { MapPanel } from '../components/map-panel.tsx';
import { PeriodControl } from '../components/period-control.tsx';
import { ErrorNote, Loading } from '../components/status.tsx';
import { SubsystemTile } from '../components/subsystem-tile.tsx';
import { UnitBreadcrumb } from '../components/unit-breadcrumb.tsx';
import { buildAlerts } from '../lib/alerts.ts';
import { linkTo, useFilters } from '../lib/filters.ts';
import { useI18n } from '../lib/i18n.ts';
import { DEFAULT_MAP_KPI } from '../lib/kpi.ts';
import {
  breakdownOptions,
  feedsOptions,
  registryOptions,
  subsystemsOptions,
  unitsOptions,
} from '../lib/queries.ts';
import { drillLevel, indexUnits } from '../lib/units.ts';

export default function OverviewPage() {
  const { t, name } = useI18n();
  const navigate = useNavigate();
  const { params, filters, update, setPeriod } = useFilters();
  const subsystems = useQuery(subsystemsOptions(filters));
  const feeds = useQuery(feedsOptions());
  const registry = useQuery(registryOptions());
  const units = useQuery(unitsOptions());
  const index = useMemo(() => indexUnits(units.data?.units), [units.data]);
  const drill = drillLevel(index, filters.unit, { view: filters.boundaries, to: filters.to });

  // Headline KPIs that can be mapped by unit, for the map's selector.
  const mappable = useMemo(() => {
    const defs = new Map((registry.data?.kpis ?? []).map((k) => [k.id, k]));
    return (registry.data?.subsystems ?? []).flatMap((s) =>
      s.headline
        .map((id) => defs.get(id))
        .filter((k) => k && k.kind !== 'catalogue' && k.dimensions.includes(drill.level)),
    ) as NonNullable<ReturnType<typeof defs.get>>[];
  }, [registry.data, drill.level]);
  const mapKpiId = params.get('mapKpi') ?? DEFAULT_MAP_KPI;
  const mapKpi = mappable.find((k) => k.id === mapKpiId) ?? mappable[0];
  const mapFilters = { ...filters, unit: drill.parent === index.province?.code ? undefined : drill.parent };
  const breakdown = useQuery({
    ...breakdownOptions(mapKpi?.id ?? '', drill.level, mapFilters),
    enabled: !!mapKpi && !!index.province,
  });

  const alerts = useMemo(
    () => buildAlerts(subsystems.data?.subsystems, feeds.data?.feeds),
    [subsystems.data, feeds.data],
  );
  const sorted = useMemo(
    () => [...(subsystems.data?.subsystems ?? [])].sort((a, b) => a.order - b.order),
    [subsystems.data],
  );

  return (
    <div className="page page-overview">
      <AppHeader>
        <PeriodControl period={filters.period} onChange={setPeriod} />
        <BoundariesControl value={filters.boundaries} onChange={(b) => update({ boundaries: b })} />
        <UnitBreadcrumb
          unit={filters.unit}
          agency={filters.agency}
          onUnit={(u) => update({ unit: u })}
          onAgency={(a) => update({ agency: a })}
        />
      </AppHeader>
      <main className="overview">
        <section className="tiles-section" aria-labelledby="tiles-h">
          <h2 id="tiles-h" className="section-title">
            {t('overview.subsystems')}
          </h2>
          {subsystems.isError && <ErrorNote error={subsystems.error} onRetry={() => subsystems.refetch()} />}
          {!subsystems.data && subsystems.isPending && <Loading />}
          <div className="tiles" data-testid="tiles">
            {sorted.map((s) => (
              <SubsystemTile key={s.id} subsystem={s} href={linkTo(`/s/${s.id}`, params)} />
            ))}
          </div>
        </section>
        <aside className="overview-side">
          <section className="panel" aria-labelledby="map-h">
            <div className="panel-head">
              <h2 id="map-h" className="panel-title">
                {t(
                  drill.level === 'commune'
                    ? 'overview.mapCommune'
                    : drill.level === 'province'
                      ? 'overview.mapProvince'
                      : 'overview.map',
                )}
              </h2>
              {mappable.length > 0 && (
                <select
                  aria-label={t('overview.mapKpi')}
                  data-testid="map-kpi"
                  value={mapKpi?.id}
                  onChange={(e) =>
                    update(
                      { mapKpi: e.target.value === DEFAULT_MAP_KPI ? null : e.target.value },
                      { replace: true },
                    )
                  }
                >
                  {mappable.map((k) => (
                    <option key={k.id} value={k.id}>
                      {name(k.name)}
                    </option>
                  ))}
                </select>
              )}
            </div>
            {mapKpi && index.province ? (
              <MapPanel
                level={drill.level}
                parent={drill.parent}
                at={filters.boundaries === 'then' ? filters.to : undefined}
                rows={breakdown.data?.rows}
                unit={mapKpi.unit}
                direction={mapKpi.direction}
                target={mapKpi.target}
                legendTitle={name(mapKpi.name)}
                selected={drill.selected}
                height={440}
                onSelect={(code) =>
                  navigate(
                    linkTo(`/s/${mapKpi.subsystem}`, params, { unit: code, kpi: mapKpi.id, mapKpi: null }),
                  )
                }
              />
            ) : (
              <div className="map-fallback" style={{ height: 440 }}>
                {registry.isError || units.isError ? t('map.unavailable') : <Loading />}
              </div>
            )}
          </section>
          <section className="panel" aria-labelledby="alerts-h">
            <div className="panel-head">
              <h2 id="alerts-h" className="panel-title">
                {t('overview.alerts')}
                {alerts.length > 0 && <span className="count-badge">{alerts.length}</span>}
              </h2>
            </div>
            <AlertsList alerts={alerts} hrefOf={(s, k) => linkTo(`/s/${s}`, params, { kpi: k })} />
          </section>
        </aside>
      </main>
    </div>
  );
}
