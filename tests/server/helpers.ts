// A real in-memory DuckDB with the tiny hand-checked fixture (tests/fixtures), and the app over it.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../server/app.ts';
import type { ScopeAssignment } from '../../server/auth/principal.ts';
import { Auth } from '../../server/auth/service.ts';
import type { Db } from '../../server/db/index.ts';
import { parseEnv } from '../../server/env.ts';
import { listDeliveries, loadFiles } from '../../server/feeds/folder.ts';
import { FEED_NAMES } from '../../server/feeds/specs.ts';
import { loadReferenceIfPresent, openStore, registryFrom } from '../../server/store.ts';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
export const Q1 = 'from=2021-01-01&to=2021-03-31';

export async function fixtureStore(opts: { feeds?: boolean } = {}): Promise<Db> {
  const env = parseEnv({ IOC_DB: ':memory:' });
  const db = await openStore(env);
  await loadReferenceIfPresent(db, FIXTURES);
  if (opts.feeds !== false) {
    const res = await loadFiles(db, listDeliveries([join(FIXTURES, 'feeds')]).files);
    if (res.failures.length > 0) throw new Error(JSON.stringify(res.failures));
  }
  return db;
}

export async function fixtureApp(db?: Db, envOverrides: Record<string, string> = {}) {
  const store = db ?? (await fixtureStore());
  const env = parseEnv({ IOC_DB: ':memory:', ...envOverrides });
  const registry = await registryFrom(store);
  const archiveDir = mkdtempSync(join(tmpdir(), 'ioc-archive-'));
  const auth = new Auth(store, env, { secret: 'test-secret-0123456789abcdefghijklmnop' });
  const ctx = { db: store, registry, archiveDir, startedAt: new Date(), auth };
  return { app: createApp(ctx, env), db: store, ctx, auth };
}

/** A feed source token allowed to push every feed (what a source system presents on POST /api/feeds). */
export async function pushHeaders(auth: Auth, type = 'text/csv'): Promise<Record<string, string>> {
  const { token } = await auth.accounts.createSource({
    name: 'test-source',
    feeds: [...FEED_NAMES],
    createdBy: 'test',
  });
  return { 'content-type': type, authorization: `Bearer ${token}` };
}

/** Write a delivery file into a fresh temp folder named after its feed. */
export function deliveryFile(feed: string, name: string, content: string | Buffer): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'ioc-feed-')), feed);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

export async function getJson<T = Record<string, unknown>>(
  app: { request: (u: string) => Response | Promise<Response> },
  url: string,
) {
  const res = await app.request(url);
  return { status: res.status, body: (await res.json()) as T };
}

let userSeq = 0;
/** A signed-in user with these roles (and scope): the headers its browser would send, and its CSRF token. */
export async function signedIn(
  auth: Auth,
  roles: string[],
  scope?: ScopeAssignment,
): Promise<{ headers: Record<string, string>; csrf: string; userId: string; username: string }> {
  const username = `u${++userSeq}-${roles.join('-')}`;
  const userId = await auth.accounts.createUser({ username, displayName: username, roles, scope });
  const s = await auth.accounts.createSession(userId, { method: 'test' });
  return { headers: { cookie: `ioc_session=${s.token}` }, csrf: s.csrf, userId, username };
}
