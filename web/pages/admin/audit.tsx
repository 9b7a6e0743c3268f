// The audit log: filter, page, export and check the hash chain.
import { useQuery } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Pager } from '../../components/pager.tsx';
import { ErrorNote } from '../../components/status.tsx';
import { client, compact, ok } from '../../lib/api.ts';
import { type MessageKey, useI18n } from '../../lib/i18n.ts';

const ACTIONS = [
  'auth',
  'auth.login',
  'auth.login_failed',
  'auth.locked',
  'auth.throttled',
  'auth.logout',
  'auth.password_change',
  'user',
  'user.create',
  'user.update',
  'role.update',
  'device',
  'device.create',
  'device.pair',
  'device.revoke',
  'source',
  'source.create',
  'source.revoke',
  'feed.delivery',
  'export',
  'access.denied',
];

const AUDIT_PAGE = 50;

const isOutcome = (o: string | undefined): o is 'ok' | 'denied' | 'failed' =>
  o === 'ok' || o === 'denied' || o === 'failed';

// ---- audit ----------------------------------------------------------------------------------------------

const AUDIT_FILTERS = ['action', 'actor', 'outcome', 'from', 'to'] as const;

export function AuditTab() {
  const { t, fmt } = useI18n();
  const [params, setParams] = useSearchParams();
  const f = Object.fromEntries(AUDIT_FILTERS.map((k) => [k, params.get(k) ?? undefined])) as Record<
    (typeof AUDIT_FILTERS)[number],
    string | undefined
  >;
  const page = Math.max(0, Number.parseInt(params.get('apage') ?? '0', 10) || 0);
  const q = compact(f);
  const audit = useQuery({
    queryKey: ['admin', 'audit', q, page],
    queryFn: () =>
      ok(
        client.api.admin.audit.$get({
          query: {
            ...q,
            outcome: isOutcome(q.outcome) ? q.outcome : undefined,
            limit: String(AUDIT_PAGE),
            offset: String(page * AUDIT_PAGE),
          },
        }),
      ),
    placeholderData: (prev) => prev,
  });
  const verify = useQuery({
    queryKey: ['admin', 'audit-verify'],
    queryFn: () => ok(client.api.admin.audit.verify.$get()),
  });
  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const next = new URLSearchParams({ tab: 'audit' });
    for (const k of AUDIT_FILTERS) {
      const v = String(data.get(k) ?? '').trim();
      if (v) next.set(k, v);
    }
    setParams(next);
  };
  const exportHref = (format: 'xlsx' | 'csv') =>
    `/api/admin/audit/export?${new URLSearchParams({ ...q, format } as Record<string, string>)}`;
  const total = audit.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / AUDIT_PAGE));
  const setPage = (p: number) =>
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      if (p > 0) next.set('apage', String(p));
      else next.delete('apage');
      return next;
    });
  return (
    <section className="panel" data-testid="audit">
      <form className="admin-toolbar" onSubmit={apply} key={params.toString()}>
        <label className="field">
          {t('audit.action')}
          <input name="action" list="audit-actions" defaultValue={f.action} size={16} />
          <datalist id="audit-actions">
            {ACTIONS.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </label>
        <label className="field">
          {t('audit.actor')}
          <input name="actor" defaultValue={f.actor} size={14} />
        </label>
        <label className="field">
          {t('audit.outcome')}
          <select name="outcome" defaultValue={f.outcome ?? ''}>
            <option value="">{t('audit.all')}</option>
            <option value="ok">{t('outcome.ok')}</option>
            <option value="denied">{t('outcome.denied')}</option>
            <option value="failed">{t('outcome.failed')}</option>
          </select>
        </label>
        <label className="field">
          {t('audit.from')}
          <input type="date" name="from" defaultValue={f.from} />
        </label>
        <label className="field">
          {t('audit.to')}
          <input type="date" name="to" defaultValue={f.to} />
        </label>
        <button type="submit" className="btn btn-primary">
          {t('audit.filter')}
        </button>
        <Link to="/admin?tab=audit" className="btn">
          {t('audit.clear')}
        </Link>
        <span style={{ marginLeft: 'auto' }} className="row-actions">
          <span className="small muted">{t('audit.export')}:</span>
          {(['xlsx', 'csv'] as const).map((fm) => (
            <a key={fm} className="export-link small" href={exportHref(fm)} download data-format={fm}>
              {fm.toUpperCase()}
            </a>
          ))}
        </span>
      </form>
      <p className="small" data-testid="audit-chain">
        {verify.data &&
          (verify.data.brokenAt === null ? (
            <span className="chain-ok">
              ✓ {t('audit.intact')}: {fmt.number(verify.data.entries)} {t('audit.total')}
            </span>
          ) : (
            <span className="chain-bad">
              ✗ {t('audit.broken')} #{verify.data.brokenAt}
            </span>
          ))}
        {verify.isError && <ErrorNote error={verify.error} />}
      </p>
      {audit.isError && <ErrorNote error={audit.error} />}
      <div className="table-scroll tall">
        <table className="table" data-testid="audit-table">
          <thead>
            <tr>
              <th className="num">#</th>
              <th>{t('audit.at')}</th>
              <th>{t('audit.actor')}</th>
              <th>{t('audit.action')}</th>
              <th>{t('audit.target')}</th>
              <th>{t('audit.outcome')}</th>
              <th>{t('audit.ip')}</th>
              <th>{t('audit.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {audit.data?.rows.map((r) => (
              <tr key={r.seq} data-action={r.action} className={r.outcome === 'ok' ? undefined : 'late'}>
                <td className="num">{r.seq}</td>
                <td className="num">{fmt.dateTime(r.at)}</td>
                <td>
                  {r.actor} <span className="muted small">({r.actorKind})</span>
                </td>
                <td>{r.action}</td>
                <td>{r.target ?? ''}</td>
                <td>{t(`outcome.${r.outcome}` as MessageKey)}</td>
                <td>{r.ip ?? ''}</td>
                <td className="detail-cell" title={r.detail ?? ''}>
                  {r.detail ?? ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager
        page={page}
        pages={pages}
        onPage={setPage}
        before={
          <span className="small muted" data-testid="audit-total">
            {fmt.number(total)} {t('audit.total')}
          </span>
        }
      />
    </section>
  );
}
