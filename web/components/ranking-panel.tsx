// Rankings of a KPI by district, commune or agency (one breakdown query, shared with the map). Units are a
// bar chart, agencies a table; clicking one narrows the page to it.
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { rowLabel } from '../charts/options.ts';
import { useI18n } from '../lib/i18n.ts';
import { breakdownOptions, type KpiDef, type RangeFilters } from '../lib/queries.ts';
import { ErrorBoundary } from './error-boundary.tsx';
import { ExportLinks } from './export-links.tsx';
import { Change, ErrorNote, Loading, StatusDot } from './status.tsx';

const RankingChart = lazy(() =>
  // Desk charts have tooltips; the wall's do not (web/charts/interactive.ts).
  import('../charts/interactive.ts').then(() => import('../charts/ranking-chart.tsx')),
);

export interface RankingPanelProps {
  def: KpiDef;
  by: 'province' | 'district' | 'commune' | 'agency';
  filters: RangeFilters;
  title: string;
  selected?: string | null;
  onSelect: (key: string | null) => void;
  /** Name of the null key: the agencies above the units ranked. */
  nullLabel?: string;
}

const AGENCY_ROWS = 12;

export function RankingPanel({ def, by, filters, title, selected, onSelect, nullLabel }: RankingPanelProps) {
  const { t, fmt } = useI18n();
  const [all, setAll] = useState(false);
  const q = useQuery(breakdownOptions(def.id, by, filters));
  const rows = q.data?.rows ?? [];
  return (
    <section className="panel ranking" data-testid={`ranking-${by}`} aria-label={title}>
      <div className="panel-head">
        <h2 className="panel-title">{title}</h2>
        <ExportLinks id={def.id} view={{ view: 'breakdown', by }} filters={filters} />
      </div>
      {q.isError && !q.data && <ErrorNote error={q.error} onRetry={() => q.refetch()} />}
      {q.isPending && <Loading />}
      {q.data && by !== 'agency' && (
        <ErrorBoundary fallback={<p className="muted">{t('common.error')}</p>} resetKey={q.dataUpdatedAt}>
          <Suspense fallback={<Loading />}>
            <RankingChart
              rows={rows}
              unit={def.unit}
              selected={selected}
              onSelect={onSelect}
              height={Math.max(160, Math.min(rows.length, 30) * 26 + 30)}
              label={title}
              nullLabel={nullLabel}
              pngFilename={`${def.id}_${by}_${filters.from}_${filters.to}`}
              pngTitle={t('export.png')}
            />
          </Suspense>
        </ErrorBoundary>
      )}
      {q.data?.outside && (
        <p className="muted small ranking-outside" data-testid="ranking-outside">
          {q.data.outside.label}: <strong>{fmt.kpi(q.data.outside.value, def.unit)}</strong>{' '}
          {q.data.outside.denominator !== null && def.formula.denominator !== null
            ? `(${fmt.number(q.data.outside.numerator)}/${fmt.number(q.data.outside.denominator)}) `
            : ''}
          — {t('rank.outside')}
        </p>
      )}
      {q.data && by === 'agency' && (
        <>
          <table className="table ranking-table">
            <thead>
              <tr>
                <th className="num">#</th>
                <th>{t('unit.agency')}</th>
                <th className="num">{t('rank.value')}</th>
                <th className="num">{t('rank.change')}</th>
              </tr>
            </thead>
            <tbody>
              {(all ? rows : rows.slice(0, AGENCY_ROWS)).map((r, i) => (
                <tr key={r.key ?? '∅'} className={r.key === selected ? 'selected' : undefined}>
                  <td className="num muted">{i + 1}</td>
                  <td>
                    <StatusDot status={r.status} />{' '}
                    <button type="button" className="link" onClick={() => onSelect(r.key)}>
                      {rowLabel(r, t('unit.province'))}
                    </button>
                  </td>
                  <td className="num">{fmt.kpi(r.value, def.unit, { compact: true })}</td>
                  <td className="num">
                    <Change change={r.change} points={r.changePoints} direction={def.direction} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length > AGENCY_ROWS && (
            <button type="button" className="btn btn-small" onClick={() => setAll(!all)}>
              {all ? t('rank.showLess') : `${t('rank.showAll')} (${fmt.number(rows.length)})`}
            </button>
          )}
        </>
      )}
    </section>
  );
}
