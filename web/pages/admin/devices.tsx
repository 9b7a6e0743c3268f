// Wall devices: create (the token and wall URL shown once), list, revoke.
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ErrorNote } from '../../components/status.tsx';
import { client, ok } from '../../lib/api.ts';
import { useI18n } from '../../lib/i18n.ts';
import {
  adminQuery,
  FormError,
  Listing,
  OnceToken,
  parseScope,
  RevokeCell,
  ScopeFields,
  scopeFromForm,
  useAction,
  useScopeLabels,
} from './shared.tsx';

export function DevicesTab() {
  const { t, fmt } = useI18n();
  const devices = useQuery(adminQuery.devices());
  const scopeLabel = useScopeLabels();
  const { error, busy, run } = useAction();
  const [shown, setShown] = useState<{ token: string; url: string } | null>(null);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const r = await run(
      () =>
        ok(
          client.api.admin.devices.$post({
            json: {
              name: String(data.get('name') ?? ''),
              playlist: String(data.get('playlist') ?? ''),
              scope: scopeFromForm(data),
            },
          }),
        ),
      ['devices'],
    );
    if (r) {
      form.reset();
      setShown({ token: r.token, url: `${location.origin}${r.wallUrl}` });
    }
  };
  return (
    <div className="admin-grid">
      <section className="panel">
        {devices.isError && <ErrorNote error={devices.error} />}
        <Listing
          empty={devices.data?.devices.length === 0}
          head={[
            t('admin.name'),
            t('admin.playlist'),
            t('admin.scope'),
            t('admin.createdAt'),
            t('admin.lastSeen'),
            '',
          ]}
        >
          {devices.data?.devices.map((d) => (
            <tr key={d.id} data-device={d.name} className={d.revokedAt ? 'tr-muted' : undefined}>
              <td className="strong">{d.name}</td>
              <td className="detail-cell" title={d.playlist}>
                {d.playlist || '—'}
              </td>
              <td>
                {scopeLabel(parseScope(d.scope)) || <span className="muted">{t('admin.everything')}</span>}
              </td>
              <td className="num">{fmt.dateTime(d.createdAt)}</td>
              <td className="num">{fmt.dateTime(d.lastSeenAt)}</td>
              <td>
                <RevokeCell revokedAt={d.revokedAt} id={d.id} kind="devices" />
              </td>
            </tr>
          ))}
        </Listing>
      </section>
      <section className="panel">
        <form className="form" onSubmit={submit} data-testid="new-device">
          <h2 className="panel-title">{t('admin.newDevice')}</h2>
          <label className="field">
            {t('admin.name')}
            <input name="name" required />
          </label>
          <label className="field">
            {t('admin.playlist')}
            <input name="playlist" defaultValue="slides=overview,services,direction&seconds=20" />
          </label>
          <ScopeFields />
          <FormError error={error} />
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={busy} data-testid="create-device">
              {t('common.create')}
            </button>
          </div>
          {shown && <OnceToken token={shown.token} url={shown.url} />}
        </form>
      </section>
    </div>
  );
}
