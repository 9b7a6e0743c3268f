// Routes: / overview, /wall the wall screen, /s/:subsystem a subsystem, /login, /admin. Each page is its own
// chunk, so the wall loads only what it shows. Desk pages need a session (RequireSession); the wall handles its
// own (device pairing, its notice on a refused device) and never goes to the sign-in page.
import { lazy, Suspense } from 'react';
import { Link, Route, Routes } from 'react-router';
import { ErrorBoundary } from './components/error-boundary.tsx';
import { RequireSession } from './components/session-gate.tsx';
import { useI18n } from './lib/i18n.ts';

const OverviewPage = lazy(() => import('./pages/overview.tsx'));
const WallPage = lazy(() => import('./pages/wall.tsx'));
const SubsystemPage = lazy(() => import('./pages/subsystem.tsx'));
const LoginPage = lazy(() => import('./pages/login.tsx'));
const AdminPage = lazy(() => import('./pages/admin/index.tsx'));

function NotFound() {
  const { t } = useI18n();
  return (
    <main className="content">
      <h1>{t('common.notFound')}</h1>
      <Link to="/">{t('nav.overview')}</Link>
    </main>
  );
}

function Crash({ error }: { error: Error }) {
  const { t } = useI18n();
  return (
    <main className="content" role="alert">
      <h1>{t('common.error')}</h1>
      <p>{error.message}</p>
      <button type="button" className="btn" onClick={() => location.reload()}>
        {t('common.retry')}
      </button>
    </main>
  );
}

export function App() {
  return (
    <ErrorBoundary fallback={(error) => <Crash error={error} />}>
      <Suspense fallback={<div className="boot" />}>
        <Routes>
          <Route
            path="/"
            element={
              <RequireSession need={['read']}>
                <OverviewPage />
              </RequireSession>
            }
          />
          <Route path="/wall" element={<WallPage />} />
          <Route path="/login" element={<LoginPage />} />
          <Route
            path="/s/:subsystem"
            element={
              <RequireSession need={['read']}>
                <SubsystemPage />
              </RequireSession>
            }
          />
          <Route
            path="/admin"
            element={
              <RequireSession need={['admin', 'audit.read']}>
                <AdminPage />
              </RequireSession>
            }
          />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Suspense>
    </ErrorBoundary>
  );
}
