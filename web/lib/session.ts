// Who is looking: the `me` query (signed-in user, wall device, demo visitor or nobody), what they may do, and
// what a 401 means where it lands: the desk pages go to /login, the wall shows its own notice (never a login).
import { type QueryClient, queryOptions, useQuery } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { sameOriginPath } from '../../common/next.ts';
import type { Permission, ScopeAssignment } from '../../common/vocabulary.ts';
import { ApiError, client, ok, setCsrf } from './api.ts';

export type { Permission, ScopeAssignment } from '../../common/vocabulary.ts';

export interface SessionPrincipal {
  kind: 'user' | 'device' | 'source' | 'ops' | 'demo';
  name: string;
  displayName: string;
  roles: string[];
  permissions: Permission[];
  scope: ScopeAssignment | null;
  playlist: string | null;
}

export interface Me {
  mode: 'demo' | 'production';
  signedIn: boolean;
  principal: SessionPrincipal | null;
  csrf: string | null;
  oidc: boolean;
}

const fetchMe = async (): Promise<Me> => {
  const me: Me = await ok(client.api.auth.me.$get());
  setCsrf(me.csrf);
  return me;
};

export const meOptions = () =>
  queryOptions({
    queryKey: ['me'],
    queryFn: fetchMe,
    staleTime: 5 * 60_000,
  });

export interface Session {
  me: Me | undefined;
  principal: SessionPrincipal | null;
  /** Still asking who we are. */
  pending: boolean;
  demo: boolean;
  production: boolean;
  can: (p: Permission) => boolean;
  /** The scope's unit roots and sectors; empty when the principal reads unscoped. */
  scope: ScopeAssignment | null;
}

export function sessionOf(me: Me | undefined, pending = false): Session {
  const principal = me?.principal ?? null;
  return {
    me,
    principal,
    pending,
    demo: me?.mode === 'demo',
    production: me?.mode === 'production',
    can: (p) => !!principal?.permissions.includes(p),
    scope: principal?.scope ?? null,
  };
}

export function useSession(): Session {
  const q = useQuery(meOptions());
  return sessionOf(q.data, q.isPending);
}

export async function signIn(username: string, password: string): Promise<void> {
  const r = await ok(client.api.auth.login.$post({ json: { username, password } }));
  setCsrf(r.csrf);
}

export async function signOut(qc: QueryClient): Promise<void> {
  await ok(client.api.auth.logout.$post()).catch(() => undefined);
  setCsrf(null);
  qc.clear();
}

export async function changePassword(current: string, next: string): Promise<void> {
  const r = await ok(client.api.auth.password.$post({ json: { current, next } }));
  setCsrf(r.csrf);
}

/** Exchange a wall URL's device token for the long-lived HttpOnly device cookie. */
export function pairDevice(token: string) {
  return ok(client.api.auth.device.$post({ json: { token } }));
}

// ---- what a 401 means -------------------------------------------------------------------------------------

let refused = false;
const listeners = new Set<() => void>();

/** The wall's credentials (device cookie) were refused: it shows the notice instead of slides. */
export function useDeviceRefused(): boolean {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => refused,
    () => false,
  );
}

export function setDeviceRefused(v: boolean): void {
  if (refused === v) return;
  refused = v;
  for (const l of listeners) l();
}

/** The sign-in page's address, coming back to where the user was. */
export function loginHref(loc: { pathname: string; search: string; hash?: string } = location): string {
  const next = `${loc.pathname}${loc.search}${loc.hash ?? ''}`;
  return next === '/' || next.startsWith('/login') ? '/login' : `/login?next=${encodeURIComponent(next)}`;
}

/** Only our own paths are followed after sign-in: the server's rule (common/next.ts), one for both. */
export function safeNext(next: string | null | undefined): string | null {
  return next ? sameOriginPath(next) : null;
}

let lastDemoReset = 0;

/**
 * Any query answered 401: the session expired, was ended, or a token was revoked. The wall says so on screen;
 * a production desk page goes to the sign-in; in demo mode the next request is the demo visitor's again.
 */
export function onUnauthorized(qc: QueryClient, error: unknown): void {
  if (!(error instanceof ApiError) || error.status !== 401) return;
  if (location.pathname === '/wall') {
    setDeviceRefused(true);
    return;
  }
  if (location.pathname === '/login') return;
  const mode = qc.getQueryData<Me>(['me'])?.mode;
  if (mode === 'demo') {
    // The server dropped the stale cookie: ask again as the visitor (once a minute at most, so no loop).
    if (Date.now() - lastDemoReset < 60_000) return;
    lastDemoReset = Date.now();
    setCsrf(null);
    void qc.invalidateQueries();
    return;
  }
  location.assign(loginHref());
}
