// Sign-in, sign-out, password change, who-am-I, and pairing a wall device. Every outcome is audited.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import { z } from 'zod';
import { vnWallClock } from '../../common/vn-time.ts';
import type { AppEnv } from '../app.ts';
import { passwordProblem, verifyPassword } from '../auth/crypto.ts';
import { clientAddress, DEVICE_COOKIE } from '../auth/service.ts';
import { normalizeUsername } from '../auth/throttle.ts';
import { LoginAnswer, MeAnswer, OkAnswer, PairAnswer, PasswordAnswer } from './responses.ts';
import { route } from './route.ts';
import { validate } from './validate.ts';

export const Login = z.object({
  username: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(200),
});
export const PasswordChange = z.object({
  current: z.string().min(1).max(200),
  next: z.string().min(1).max(200),
});
export const DevicePair = z.object({ token: z.string().min(10).max(200) });

const small = bodyLimit({ maxSize: 8 * 1024, onError: (c) => c.json({ error: 'body too large' }, 413) });

const fmtTime = (ms: number) => vnWallClock(ms).toISOString().slice(11, 16);

// Public: a visitor must be able to sign in, and a stale session must be able to sign in again.
const R = {
  me: route({
    method: 'get',
    path: '/api/auth/me',
    need: 'public',
    summary: 'Who is signed in: roles, permissions, scope, CSRF token',
    tag: 'access',
    response: MeAnswer,
  }),
  login: route({
    method: 'post',
    path: '/api/auth/login',
    response: LoginAnswer,
    need: 'public',
    summary: 'Sign in (sets the session cookie)',
    tag: 'access',
    json: Login,
    errors: {
      413: 'Body too large',
      423: 'The account name is locked after repeated failures (Retry-After)',
      429: 'Wait before trying again (Retry-After)',
    },
  }),
  logout: route({
    method: 'post',
    path: '/api/auth/logout',
    response: OkAnswer,
    need: 'public',
    summary: 'Sign out',
    tag: 'access',
  }),
  password: route({
    method: 'post',
    path: '/api/auth/password',
    response: PasswordAnswer,
    need: 'public',
    summary: 'Change the own password (ends other sessions)',
    tag: 'access',
    json: PasswordChange,
    errors: { 429: 'Too many attempts' },
  }),
  device: route({
    method: 'post',
    path: '/api/auth/device',
    response: PairAnswer,
    need: 'public',
    summary: 'Pair a wall device with its token (sets the device cookie)',
    tag: 'access',
    json: DevicePair,
    errors: { 429: 'Too many attempts from this address (Retry-After)' },
  }),
};

