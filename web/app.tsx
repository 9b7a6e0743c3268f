// Routes: / overview, /wall the wall screen, /s/:subsystem a subsystem. Each page is its own chunk, so the
// wall loads only what it shows.
import { lazy, Suspense } from 'react';
import { Link, Route, Routes } from 'react-router';
import { ErrorBoundary } from './components/error-boundary.tsx';
import { useI18n } from './lib/i18n.ts';

const OverviewPage = lazy(() => import('./pages/overview.tsx'));
const WallPage = lazy(() => import('./pages/wall.tsx'));
const SubsystemPage = lazy(() => import('./pages/subsystem.tsx'));

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
          <Route path="/" element={<OverviewPage />} />
          <Route path="/wall" element={<WallPage />} />
          <Route path="/s/:subsystem" element={<SubsystemPage />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Suspense>
    </ErrorBoundary>
  );
}
