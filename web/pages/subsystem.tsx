// Subsystem page (/s/:subsystem): KPI cards, the monthly trend against last year, rankings, the map and the
// records. Clicking a district (map or ranking) narrows the whole page to it via `unit=` in the URL; the
// breadcrumb and Back go up again. URL: period, unit, agency, kpi (selected), part + rpage (records), i766.

import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { applicableFilters } from '../../common/vocabulary.ts';
import { AppHeader } from '../components/app-header.tsx';
import { BoundariesControl } from '../components/boundaries-control.tsx';
import { Index766Table } from '../components/index766-table.tsx';
import { KpiCard } from '../components/kpi-card.tsx';
import { MapPanel } from '../components/map-panel.tsx';
import { OneStopTable } from '../components/one-stop-table.tsx';
import { PeriodControl } from '../components/period-control.tsx';
import { RankingPanel } from '../components/ranking-panel.tsx';
import { RecordsTable } from '../components/records-table.tsx';
import { ErrorNote, Loading } from '../components/status.tsx';
import { TrendPanel } from '../components/trend-panel.tsx';
import { UnitBreadcrumb } from '../components/unit-breadcrumb.tsx';
import { linkTo, useFilters, type ViewFilters } from '../lib/filters.ts';
import { useI18n } from '../lib/i18n.ts';
import {
  breakdownOptions,
  type IndexBy,
  type KpiDef,
  type RecordsPart,
  registryOptions,
  unitsOptions,
} from '../lib/queries.ts';
import { drillLevel, indexUnits, nullKeyLabel } from '../lib/units.ts';

/**
 * The page's filters a KPI can take, and those it cannot: a reported indicator has no sector, a catalogue KPI no
 * agency. The card shows the KPI without them and says so (as the overview does), never a silent difference.
 */
export function kpiFilters<F extends Pick<ViewFilters, 'unit' | 'agency' | 'sector'>>(
  def: KpiDef,
  f: F,
): { filters: F; ignored: ('unit' | 'agency' | 'sector')[] } {
  // The rule is common/vocabulary.ts's, the same the server applies to the overview.
  const { ignored } = applicableFilters(def, f);
  if (ignored.length === 0) return { filters: f, ignored: [] };
  const filters = { ...f };
  for (const k of ignored)
    if (k === 'unit' || k === 'agency' || k === 'sector') filters[k] = undefined as F[typeof k];
  return { filters, ignored: ignored.filter((k) => k === 'unit' || k === 'agency' || k === 'sector') };
}

/** The subsystem's KPIs: its headline ones first, in their order, then the rest. */
function orderKpis(all: KpiDef[], headline: string[]): KpiDef[] {
  const rank = (k: KpiDef) => {
    const i = headline.indexOf(k.id);
    return i === -1 ? headline.length : i;
  };
  return [...all].sort((a, b) => rank(a) - rank(b));
}

