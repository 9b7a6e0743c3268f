// Users: create with roles and scope, edit roles/scope/SSO subject, disable, reset the password.
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, type RefObject, useEffect, useRef, useState } from 'react';
import type { UserRow } from '../../../common/rows.ts';
import { ErrorNote, Loading } from '../../components/status.tsx';
import { useRoleName } from '../../components/user-menu.tsx';
import { client, ok } from '../../lib/api.ts';
import { useI18n } from '../../lib/i18n.ts';
import {
  adminQuery,
  FormError,
  parseScope,
  RoleChecks,
  ScopeFields,
  scopeFromForm,
  useAction,
  useScopeLabels,
} from './shared.tsx';

const patchUser = (
  id: string,
  json: Parameters<(typeof client.api.admin.users)[':id']['$patch']>[0]['json'],
) => ok(client.api.admin.users[':id'].$patch({ param: { id }, json }));

const createUser = (json: Parameters<typeof client.api.admin.users.$post>[0]['json']) =>
  ok(client.api.admin.users.$post({ json }));

export function UsersTab() {
  const { t } = useI18n();
  const roleName = useRoleName();
  const users = useQuery(adminQuery.users());
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
                      onClick={() => run(() => patchUser(u.id, { disabled: !u.disabled }), ['users'])}
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
    if (await run(() => patchUser(user.id, body), ['users'])) ref.current?.close();
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
    const done = await run(() => patchUser(user.id, { password }), ['users']);
    if (done) {
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
    const done = await run(() => createUser(body), ['users']);
    if (done) {
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
