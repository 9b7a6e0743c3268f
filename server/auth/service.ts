// The access layer: who is asking (cookie session, wall device, bearer token, console ops token or the demo
// visitor), CSRF on state-changing requests, and the per-request KPI scope handed to the engine's one filter path.
// Which permission a route needs is part of the route's declaration (server/routes/route.ts).
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../app.ts';
import type { Db } from '../db/index.ts';
import type { Env } from '../env.ts';
import { Accounts } from './accounts.ts';
import { type AuditEntry, audit } from './audit.ts';
import { clusterKey, safeEqual } from './crypto.ts';
import { anonymous, type Permission, type Principal } from './principal.ts';
import { LoginThrottle } from './throttle.ts';

export const SESSION_COOKIE = 'ioc_session';
export const DEVICE_COOKIE = 'ioc_device';
/** Browsers cap cookie lifetimes at 400 days; the wall refreshes it on every visit. */
export const DEVICE_COOKIE_SECONDS = 400 * 24 * 3600;

/** What a reader sends the writer instead of writing itself (server/routes/cluster.ts applies it). */
export type ClusterNote = { kind: 'audit'; entry: AuditEntry } | { kind: 'device-seen'; id: string };

/** A reader's links to the writer. */
export interface ClusterLinks {
  /** Credentials the snapshot does not know (a session opened since it was published): the writer answers. */
  unknownCredentials: (c: Context<AppEnv>) => Promise<Response>;
  /** An audit line or a device's last contact, written by the writer. */
  note: (n: ClusterNote) => Promise<void>;
}

export interface AuthOptions {
  secret: string;
  /** Console token (data/run/ops.token): admin from the loopback address only. */
  opsToken?: string;
}

export class Auth {
  readonly accounts: Accounts;
  readonly throttle: LoginThrottle;
  /** Wall pairing: per address (the account key is the address too), like sign-in. */
  readonly pairThrottle: LoginThrottle;
  readonly production: boolean;
  private demoPrincipal?: Promise<Principal>;
  /** Set on a reader (IOC_ROLE=reader): its store is a read-only snapshot. */
  cluster?: ClusterLinks;

  constructor(
    readonly db: Db,
    readonly env: Env,
    private opts: AuthOptions,
  ) {
    this.accounts = new Accounts(db, opts.secret, env.IOC_SESSION_HOURS * 3600_000);
    this.throttle = new LoginThrottle({
      delayMs: env.IOC_LOGIN_DELAY_MS,
      maxDelayMs: env.IOC_LOGIN_MAX_DELAY_MS,
      lockAfter: env.IOC_LOGIN_LOCK_AFTER,
      lockMs: env.IOC_LOGIN_LOCK_MS,
    });
    this.pairThrottle = new LoginThrottle({
      delayMs: env.IOC_LOGIN_DELAY_MS,
      maxDelayMs: env.IOC_LOGIN_MAX_DELAY_MS,
      lockAfter: env.IOC_LOGIN_LOCK_AFTER,
      lockMs: env.IOC_LOGIN_LOCK_MS,
    });
    this.production = env.IOC_MODE === 'production';
  }

  /** The demo visitor: a read-only leader (the leader role's permissions, without writes). */
  private demo(): Promise<Principal> {
    this.demoPrincipal ??= this.accounts.roles().then((roles) => ({
      kind: 'demo' as const,
      id: null,
      name: 'demo',
      displayName: 'Khách (demo)',
      roles: ['leader'],
      permissions: new Set(
        (roles.get('leader')?.permissions ?? ['read']).filter(
          (p): p is Permission => p === 'read' || p === 'export',
        ),
      ),
      viaCookie: false,
    }));
    return this.demoPrincipal;
  }

  /** The key cluster members prove themselves with (server/routes/cluster.ts): derived from the secret. */
  get clusterKey(): string {
    return clusterKey(this.opts.secret);
  }

  invalidate(): void {
    this.accounts.invalidate();
    this.demoPrincipal = undefined;
  }

  /** null: credentials were presented and are not valid (expired, revoked, wrong) → 401. */
  async principalOf(c: Context<AppEnv>): Promise<Principal | null> {
    const authz = c.req.header('authorization');
    if (authz) {
      const m = /^Bearer\s+(\S+)$/i.exec(authz);
      if (!m) return null;
      if (this.opts.opsToken && safeEqual(m[1], this.opts.opsToken))
        return isLoopback(clientAddress(c, false)) ? opsPrincipal() : null;
      return this.accounts.tokenPrincipal(m[1]);
    }
    const session = getCookie(c, SESSION_COOKIE);
    if (session) return this.accounts.sessionPrincipal(session);
    const device = getCookie(c, DEVICE_COOKIE);
    if (device) {
      const p = await this.accounts.tokenPrincipal(device);
      return p?.kind === 'device' ? { ...p, viaCookie: true } : null;
    }
    return this.production ? anonymous() : this.demo();
  }

  audit(
    c: Context<AppEnv>,
    e: Omit<AuditEntry, 'actor' | 'actorKind' | 'ip'> & { actor?: string },
  ): Promise<void> {
    const p = c.var.principal;
    const entry = {
      actor: e.actor ?? p?.name ?? 'anonymous',
      actorKind: p?.kind ?? 'anonymous',
      ip: clientAddress(c, this.env.IOC_TRUST_PROXY),
      ...e,
    };
    // A reader's log is a snapshot: its lines go to the writer's log, the one every reader will show.
    if (this.cluster) return this.cluster.note({ kind: 'audit', entry });
    return audit(this.db, entry);
  }

