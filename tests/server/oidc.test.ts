// Single sign-on against a real OpenID provider (oidc-provider, in-process on a random port) and our app over real
// HTTP: a small cookie-keeping "browser" follows every redirect of the authorization code flow by hand.
import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Auth } from '../../server/auth/service.ts';
import type { Db } from '../../server/db/index.ts';
import { NO_ACCOUNT, safeNext } from '../../server/routes/oidc.ts';
import { fixtureApp, fixtureStore } from './helpers.ts';

const CLIENT_ID = 'ioc-test';
const CLIENT_SECRET = 'a-client-secret-for-the-test-provider-only';
const CALLBACK = '/api/auth/oidc/callback';

/** The provider's people: subject → claims. Only `lan` and `khoa` have an account in our store. */
const PEOPLE: Record<string, Record<string, string>> = {
  'sub-lan-0001': { preferred_username: 'tranthilan', name: 'Trần Thị Lan', email: 'lan@phutho.gov.vn' },
  'sub-khoa-0002': { preferred_username: 'lekhoa', name: 'Lê Khoa', email: 'khoa@phutho.gov.vn' },
  'sub-stranger-0003': { preferred_username: 'nguoila', name: 'Người Lạ', email: 'la@example.org' },
  // Someone who got the name "Admin" at the provider: must never become the local admin.
  'sub-attacker-0666': { preferred_username: 'Admin', name: 'Kẻ mạo danh', email: 'x@example.org' },
  // Minh's provider name differs from his local one: an admin entered his subject.
  'sub-minh-0004': { preferred_username: 'minh.pham.99', name: 'Phạm Minh', email: 'minh@phutho.gov.vn' },
};

/** Who signs in at the provider's interaction, or 'deny' for a person who cancels. */
let loginAs = 'sub-lan-0001';

let db: Db;
let auth: Auth;
let provider: Provider;
let providerServer: Server;
let appServer: Server;
let issuer: string;
let appUrl: string;

async function listen(server: Server): Promise<string> {
  if (!server.listening) await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The provider's interaction page, done by code: log in as `loginAs`, then grant what the client asked. */
async function interaction(req: IncomingMessage, res: ServerResponse) {
  const details = await provider.interactionDetails(req, res);
  if (loginAs === 'deny')
    return provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'cancelled' },
      { mergeWithLastSubmission: false },
    );
  if (details.prompt.name === 'login')
    return provider.interactionFinished(
      req,
      res,
      { login: { accountId: loginAs } },
      { mergeWithLastSubmission: false },
    );
  const grant =
    (details.grantId && (await provider.Grant.find(details.grantId))) ||
    new provider.Grant({
      accountId: String(details.session?.accountId),
      clientId: String(details.params.client_id),
    });
  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
    grant.addResourceScope(indicator, scopes.join(' '));
  const grantId = await grant.save();
  return provider.interactionFinished(
    req,
    res,
    { consent: details.grantId ? {} : { grantId } },
    { mergeWithLastSubmission: true },
  );
}

