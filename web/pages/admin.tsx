// Administration (/admin?tab=…): users (create with roles and scope, disable, reset password), roles (their
// permissions), wall devices and feed sources (tokens shown once, revoke), and the audit log (filter, page,
// export, chain check). Plain forms over the admin API; every change is audited by the server.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, type RefObject, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { AppHeader } from '../components/app-header.tsx';
import { ErrorNote, Loading } from '../components/status.tsx';
import { sectorName } from '../components/unit-breadcrumb.tsx';
import { useRoleName } from '../components/user-menu.tsx';
import { ApiError, compact, getJson, sendJson } from '../lib/api.ts';
import { type MessageKey, useI18n } from '../lib/i18n.ts';
import { agenciesOptions, registryOptions, unitsOptions } from '../lib/queries.ts';
import { type ScopeAssignment, useSession } from '../lib/session.ts';

interface UserRow {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  scope: string | null;
  disabled: boolean;
  oidcSubject: string | null;
}
interface RoleRow {
  name: string;
  permissions: string[];
  scoped: boolean;
  description: string | null;
}
interface DeviceRow {
  id: string;
  name: string;
  playlist: string;
  scope: string | null;
  createdBy: string | null;
  createdAt: string;
  revokedAt: string | null;
  lastSeenAt: string | null;
}
interface SourceRow {
  id: string;
  name: string;
  feeds: string[];
  createdBy: string | null;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}
interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  actorKind: string;
  action: string;
  target: string | null;
  outcome: 'ok' | 'denied' | 'failed';
  ip: string | null;
  detail: string | null;
  hash: string;
}

const TABS = ['users', 'roles', 'devices', 'sources', 'audit'] as const;
type Tab = (typeof TABS)[number];
const FEEDS = ['documents', 'dossiers', 'payments', 'reports'] as const;
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

const adminQuery = <T,>(what: string) => ({
  queryKey: ['admin', what],
  queryFn: () => getJson<T>(`/api/admin/${what}`),
  staleTime: 0,
});

const parseScope = (json: string | null): ScopeAssignment | null => {
  if (!json) return null;
  try {
    return JSON.parse(json) as ScopeAssignment;
  } catch {
    return null;
  }
};

/** Codes from a multi-select (several values) or its text fallback ("238, 240"). */
const codesOf = (data: FormData, name: string): string[] =>
  data
    .getAll(name)
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);

export default function AdminPage() {
  const { t } = useI18n();
  const session = useSession();
  const [params] = useSearchParams();
  const allowed = TABS.filter((x) => (x === 'audit' ? session.can('audit.read') : session.can('admin')));
  const tab: Tab = allowed.find((x) => x === params.get('tab')) ?? allowed[0] ?? 'audit';
  return (
    <div className="page page-admin">
      <AppHeader />
      <main className="content">
        <h1 className="page-title" style={{ marginBottom: 12 }}>
          {t('admin.title')}
        </h1>
        <nav className="tabs" aria-label={t('admin.title')}>
          {allowed.map((x) => (
            <Link
              key={x}
              to={`/admin?tab=${x}`}
              aria-current={x === tab ? 'page' : undefined}
              data-testid={`tab-${x}`}
            >
              {t(`admin.tab.${x}` as MessageKey)}
            </Link>
          ))}
        </nav>
        {tab === 'users' && <UsersTab />}
        {tab === 'roles' && <RolesTab />}
        {tab === 'devices' && <DevicesTab />}
        {tab === 'sources' && <SourcesTab />}
        {tab === 'audit' && <AuditTab />}
      </main>
    </div>
  );
}

/** A form's submit with busy and error state, and the cache refreshed after a change. */
function useAction() {
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async <T,>(fn: () => Promise<T>, refresh: string[] = []): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      const r = await fn();
      for (const k of refresh) await qc.invalidateQueries({ queryKey: ['admin', k] });
      return r;
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run };
}

function FormError({ error }: { error: string | null }) {
  return error ? (
    <div className="error-note" role="alert" data-testid="form-error">
      {error}
    </div>
  ) : null;
}