export const authRoutes = new Hono<AppEnv>()
  .get(R.me.path, R.me.guard, async (c) => {
    const auth = c.var.auth;
    const p = c.var.principal;
    if (p.kind === 'device') {
      const token = getCookie(c, DEVICE_COOKIE);
      if (token) auth.setDeviceCookie(c, token); // sliding: a wall that keeps running keeps its cookie
    }
    return c.json({
      mode: c.var.env.IOC_MODE,
      signedIn: p.kind !== 'anonymous',
      principal:
        p.kind === 'anonymous'
          ? null
          : {
              kind: p.kind,
              name: p.name,
              displayName: p.displayName,
              roles: p.roles,
              permissions: [...p.permissions],
              scope: p.assignment ?? null,
              playlist: p.playlist ?? null,
            },
      csrf: p.csrf ?? null,
      oidc: !!c.var.env.IOC_OIDC_ISSUER,
    });
  })
  .post(R.login.path, R.login.guard, small, validate('json', Login), async (c) => {
    const auth = c.var.auth;
    const { username: given, password } = c.req.valid('json');
    // One normal form for the lock and the lookup: a name outside the allowed characters (`lockİt`) is refused,
    // so no spelling of a name opens a lock bucket of its own.
    const username = normalizeUsername(given);
    if (!username) return c.json({ error: 'Tên đăng nhập chỉ gồm chữ cái không dấu, chữ số và . _ -' }, 400);
    const ip = clientAddress(c, c.var.env.IOC_TRUST_PROXY);
    const refuse = (v: { locked: boolean; retryAfterMs: number }) => {
      const seconds = Math.ceil(v.retryAfterMs / 1000);
      c.header('Retry-After', String(seconds));
      return v.locked
        ? c.json(
            {
              error: `Tài khoản tạm khóa do đăng nhập sai nhiều lần; thử lại sau ${fmtTime(Date.now() + v.retryAfterMs)}`,
              locked: true,
              retryAfterSeconds: seconds,
              retryAfterMs: v.retryAfterMs,
            },
            423,
          )
        : c.json(
            {
              error: `Vui lòng chờ ${seconds} giây rồi thử lại`,
              locked: false,
              retryAfterSeconds: seconds,
              retryAfterMs: v.retryAfterMs,
            },
            429,
          );
    };
    const gate = auth.throttle.begin(username, ip);
    if (!gate.ok) {
      await auth.auditOnce(c, `gate|${username}|${gate.locked}`, {
        actor: username,
        action: gate.locked ? 'auth.locked' : 'auth.throttled',
        outcome: 'denied',
      });
      return refuse(gate);
    }
    try {
      const user = await auth.accounts.userByName(username);
      const good = await verifyPassword(password, user?.passwordHash);
      if (!user || !good || user.disabled) {
        const next = auth.throttle.fail(username, ip);
        await auth.audit(c, { actor: username, action: 'auth.login_failed', outcome: 'failed' });
        if (!next.ok && next.locked) return refuse(next);
        return c.json({ error: 'Sai tên đăng nhập hoặc mật khẩu' }, 401);
      }
      auth.throttle.succeed(username, ip);
      const s = await auth.accounts.createSession(user.id, {
        method: 'password',
        ip,
        userAgent: c.req.header('user-agent'),
      });
      auth.setSessionCookie(c, s.token, s.expires);
      c.set('principal', { ...(await auth.accounts.userPrincipal(user)), csrf: s.csrf });
      await auth.audit(c, { action: 'auth.login', outcome: 'ok', detail: { method: 'password' } });
      return c.json({ ok: true, csrf: s.csrf, expires: s.expires.toISOString() });
    } finally {
      auth.throttle.end(username, ip);
    }
  })
  .post(R.logout.path, R.logout.guard, async (c) => {
    const p = c.var.principal;
    if (p.sessionId) await c.var.auth.accounts.endSession(p.sessionId);
    c.var.auth.clearCookies(c);
    if (p.kind === 'user') await c.var.auth.audit(c, { action: 'auth.logout', outcome: 'ok' });
    return c.json({ ok: true });
  })
  .post(R.password.path, R.password.guard, small, validate('json', PasswordChange), async (c) => {
    const auth = c.var.auth;
    const p = c.var.principal;
    if (p.kind !== 'user' || !p.id) return c.json({ error: 'sign in first' }, 401);
    const { current, next } = c.req.valid('json');
    const ip = clientAddress(c, c.var.env.IOC_TRUST_PROXY);
    const gate = auth.throttle.begin(p.name, ip);
    if (!gate.ok)
      return c.json(
        { error: 'too many attempts', retryAfterSeconds: Math.ceil(gate.retryAfterMs / 1000) },
        429,
      );
    try {
      const user = await auth.accounts.userById(p.id);
      if (!user || !(await verifyPassword(current, user.passwordHash))) {
        auth.throttle.fail(p.name, ip);
        await auth.audit(c, { action: 'auth.password_change', target: p.name, outcome: 'failed' });
        return c.json({ error: 'Mật khẩu hiện tại không đúng' }, 400);
      }
      const problem = passwordProblem(next, user.username);
      if (problem) return c.json({ error: problem }, 400);
      await auth.accounts.updateUser(user.id, { password: next }); // ends every session of the user
      const s = await auth.accounts.createSession(user.id, {
        method: 'password',
        ip,
        userAgent: c.req.header('user-agent'),
      });
      auth.setSessionCookie(c, s.token, s.expires);
      await auth.audit(c, { action: 'auth.password_change', target: p.name, outcome: 'ok' });
      return c.json({ ok: true, csrf: s.csrf });
    } finally {
      auth.throttle.end(p.name, ip);
    }
  })
  .post(R.device.path, R.device.guard, small, validate('json', DevicePair), async (c) => {
    const auth = c.var.auth;
    const { token } = c.req.valid('json');
    // Throttled per address like sign-in; failures audited at most once a minute per address.
    const ip = clientAddress(c, c.var.env.IOC_TRUST_PROXY);
    const gate = auth.pairThrottle.begin(ip, ip);
    if (!gate.ok) {
      const seconds = Math.ceil(gate.retryAfterMs / 1000);
      c.header('Retry-After', String(seconds));
      await auth.auditOnce(c, `pair|${ip}`, {
        action: 'device.pair',
        outcome: 'denied',
        detail: { throttled: true },
      });
      return c.json({ error: `Vui lòng chờ ${seconds} giây rồi thử lại`, retryAfterSeconds: seconds }, 429);
    }
    let p: Awaited<ReturnType<typeof auth.accounts.tokenPrincipal>>;
    try {
      p = await auth.accounts.tokenPrincipal(token);
      if (p?.kind !== 'device') {
        auth.pairThrottle.fail(ip, ip);
        await auth.auditOnce(c, `pair|${ip}`, { action: 'device.pair', outcome: 'failed' });
        return c.json({ error: 'unknown or revoked device token' }, 401);
      }
      auth.pairThrottle.succeed(ip, ip);
    } finally {
      auth.pairThrottle.end(ip, ip);
    }
    auth.setDeviceCookie(c, token);
    c.set('principal', p);
    await auth.audit(c, { action: 'device.pair', target: p.id, outcome: 'ok' });
    return c.json({ ok: true as const, name: p.displayName, playlist: p.playlist ?? null });
  });
