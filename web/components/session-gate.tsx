// The desk pages open once we know who is looking: nobody in production → the sign-in page; a principal without
// the page's permission → a plain notice (an administrator without `read` goes to /admin); a unit-scoped
// principal waits for the unit list, so its filters can be held inside its scope before the first request.
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import { useI18n } from '../lib/i18n.ts';
import { unitsOptions } from '../lib/queries.ts';
import { loginHref, meOptions, type Permission, sessionOf } from '../lib/session.ts';
import { AppHeader } from './app-header.tsx';
import { ErrorNote } from './status.tsx';

export function RequireSession({ need, children }: { need: Permission[]; children: ReactNode }) {
  const { t } = useI18n();
  const loc = useLocation();
  const me = useQuery(meOptions());
  const session = sessionOf(me.data);
  const scopedUnits = !!session.scope?.units?.length && need.includes('read');
  const units = useQuery({ ...unitsOptions(), enabled: scopedUnits });

  if (me.isError && !me.data)
    return (
      <main className="content">
        <ErrorNote error={me.error} onRetry={() => me.refetch()} />
      </main>
    );
  if (!me.data) return <div className="boot" />;
  if (!session.principal) return <Navigate to={loginHref(loc)} replace />;
  if (!need.some((p) => session.can(p))) {
    if (loc.pathname === '/' && (session.can('admin') || session.can('audit.read')))
      return <Navigate to="/admin" replace />;
    return (
      <div className="page">
        <AppHeader />
        <main className="content" data-testid="no-access">
          <p>{need.includes('admin') ? t('admin.noAccess') : t('auth.noRead')}</p>
          {session.can('read') && <Link to="/">{t('nav.overview')}</Link>}
        </main>
      </div>
    );
  }
  if (scopedUnits && !units.data) {
    if (units.isError)
      return (
        <main className="content">
          <ErrorNote error={units.error} onRetry={() => units.refetch()} />
        </main>
      );
    return <div className="boot" />;
  }
  return children;
}
