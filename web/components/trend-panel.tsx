// The trend of a KPI (by month, or quarter for reported indicators) against the same buckets last year, for the subsystem page and the wall.
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import type { ChartTheme } from '../charts/options.ts';
import { useI18n } from '../lib/i18n.ts';
import type { KpiDef, RangeFilters } from '../lib/queries.ts';
import { trendOptions, trendSpec } from '../lib/trend.ts';
import { ErrorBoundary } from './error-boundary.tsx';
import { ExportLinks } from './export-links.tsx';
import { ErrorNote, Loading } from './status.tsx';

const TrendChart = lazy(() =>
  // Desk charts have tooltips; the wall's do not (web/charts/interactive.ts).
  import('../charts/interactive.ts').then(() => import('../charts/trend-chart.tsx')),
);

export interface TrendPanelProps {
  def: KpiDef;
  filters: RangeFilters;
  target?: number | null;
  theme?: ChartTheme;
  height?: number | string;
  live?: boolean;
  title?: string;
  className?: string;
}

export function TrendPanel({
  def,
  filters,
  target,
  theme,
  height = 300,
  live,
  title,
  className,
}: TrendPanelProps) {
  const { t, fmt, name } = useI18n();
  const { grain, range } = trendSpec(def, filters);
  const timeable = def.dimensions.includes(grain);
  const q = useQuery({ ...trendOptions(def, filters, live), enabled: timeable });
  const heading =
    title ?? `${t(grain === 'quarter' ? 'trend.titleQuarter' : 'trend.title')}: ${name(def.name)}`;
  return (
    <section className={`panel trend ${className ?? ''}`} data-testid="trend" aria-label={heading}>
      <div className="panel-head">
        <h2 className="panel-title">{heading}</h2>
        <span className="muted small">{fmt.dateRange(range.from, range.to)}</span>
        {timeable && !live && (
          <ExportLinks
            id={def.id}
            view={{ view: 'breakdown', by: grain }}
            filters={{ ...filters, ...range }}
          />
        )}
      </div>
      {!timeable && <p className="muted">{t('kpi.notApplicable')}</p>}
      {timeable && q.isError && !q.data && <ErrorNote error={q.error} onRetry={() => q.refetch()} />}
      {timeable && q.isPending && <Loading />}
      {q.data && (
        <ErrorBoundary fallback={<p className="muted">{t('common.error')}</p>} resetKey={q.dataUpdatedAt}>
          <Suspense fallback={<Loading />}>
            <TrendChart
              rows={q.data.rows}
              unit={def.unit}
              grain={grain}
              target={target}
              theme={theme}
              height={height}
              label={name(def.name)}
              pngFilename={live ? undefined : `${def.id}_${grain}_${range.from}_${range.to}`}
              pngTitle={t('export.png')}
            />
          </Suspense>
        </ErrorBoundary>
      )}
    </section>
  );
}
