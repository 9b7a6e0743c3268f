// A KPI card: value, numerator/denominator, vs the same period last year, vs the previous period, year to
// date, target progress, freshness, and the way to the records behind the number.
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { isOutOfScope } from '../lib/api.ts';
import { historyLine } from '../lib/history.ts';
import { useI18n } from '../lib/i18n.ts';
import { arrow, compareTone, statusKey } from '../lib/kpi.ts';
import { type KpiDef, kpiOptions, type RangeFilters } from '../lib/queries.ts';
import { ExportLinks } from './export-links.tsx';
import { KpiValue } from './kpi-value.tsx';
import { Change, StaleBadge } from './status.tsx';

export interface KpiCardProps {
  def: KpiDef;
  filters: RangeFilters;
  /** Page filters this KPI cannot take (it is shown without them, and says so). */
  ignored?: ('unit' | 'agency' | 'sector')[];
  selected?: boolean;
  onSelect?: () => void;
  recordsHref?: string;
}

export function KpiCard({ def, filters, ignored = [], selected, onSelect, recordsHref }: KpiCardProps) {
  const { t, name, fmt } = useI18n();
  const q = useQuery(kpiOptions(def.id, filters));
  const k = q.data;
  const status = k?.status ?? 'none';
  const showRatio = def.formula.denominator !== null && def.formula.show === 'ratio';
  return (
    <article
      className={`kpi-card status-${status}${selected ? ' selected' : ''}`}
      data-testid="kpi-card"
      data-kpi={def.id}
      data-status={status}
      aria-current={selected ? 'true' : undefined}
    >
      <button type="button" className="kpi-card-select" onClick={onSelect} aria-pressed={selected}>
        <span className="kpi-card-name">{name(k?.name ?? def.name)}</span>
        {q.isError && !k ? (
          <span className="muted small" title={q.error.message}>
            {isOutOfScope(q.error) ? t('scope.outside') : t('kpi.error')}
          </span>
        ) : (
          <span className="kpi-card-main">
            <KpiValue
              value={k?.value ?? null}
              unit={def.unit}
              of={def.formula.show === 'numerator' ? k?.denominator : null}
              className="big"
            />
            {k && <Change change={k.change} points={k.changePoints} direction={k.direction} />}
          </span>
        )}
      </button>
      {ignored.length > 0 && (
        <p className="muted small" data-testid="kpi-ignored">
          {t('kpi.ignored')}: {ignored.map((f) => t(`kpi.ignored.${f}`)).join(', ')}
        </p>
      )}
      {k && (
        <dl className="kpi-card-facts">
          {showRatio && (
            <div>
              <dt>{t('kpi.parts')}</dt>
              <dd>
                {fmt.number(k.numerator)} {t('kpi.of')} {fmt.number(k.denominator)}
              </dd>
            </div>
          )}
          <div>
            <dt>{t('kpi.lastYear')}</dt>
            <dd>{fmt.kpi(k.samePeriodLastYear.value, def.unit, { compact: true })}</dd>
            {k.history && (
              <dd className="kpi-history small muted" data-testid="kpi-history">
                {historyLine(t, fmt, k.history, k.samePeriodLastYear.to)}
              </dd>
            )}
          </div>
          <div>
            <dt>{t('kpi.previous')}</dt>
            <dd className={`tone-${compareTone(k.value, k.previousPeriod.value, k.direction)}`}>
              {fmt.kpi(k.previousPeriod.value, def.unit, { compact: true })}{' '}
              {arrow(k.value, k.previousPeriod.value)}
            </dd>
          </div>
          {(k.from !== k.yearToDate.from || k.to !== k.yearToDate.to) && (
            <div>
              <dt>{t('kpi.ytd')}</dt>
              <dd>{fmt.kpi(k.yearToDate.value, def.unit, { compact: true })}</dd>
            </div>
          )}
          {k.target !== null && (
            <div className="kpi-target">
              <dt>{t('kpi.target')}</dt>
              <dd>
                {fmt.kpi(k.target, def.unit, { compact: true })}
                {k.targetProgress !== null && (
                  <>
                    <span className="progress" title={t('kpi.targetProgress')}>
                      <span
                        className={`progress-bar status-${status}`}
                        style={{ width: `${Math.min(100, Math.max(0, k.targetProgress * 100))}%` }}
                      />
                    </span>
                    <span className="small">{fmt.percent(k.targetProgress * 100)}</span>
                  </>
                )}
              </dd>
            </div>
          )}
        </dl>
      )}
      <footer className="kpi-card-foot">
        <span className={`status-label status-${status}`}>{t(statusKey(status))}</span>
        {k?.asOf && (
          <span className="muted small">
            {t('kpi.asOf')} {fmt.dateTime(k.asOf)}
          </span>
        )}
        {k && <StaleBadge stale={k.stale} />}
        {k && <ExportLinks id={def.id} view={{ view: 'value' }} filters={filters} />}
        {recordsHref && (
          <Link to={recordsHref} className="records-link" data-testid="records-link">
            {t('kpi.records')}
          </Link>
        )}
      </footer>
    </article>
  );
}
