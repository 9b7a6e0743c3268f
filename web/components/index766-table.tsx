// The QĐ 766 index table: scores by agency, commune or district, group points, tier, and what has no data.
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useI18n } from '../lib/i18n.ts';
import {
  agenciesOptions,
  type Index766Data,
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
          <IndexSummary data={q.data} />
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
          <details className="no-data" data-testid="index766-method">
            <summary>{t('index.method')}</summary>
            <ul>
              {q.data.components.map((c) => (
                <li key={c.id}>
                  {name(c.name)}:{' '}
                  <span className="muted">
                    {fmt.number(c.max)} × min(1; {t('index.share')} ÷ {fmt.percent(c.fullAt * 100, 0)})
                    {c.zero === 'full'
                      ? `; ${t('index.zeroFull')}`
                      : c.zero === 'zero'
                        ? `; ${t('index.zeroNone')}`
                        : ''}
                  </span>
                </li>
              ))}
            </ul>
          </details>
          <p className="muted small">{q.data.methodology}</p>
        </>
      )}
    </section>
  );
}

/** Our score beside the portal's published one, the difference (flagged beyond the margin) and the points lost. */
function IndexSummary({ data }: { data: Index766Data }) {
  const { t, fmt, name } = useI18n();
  const o = data.overall;
  const p = data.published;
  const names = new Map(data.components.map((c) => [c.id, c.name]));
  const lost = (o?.components ?? []).filter((c) => (c.lost ?? 0) > 0.005).slice(0, 8);
  return (
    <div className="index-summary" data-testid="index766-summary">
      <dl className="index-figures">
        <div>
          <dt>{t('index.ours')}</dt>
          <dd data-testid="index766-ours">
            <strong>{fmt.number(o?.total ?? null, 2)}</strong>
            {o && o.maxAvailable < 100 && (
              <span className="muted small">
                {' '}
                / {fmt.number(o.maxAvailable, 0)} ({t('index.partial').toLowerCase()})
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('index.published')}</dt>
          <dd data-testid="index766-published">
            {p.score === null ? (
              <span className="muted">{t('index.noPublished')}</span>
            ) : (
              <>
                <strong>{fmt.number(p.score, 2)}</strong>
                {p.rank !== null && (
                  <span className="muted small">
                    {' '}
                    ({t('index.publishedRank')} {fmt.number(p.rank)})
                  </span>
                )}
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('index.difference')}</dt>
          <dd data-testid="index766-difference" className={p.flagged ? 'flagged' : undefined}>
            {p.difference === null ? '—' : fmt.number(p.difference, 2)}
            {p.flagged && (
              <span className="small"> {t('index.flagged').replace('{margin}', fmt.number(p.margin))}</span>
            )}
          </dd>
        </div>
      </dl>
      {lost.length > 0 && (
        <div className="index-lost">
          <h3 className="small">{t('index.lost')}</h3>
          <ol data-testid="index766-lost">
            {lost.map((c) => (
              <li key={c.id}>
                <span>{names.get(c.id) ? name(names.get(c.id)!) : c.id}</span>{' '}
                <strong>−{fmt.number(c.lost, 2)}</strong>{' '}
                <span className="muted small">
                  ({fmt.number(c.points, 2)}/{fmt.number(c.max)} {t('index.points')}
                  {c.denominator !== null && c.denominator > 0
                    ? `; ${fmt.number(c.numerator)}/${fmt.number(c.denominator)}`
                    : ''}
                  )
                </span>
              </li>
            ))}
          </ol>
        </div>
      )}
    </div>
  );
}
