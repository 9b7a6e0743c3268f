// Optional single sign-on through OpenID Connect (openid-client): authorization code flow with PKCE, state and
// nonce. The flow's secrets travel in a short-lived, encrypted, HttpOnly SameSite=Lax cookie (Lax: the provider
// sends the browser back cross-site; the session cookie itself stays Strict). Accounts are never created here:
// roles and scope are an admin's decision, so a sign-in maps to an existing user (by subject, or once by user name,
// which links the subject) or is refused.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import * as oidc from 'openid-client';
import { z } from 'zod';
import { sameOriginPath } from '../../common/next.ts';
import type { AppEnv } from '../app.ts';
import type { UserRow } from '../auth/accounts.ts';
import { safeEqual } from '../auth/crypto.ts';
import { clientAddress } from '../auth/service.ts';
import type { Env } from '../env.ts';
import { route } from './route.ts';

const FLOW_COOKIE = 'ioc_oidc';
const FLOW_PATH = '/api/auth/oidc';
const FLOW_SECONDS = 10 * 60;
const CALLBACK_PATH = '/api/auth/oidc/callback';

export const NO_ACCOUNT = 'Chưa có tài khoản — liên hệ quản trị';
const DISABLED = 'Tài khoản đã bị khóa — liên hệ quản trị';
const BAD_FLOW = 'Phiên đăng nhập một lần không hợp lệ hoặc đã hết hạn — vui lòng thử lại';
const UNAVAILABLE = 'Dịch vụ đăng nhập một lần tạm thời không khả dụng';

// Discovery -------------------------------------------------------------------------------------------------------

/** Plain http is accepted only for an issuer on this machine (tests, a local provider); anything else needs TLS. */
export function isLocalHost(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

const configs = new Map<string, Promise<oidc.Configuration>>();

/** The provider's configuration, discovered on first use and cached; a failed discovery is retried next time. */
function configurationFor(env: Env): Promise<oidc.Configuration> {
  const issuer = env.IOC_OIDC_ISSUER as string;
  const clientId = env.IOC_OIDC_CLIENT_ID as string;
  const secret = env.IOC_OIDC_CLIENT_SECRET;
  const key = JSON.stringify([issuer, clientId, secret ?? null]);
  let p = configs.get(key);
  if (!p) {
    const url = new URL(issuer);
    const insecure = url.protocol === 'http:';
    p =
      insecure && !isLocalHost(url)
        ? Promise.reject(new Error('IOC_OIDC_ISSUER must use https (plain http only for localhost)'))
        : oidc.discovery(url, clientId, undefined, secret ? oidc.ClientSecretBasic(secret) : oidc.None(), {
            timeout: 10,
            execute: insecure ? [oidc.allowInsecureRequests] : [],
          });
    configs.set(key, p);
    p.catch(() => configs.delete(key));
  }
  return p;
}

// The flow cookie: AES-256-GCM under a per-process key (a restart only abandons sign-ins in progress) -------------

interface Flow {
  state: string;
  nonce: string;
  verifier: string;
  next: string;
  exp: number;
}

const FLOW_KEY = randomBytes(32);

function seal(flow: Flow): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', FLOW_KEY, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(flow), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

function unseal(value: string | undefined): Flow | null {
  if (!value) return null;
  try {
    const raw = Buffer.from(value, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', FLOW_KEY, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const flow = JSON.parse(
      Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8'),
    );
    return typeof flow?.state === 'string' && typeof flow.exp === 'number' && flow.exp > Date.now()
      ? flow
      : null;
  } catch {
    return null;
  }
}

// Helpers ---------------------------------------------------------------------------------------------------------

/** Where to go after sign-in: a same-origin relative path only (common/next.ts), else the home page. */
export function safeNext(next: string | undefined): string {
  return (next && sameOriginPath(next)) || '/';
}

/** Our callback URL as registered at the provider: IOC_PUBLIC_URL, else the origin the request came to. */
function callbackUrl(c: Context<AppEnv>): URL {
  const env = c.var.env;
  if (env.IOC_PUBLIC_URL) return new URL(env.IOC_PUBLIC_URL.replace(/\/+$/, '') + CALLBACK_PATH);
  const u = new URL(c.req.url);
  const proto = env.IOC_TRUST_PROXY ? c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() : undefined;
  if (proto === 'https' || proto === 'http') u.protocol = `${proto}:`;
  return new URL(CALLBACK_PATH, u.origin);
}

const configured = (env: Env) => !!(env.IOC_OIDC_ISSUER && env.IOC_OIDC_CLIENT_ID);

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** A refusal a person can read: HTML for a browser navigation, JSON otherwise. */
function refuse(c: Context<AppEnv>, status: 400 | 403 | 404 | 503, message: string) {
  c.header('Cache-Control', 'no-store');
  if (c.req.header('accept')?.includes('text/html'))
    return c.html(
      `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Đăng nhập</title></head><body>` +
        `<p>${escapeHtml(message)}</p><p><a href="/login">Quay lại trang đăng nhập</a></p></body></html>`,
      status,
    );
  return c.json({ error: message }, status);
}

const claimString = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v.slice(0, 200) : undefined);

// Routes ----------------------------------------------------------------------------------------------------------

const R = {
  start: route({
    method: 'get',
    path: '/api/auth/oidc/start',
    need: 'public',
    summary: 'Single sign-on: redirect to the OpenID Connect provider',
    tag: 'access',
    status: 302,
    query: z.object({ next: z.string().optional() }),
    errors: { 404: 'Single sign-on is not configured', 503: 'The provider cannot be reached' },
  }),
  callback: route({
    method: 'get',
    path: CALLBACK_PATH,
    need: 'public',
    summary: 'Single sign-on: the provider returns here (sets the session cookie)',
    tag: 'access',
    status: 302,
    errors: { 404: 'Single sign-on is not configured', 503: 'The provider cannot be reached' },
  }),
};

