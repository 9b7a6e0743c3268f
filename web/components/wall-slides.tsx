// The wall's two kinds of slide. Each keeps showing the last data it had when a refresh fails (TanStack keeps
// `data` on error); the wall header says the picture is old.
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useMemo } from 'react';
import { type ChartTheme, wallTheme } from '../charts/options.ts';
import { type Alert, buildAlerts } from '../lib/alerts.ts';
import type { ViewFilters } from '../lib/filters.ts';
import { historyLine } from '../lib/history.ts';
import { useViewport } from '../lib/hooks.ts';
import { useI18n } from '../lib/i18n.ts';
import {
  breakdownOptions,
  type FeedsData,
  type KpiDef,
  type RegistryData,
  type SubsystemSummary,
} from '../lib/queries.ts';
import { trendOptions, trendSpec } from '../lib/trend.ts';
import { nullKeyLabel, type UnitIndex } from '../lib/units.ts';
import { hasUnitData, slidePlan, slideTrends, unitView } from '../lib/wall.ts';
import { AlertsList } from './alerts-list.tsx';
import { ErrorBoundary } from './error-boundary.tsx';
import { KpiValue } from './kpi-value.tsx';
import { MapPanel } from './map-panel.tsx';
import { Change, StaleBadge, StatusDot } from './status.tsx';
import { SubsystemTile } from './subsystem-tile.tsx';
import { WallRanking } from './wall-ranking.tsx';

// The wall's charts: uPlot's trend (a small chunk, no ECharts on the wall) and an HTML ranking.
const WallTrendChart = lazy(() => import('../charts/wall-trend.tsx'));

/** Fetch the chart chunk while the network is there. */
export function preloadCharts(): void {
  void import('../charts/wall-trend.tsx').catch(() => undefined);
}

function useWallTheme(): ChartTheme {
  const { height } = useViewport();
  return useMemo(() => wallTheme(height), [height]);
}

const quiet = <div className="wall-empty" />;

function WallPanel({
  title,
  stale,
  children,
  className,
}: {
  title: string;
  stale?: boolean;
  children: React.ReactNode;
  className?: string;
}) {
  return (
    <section className={`wall-panel ${className ?? ''}`} data-testid="wall-panel">
      <header className="wall-panel-head">
        <h2>{title}</h2>
        <StaleBadge stale={!!stale} />
      </header>
      <div className="wall-panel-body">
        <ErrorBoundary fallback={quiet}>
          <Suspense fallback={quiet}>{children}</Suspense>
        </ErrorBoundary>
      </div>
    </section>
  );
}

export interface OverviewSlideProps {
  subsystems: SubsystemSummary[] | undefined;
  feeds: FeedsData | undefined;
  registry: RegistryData | undefined;
  units: UnitIndex;
  filters: ViewFilters;
  mapKpi: string;
  alarmSubsystems: Set<string>;
}

export function OverviewSlide({
  subsystems,
  feeds,
  registry,
  units,
  filters,
  mapKpi,
  alarmSubsystems,
}: OverviewSlideProps) {
  const { t, name } = useI18n();
  const sorted = useMemo(() => [...(subsystems ?? [])].sort((a, b) => a.order - b.order), [subsystems]);
  const alerts: Alert[] = useMemo(() => buildAlerts(sorted, feeds?.feeds), [sorted, feeds]);
  const { drill, filters: mapFilters } = unitView(units, filters);
  const def = registry?.kpis.find((k) => k.id === mapKpi && k.dimensions.includes(drill.level));
  const rows = useQuery({
    ...breakdownOptions(def?.id ?? '', drill.level, mapFilters, true),
    enabled: !!def && !!units.province,
  });
  const half = Math.ceil(sorted.length / 2);
  const tiles = (list: SubsystemSummary[]) =>
    list.map((s) => <SubsystemTile key={s.id} subsystem={s} alarm={alarmSubsystems.has(s.id)} />);
  const mapStale = sorted.find((s) => s.id === def?.subsystem)?.stale;
  return (
    <div className="wall-overview">
      <div className="wall-tiles left">{tiles(sorted.slice(0, half))}</div>
      <div className="wall-center">
        <WallPanel title={def ? name(def.name) : t('map.title')} stale={mapStale} className="wall-map">
          {def && units.province && (
            <MapPanel
              level={drill.level}
              parent={drill.parent}
              at={filters.boundaries === 'then' ? filters.to : undefined}
              rows={rows.data?.rows}
              unit={def.unit}
              direction={def.direction}
              target={def.target}
              legendTitle={name(def.name)}
              selected={drill.selected}
              dark
              height="100%"
            />
          )}
        </WallPanel>
        <WallPanel title={t('overview.alerts')} className="wall-alerts">
          <AlertsList alerts={alerts} max={5} />
        </WallPanel>
      </div>
      <div className="wall-tiles right">{tiles(sorted.slice(half))}</div>
    </div>
  );
}

