// Roles: the permissions each grants and whether the user's scope limits it.
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { RoleRow } from '../../../common/rows.ts';
import { ErrorNote, Loading } from '../../components/status.tsx';
import { useRoleName } from '../../components/user-menu.tsx';
import { client, ok } from '../../lib/api.ts';
import { useI18n } from '../../lib/i18n.ts';
import { adminQuery, FormError, isPermission, useAction } from './shared.tsx';

// ---- roles ----------------------------------------------------------------------------------------------

export function RolesTab() {
  const { t } = useI18n();
  const roles = useQuery(adminQuery.roles());
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

function RoleRowForm({ role, permissions }: { role: RoleRow; permissions: readonly string[] }) {
  const { t } = useI18n();
  const roleName = useRoleName();
  const { error, busy, run } = useAction();
  const [saved, setSaved] = useState(false);
  const formId = `role-${role.name}`;
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const done = await run(
      () =>
        ok(
          client.api.admin.roles[':name'].$put({
            param: { name: role.name },
            json: {
              permissions: data.getAll('permissions').map(String).filter(isPermission),
              scoped: data.get('scoped') === 'on',
              description: String(data.get('description') ?? ''),
            },
          }),
        ),
      ['roles'],
    );
    setSaved(!!done);
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
