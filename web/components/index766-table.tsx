// The QĐ 766 index table: scores by agency, commune or district, group points, tier, and what has no data.
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useI18n } from '../lib/i18n.ts';
import {
  agenciesOptions,
  type IndexBy,
  index766Options,
  type RangeFilters,
  unitsOptions,
} from '../lib/queries.ts';
import { ErrorNote, Loading } from './status.tsx';

const GROUPS = ['transparency', 'progress', 'online', 'payment', 'digitisation', 'satisfaction'] as const;
const BY: IndexBy[] = ['agency', 'district', 'commune'];

export interface Index766TableProps {
  filters: RangeFilters;
  by: IndexBy;
  onBy: (by: IndexBy) => void;
  onSelect?: (by: IndexBy, key: string) => void;
}

export function Index766Table({ filters, by, onBy, onSelect }: Index766TableProps) {
  const { t, fmt, name } = useI18n();
  const q = useQuery(index766Options(by, filters));
  const units = useQuery(unitsOptions());
  const agencies = useQuery({ ...agenciesOptions(), enabled: by === 'agency' });
  const labels = useMemo(
    () =>
      new Map<string, string>(
        by === 'agency'
          ? (agencies.data?.agencies ?? []).map((a) => [a.code, a.name])
          : (units.data?.units ?? []).map((u) => [u.code, u.name]),
      ),
    [by, agencies.data, units.data],
  );
  return (
    <section className="panel index766" data-testid="index766" aria-labelledby="i766-h">
      <div className="panel-head">
        <h2 id="i766-h" className="panel-title">
          {t('index.title')}
        </h2>
        <fieldset className="segmented">
          {BY.map((b) => (
            <button key={b} type="button" aria-pressed={by === b} onClick={() => onBy(b)}>
              {t(`index.by.${b}`)}
            </button>
          ))}
        </fieldset>
      </div>
      {q.isError && <ErrorNote error={q.error} onRetry={() => q.refetch()} />}
      {q.isPending && <Loading />}
      {q.data && (
        <>
          <div className="table-scroll tall">
            <table className="table">
              <thead>
                <tr>
                  <th className="num">{t('index.rank')}</th>
                  <th>{t('rank.name')}</th>
                  <th className="num">{t('index.total')}</th>
                  {GROUPS.map((g) => (
                    <th key={g} className="num">
                      {t(`index.group.${g}`)}
                    </th>
                  ))}
                  <th>{t('index.tier')}</th>
                </tr>
              </thead>
              <tbody>
                {q.data.rows.map((r) => (
                  <tr key={r.key ?? '∅'}>
                    <td className="num">{fmt.number(r.rank)}</td>
                    <td>
                      {r.key !== null && onSelect ? (
                        <button type="button" className="link" onClick={() => onSelect(by, r.key as string)}>
                          {labels.get(r.key) ?? r.key}
                        </button>
                      ) : r.key === null ? (
                        t('unit.province')
                      ) : (
                        (labels.get(r.key) ?? r.key)
                      )}
                    </td>
                    <td
                      className="num strong"
                      title={
                        r.maxAvailable < 100
                          ? `${t('index.partial')} ${fmt.number(r.maxAvailable, 1)}`
                          : undefined
                      }
                    >
                      {fmt.number(r.total, 1)}
                      {r.maxAvailable < 100 && (
                        <span className="muted small"> / {fmt.number(r.maxAvailable, 1)}</span>
                      )}
                    </td>
                    {GROUPS.map((g) => (
                      <td key={g} className="num">
                        {fmt.number(r.groups[g], 1)}
                      </td>
                    ))}
                    <td>{r.tier ? name(r.tier) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {q.data.noData.length > 0 && (
            <details className="no-data">
              <summary>{t('index.noData')}</summary>
              <ul>
                {q.data.noData.map((n) => (
                  <li key={`${n.group}:${n.name.en}`}>
                    {name(n.name)}{' '}
                    <span className="muted">
                      ({fmt.number(n.max)} {fmt.lang === 'vi' ? 'điểm' : 'pts'})
                    </span>
                  </li>
                ))}
              </ul>
            </details>
          )}
          <p className="muted small">{q.data.methodology}</p>
        </>
      )}
    </section>
  );
}