// ---- users ----------------------------------------------------------------------------------------------

/**
 * Units, agencies and subsystems, for scope pickers and labels: only asked when this account may read them (an
 * administrator without `read` would only collect 403s, each one an audit entry).
 */
function useReference() {
  // The reference lists and the registry are open to admins too (server POLICY: read|admin).
  const session = useSession();
  const enabled = session.can('read') || session.can('admin');
  return {
    units: useQuery({ ...unitsOptions(), enabled }),
    agencies: useQuery({ ...agenciesOptions(), enabled }),
    registry: useQuery({ ...registryOptions(), enabled }),
  };
}

function useScopeLabels() {
  const { units, agencies, registry } = useReference();
  const { name } = useI18n();
  return useMemo(() => {
    const unitName = new Map((units.data?.units ?? []).map((u) => [u.code, u.name]));
    const subName = new Map((registry.data?.subsystems ?? []).map((s) => [s.id, name(s.name)]));
    return (s: ScopeAssignment | null): string => {
      if (!s) return '';
      const parts = [
        ...(s.units ?? []).map((c) => unitName.get(c) ?? c),
        ...(s.sectors ?? []).map((c) => sectorName(c, agencies.data?.agencies)),
        ...(s.subsystems ?? []).map((c) => subName.get(c) ?? c),
      ];
      return parts.join(', ');
    };
  }, [units.data, agencies.data, registry.data, name]);
}

function UsersTab() {
  const { t } = useI18n();
  const roleName = useRoleName();
  const users = useQuery(adminQuery<{ users: UserRow[] }>('users'));
  const scopeLabel = useScopeLabels();
  const { error, run } = useAction();
  const dialog = useRef<HTMLDialogElement>(null);
  const [resetFor, setResetFor] = useState<UserRow | null>(null);
  const editDialog = useRef<HTMLDialogElement>(null);
  const [editFor, setEditFor] = useState<UserRow | null>(null);
  // Opened once the dialog for this user is mounted (it is keyed by the user, so its fields start from them).
  useEffect(() => {
    if (editFor && !editDialog.current?.open) editDialog.current?.showModal();
  }, [editFor]);
  return (
    <div className="admin-grid">
      <section className="panel">
        {users.isError && <ErrorNote error={users.error} />}
        {users.isPending && <Loading />}
        <FormError error={error} />
        <table className="table" data-testid="users-table">
          <thead>
            <tr>
              <th>{t('admin.username')}</th>
              <th>{t('admin.displayName')}</th>
              <th>{t('admin.roles')}</th>
              <th>{t('admin.scope')}</th>
              <th>{t('admin.status')}</th>
              <th>{t('admin.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {users.data?.users.map((u) => (
              <tr key={u.id} data-user={u.username} className={u.disabled ? 'tr-muted' : undefined}>
                <td className="strong">{u.username}</td>
                <td>{u.displayName}</td>
                <td>{u.roles.map(roleName).join(', ')}</td>
                <td>
                  {scopeLabel(parseScope(u.scope)) || <span className="muted">{t('admin.everything')}</span>}
                </td>
                <td>{u.disabled ? t('admin.disabled') : t('admin.active')}</td>
                <td>
                  <span className="row-actions">
                    <button
                      type="button"
                      className="btn btn-small"
                      onClick={() =>
                        run(
                          () => sendJson('PATCH', `/api/admin/users/${u.id}`, { disabled: !u.disabled }),
                          ['users'],
                        )
                      }
                    >
                      {u.disabled ? t('admin.enable') : t('admin.disable')}
                    </button>
                    <button
                      type="button"
                      className="btn btn-small"
                      data-testid="edit-user"
                      onClick={() => setEditFor({ ...u })}
                    >
                      {t('admin.edit')}
                    </button>
                    <button
                      type="button"
                      className="btn btn-small"
                      onClick={() => {
                        setResetFor(u);
                        dialog.current?.showModal();
                      }}
                    >
                      {t('admin.resetPassword')}
                    </button>
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <NewUserForm />
      <ResetPasswordDialog ref={dialog} user={resetFor} />
      <EditUserDialog ref={editDialog} user={editFor} key={editFor?.id ?? 'none'} />
    </div>
  );
}

/** Roles, scope and SSO subject of an existing user (the change applies at once: the cache of sessions drops). */
function EditUserDialog({ ref, user }: { ref: RefObject<HTMLDialogElement | null>; user: UserRow | null }) {
  const { t } = useI18n();
  const { error, busy, run } = useAction();
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!user) return;
    const data = new FormData(e.currentTarget);
    const body = {
      roles: data.getAll('roles').map(String),
      scope: scopeFromForm(data) ?? null,
      oidcSubject: String(data.get('oidcSubject') ?? '').trim() || null,
    };
    if (await run(() => sendJson('PATCH', `/api/admin/users/${user.id}`, body), ['users']))
      ref.current?.close();
  };
  return (
    <dialog ref={ref} className="modal" aria-labelledby="edit-h">
      <form className="form" onSubmit={submit} data-testid="edit-user-form">
        <h2 id="edit-h">
          {t('admin.edit')} {user?.username}
        </h2>
        <RoleChecks checked={user?.roles} />
        <label className="field">
          {t('admin.oidcSubject')}
          <input
            name="oidcSubject"
            maxLength={255}
            autoComplete="off"
            defaultValue={user?.oidcSubject ?? ''}
          />
        </label>
        <ScopeFields initial={parseScope(user?.scope ?? null)} />
        <FormError error={error} />
        <div className="form-actions">
          <button type="button" className="btn" onClick={() => ref.current?.close()}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {t('common.save')}
          </button>
        </div>
      </form>
    </dialog>
  );
}

