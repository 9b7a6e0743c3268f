// Users, roles, sessions, wall devices and feed sources in the store. Session ids and tokens are kept only as
// HMACs under the server secret; lookups are cached briefly in memory and dropped on any change.

import type { DeviceRow, SourceRow, UserRow as UserAnswerRow } from '../../common/rows.ts';
import type { Db } from '../db/index.ts';
import { hashPassword, makeToken, newId, parseToken, randomToken, safeEqual, tokenHash } from './crypto.ts';
import {
  type Principal,
  parseAssignment,
  type RoleRow,
  resolveScope,
  rolePermissions,
  type ScopeAssignment,
} from './principal.ts';

/** A user as stored: the API's row (common/rows.ts) and the password hash, which never leaves the server. */
export interface UserRow extends UserAnswerRow {
  passwordHash: string | null;
}

const USER_COLS = `id, username, display_name AS "displayName", password_hash AS "passwordHash", roles, scope,
  disabled, oidc_subject AS "oidcSubject"`;

const CACHE_MS = 30_000;

export class Accounts {
  private principals = new Map<string, { p: Principal; expires: number; until: number }>();
  private roleTable?: Promise<Map<string, RoleRow>>;
  /**
   * Moves with every invalidate(): a lookup that began before a change (a sign-out, a revoke, a reader moving to a
   * newer snapshot) and ends after it must not put what it read into the fresh cache.
   */
  private generation = 0;

  constructor(
    readonly db: Db,
    private secret: string,
    readonly sessionMs: number,
  ) {}

  /** Drop every cached lookup (after any change of users, roles, devices, sources or sessions). */
  invalidate(): void {
    this.generation++;
    this.principals.clear();
    this.roleTable = undefined;
  }

  roles(): Promise<Map<string, RoleRow>> {
    this.roleTable ??= this.db
      .query<RoleRow>('SELECT name, permissions, scoped, description FROM roles ORDER BY name')
      .then((rows) => new Map(rows.map((r) => [r.name, r])));
    return this.roleTable;
  }

  async userByName(username: string): Promise<UserRow | undefined> {
    return (
      await this.db.query<UserRow>(`SELECT ${USER_COLS} FROM users WHERE lower(username) = lower($u)`, {
        u: username,
      })
    )[0];
  }

  async userById(id: string): Promise<UserRow | undefined> {
    return (await this.db.query<UserRow>(`SELECT ${USER_COLS} FROM users WHERE id = $id`, { id }))[0];
  }

  async listUsers(): Promise<Omit<UserRow, 'passwordHash'>[]> {
    const rows = await this.db.query<UserRow>(`SELECT ${USER_COLS} FROM users ORDER BY username`);
    return rows.map(({ passwordHash: _, ...u }) => u);
  }

  async createUser(u: {
    username: string;
    displayName: string;
    password?: string;
    roles: string[];
    scope?: ScopeAssignment;
    oidcSubject?: string;
  }): Promise<string> {
    const id = newId();
    await this.db.query(
      `INSERT INTO users (id, username, display_name, password_hash, roles, scope, disabled, oidc_subject, created_at,
         updated_at, password_changed_at)
       VALUES ($id, $username, $display, $hash, CAST(json_extract_string($roles, '$[*]') AS VARCHAR[]),
         $scope, false, $oidc, now(), now(), CASE WHEN $hash IS NULL THEN NULL ELSE now() END)`,
      {
        id,
        username: u.username,
        display: u.displayName,
        hash: u.password ? await hashPassword(u.password) : null,
        roles: JSON.stringify(u.roles),
        scope: u.scope ? JSON.stringify(u.scope) : null,
        oidc: u.oidcSubject ?? null,
      },
    );
    this.invalidate();
    return id;
  }

  async updateUser(
    id: string,
    ch: {
      displayName?: string;
      roles?: string[];
      scope?: ScopeAssignment | null;
      disabled?: boolean;
      password?: string;
      oidcSubject?: string | null;
    },
  ): Promise<void> {
    await this.db.query(
      `UPDATE users SET
         display_name = coalesce($display, display_name),
         roles = CASE WHEN $roles IS NULL THEN roles ELSE CAST(json_extract_string($roles, '$[*]') AS VARCHAR[]) END,
         scope = CASE WHEN $setScope THEN $scope ELSE scope END,
         oidc_subject = CASE WHEN $setSub THEN $sub ELSE oidc_subject END,
         disabled = coalesce($disabled, disabled),
         password_hash = coalesce($hash, password_hash),
         password_changed_at = CASE WHEN $hash IS NULL THEN password_changed_at ELSE now() END,
         updated_at = now()
       WHERE id = $id`,
      {
        id,
        display: ch.displayName ?? null,
        roles: ch.roles ? JSON.stringify(ch.roles) : null,
        setScope: ch.scope !== undefined,
        setSub: ch.oidcSubject !== undefined,
        sub: ch.oidcSubject ?? null,
        scope: ch.scope ? JSON.stringify(ch.scope) : null,
        disabled: ch.disabled ?? null,
        hash: ch.password ? await hashPassword(ch.password) : null,
      },
    );
    // Roles, scope, a disabled account or a new password take effect at once: the user's sessions end.
    if (ch.disabled || ch.password) await this.endSessionsOf(id);
    this.invalidate();
  }