function WallKpi({ k, def }: { k: SubsystemSummary['headline'][number]; def: KpiDef | undefined }) {
  const { t, name, fmt } = useI18n();
  return (
    <article
      className={`wall-kpi status-${k.status}`}
      data-testid="wall-kpi"
      data-kpi={k.id}
      data-status={k.status}
    >
      <h3 className="wall-kpi-name">
        <StatusDot status={k.status} /> {name(k.name)}
      </h3>
      <div className="wall-kpi-value">
        <KpiValue
          value={k.value}
          unit={k.unit}
          of={def?.formula.show === 'numerator' ? k.denominator : null}
        />
      </div>
      <div className="wall-kpi-facts">
        <Change change={k.change} points={k.changePoints} direction={k.direction} />
        <span className="muted" title={historyLine(t, fmt, k.history, k.samePeriodLastYear.to) ?? undefined}>
          {t('kpi.lastYear')}: {fmt.kpi(k.samePeriodLastYear.value, k.unit, { compact: true })}
          {k.history && (
            <span data-testid="wall-history">
              {' '}
              ({historyLine(t, fmt, k.history, k.samePeriodLastYear.to, { head: false })})
            </span>
          )}
        </span>
        {k.target !== null && (
          <span className="muted">
            {t('kpi.target')}: {fmt.kpi(k.target, k.unit, { compact: true })}
          </span>
        )}
        <StaleBadge stale={k.stale} />
      </div>
    </article>
  );
}

export interface SubsystemSlideProps {
  summary: SubsystemSummary | undefined;
  registry: RegistryData | undefined;
  units: UnitIndex;
  filters: ViewFilters;
  alarmKpi?: string;
}

function WallTrend({
  def,
  filters,
  target,
  stale,
  theme,
}: {
  def: KpiDef;
  filters: ViewFilters;
  target: number | null;
  stale?: boolean;
  theme: ChartTheme;
}) {
  const { t, name } = useI18n();
  const { grain } = trendSpec(def, filters);
  const trend = useQuery(trendOptions(def, filters, true));
  const percentLike = def.unit === 'percent' || def.unit === '%';
  return (
    <WallPanel
      title={`${t(grain === 'quarter' ? 'trend.titleQuarter' : 'trend.title')}: ${name(def.name)}`}
      stale={stale}
      className="wall-trend"
    >
      {trend.data && (
        <WallTrendChart
          rows={trend.data.rows}
          unit={def.unit}
          grain={grain}
          target={percentLike ? target : null}
          theme={theme}
          label={name(def.name)}
        />
      )}
    </WallPanel>
  );
}

export function SubsystemSlide({ summary, registry, units, filters, alarmKpi }: SubsystemSlideProps) {
  const { t, name } = useI18n();
  const theme = useWallTheme();
  const plan = slidePlan(registry, summary?.id ?? '', alarmKpi);
  const focus = plan.focus;
  const { drill, filters: rankFilters } = unitView(units, filters);
  const mappable = !!focus && focus.dimensions.includes(drill.level);
  const byUnit = useQuery({
    ...breakdownOptions(focus?.id ?? '', drill.level, rankFilters, true),
    enabled: mappable && !!units.province,
  });
  const withMap = hasUnitData(byUnit.data?.rows);
  const defs = new Map((registry?.kpis ?? []).map((k) => [k.id, k]));
  const answers = new Map((summary?.headline ?? []).map((k) => [k.id, k]));
  const stale = summary?.stale;
  const trends = slideTrends(plan, withMap, filters);
  return (
    <div className="wall-subsystem">
      <div className="wall-kpis">
        {(summary?.headline ?? []).map((k) => (
          <WallKpi key={k.id} k={k} def={defs.get(k.id)} />
        ))}
      </div>
      {trends.length > 0 && (
        <div className={`wall-charts ${withMap ? 'with-map' : `trends-${trends.length}`}`}>
          {trends.map((d) => (
            <WallTrend
              key={d.id}
              def={d}
              filters={filters}
              target={answers.get(d.id)?.target ?? d.target}
              stale={stale}
              theme={theme}
            />
          ))}
          {withMap && focus && (
            <>
              <WallPanel title={`${t('map.title')}: ${name(focus.name)}`} stale={stale} className="wall-map">
                <MapPanel
                  level={drill.level}
                  parent={drill.parent}
                  at={filters.boundaries === 'then' ? filters.to : undefined}
                  rows={byUnit.data?.rows}
                  unit={focus.unit}
                  direction={focus.direction}
                  target={focus.target}
                  legendTitle={name(focus.name)}
                  selected={drill.selected}
                  dark
                  height="100%"
                />
              </WallPanel>
              <WallPanel title={t(`rank.${drill.level}`)} stale={stale} className="wall-rank">
                {byUnit.data && (
                  <WallRanking
                    nullLabel={t(
                      nullKeyLabel(
                        drill.level,
                        drill.parent ? units.byCode.get(drill.parent)?.level : undefined,
                      ),
                    )}
                    rows={byUnit.data.rows}
                    unit={focus.unit}
                    selected={drill.selected ?? null}
                    theme={theme}
                    limit={16}
                  />
                )}
              </WallPanel>
            </>
          )}
        </div>
      )}
    </div>
  );
}