beforeAll(async () => {
  // 1. The provider's HTTP server first (its port is the issuer), its handler installed once the app is up.
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_q, s) => s.end();
  providerServer = createServer((req, res) => handle(req, res)).listen(0, '127.0.0.1');
  issuer = await listen(providerServer);

  // 2. Our app over real HTTP, configured for that issuer; production mode, so nobody is signed in by default.
  db = await fixtureStore({ feeds: false });
  const fx = await fixtureApp(db, {
    IOC_MODE: 'production',
    IOC_OIDC_ISSUER: issuer,
    IOC_OIDC_CLIENT_ID: CLIENT_ID,
    IOC_OIDC_CLIENT_SECRET: CLIENT_SECRET,
    IOC_OIDC_LINK_BY_USERNAME: 'true',
  });
  auth = fx.auth;
  appServer = serve({ fetch: fx.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  appUrl = await listen(appServer);

  // 3. The provider, with our app registered as a confidential client.
  const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  provider = new Provider(issuer, {
    clients: [
      { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: [`${appUrl}${CALLBACK}`] },
    ],
    jwks: { keys: [{ ...jwk, kid: 'test-key', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: ['test-provider-cookie-key'] },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email'] },
    features: { devInteractions: { enabled: false } },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    findAccount: (_ctx: unknown, id: string) =>
      PEOPLE[id] ? { accountId: id, claims: () => ({ sub: id, ...PEOPLE[id] }) } : undefined,
  });
  const callback = provider.callback();
  handle = (req, res) => {
    if (req.url?.startsWith('/interaction/'))
      interaction(req, res).catch((err) => {
        res.statusCode = 500;
        res.end(String(err));
      });
    else callback(req, res);
  };

  // Local users made by an admin: Lan (leader) and Khoa (disabled). Nobody is "nguoila".
  await auth.accounts.createUser({ username: 'tranthilan', displayName: 'Trần Thị Lan', roles: ['leader'] });
  const khoa = await auth.accounts.createUser({
    username: 'lekhoa',
    displayName: 'Lê Khoa',
    roles: ['leader'],
  });
  await auth.accounts.updateUser(khoa, { disabled: true });
  await auth.accounts.createUser({
    username: 'admin',
    displayName: 'Quản trị',
    password: 'Quan-tri-2026!',
    roles: ['admin'],
  });
  await auth.accounts.createUser({
    username: 'minh',
    displayName: 'Phạm Minh',
    roles: ['leader'],
    oidcSubject: 'sub-minh-0004',
  });
}, 20_000);

afterAll(async () => {
  for (const s of [appServer, providerServer]) {
    s?.closeAllConnections();
    await new Promise((r) => s?.close(r));
  }
  await db?.close();
});

/** A browser's cookie jar (one host: both servers are on 127.0.0.1, as in a browser cookies ignore the port). */
class Browser {
  private jar = new Map<string, { name: string; value: string; path: string }>();

  cookie(name: string): string | undefined {
    return [...this.jar.values()].find((c) => c.name === name)?.value;
  }

  async get(url: string, accept = 'text/html,application/xhtml+xml'): Promise<Response> {
    const path = new URL(url).pathname;
    const cookie = [...this.jar.values()]
      .filter((c) => path.startsWith(c.path))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
    const res = await fetch(url, { redirect: 'manual', headers: { accept, ...(cookie ? { cookie } : {}) } });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const attr = (k: string) => attrs.find((a) => a.toLowerCase().startsWith(`${k}=`))?.split('=')[1];
      const cpath = attr('path') ?? '/';
      const expires = attr('expires');
      const gone = attr('max-age') === '0' || (expires && Date.parse(expires) <= Date.now()) || value === '';
      if (gone) this.jar.delete(`${name}|${cpath}`);
      else this.jar.set(`${name}|${cpath}`, { name, value, path: cpath });
    }
    return res;
  }

  /**
   * Start at our /start and follow the provider's redirects until it sends the browser back to our callback;
   * returns that callback URL (not yet visited) and the /start response.
   */
  async toCallback(next?: string): Promise<{ callback: URL; start: Response }> {
    const start = await this.get(
      `${appUrl}/api/auth/oidc/start${next ? `?next=${encodeURIComponent(next)}` : ''}`,
    );
    expect(start.status).toBe(302);
    let url = new URL(start.headers.get('location') as string);
    expect(url.origin).toBe(issuer);
    for (let hop = 0; hop < 12; hop++) {
      if (url.href.startsWith(`${appUrl}${CALLBACK}`)) return { callback: url, start };
      const res = await this.get(url.href);
      const loc = res.headers.get('location');
      if (!loc) throw new Error(`provider stopped at ${url.href}: ${res.status} ${await res.text()}`);
      url = new URL(loc, url);
    }
    throw new Error('too many redirects');
  }
}

const auditRows = () =>
  db.query<{ action: string; actor: string; outcome: string; detail: string | null }>(
    'SELECT action, actor, outcome, detail FROM audit_log ORDER BY seq',
  );

describe('single sign-on (OIDC) against a real provider', () => {
  it('links an existing local user by user name on first sign-in, then signs in by subject', async () => {
    loginAs = 'sub-lan-0001';
    const b = new Browser();
    const { callback, start } = await b.toCallback('/kpis/ontime?unit=25');
    // The flow cookie: HttpOnly, Lax (the provider brings the browser back cross-site), only for the OIDC paths.
    const flowCookie = start.headers.getSetCookie().find((l) => l.startsWith('ioc_oidc='));
    expect(flowCookie).toMatch(/HttpOnly/i);
    expect(flowCookie).toMatch(/SameSite=Lax/i);
    expect(flowCookie).toMatch(/Path=\/api\/auth\/oidc/);
    expect(flowCookie).toMatch(/Max-Age=600/);
    const authz = new URL(start.headers.get('location') as string).searchParams;
    expect(authz.get('code_challenge_method')).toBe('S256');
    expect(authz.get('nonce')).toBeTruthy();
    expect(authz.get('redirect_uri')).toBe(`${appUrl}${CALLBACK}`);

    const res = await b.get(callback.href);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/kpis/ontime?unit=25');
    const sessionLine = res.headers.getSetCookie().find((l) => l.startsWith('ioc_session='));
    expect(sessionLine).toMatch(/HttpOnly/i);
    expect(sessionLine).toMatch(/SameSite=Strict/i);
    expect(b.cookie('ioc_oidc')).toBeUndefined(); // single use

    const me = await b.get(`${appUrl}/api/auth/me`, 'application/json');
    const body = (await me.json()) as { signedIn: boolean; principal: { name: string; roles: string[] } };
    expect(body.signedIn).toBe(true);
    expect(body.principal.name).toBe('tranthilan');
    expect(body.principal.roles).toEqual(['leader']);

    const user = await auth.accounts.userByName('tranthilan');
    expect(user?.oidcSubject).toBe('sub-lan-0001');
    const sessions = await db.query<{ method: string }>('SELECT method FROM sessions WHERE user_id = $id', {
      id: user?.id as string,
    });
    expect(sessions.map((s) => s.method)).toEqual(['oidc']);
    const rows = await auditRows();
    expect(rows.filter((r) => r.action === 'user.link_oidc').map((r) => r.actor)).toEqual(['tranthilan']);
    const login = rows.filter((r) => r.action === 'auth.login');
    expect(login).toHaveLength(1);
    expect(login[0]).toMatchObject({ actor: 'tranthilan', outcome: 'ok' });
    expect(JSON.parse(login[0].detail as string)).toEqual({ method: 'oidc' });

    // A second sign-in (new browser, new provider session) finds the user by subject: no second link.
    const b2 = new Browser();
    const again = await b2.get((await b2.toCallback()).callback.href);
    expect(again.status).toBe(302);
    expect(again.headers.get('location')).toBe('/');
    expect(b2.cookie('ioc_session')).toBeTruthy();
    const after = await auditRows();
    expect(after.filter((r) => r.action === 'user.link_oidc')).toHaveLength(1);
    expect(after.filter((r) => r.action === 'auth.login')).toHaveLength(2);
  });

  it('refuses a tampered state, and a callback without this browser’s flow cookie', async () => {
    loginAs = 'sub-lan-0001';
    const b = new Browser();
    const { callback } = await b.toCallback();
    const tampered = new URL(callback);
    tampered.searchParams.set('state', `${callback.searchParams.get('state')}x`);
    const res = await b.get(tampered.href, 'application/json');
    expect(res.status).toBe(400);
    expect(res.headers.getSetCookie().some((l) => l.startsWith('ioc_session='))).toBe(false);
    expect(b.cookie('ioc_session')).toBeUndefined();

    // The genuine callback URL replayed in another browser (login CSRF): no flow cookie, refused.
    const other = new Browser();
    const stolen = await other.get(callback.href, 'application/json');
    expect(stolen.status).toBe(400);
    expect(other.cookie('ioc_session')).toBeUndefined();
    const failures = (await auditRows()).filter((r) => r.action === 'auth.login_failed');
    expect(failures.filter((r) => JSON.parse(r.detail as string).reason === 'state')).toHaveLength(2);
  });

  it('refuses a person without an account (403, no session) — no self-provisioning', async () => {
    loginAs = 'sub-stranger-0003';
    const b = new Browser();
    const res = await b.get((await b.toCallback()).callback.href);
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain(NO_ACCOUNT);
    expect(b.cookie('ioc_session')).toBeUndefined();
    expect(await auth.accounts.userByName('nguoila')).toBeUndefined();
    expect(await auth.accounts.userByOidcSubject('sub-stranger-0003')).toBeUndefined();
    const last = (await auditRows()).at(-1);
    expect(last).toMatchObject({ action: 'auth.login_failed', actor: 'nguoila', outcome: 'failed' });
    expect(JSON.parse(last?.detail as string)).toMatchObject({ method: 'oidc', reason: 'no_account' });
  });

  it('never links a provider account to a local administrator by its name', async () => {
    loginAs = 'sub-attacker-0666';
    const b = new Browser();
    const res = await b.get((await b.toCallback()).callback.href, 'application/json');
    expect(res.status).toBe(403);
    expect(b.cookie('ioc_session')).toBeUndefined();
    expect((await auth.accounts.userByName('admin'))?.oidcSubject).toBeNull();
  });

  it('signs in a user whose subject an admin entered, whatever the provider calls him', async () => {
    loginAs = 'sub-minh-0004';
    const b = new Browser();
    const res = await b.get((await b.toCallback()).callback.href);
    expect(res.status).toBe(302);
    const me = (await (await b.get(`${appUrl}/api/auth/me`, 'application/json')).json()) as {
      principal: { name: string };
    };
    expect(me.principal.name).toBe('minh');
  });

  it('refuses a disabled user', async () => {
    loginAs = 'sub-khoa-0002';
    const b = new Browser();
    const res = await b.get((await b.toCallback()).callback.href, 'application/json');
    expect(res.status).toBe(403);
    expect(b.cookie('ioc_session')).toBeUndefined();
    expect((await auditRows()).at(-1)).toMatchObject({ action: 'auth.login_failed', actor: 'lekhoa' });
    expect((await auth.accounts.userByName('lekhoa'))?.oidcSubject).toBeNull(); // not linked either
  });

  it('sends a person who cancels at the provider back to the sign-in page, audited', async () => {
    loginAs = 'deny';
    const b = new Browser();
    const { callback } = await b.toCallback();
    expect(callback.searchParams.get('error')).toBe('access_denied');
    const res = await b.get(callback.href);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/login?error=sso');
    expect(b.cookie('ioc_session')).toBeUndefined();
    const last = (await auditRows()).at(-1);
    expect(last).toMatchObject({ action: 'auth.login_failed', outcome: 'failed' });
    expect(JSON.parse(last?.detail as string)).toMatchObject({ method: 'oidc', error: 'access_denied' });
  });
});

describe('OIDC configuration and redirects', () => {
  it('answers 503 without internals when discovery fails, and refuses plain http to a non-local issuer', async () => {
    for (const issuerUrl of ['http://127.0.0.1:1', 'http://idp.example.org/realms/phutho']) {
      const { app } = await fixtureApp(db, {
        IOC_MODE: 'production',
        IOC_OIDC_ISSUER: issuerUrl,
        IOC_OIDC_CLIENT_ID: CLIENT_ID,
      });
      const res = await app.request('/api/auth/oidc/start');
      expect(res.status).toBe(503);
      const text = await res.text();
      expect(text).not.toMatch(/ECONNREFUSED|https|127\.0\.0\.1|example\.org|Error/);
    }
  });

  it('is 404 when single sign-on is not configured', async () => {
    const { app } = await fixtureApp(db, { IOC_MODE: 'production' });
    expect((await app.request('/api/auth/oidc/start')).status).toBe(404);
  });

  it('keeps `next` a same-origin relative path', () => {
    expect(safeNext('/kpis/ontime?unit=25#map')).toBe('/kpis/ontime?unit=25#map');
    for (const bad of [
      undefined,
      '',
      'kpis',
      '//evil.example',
      '/\\evil.example',
      'https://evil.example',
      '/ /x',
      '/.//evil.example',
      '/a/..//evil.example',
      '/%2e//evil.example',
    ])
      expect(safeNext(bad)).toBe('/');
  });
});