  async setRole(
    name: string,
    r: { permissions: string[]; scoped: boolean; description?: string },
  ): Promise<void> {
    await this.db.query(
      `INSERT OR REPLACE INTO roles VALUES ($name, CAST(json_extract_string($perms, '$[*]') AS VARCHAR[]), $scoped,
         $desc, now())`,
      { name, perms: JSON.stringify(r.permissions), scoped: r.scoped, desc: r.description ?? null },
    );
    this.invalidate();
  }

  /** A user's principal (roles → permissions, assignment → scope). */
  async userPrincipal(u: UserRow): Promise<Principal> {
    const { permissions, scoped } = rolePermissions(u.roles, await this.roles());
    const assignment = scoped ? (parseAssignment(u.scope) ?? { units: [] }) : undefined;
    return {
      kind: 'user',
      id: u.id,
      name: u.username,
      displayName: u.displayName,
      roles: u.roles,
      permissions,
      scope: assignment ? await resolveScope(this.db, assignment) : undefined,
      assignment,
      viaCookie: false,
    };
  }

  // Sessions ------------------------------------------------------------------------------------------------

  async createSession(
    userId: string,
    meta: { method: string; ip?: string; userAgent?: string },
  ): Promise<{ token: string; csrf: string; expires: Date }> {
    const token = randomToken(32);
    const csrf = randomToken(24);
    const expires = new Date(Date.now() + this.sessionMs);
    await this.db.query(
      `INSERT INTO sessions VALUES ($id, $user, $csrf, $method, now(), CAST($exp AS TIMESTAMPTZ), $ip, $ua)`,
      {
        id: tokenHash(this.secret, token),
        user: userId,
        csrf,
        method: meta.method,
        exp: expires.toISOString(),
        ip: meta.ip ?? null,
        ua: (meta.userAgent ?? '').slice(0, 300) || null,
      },
    );
    return { token, csrf, expires };
  }

  async sessionPrincipal(token: string): Promise<Principal | null> {
    const key = `s:${tokenHash(this.secret, token)}`;
    const hit = this.principals.get(key);
    const now = Date.now();
    if (hit && hit.until > now) return hit.expires > now ? hit.p : null;
    const generation = this.generation;
    const rows = await this.db.query<{ userId: string; csrf: string; expires: string }>(
      `SELECT user_id AS "userId", csrf, expires_at AS expires FROM sessions WHERE id = $id`,
      { id: key.slice(2) },
    );
    const s = rows[0];
    if (!s || Date.parse(s.expires) <= now) return null;
    const u = await this.userById(s.userId);
    if (!u || u.disabled) return null;
    const p = { ...(await this.userPrincipal(u)), csrf: s.csrf, sessionId: key.slice(2), viaCookie: true };
    if (generation === this.generation)
      this.principals.set(key, { p, expires: Date.parse(s.expires), until: now + CACHE_MS });
    return p;
  }

  async endSession(sessionId: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE id = $id', { id: sessionId });
    this.invalidate();
  }

  async endSessionsOf(userId: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE user_id = $id', { id: userId });
    this.invalidate();
  }

