// Feed sources: create (the token shown once) with the feeds they may push, list, revoke.
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ErrorNote } from '../../components/status.tsx';
import { client, ok } from '../../lib/api.ts';
import { type MessageKey, useI18n } from '../../lib/i18n.ts';
import {
  adminQuery,
  FEEDS,
  FormError,
  isFeed,
  Listing,
  OnceToken,
  RevokeCell,
  useAction,
} from './shared.tsx';

export function SourcesTab() {
  const { t, fmt } = useI18n();
  const sources = useQuery(adminQuery.sources());
  const { error, busy, run } = useAction();
  const [token, setToken] = useState<string | null>(null);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const r = await run(
      () =>
        ok(
          client.api.admin.sources.$post({
            json: {
              name: String(data.get('name') ?? ''),
              feeds: data.getAll('feeds').map(String).filter(isFeed),
            },
          }),
        ),
      ['sources'],
    );
    if (r) {
      form.reset();
      setToken(r.token);
    }
  };
  return (
    <div className="admin-grid">
      <section className="panel">
        {sources.isError && <ErrorNote error={sources.error} />}
        <Listing
          empty={sources.data?.sources.length === 0}
          head={[
            t('admin.name'),
            t('admin.feeds'),
            t('admin.createdBy'),
            t('admin.createdAt'),
            t('admin.lastSeen'),
            '',
          ]}
        >
          {sources.data?.sources.map((s) => (
            <tr key={s.id} data-source={s.name} className={s.revokedAt ? 'tr-muted' : undefined}>
              <td className="strong">{s.name}</td>
              <td>{s.feeds.join(', ')}</td>
              <td>{s.createdBy ?? '—'}</td>
              <td className="num">{fmt.dateTime(s.createdAt)}</td>
              <td className="num">{fmt.dateTime(s.lastUsedAt)}</td>
              <td>
                <RevokeCell revokedAt={s.revokedAt} id={s.id} kind="sources" />
              </td>
            </tr>
          ))}
        </Listing>
      </section>
      <section className="panel">
        <form className="form" onSubmit={submit} data-testid="new-source">
          <h2 className="panel-title">{t('admin.newSource')}</h2>
          <label className="field">
            {t('admin.name')}
            <input name="name" required />
          </label>
          <fieldset className="field" style={{ border: 0, padding: 0, margin: 0 }}>
            <legend>{t('admin.feeds')}</legend>
            <div className="checks">
              {FEEDS.map((f) => (
                <label key={f}>
                  <input type="checkbox" name="feeds" value={f} /> {t(`feed.${f}` as MessageKey)}
                </label>
              ))}
            </div>
          </fieldset>
          <FormError error={error} />
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {t('common.create')}
            </button>
          </div>
          {token && <OnceToken token={token} />}
        </form>
      </section>
    </div>
  );
}
