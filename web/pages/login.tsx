// Sign-in (/login?next=…): user name and password, the server's refusals said in the UI language (wrong
// password, wait N seconds, locked until HH:mm), single sign-on when the server offers it.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { LanguageToggle } from '../components/language-toggle.tsx';
import { DemoBadge } from '../components/user-menu.tsx';
import { ApiError } from '../lib/api.ts';
import { useI18n } from '../lib/i18n.ts';
import { configOptions } from '../lib/queries.ts';
import { meOptions, type Permission, safeNext, signIn } from '../lib/session.ts';

type Refusal =
  | { kind: 'wrong' }
  | { kind: 'wait'; until: number }
  | { kind: 'locked'; until: number }
  | { kind: 'other'; message: string };

function refusalOf(e: unknown): Refusal {
  if (!(e instanceof ApiError)) return { kind: 'other', message: String(e) };
  const seconds = Number(e.body.retryAfterSeconds);
  const until = Date.now() + (Number.isFinite(seconds) ? seconds : 0) * 1000;
  if (e.status === 401) return { kind: 'wrong' };
  if (e.status === 423 || (e.status === 429 && e.body.locked === true)) return { kind: 'locked', until };
  if (e.status === 429) return { kind: 'wait', until };
  return { kind: 'other', message: e.message };
}

/** Where a principal lands after signing in: `next`, else the overview, else administration. */
function landing(next: string | null, permissions: Permission[]): string {
  if (next) return next;
  if (permissions.includes('read')) return '/';
  return permissions.includes('admin') || permissions.includes('audit.read') ? '/admin' : '/';
}

export default function LoginPage() {
  const { t, fmt } = useI18n();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const config = useQuery(configOptions());
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [busy, setBusy] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  const next = safeNext(params.get('next'));

  // The "wait N seconds" message counts down, and goes away when the wait is over.
  const waiting = refusal?.kind === 'wait' && refusal.until > now;
  useEffect(() => {
    if (refusal?.kind !== 'wait') return;
    const h = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(h);
  }, [refusal]);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    setBusy(true);
    setRefusal(null);
    try {
      await signIn(String(data.get('username') ?? ''), String(data.get('password') ?? ''));
      // Everything cached so far was asked as someone else.
      qc.clear();
      const me = await qc.fetchQuery(meOptions());
      navigate(landing(next, me.principal?.permissions ?? []), { replace: true });
    } catch (err) {
      setRefusal(refusalOf(err));
      setNow(Date.now());
    } finally {
      setBusy(false);
    }
  };

  let message: string | null = null;
  if (refusal?.kind === 'wrong') message = t('auth.wrong');
  else if (refusal?.kind === 'wait')
    message = waiting ? t('auth.wait').replace('{n}', String(Math.ceil((refusal.until - now) / 1000))) : null;
  else if (refusal?.kind === 'locked')
    message = t('auth.locked').replace('{time}', fmt.time(new Date(refusal.until)));
  else if (refusal?.kind === 'other') message = refusal.message;

  return (
    <main className="login-page">
      <div className="login-card">
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true">
            IOC
          </span>
          <h1>{t('app.title')}</h1>
        </div>
        <form className="form" onSubmit={submit} data-testid="login-form">
          <h2>{t('auth.title')}</h2>
          {config.data?.demo && (
            <p className="muted small">
              <DemoBadge /> {t('auth.demoNote')}
            </p>
          )}
          <label className="field">
            {t('auth.username')}
            <input name="username" autoComplete="username" required />
          </label>
          <label className="field">
            {t('auth.password')}
            <input type="password" name="password" autoComplete="current-password" required />
          </label>
          {message && (
            <div className="error-note" role="alert" data-testid="login-error">
              {message}
            </div>
          )}
          <button
            type="submit"
            className="btn btn-primary"
            disabled={busy || waiting}
            data-testid="login-submit"
          >
            {t('auth.signIn')}
          </button>
          {config.data?.oidc && (
            <>
              <div className="or">{t('auth.or')}</div>
              {/* A full navigation: the server redirects to the identity provider. */}
              <a
                className="sso-link"
                href={`/api/auth/oidc/start${next ? `?next=${encodeURIComponent(next)}` : ''}`}
              >
                {t('auth.sso')}
              </a>
            </>
          )}
        </form>
        <div className="login-foot">
          {config.data?.demo ? <Link to="/">{t('auth.toOverview')}</Link> : <span />}
          <LanguageToggle />
        </div>
      </div>
    </main>
  );
}