  async purgeExpiredSessions(): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE expires_at < now()');
  }

  // Wall devices and feed sources ----------------------------------------------------------------------------

  async createDevice(d: {
    name: string;
    playlist: string;
    scope?: ScopeAssignment;
    createdBy: string;
  }): Promise<{ id: string; token: string }> {
    const id = newId();
    const { token, secret } = makeToken('dev', id);
    await this.db.query(
      `INSERT INTO devices VALUES ($id, $name, $playlist, $scope, $hash, $by, now(), NULL, NULL)`,
      {
        id,
        name: d.name,
        playlist: d.playlist,
        scope: d.scope ? JSON.stringify(d.scope) : null,
        hash: tokenHash(this.secret, secret),
        by: d.createdBy,
      },
    );
    return { id, token };
  }

  async createSource(s: {
    name: string;
    feeds: string[];
    createdBy: string;
  }): Promise<{ id: string; token: string }> {
    const id = newId();
    const { token, secret } = makeToken('src', id);
    await this.db.query(
      `INSERT INTO feed_sources VALUES ($id, $name, CAST(json_extract_string($feeds, '$[*]') AS VARCHAR[]), $hash, $by,
         now(), NULL, NULL)`,
      {
        id,
        name: s.name,
        feeds: JSON.stringify(s.feeds),
        hash: tokenHash(this.secret, secret),
        by: s.createdBy,
      },
    );
    return { id, token };
  }

  async revoke(kind: 'dev' | 'src', id: string): Promise<boolean> {
    const table = kind === 'dev' ? 'devices' : 'feed_sources';
    const rows = await this.db.query<{ id: string }>(
      `UPDATE ${table} SET revoked_at = now() WHERE id = $id AND revoked_at IS NULL RETURNING id`,
      { id },
    );
    this.invalidate();
    return rows.length > 0;
  }

  /** A device or feed source token → its principal; null when unknown, wrong or revoked. */
  async tokenPrincipal(token: string): Promise<Principal | null> {
    const t = parseToken(token);
    if (!t) return null;
    const key = `t:${tokenHash(this.secret, token)}`;
    const hit = this.principals.get(key);
    const now = Date.now();
    if (hit && hit.until > now) return hit.p;
    const generation = this.generation;
    const table = t.kind === 'dev' ? 'devices' : 'feed_sources';
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT * FROM ${table} WHERE id = $id AND revoked_at IS NULL`,
      { id: t.id },
    );
    const r = rows[0];
    if (!r || !safeEqual(String(r.token_hash), tokenHash(this.secret, t.secret))) return null;
    let p: Principal;
    if (t.kind === 'dev') {
      const assignment = parseAssignment(r.scope as string | null);
      p = {
        kind: 'device',
        id: t.id,
        name: `device:${r.name}`,
        displayName: String(r.name),
        roles: ['wall'],
        permissions: new Set(['read']),
        scope: assignment ? await resolveScope(this.db, assignment) : undefined,
        assignment,
        playlist: String(r.playlist),
        viaCookie: false,
      };
      await this.deviceSeen(t.id);
    } else {
      p = {
        kind: 'source',
        id: t.id,
        name: `source:${r.name}`,
        displayName: String(r.name),
        roles: ['source'],
        permissions: new Set(['feeds.push']),
        feeds: r.feeds as string[],
        viaCookie: false,
      };
    }
    if (generation === this.generation)
      this.principals.set(key, { p, expires: Number.POSITIVE_INFINITY, until: now + CACHE_MS });
    return p;
  }

  /** A device's last contact (a reader replaces it with a note to the writer: its store is read-only). */
  deviceSeen = async (id: string): Promise<void> => {
    await this.db.query('UPDATE devices SET last_seen_at = now() WHERE id = $id', { id });
  };

  async listDevices() {
    return this.db.query<DeviceRow>(
      `SELECT id, name, playlist, scope, created_by AS "createdBy", created_at AS "createdAt",
         revoked_at AS "revokedAt", last_seen_at AS "lastSeenAt" FROM devices ORDER BY created_at DESC`,
    );
  }

  async listSources() {
    return this.db.query<SourceRow>(
      `SELECT id, name, feeds, created_by AS "createdBy", created_at AS "createdAt", revoked_at AS "revokedAt",
         last_used_at AS "lastUsedAt" FROM feed_sources ORDER BY created_at DESC`,
    );
  }

  async sourceUsed(id: string): Promise<void> {
    await this.db.query('UPDATE feed_sources SET last_used_at = now() WHERE id = $id', { id });
  }

  // Single sign-on (OIDC) ------------------------------------------------------------------------------------

  async userByOidcSubject(sub: string): Promise<UserRow | undefined> {
    return (
      await this.db.query<UserRow>(`SELECT ${USER_COLS} FROM users WHERE oidc_subject = $sub`, { sub })
    )[0];
  }

  /** Link a provider subject to a user not linked yet; false when the user already has one. */
  async linkOidc(userId: string, sub: string): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      `UPDATE users SET oidc_subject = $sub, updated_at = now() WHERE id = $id AND oidc_subject IS NULL RETURNING id`,
      { id: userId, sub },
    );
    this.invalidate();
    return rows.length > 0;
  }
}
