// Boot: the query client, the router, the styles.
import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './app.tsx';
import { ApiError } from './lib/api.ts';
import { getLang } from './lib/i18n.ts';
import { onUnauthorized } from './lib/session.ts';
import './styles.css';

const queryClient: QueryClient = new QueryClient({
  // A 401 from any query: the session ended or the device was revoked (see onUnauthorized).
  queryCache: new QueryCache({ onError: (error) => onUnauthorized(queryClient, error) }),
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // A 4xx is an answer (bad filter, unknown KPI): asking again will not change it.
      retry: (count, error) =>
        !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
    },
  },
});

document.documentElement.lang = getLang();

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