export const oidcRoutes = new Hono<AppEnv>()
  .get(R.start.path, R.start.guard, async (c) => {
    const env = c.var.env;
    if (!configured(env)) return refuse(c, 404, 'single sign-on is not configured');
    let config: oidc.Configuration;
    try {
      config = await configurationFor(env);
    } catch (err) {
      console.error('OIDC discovery failed:', err instanceof Error ? err.message : err);
      return refuse(c, 503, UNAVAILABLE);
    }
    const flow: Flow = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      verifier: oidc.randomPKCECodeVerifier(),
      next: safeNext(c.req.query('next')),
      exp: Date.now() + FLOW_SECONDS * 1000,
    };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: callbackUrl(c).href,
      scope: 'openid profile email',
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: 'S256',
    });
    setCookie(c, FLOW_COOKIE, seal(flow), {
      httpOnly: true,
      secure: c.var.auth.cookieSecure(c),
      sameSite: 'Lax',
      path: FLOW_PATH,
      maxAge: FLOW_SECONDS,
    });
    c.header('Cache-Control', 'no-store');
    return c.redirect(url.href, 302);
  })
  .get(R.callback.path, R.callback.guard, async (c) => {
    const env = c.var.env;
    const auth = c.var.auth;
    if (!configured(env)) return refuse(c, 404, 'single sign-on is not configured');
    const flow = unseal(getCookie(c, FLOW_COOKIE));
    deleteCookie(c, FLOW_COOKIE, { path: FLOW_PATH }); // single use, whatever happens next
    const failed = (actor: string, detail: Record<string, unknown>) =>
      auth.audit(c, {
        actor,
        action: 'auth.login_failed',
        outcome: 'failed',
        detail: { method: 'oidc', ...detail },
      });

    // The provider refused or the person cancelled: back to the sign-in page.
    const error = c.req.query('error');
    if (error) {
      await failed('anonymous', { error: error.slice(0, 100) });
      return c.redirect('/login?error=sso', 302);
    }
    // State: the one in the URL must be the one this browser's flow cookie carries.
    if (!flow || !safeEqual(c.req.query('state') ?? '', flow.state)) {
      await failed('anonymous', { reason: 'state' });
      return refuse(c, 400, BAD_FLOW);
    }

    let config: oidc.Configuration;
    try {
      config = await configurationFor(env);
    } catch (err) {
      console.error('OIDC discovery failed:', err instanceof Error ? err.message : err);
      return refuse(c, 503, UNAVAILABLE);
    }
    // What the provider redirected to: our registered callback with the response parameters.
    const current = callbackUrl(c);
    current.search = new URL(c.req.url).search;
    let claims: Record<string, unknown>;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      claims = { ...(tokens.claims() as Record<string, unknown>) };
      // Some providers put profile claims only in userinfo: ask there when the ID token lacks the user name.
      if (!claims.preferred_username && config.serverMetadata().userinfo_endpoint && tokens.access_token)
        claims = {
          ...(await oidc.fetchUserInfo(config, tokens.access_token, String(claims.sub))),
          ...claims,
        };
    } catch (err) {
      console.error('OIDC sign-in failed:', err instanceof Error ? err.message : err);
      await failed('anonymous', { reason: err instanceof Error ? err.name : 'error' });
      return c.redirect('/login?error=sso', 302);
    }

    const sub = claimString(claims.sub) as string;
    const preferred = claimString(claims.preferred_username);
    const who = {
      sub,
      preferred_username: preferred,
      name: claimString(claims.name),
      email: claimString(claims.email),
    };
    const accounts = auth.accounts;
    let user: UserRow | undefined = await accounts.userByOidcSubject(sub);
    if (!user && preferred && env.IOC_OIDC_LINK_BY_USERNAME) {
      // First SSO sign-in of an existing local user: link the subject once, by the user name an admin created.
      // A disabled account is not linked (it is refused below).
      const named = await accounts.userByName(preferred);
      // Never an administrator: a provider account that merely carries the name must not become one.
      const local =
        named && !(await accounts.userPrincipal(named)).permissions.has('admin') ? named : undefined;
      if (local?.disabled && !local.oidcSubject) user = local;
      else if (local && !local.oidcSubject && (await accounts.linkOidc(local.id, sub))) {
        user = { ...local, oidcSubject: sub };
        await auth.audit(c, {
          actor: local.username,
          action: 'user.link_oidc',
          target: local.username,
          outcome: 'ok',
          detail: { sub, issuer: env.IOC_OIDC_ISSUER },
        });
      }
    }
    if (!user) {
      await failed(preferred ?? `oidc:${sub}`, { reason: 'no_account', ...who });
      return refuse(c, 403, NO_ACCOUNT);
    }
    if (user.disabled) {
      await failed(user.username, { reason: 'disabled', sub });
      return refuse(c, 403, DISABLED);
    }

    const s = await accounts.createSession(user.id, {
      method: 'oidc',
      ip: clientAddress(c, env.IOC_TRUST_PROXY),
      userAgent: c.req.header('user-agent'),
    });
    auth.setSessionCookie(c, s.token, s.expires);
    c.set('principal', { ...(await accounts.userPrincipal(user)), csrf: s.csrf });
    await auth.audit(c, { action: 'auth.login', outcome: 'ok', detail: { method: 'oidc' } });
    c.header('Cache-Control', 'no-store');
    return c.redirect(flow.next, 302);
  });