function ResetPasswordDialog({
  ref,
  user,
}: {
  ref: RefObject<HTMLDialogElement | null>;
  user: UserRow | null;
}) {
  const { t } = useI18n();
  const { error, busy, run } = useAction();
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const password = String(new FormData(form).get('password') ?? '');
    if (!user) return;
    const ok = await run(() => sendJson('PATCH', `/api/admin/users/${user.id}`, { password }), ['users']);
    if (ok) {
      form.reset();
      ref.current?.close();
    }
  };
  return (
    <dialog ref={ref} className="modal" aria-labelledby="reset-h">
      <form className="form" onSubmit={submit}>
        <h2 id="reset-h">
          {t('admin.newPassword')} {user?.username}
        </h2>
        <label className="field">
          {t('auth.new')}
          <input type="password" name="password" autoComplete="new-password" minLength={10} required />
        </label>
        <FormError error={error} />
        <div className="form-actions">
          <button type="button" className="btn" onClick={() => ref.current?.close()}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {t('common.save')}
          </button>
        </div>
      </form>
    </dialog>
  );
}

function NewUserForm() {
  const { t } = useI18n();
  const { error, busy, run } = useAction();
  const [created, setCreated] = useState<string | null>(null);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const scope = scopeFromForm(data);
    const username = String(data.get('username') ?? '');
    const body = {
      username,
      displayName: String(data.get('displayName') ?? ''),
      password: String(data.get('password') ?? '') || undefined,
      roles: data.getAll('roles').map(String),
      scope,
      oidcSubject: String(data.get('oidcSubject') ?? '').trim() || undefined,
    };
    const ok = await run(() => sendJson('POST', '/api/admin/users', body), ['users']);
    if (ok) {
      form.reset();
      setCreated(username);
    }
  };
  return (
    <section className="panel">
      <form className="form" onSubmit={submit} data-testid="new-user">
        <h2 className="panel-title">{t('admin.newUser')}</h2>
        <label className="field">
          {t('admin.username')}
          <input name="username" required pattern="[A-Za-z0-9._\-]{3,50}" autoComplete="off" />
        </label>
        <label className="field">
          {t('admin.displayName')}
          <input name="displayName" required />
        </label>
        <label className="field">
          {t('admin.password')}
          <input type="password" name="password" minLength={10} autoComplete="new-password" />
        </label>
        <label className="field">
          {t('admin.oidcSubject')}
          <input name="oidcSubject" maxLength={255} autoComplete="off" />
        </label>
        <RoleChecks />
        <ScopeFields />
        <FormError error={error} />
        {created && !error && (
          <div className="form-ok" role="status">
            {t('common.saved')}: {created}
          </div>
        )}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="create-user">
            {t('common.create')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** The roles of a user form, as checkboxes named `roles` (checked: the user's current roles). */
function RoleChecks({ checked = [] }: { checked?: string[] }) {
  const { t } = useI18n();
  const roleName = useRoleName();
  const roles = useQuery(adminQuery<{ roles: RoleRow[] }>('roles'));
  return (
    <fieldset className="field" style={{ border: 0, padding: 0, margin: 0 }}>
      <legend>{t('admin.roles')}</legend>
      <div className="checks">
        {roles.data?.roles.map((r) => (
          <label key={r.name}>
            <input type="checkbox" name="roles" value={r.name} defaultChecked={checked.includes(r.name)} />{' '}
            {roleName(r.name)}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function scopeFromForm(data: FormData): ScopeAssignment | undefined {
  const units = codesOf(data, 'units');
  const sectors = codesOf(data, 'sectors');
  const subsystems = codesOf(data, 'subsystems');
  const scope: ScopeAssignment = {
    ...(units.length ? { units } : {}),
    ...(sectors.length ? { sectors } : {}),
    ...(subsystems.length ? { subsystems } : {}),
  };
  return Object.keys(scope).length ? scope : undefined;
}

/**
 * Units, sectors and subsystems of a scope: lists from the reference data when this account may read it,
 * otherwise (an administrator without `read`) fields for their codes.
 */
function ScopeFields({ initial }: { initial?: ScopeAssignment | null }) {
  const { t, name } = useI18n();
  const { units, agencies, registry } = useReference();
  const districts = (units.data?.units ?? []).filter((u) => u.level === 'district');
  const communes = (units.data?.units ?? []).filter((u) => u.level === 'commune');
  const sectors = [
    ...new Set((agencies.data?.agencies ?? []).map((a) => a.sector).filter((s): s is string => !!s)),
  ].sort();
  const codes = (field: string, label: string, example: string) => (
    <label className="field">
      {label}
      <input
        name={field}
        placeholder={example}
        defaultValue={(initial?.[field as keyof ScopeAssignment] ?? []).join(', ')}
      />
      <span className="hint">{t('admin.codesHint')}</span>
    </label>
  );
  return (
    <>
      {units.data ? (
        <label className="field">
          {t('admin.units')}
          <select name="units" multiple defaultValue={initial?.units ?? []}>
            {districts.map((d) => (
              <optgroup key={d.code} label={d.name}>
                <option value={d.code}>
                  {d.name} ({d.code})
                </option>
                {communes
                  .filter((c) => c.parentCode === d.code)
                  .map((c) => (
                    <option key={c.code} value={c.code}>
                      — {c.name}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
          <span className="hint">{t('admin.multiHint')}</span>
        </label>
      ) : (
        codes('units', t('admin.units'), '238, 08176')
      )}
      {agencies.data ? (
        <label className="field">
          {t('admin.sectors')}
          <select name="sectors" multiple defaultValue={initial?.sectors ?? []}>
            {sectors.map((s) => (
              <option key={s} value={s}>
                {sectorName(s, agencies.data.agencies)} ({s})
              </option>
            ))}
          </select>
        </label>
      ) : (
        codes('sectors', t('admin.sectors'), 'y_te, giao_duc')
      )}
      {registry.data ? (
        <label className="field">
          {t('admin.subsystems')}
          <select name="subsystems" multiple defaultValue={initial?.subsystems ?? []}>
            {registry.data.subsystems.map((s) => (
              <option key={s.id} value={s.id}>
                {name(s.name)}
              </option>
            ))}
          </select>
        </label>
      ) : (
        codes('subsystems', t('admin.subsystems'), 'services, health')
      )}
    </>
  );
}

// ---- roles ----------------------------------------------------------------------------------------------

function RolesTab() {
  const { t } = useI18n();
  const roles = useQuery(adminQuery<{ roles: RoleRow[]; permissions: string[] }>('roles'));
  if (roles.isError) return <ErrorNote error={roles.error} />;
  if (!roles.data) return <Loading />;
  return (
    <section className="panel">
      <table className="table" data-testid="roles-table">
        <thead>
          <tr>
            <th>{t('admin.roles')}</th>
            <th>{t('admin.permissions')}</th>
            <th>{t('admin.scoped')}</th>
            <th>{t('admin.description')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {roles.data.roles.map((r) => (
            <RoleRowForm key={r.name} role={r} permissions={roles.data.permissions} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function RoleRowForm({ role, permissions }: { role: RoleRow; permissions: string[] }) {
  const { t } = useI18n();
  const roleName = useRoleName();
  const { error, busy, run } = useAction();
  const [saved, setSaved] = useState(false);
  const formId = `role-${role.name}`;
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const ok = await run(
      () =>
        sendJson('PUT', `/api/admin/roles/${role.name}`, {
          permissions: data.getAll('permissions').map(String),
          scoped: data.get('scoped') === 'on',
          description: String(data.get('description') ?? ''),
        }),
      ['roles'],
    );
    setSaved(!!ok);
  };
  return (
    <tr data-role={role.name}>
      <td className="strong">
        {roleName(role.name)}
        <div className="muted small">{role.name}</div>
        {/* The row's inputs belong to this form through their form= attribute (a form cannot wrap a row). */}
        <form id={formId} onSubmit={submit} onChange={() => setSaved(false)} />
      </td>
      <td>
        <div className="checks">
          {permissions.map((p) => (
            <label key={p}>
              <input
                type="checkbox"
                form={formId}
                name="permissions"
                value={p}
                defaultChecked={role.permissions.includes(p)}
              />{' '}
              {p}
            </label>
          ))}
        </div>
      </td>
      <td>
        <input
          type="checkbox"
          form={formId}
          name="scoped"
          defaultChecked={role.scoped}
          aria-label={t('admin.scoped')}
        />
      </td>
      <td>
        <input
          form={formId}
          name="description"
          aria-label={t('admin.description')}
          defaultValue={role.description ?? ''}
          style={{ width: '100%' }}
        />
      </td>
      <td>
        <span className="row-actions">
          <button type="submit" form={formId} className="btn btn-small" disabled={busy}>
            {t('common.save')}
          </button>
          {saved && <span className="form-ok">{t('common.saved')}</span>}
        </span>
        <FormError error={error} />
      </td>
    </tr>
  );
}

// ---- devices and sources ----------------------------------------------------------------------------------

function OnceToken({ token, url }: { token: string; url?: string }) {
  const { t } = useI18n();
  return (
    <div className="token-box" role="status" data-testid="token-once">
      <strong>{t('admin.tokenOnce')}</strong>
      {url && (
        <>
          <span className="small">{t('admin.wallUrl')}</span>
          <code data-testid="wall-url">{url}</code>
          <CopyButton text={url} />
        </>
      )}
      <span className="small">{t('admin.token')}</span>
      <code data-testid="token">{token}</code>
      <CopyButton text={token} />
    </div>
  );
}

function CopyButton({ text }: { text: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Plain http on a LAN has no clipboard API: the old way, through a selected text area.
      const ta = document.createElement('textarea');
      ta.value = text;
      document.body.append(ta);
      ta.select();
      document.execCommand('copy');
      ta.remove();
    }
    setCopied(true);
  };
  return (
    <button type="button" className="btn btn-small" onClick={copy} style={{ justifySelf: 'start' }}>
      {copied ? t('common.copied') : t('common.copy')}
    </button>
  );
}

/** A token's state in a listing: when it was revoked, or the button to revoke it. */
function RevokeCell({
  revokedAt,
  path,
  refresh,
}: {
  revokedAt: string | null;
  path: string;
  refresh: string;
}) {
  const { t, fmt } = useI18n();
  return revokedAt ? (
    <>{`${t('admin.revoked')} ${fmt.dateTime(revokedAt)}`}</>
  ) : (
    <RevokeButton path={path} refresh={refresh} />
  );
}

function RevokeButton({ path, refresh }: { path: string; refresh: string }) {
  const { t } = useI18n();
  const { error, busy, run } = useAction();
  return (
    <>
      <button
        type="button"
        className="btn btn-small btn-danger"
        disabled={busy}
        data-testid="revoke"
        onClick={() => {
          if (confirm(t('admin.confirmRevoke'))) void run(() => sendJson('DELETE', path), [refresh]);
        }}
      >
        {t('admin.revoke')}
      </button>
      <FormError error={error} />
    </>
  );
}

function DevicesTab() {
  const { t, fmt } = useI18n();
  const devices = useQuery(adminQuery<{ devices: DeviceRow[] }>('devices'));
  const scopeLabel = useScopeLabels();
  const { error, busy, run } = useAction();
  const [shown, setShown] = useState<{ token: string; url: string } | null>(null);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const r = await run(
      () =>
        sendJson<{ id: string; token: string; wallUrl: string }>('POST', '/api/admin/devices', {
          name: String(data.get('name') ?? ''),
          playlist: String(data.get('playlist') ?? ''),
          scope: scopeFromForm(data),
        }),
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
                <RevokeCell revokedAt={d.revokedAt} path={`/api/admin/devices/${d.id}`} refresh="devices" />
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

function SourcesTab() {
  const { t, fmt } = useI18n();
  const sources = useQuery(adminQuery<{ sources: SourceRow[] }>('sources'));
  const { error, busy, run } = useAction();
  const [token, setToken] = useState<string | null>(null);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const r = await run(
      () =>
        sendJson<{ id: string; token: string }>('POST', '/api/admin/sources', {
          name: String(data.get('name') ?? ''),
          feeds: data.getAll('feeds').map(String),
        }),
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
                <RevokeCell revokedAt={s.revokedAt} path={`/api/admin/sources/${s.id}`} refresh="sources" />
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

function Listing({ head, empty, children }: { head: string[]; empty?: boolean; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <table className="table">
      <thead>
        <tr>
          {head.map((h, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: fixed columns
            <th key={i}>{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {children}
        {empty && (
          <tr>
            <td colSpan={head.length} className="muted">
              {t('admin.empty')}
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

// ---- audit ----------------------------------------------------------------------------------------------

const AUDIT_FILTERS = ['action', 'actor', 'outcome', 'from', 'to'] as const;

function AuditTab() {
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
      getJson<{ total: number; rows: AuditRow[] }>('/api/admin/audit', {
        ...q,
        limit: String(AUDIT_PAGE),
        offset: String(page * AUDIT_PAGE),
      }),
    placeholderData: (prev) => prev,
  });
  const verify = useQuery({
    queryKey: ['admin', 'audit-verify'],
    queryFn: () => getJson<{ entries: number; brokenAt: number | null }>('/api/admin/audit/verify'),
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
      <div className="pager">
        <span className="small muted" data-testid="audit-total">
          {fmt.number(total)} {t('audit.total')} · {t('records.page')} {fmt.number(page + 1)}/
          {fmt.number(pages)}
        </span>
        <button
          type="button"
          className="btn btn-small"
          disabled={page === 0}
          onClick={() => setPage(page - 1)}
        >
          {t('records.prev')}
        </button>
        <button
          type="button"
          className="btn btn-small"
          disabled={page + 1 >= pages}
          onClick={() => setPage(page + 1)}
        >
          {t('records.next')}
        </button>
      </div>
    </section>
  );
}