export default function SubsystemPage() {
  const { subsystem = '' } = useParams();
  const { t, name } = useI18n();
  const { params, filters, update, setPeriod } = useFilters();
  const registry = useQuery(registryOptions());
  const units = useQuery(unitsOptions());
  const index = useMemo(() => indexUnits(units.data?.units), [units.data]);

  const sub = registry.data?.subsystems.find((s) => s.id === subsystem);
  const kpis = useMemo(
    () =>
      orderKpis(
        (registry.data?.kpis ?? []).filter((k) => k.subsystem === subsystem),
        sub?.headline ?? [],
      ),
    [registry.data, subsystem, sub],
  );
  const selected = kpis.find((k) => k.id === params.get('kpi')) ?? kpis[0];
  const part: RecordsPart = params.get('part') === 'denominator' ? 'denominator' : 'numerator';
  const rpage = Math.max(0, Number.parseInt(params.get('rpage') ?? '0', 10) || 0);
  const oneStopBy = params.get('onestop') === 'commune' ? 'commune' : 'agency';
  const i766By =
    (['agency', 'district', 'commune'] as const).find((b) => b === params.get('i766')) ?? 'agency';

  const drill = drillLevel(index, filters.unit, { view: filters.boundaries, to: filters.to });
  // The selected KPI's panels use the filters it can take (its card says which it ignores).
  const selFilters = selected ? kpiFilters(selected, filters).filters : filters;
  const rankFilters = {
    ...selFilters,
    unit: drill.parent === index.province?.code ? undefined : drill.parent,
  };
  const unitRanking = !!selected?.dimensions.includes(drill.level) && selected?.kind !== 'catalogue';
  const mapRows = useQuery({
    ...breakdownOptions(selected?.id ?? '', drill.level, rankFilters),
    enabled: !!unitRanking && !!index.province,
  });

  const selectUnit = (code: string | null) => update({ unit: code, rpage: null });
  const recordsHref = (id: string, p: RecordsPart = 'numerator') =>
    `${linkTo(`/s/${subsystem}`, params, { kpi: id, part: p === 'numerator' ? null : p, rpage: null, i766: params.get('i766') })}#records`;
  const ok = !!selected;
  const percentLike = selected && (selected.unit === 'percent' || selected.unit === '%');

  if (registry.isError) {
    return (
      <div className="page">
        <AppHeader />
        <main className="content">
          <ErrorNote error={registry.error} onRetry={() => registry.refetch()} />
        </main>
      </div>
    );
  }
  if (registry.data && !sub) {
    return (
      <div className="page">
        <AppHeader />
        <main className="content">
          <h1>{t('common.notFound')}</h1>
          <Link to={linkTo('/', params)}>{t('nav.overview')}</Link>
        </main>
      </div>
    );
  }

  return (
    <div className="page page-subsystem" data-subsystem={subsystem}>
      <AppHeader>
        <PeriodControl period={filters.period} onChange={setPeriod} />
        <BoundariesControl value={filters.boundaries} onChange={(b) => update({ boundaries: b })} />
        <UnitBreadcrumb
          unit={filters.unit}
          agency={filters.agency}
          onUnit={selectUnit}
          onAgency={(a) => update({ agency: a, rpage: null })}
        />
      </AppHeader>
      <main className="content">
        <nav className="page-crumbs" aria-label="breadcrumb">
          <Link to={linkTo('/', params)}>{t('nav.overview')}</Link> ›{' '}
          <h1 className="page-title">{sub ? name(sub.name) : '…'}</h1>
        </nav>
        {!registry.data && <Loading />}
        <section className="kpi-cards" aria-label={t('kpi.all')} data-testid="kpi-cards">
          {kpis.map((k) => {
            const kf = kpiFilters(k, filters);
            return (
              <KpiCard
                key={k.id}
                def={k}
                filters={kf.filters}
                ignored={kf.ignored}
                selected={k.id === selected?.id}
                onSelect={() => update({ kpi: k.id, rpage: null, part: null }, { replace: true })}
                recordsHref={k.kind === 'index' ? undefined : recordsHref(k.id)}
              />
            );
          })}
        </section>

        {selected && ok && (
          <div className="subsystem-grid">
            <TrendPanel
              def={selected}
              filters={selFilters}
              target={percentLike ? selected.target : null}
              className="area-trend"
            />
            <section className="panel area-map" aria-label={t('map.title')}>
              <div className="panel-head">
                <h2 className="panel-title">
                  {t('map.title')}: {name(selected.name)}
                </h2>
              </div>
              {unitRanking && index.province ? (
                <MapPanel
                  level={drill.level}
                  parent={drill.parent}
                  at={filters.boundaries === 'then' ? filters.to : undefined}
                  rows={mapRows.data?.rows}
                  unit={selected.unit}
                  direction={selected.direction}
                  target={selected.target}
                  legendTitle={name(selected.name)}
                  selected={drill.selected}
                  onSelect={(code) => selectUnit(code)}
                  height={420}
                />
              ) : (
                <p className="muted">{t('kpi.notApplicable')}</p>
              )}
            </section>
            {unitRanking && (
              <div className="area-rank-units">
                <RankingPanel
                  def={selected}
                  by={drill.level}
                  filters={rankFilters}
                  title={t(`rank.${drill.level}`)}
                  nullLabel={t(
                    nullKeyLabel(
                      drill.level,
                      drill.parent ? index.byCode.get(drill.parent)?.level : undefined,
                    ),
                  )}
                  selected={drill.selected ?? null}
                  onSelect={(key) => key && selectUnit(key)}
                />
              </div>
            )}
            {selected.dimensions.includes('agency') && !filters.agency && (
              <div className="area-rank-agencies">
                <RankingPanel
                  def={selected}
                  by="agency"
                  filters={selFilters}
                  title={t('rank.agency')}
                  onSelect={(key) => key && update({ agency: key, rpage: null })}
                />
              </div>
            )}
          </div>
        )}

        {subsystem === 'services' && (
          <OneStopTable
            filters={filters}
            by={oneStopBy}
            onBy={(b) => update({ onestop: b === 'agency' ? null : b }, { replace: true })}
            onSelect={(b, key) => (b === 'agency' ? update({ agency: key }) : selectUnit(key))}
          />
        )}

        {subsystem === 'index766' && (
          <Index766Table
            filters={filters}
            by={i766By}
            onBy={(b: IndexBy) => update({ i766: b === 'agency' ? null : b }, { replace: true })}
            onSelect={(b, key) => (b === 'agency' ? update({ agency: key }) : selectUnit(key))}
          />
        )}

        {selected && ok && (
          <RecordsTable
            def={selected}
            filters={selFilters}
            part={part}
            page={rpage}
            onPart={(p) => update({ part: p === 'numerator' ? null : p, rpage: null }, { replace: true })}
            onPage={(p) => update({ rpage: p > 0 ? String(p) : null }, { replace: true })}
          />
        )}
      </main>
    </div>
  );
}
