// What the admin tabs share: the lists through the typed client, changes through useMutation (useAction), the
// scope pickers and labels, tokens shown once, revoke buttons, and the listing table.
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useMemo, useState } from 'react';
import { PERMISSIONS, type Permission } from '../../../common/vocabulary.ts';
import { sectorName } from '../../components/unit-breadcrumb.tsx';
import { useRoleName } from '../../components/user-menu.tsx';
import { ApiError, client, ok } from '../../lib/api.ts';
import { useI18n } from '../../lib/i18n.ts';
import { agenciesOptions, registryOptions, unitsOptions } from '../../lib/queries.ts';
import { type ScopeAssignment, useSession } from '../../lib/session.ts';

export const FEEDS = ['documents', 'dossiers', 'payments', 'reports', 'feedback'] as const;

/** One administration list through the typed client, under the query key ['admin', <list>]. */
const list =
  <T,>(name: string, fetch: () => Promise<T>) =>
  () =>
    queryOptions({ queryKey: ['admin', name], queryFn: fetch, staleTime: 0 });

export const adminQuery = {
  users: list('users', () => ok(client.api.admin.users.$get())),
  roles: list('roles', () => ok(client.api.admin.roles.$get())),
  devices: list('devices', () => ok(client.api.admin.devices.$get())),
  sources: list('sources', () => ok(client.api.admin.sources.$get())),
};

export type AdminList = keyof typeof adminQuery;

export const isPermission = (p: string): p is Permission => (PERMISSIONS as readonly string[]).includes(p);

export const isFeed = (f: string): f is (typeof FEEDS)[number] => (FEEDS as readonly string[]).includes(f);

export const parseScope = (json: string | null): ScopeAssignment | null => {
  if (!json) return null;
  try {
    return JSON.parse(json) as ScopeAssignment;
  } catch {
    return null;
  }
};

/** Codes from a multi-select (several values) or its text fallback ("238, 240"). */
export const codesOf = (data: FormData, name: string): string[] =>
  data
    .getAll(name)
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);

/**
 * A change through TanStack's useMutation: its pending state and error, and the admin lists it touched
 * refreshed after it. `run` answers the result, or undefined when the server refused (the error is shown).
 */
export function useAction() {
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: ({ fn }: { fn: () => Promise<unknown>; refresh: AdminList[] }) => fn(),
    onSuccess: (_r, { refresh }) =>
      Promise.all(refresh.map((k) => qc.invalidateQueries({ queryKey: ['admin', k] }))),
  });
  const run = async <T,>(fn: () => Promise<T>, refresh: AdminList[] = []): Promise<T | undefined> => {
    try {
      return (await m.mutateAsync({ fn, refresh })) as T;
    } catch {
      return undefined;
    }
  };
  const error = m.error ? (m.error instanceof ApiError ? m.error.message : String(m.error)) : null;
  return { error, busy: m.isPending, run };
}

export function FormError({ error }: { error: string | null }) {
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

export function useScopeLabels() {
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

/** The roles of a user form, as checkboxes named `roles` (checked: the user's current roles). */
export function RoleChecks({ checked = [] }: { checked?: string[] }) {
  const { t } = useI18n();
  const roleName = useRoleName();
  const roles = useQuery(adminQuery.roles());
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

export function scopeFromForm(data: FormData): ScopeAssignment | undefined {
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
export function ScopeFields({ initial }: { initial?: ScopeAssignment | null }) {
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

// ---- devices and sources ----------------------------------------------------------------------------------

export function OnceToken({ token, url }: { token: string; url?: string }) {
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

export function CopyButton({ text }: { text: string }) {
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

/** Revoke a wall device or a feed source. */
export const REVOKE = {
  devices: (id: string) => ok(client.api.admin.devices[':id'].$delete({ param: { id } })),
  sources: (id: string) => ok(client.api.admin.sources[':id'].$delete({ param: { id } })),
};

/** A token's state in a listing: when it was revoked, or the button to revoke it. */
export function RevokeCell({
  revokedAt,
  id,
  kind,
}: {
  revokedAt: string | null;
  id: string;
  kind: keyof typeof REVOKE;
}) {
  const { t, fmt } = useI18n();
  return revokedAt ? (
    <>{`${t('admin.revoked')} ${fmt.dateTime(revokedAt)}`}</>
  ) : (
    <RevokeButton id={id} kind={kind} />
  );
}

export function RevokeButton({ id, kind }: { id: string; kind: keyof typeof REVOKE }) {
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
          if (confirm(t('admin.confirmRevoke'))) void run(() => REVOKE[kind](id), [kind]);
        }}
      >
        {t('admin.revoke')}
      </button>
      <FormError error={error} />
    </>
  );
}

export function Listing({ head, empty, children }: { head: string[]; empty?: boolean; children: ReactNode }) {
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
