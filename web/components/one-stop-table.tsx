// The one-stop report table as the one-stop system lays it out: per agency or commune, handled (carried over +
// received), completed early / on the due day / late, in progress within / past the deadline, waiting for
// supplement, returned / withdrawn / cancelled, and the on-time rate; with its download (XLSX, CSV).
import { useQuery } from '@tanstack/react-query';
import { useI18n } from '../lib/i18n.ts';
import { type OneStopBy, oneStopOptions, type RangeFilters } from '../lib/queries.ts';
import { ExportLinks } from './export-links.tsx';
import { ErrorNote, Loading } from './status.tsx';

const BY: OneStopBy[] = ['agency', 'commune'];

export interface OneStopTableProps {
  filters: RangeFilters;
  by: OneStopBy;
  onBy: (by: OneStopBy) => void;
  onSelect?: (by: OneStopBy, key: string) => void;
}

function exportHref(by: OneStopBy, f: RangeFilters, format: string, lang: string): string {
  const q = new URLSearchParams({ from: f.from, to: f.to, by, format, lang });
  for (const k of ['unit', 'agency', 'sector', 'boundaries'] as const) if (f[k]) q.set(k, f[k]!);
  return `/api/services/one-stop/export?${q}`;
}

export function OneStopTable({ filters, by, onBy, onSelect }: OneStopTableProps) {
  const { t, fmt, lang } = useI18n();
  const q = useQuery(oneStopOptions(by, filters));
  const cols = q.data?.columns ?? [];
  return (
    <section className="panel one-stop" data-testid="one-stop" aria-labelledby="onestop-h">
      <div className="panel-head">
        <h2 id="onestop-h" className="panel-title">
          {t('onestop.title')}
        </h2>
        <fieldset className="segmented">
          {BY.map((b) => (
            <button key={b} type="button" aria-pressed={by === b} onClick={() => onBy(b)}>
              {t(`onestop.by.${b}`)}
            </button>
          ))}
        </fieldset>
        <ExportLinks
          id="services.one_stop"
          view={{ view: 'value' }}
          filters={filters}
          href={(format, lang) => exportHref(by, filters, format, lang)}
          testId="one-stop-export"
        />
      </div>
      {q.isError && <ErrorNote error={q.error} onRetry={() => q.refetch()} />}
      {q.isPending && <Loading />}
      {q.data && (
        <>
          <div className="table-scroll tall">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t(`onestop.by.${by}`)}</th>
                  {cols.map((c) => (
                    <th key={c.key} scope="col" className="num">
                      {lang === 'vi' ? c.vi : c.en}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {q.data.rows.map((r) => (
                  <tr key={r.key ?? '-'}>
                    <th scope="row">
                      {r.key && onSelect ? (
                        <button type="button" className="link" onClick={() => onSelect(by, r.key!)}>
                          {r.label ?? r.key}
                        </button>
                      ) : (
                        <span className={r.key ? undefined : 'muted'}>{r.label ?? r.key ?? '—'}</span>
                      )}
                    </th>
                    {cols.map((c) => {
                      const v = (r as Record<string, unknown>)[c.key] as number | null;
                      return (
                        <td key={c.key} className="num">
                          {c.key === 'ontime_rate' ? fmt.percent(v, 1) : fmt.number(v)}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">{t('onestop.total')}</th>
                  {cols.map((c) => {
                    const v = (q.data.total as Record<string, unknown>)[c.key] as number | null;
                    return (
                      <td key={c.key} className="num">
                        {c.key === 'ontime_rate' ? fmt.percent(v, 1) : fmt.number(v)}
                      </td>
                    );
                  })}
                </tr>
              </tfoot>
            </table>
          </div>
          <p className="muted small">
            {t('onestop.rules')}: {q.data.rules.map((r) => (lang === 'vi' ? r.vi : r.en)).join('; ')}
          </p>
        </>
      )}
    </section>
  );
}
