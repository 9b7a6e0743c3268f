// Who is signed in (name and role), sign-out and the password change; the DEMO badge; the way to the sign-in
// for the demo visitor. Lives in the desk pages' header.
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type Ref, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError } from '../lib/api.ts';
import { hasMessage, type MessageKey, useI18n } from '../lib/i18n.ts';
import { changePassword, meOptions, signOut, useSession } from '../lib/session.ts';

/** A role's name in the UI language; roles an admin invented show as they are. */
export function useRoleName(): (role: string) => string {
  const { t } = useI18n();
  return (role) => {
    const key = `role.${role}`;
    return hasMessage(key) ? t(key as MessageKey) : role;
  };
}

export function DemoBadge({ className }: { className?: string }) {
  const { t } = useI18n();
  const { demo } = useSession();
  if (!demo) return null;
  return (
    <span className={`badge badge-demo ${className ?? ''}`} data-testid="demo-badge" title={t('demo.title')}>
      {t('demo.badge')}
    </span>
  );
}

export function UserMenu() {
  const { t } = useI18n();
  const session = useSession();
  const roleName = useRoleName();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const dialog = useRef<HTMLDialogElement>(null);
  const p = session.principal;
  if (!p) return null;
  const isUser = p.kind === 'user';
  return (
    <div className="user-menu" data-testid="user-menu">
      <DemoBadge />
      <span className="user-name" data-testid="user-name">
        <span>{p.displayName}</span>
        <span className="user-role">{p.roles.map(roleName).join(', ')}</span>
      </span>
      {isUser ? (
        <>
          <button type="button" className="btn btn-ghost" onClick={() => dialog.current?.showModal()}>
            {t('auth.changePassword')}
          </button>
          <button
            type="button"
            className="btn btn-ghost"
            data-testid="sign-out"
            onClick={async () => {
              await signOut(qc);
              // Production: back to the sign-in; demo: the visitor's view again.
              if (session.production) navigate('/login', { replace: true });
              else await qc.fetchQuery(meOptions());
            }}
          >
            {t('auth.signOut')}
          </button>
          <PasswordDialog ref={dialog} />
        </>
      ) : (
        p.kind === 'demo' && (
          <Link to="/login" className="btn btn-ghost" data-testid="sign-in-link">
            {t('auth.signIn')}
          </Link>
        )
      )}
    </div>
  );
}

function PasswordDialog({ ref }: { ref: Ref<HTMLDialogElement> }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const current = String(data.get('current') ?? '');
    const next = String(data.get('next') ?? '');
    if (next !== String(data.get('repeat') ?? '')) return setError(t('auth.mismatch'));
    setBusy(true);
    setError(null);
    try {
      await changePassword(current, next);
      await qc.invalidateQueries({ queryKey: ['me'] });
      form.reset();
      setDone(true);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <dialog
      ref={ref}
      className="modal"
      aria-labelledby="pw-h"
      onClose={() => {
        setError(null);
        setDone(false);
      }}
    >
      <form className="form" onSubmit={submit}>
        <h2 id="pw-h">{t('auth.changePassword')}</h2>
        <label className="field">
          {t('auth.current')}
          <input type="password" name="current" autoComplete="current-password" required />
        </label>
        <label className="field">
          {t('auth.new')}
          <input type="password" name="next" autoComplete="new-password" minLength={10} required />
        </label>
        <label className="field">
          {t('auth.repeat')}
          <input type="password" name="repeat" autoComplete="new-password" minLength={10} required />
        </label>
        {error && (
          <div className="error-note" role="alert">
            {error}
          </div>
        )}
        {done && (
          <div className="form-ok" role="status">
            {t('auth.changed')}
          </div>
        )}
        <div className="form-actions">
          <button
            type="button"
            className="btn"
            onClick={(e) => (e.currentTarget.closest('dialog') as HTMLDialogElement | null)?.close()}
          >
            {t('common.close')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {t('common.save')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