  private recent = new Map<string, number>();
  /**
   * An audit line at most once per key per minute: refusals and throttled sign-ins are worth knowing about, but
   * an attacker repeating them must not be able to flood the log.
   */
  auditOnce(
    c: Context<AppEnv>,
    key: string,
    e: Omit<AuditEntry, 'actor' | 'actorKind' | 'ip'> & { actor?: string },
  ): Promise<void> {
    const now = Date.now();
    const last = this.recent.get(key);
    if (last !== undefined && now - last < 60_000) return Promise.resolve();
    if (this.recent.size > 10_000) this.recent.clear();
    this.recent.set(key, now);
    return this.audit(c, e);
  }

  cookieSecure(c: Context): boolean {
    if (this.env.IOC_COOKIE_SECURE !== 'auto') return this.env.IOC_COOKIE_SECURE === 'true';
    const proto = this.env.IOC_TRUST_PROXY ? c.req.header('x-forwarded-proto') : undefined;
    return (proto ?? new URL(c.req.url).protocol.replace(':', '')) === 'https';
  }

  setSessionCookie(c: Context, token: string, expires: Date): void {
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      secure: this.cookieSecure(c),
      sameSite: 'Strict',
      path: '/',
      expires,
    });
  }

  setDeviceCookie(c: Context, token: string): void {
    setCookie(c, DEVICE_COOKIE, token, {
      httpOnly: true,
      secure: this.cookieSecure(c),
      sameSite: 'Strict',
      path: '/',
      maxAge: DEVICE_COOKIE_SECONDS,
    });
  }

  clearCookies(c: Context): void {
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    deleteCookie(c, DEVICE_COOKIE, { path: '/' });
  }

  /**
   * The middleware: principal → CSRF → per-request scope. The permission is checked by the route that answers
   * (its declaration's guard, server/routes/route.ts).
   */
  middleware(): MiddlewareHandler<AppEnv> {
    return async (c, next) => {
      const principal = await this.principalOf(c);
      const path = c.req.path;
      // Signed in on the writer a moment ago: the writer knows the session this reader's snapshot does not have yet.
      if (!principal && this.cluster) return this.cluster.unknownCredentials(c);
      if (!principal) {
        // Stale credentials: public routes (sign-in among them) still answer, as to a visitor without them; every
        // other route answers 401 (the guard). A revoked token still in use is worth a line (one a minute per address).
        if (c.req.header('authorization'))
          await this.auditOnce(c, `badtoken|${clientAddress(c, this.env.IOC_TRUST_PROXY)}`, {
            actor: 'unknown token',
            action: 'auth.token_refused',
            target: `${c.req.method} ${path}`,
            outcome: 'denied',
          });
        this.clearCookies(c);
        c.set('staleCredentials', true);
      }
      const p = principal ?? (this.production ? anonymous() : await this.demo());
      c.set('principal', p);
      if (p.scope) c.set('ctx', { ...c.var.ctx, scope: p.scope });

      if (!['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) {
        // Cross-site state changes are refused outright; cookie sessions must also echo their CSRF token.
        if (c.req.header('sec-fetch-site') === 'cross-site' || !sameOrigin(c, this.env.IOC_TRUST_PROXY))
          return c.json({ error: 'cross-site request refused' }, 403);
        // (Wall devices are read-only and carry none; signing in or pairing starts a new session anyway.)
        const exempt = p.kind === 'device' || path === '/api/auth/login' || path === '/api/auth/device';
        if (p.viaCookie && !exempt && !(p.csrf && safeEqual(c.req.header('x-csrf-token') ?? '', p.csrf)))
          return c.json({ error: 'missing or wrong X-CSRF-Token' }, 403);
      }
      return next();
    };
  }
}

function opsPrincipal(): Principal {
  return {
    kind: 'ops',
    id: null,
    name: 'console',
    displayName: 'Console',
    roles: ['admin'],
    permissions: new Set<Permission>(['admin', 'audit.read', 'feeds.read', 'read']),
    viaCookie: false,
  };
}

export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    // The entry our proxy appended (the rightmost): entries to its left are whatever the client sent.
    const fwd = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (fwd) return fwd;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'local'; // app.request() in tests has no socket
  }
}

function isLoopback(addr: string): boolean {
  return addr === '127.0.0.1' || addr === '::1' || addr === '::ffff:127.0.0.1' || addr === 'local';
}

/**
 * An Origin header, when present, must name this server (browsers send it on every cross-origin POST): the host the
 * client asked for, which behind a trusted proxy (nginx, a reader forwarding) is X-Forwarded-Host.
 */
function sameOrigin(c: Context, trustProxy: boolean): boolean {
  const origin = c.req.header('origin');
  if (!origin || origin === 'null') return origin !== 'null';
  const host = (trustProxy && c.req.header('x-forwarded-host')?.split(',')[0].trim()) || c.req.header('host');
  try {
    return new URL(origin).host === (host ?? new URL(c.req.url).host);
  } catch {
    return false;
  }
}
