// Administration: users, roles, wall devices, feed sources and the audit log (read, filter, export, verify).
// Tokens are shown once, at creation. Every change is audited; the audit log itself has no write route.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { AuditRow } from '../../common/rows.ts';
import type { AppEnv } from '../app.ts';
import { AUDIT_COLUMNS, verifyAudit } from '../auth/audit.ts';
import { passwordProblem } from '../auth/crypto.ts';
import { PERMISSIONS, ScopeAssignment } from '../auth/principal.ts';
import { fromVnLocalSql } from '../db/sql.ts';
import { csvHeader, csvRows } from '../export/csv.ts';
import type { Column } from '../export/table.ts';
import { writeXlsx } from '../export/xlsx.ts';
import { FEED_NAMES } from '../feeds/specs.ts';
import {
  AuditAnswer,
  AuditVerifyAnswer,
  CreatedAnswer,
  DeviceCreated,
  DevicesAnswer,
  OkAnswer,
  RolesAnswer,
  SourceCreated,
  SourcesAnswer,
  UsersAnswer,
} from './responses.ts';
import { route } from './route.ts';
import { validate } from './validate.ts';

const name = z.string().trim().min(1).max(100);
const roleName = z.string().regex(/^[a-z_]{2,32}$/);
export const Id = z.object({ id: z.string().regex(/^[a-f0-9]{18}$/) });

export const UserCreate = z.object({
  username: z.string().regex(/^[A-Za-z0-9._-]{3,50}$/, 'letters, digits, . _ - (3–50)'),
  displayName: name,
  password: z.string().min(1).max(200).optional(),
  roles: z.array(roleName).min(1).max(10),
  scope: ScopeAssignment.optional(),
  /** The SSO provider's subject (`sub`) of this person, entered by the admin: how SSO finds the account. */
  oidcSubject: z.string().trim().min(1).max(255).optional(),
});
export const UserPatch = z.object({
  displayName: name.optional(),
  password: z.string().min(1).max(200).optional(),
  roles: z.array(roleName).min(1).max(10).optional(),
  scope: ScopeAssignment.nullable().optional(),
  disabled: z.boolean().optional(),
  oidcSubject: z.string().trim().min(1).max(255).nullable().optional(),
});
export const RolePut = z.object({
  permissions: z.array(z.enum(PERMISSIONS)).max(PERMISSIONS.length),
  scoped: z.boolean(),
  description: z.string().max(300).optional(),
});
export const DeviceCreate = z.object({
  name,
  /** The wall URL's query: slides=…&seconds=… */
  playlist: z
    .string()
    .max(2000)
    .regex(/^[A-Za-z0-9_.,;:=&()%+-]*$/, 'a /wall query string'),
  scope: ScopeAssignment.optional(),
});
export const SourceCreate = z.object({ name, feeds: z.array(z.enum(FEED_NAMES)).min(1) });
export const AuditQuery = z.object({
  action: z.string().max(60).optional(),
  actor: z.string().max(100).optional(),
  outcome: z.enum(['ok', 'denied', 'failed']).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
export const AuditExport = AuditQuery.omit({ limit: true, offset: true }).extend({
  format: z.enum(['csv', 'xlsx']).default('xlsx'),
});

const json64k = bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.json({ error: 'body too large' }, 413) });

function auditWhere(q: z.infer<typeof AuditExport>) {
  return {
    // Days are Vietnam days (UTC+7).
    where: `($action IS NULL OR action = $action OR action LIKE $action || '.%') AND ($actor IS NULL OR actor = $actor)
      AND ($outcome IS NULL OR outcome = $outcome)
      AND ($from IS NULL OR ts >= ${fromVnLocalSql('CAST($from AS TIMESTAMP)')})
      AND ($to IS NULL OR ts < ${fromVnLocalSql('CAST($to AS TIMESTAMP) + INTERVAL 1 DAY')})`,
    params: {
      action: q.action ?? null,
      actor: q.actor ?? null,
      outcome: q.outcome ?? null,
      from: q.from ?? null,
      to: q.to ?? null,
    },
  };
}

const AUDIT_EXPORT_COLUMNS: Column[] = [
  { key: 'seq', header: 'STT', kind: 'integer' },
  { key: 'at', header: 'Thời điểm (UTC)', kind: 'text' },
  { key: 'actor', header: 'Người/thiết bị', kind: 'text' },
  { key: 'actorKind', header: 'Loại', kind: 'text' },
  { key: 'action', header: 'Hành động', kind: 'text' },
  { key: 'target', header: 'Đối tượng', kind: 'text' },
  { key: 'outcome', header: 'Kết quả', kind: 'text' },
  { key: 'ip', header: 'Địa chỉ', kind: 'text' },
  { key: 'detail', header: 'Chi tiết', kind: 'text' },
  { key: 'hash', header: 'Hash', kind: 'text' },
];

const RoleParam = z.object({ name: roleName });
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const R = {
  users: route({
    method: 'get',
    path: '/api/admin/users',
    response: UsersAnswer,
    need: 'admin',
    summary: 'Users',
    tag: 'admin',
  }),
  userCreate: route({
    method: 'post',
    path: '/api/admin/users',
    response: CreatedAnswer,
    need: 'admin',
    summary: 'Create a user',
    tag: 'admin',
    json: UserCreate,
    status: 201,
    errors: { 409: 'The user name or SSO subject is taken' },
  }),
  userPatch: route({
    method: 'patch',
    path: '/api/admin/users/:id',
    response: OkAnswer,
    need: 'admin',
    summary: 'Change a user: roles, scope, disabled, password',
    tag: 'admin',
    param: Id,
    json: UserPatch,
    errors: { 404: 'No such user', 409: 'The SSO subject belongs to another user' },
  }),
  roles: route({
    method: 'get',
    path: '/api/admin/roles',
    response: RolesAnswer,
    need: 'admin',
    summary: 'Roles and the permissions they grant',
    tag: 'admin',
  }),
  rolePut: route({
    method: 'put',
    path: '/api/admin/roles/:name',
    response: OkAnswer,
    need: 'admin',
    summary: 'Create or change a role',
    tag: 'admin',
    param: RoleParam,
    json: RolePut,
  }),
  devices: route({
    method: 'get',
    path: '/api/admin/devices',
    response: DevicesAnswer,
    need: 'admin',
    summary: 'Wall devices',
    tag: 'admin',
  }),
  deviceCreate: route({
    method: 'post',
    path: '/api/admin/devices',
    response: DeviceCreated,
    need: 'admin',
    summary: 'Create a wall device (the token is shown once)',
    tag: 'admin',
    json: DeviceCreate,
    status: 201,
  }),
  deviceRevoke: route({
    method: 'delete',
    path: '/api/admin/devices/:id',
    response: OkAnswer,
    need: 'admin',
    summary: 'Revoke a wall device',
    tag: 'admin',
    param: Id,
    errors: { 404: 'No such active device' },
  }),
  sources: route({
    method: 'get',
    path: '/api/admin/sources',
    response: SourcesAnswer,
    need: 'admin',
    summary: 'Feed sources',
    tag: 'admin',
  }),
  sourceCreate: route({
    method: 'post',
    path: '/api/admin/sources',
    response: SourceCreated,
    need: 'admin',
    summary: 'Create a feed source token (shown once)',
    tag: 'admin',
    json: SourceCreate,
    status: 201,
  }),
  sourceRevoke: route({
    method: 'delete',
    path: '/api/admin/sources/:id',
    response: OkAnswer,
    need: 'admin',
    summary: 'Revoke a feed source',
    tag: 'admin',
    param: Id,
    errors: { 404: 'No such active source' },
  }),
  audit: route({
    method: 'get',
    path: '/api/admin/audit',
    response: AuditAnswer,
    need: 'audit.read',
    summary: 'The audit log, filtered',
    tag: 'admin',
    query: AuditQuery,
  }),
  auditVerify: route({
    method: 'get',
    path: '/api/admin/audit/verify',
    response: AuditVerifyAnswer,
    need: 'audit.read',
    summary: 'Check the audit hash chain',
    tag: 'admin',
  }),
  auditExport: route({
    method: 'get',
    path: '/api/admin/audit/export',
    need: 'audit.read',
    stream: true,
    summary: 'The audit log as XLSX or CSV (HEAD is answered 405)',
    tag: 'admin',
    query: AuditExport,
    produces: [XLSX, 'text/csv'],
  }),
};

export const adminRoutes = new Hono<AppEnv>()
  .use('/api/admin/*', json64k)
  .get(R.users.path, R.users.guard, async (c) => c.json({ users: await c.var.auth.accounts.listUsers() }))
  .post(R.userCreate.path, R.userCreate.guard, validate('json', UserCreate), async (c) => {
    const auth = c.var.auth;
    const u = c.req.valid('json');
    if (await auth.accounts.userByName(u.username)) return c.json({ error: 'user name already exists' }, 409);
    const roles = await auth.accounts.roles();
    const unknown = u.roles.filter((r) => !roles.has(r));
    if (unknown.length) return c.json({ error: `unknown roles: ${unknown.join(', ')}` }, 400);
    if (u.password) {
      const problem = passwordProblem(u.password, u.username);
      if (problem) return c.json({ error: problem }, 400);
    }
    if (u.oidcSubject && (await auth.accounts.userByOidcSubject(u.oidcSubject)))
      return c.json({ error: 'this SSO subject belongs to another user' }, 409);
    const id = await auth.accounts.createUser(u);
    await auth.audit(c, {
      action: 'user.create',
      target: u.username,
      outcome: 'ok',
      detail: { roles: u.roles, scope: u.scope ?? null },
    });
    return c.json({ id }, 201);
  })
  .patch(
    R.userPatch.path,
    R.userPatch.guard,
    validate('param', Id),
    validate('json', UserPatch),
    async (c) => {
      const auth = c.var.auth;
      const { id } = c.req.valid('param');
      const ch = c.req.valid('json');
      const user = await auth.accounts.userById(id);
      if (!user) return c.json({ error: 'no such user' }, 404);
      if (ch.roles) {
        const roles = await auth.accounts.roles();
        const unknown = ch.roles.filter((r) => !roles.has(r));
        if (unknown.length) return c.json({ error: `unknown roles: ${unknown.join(', ')}` }, 400);
      }
      if (ch.password) {
        const problem = passwordProblem(ch.password, user.username);
        if (problem) return c.json({ error: problem }, 400);
      }
      if (ch.oidcSubject) {
        const holder = await auth.accounts.userByOidcSubject(ch.oidcSubject);
        if (holder && holder.id !== id)
          return c.json({ error: 'this SSO subject belongs to another user' }, 409);
      }
      await auth.accounts.updateUser(id, ch);
      const { password: _, ...logged } = ch;
      await auth.audit(c, {
        action: 'user.update',
        target: user.username,
        outcome: 'ok',
        detail: { ...logged, passwordReset: ch.password !== undefined },
      });
      return c.json({ ok: true });
    },
  )
  .get(R.roles.path, R.roles.guard, async (c) =>
    c.json({ roles: [...(await c.var.auth.accounts.roles()).values()], permissions: PERMISSIONS }),
  )
  .put(
    R.rolePut.path,
    R.rolePut.guard,
    validate('param', RoleParam),
    validate('json', RolePut),
    async (c) => {
      const auth = c.var.auth;
      const { name: role } = c.req.valid('param');
      const body = c.req.valid('json');
      await auth.accounts.setRole(role, body);
      auth.invalidate();
      await auth.audit(c, { action: 'role.update', target: role, outcome: 'ok', detail: body });
      return c.json({ ok: true });
    },
  )
  .get(R.devices.path, R.devices.guard, async (c) =>
    c.json({ devices: await c.var.auth.accounts.listDevices() }),
  )
  .post(R.deviceCreate.path, R.deviceCreate.guard, validate('json', DeviceCreate), async (c) => {
    const auth = c.var.auth;
    const d = c.req.valid('json');
    const r = await auth.accounts.createDevice({ ...d, createdBy: c.var.principal.name });
    await auth.audit(c, { action: 'device.create', target: `${r.id} ${d.name}`, outcome: 'ok', detail: d });
    // The only time the token is shown: the store keeps its HMAC.
    return c.json(
      { id: r.id, token: r.token, wallUrl: `/wall?${d.playlist ? `${d.playlist}&` : ''}device=${r.token}` },
      201,
    );
  })
  .delete(R.deviceRevoke.path, R.deviceRevoke.guard, validate('param', Id), async (c) => {
    const { id } = c.req.valid('param');
    const ok = await c.var.auth.accounts.revoke('dev', id);
    await c.var.auth.audit(c, { action: 'device.revoke', target: id, outcome: ok ? 'ok' : 'failed' });
    return ok ? c.json({ ok: true }) : c.json({ error: 'no such active device' }, 404);
  })
  .get(R.sources.path, R.sources.guard, async (c) =>
    c.json({ sources: await c.var.auth.accounts.listSources() }),
  )
  .post(R.sourceCreate.path, R.sourceCreate.guard, validate('json', SourceCreate), async (c) => {
    const s = c.req.valid('json');
    const r = await c.var.auth.accounts.createSource({ ...s, createdBy: c.var.principal.name });
    await c.var.auth.audit(c, {
      action: 'source.create',
      target: `${r.id} ${s.name}`,
      outcome: 'ok',
      detail: s,
    });
    return c.json({ id: r.id, token: r.token }, 201);
  })
  .delete(R.sourceRevoke.path, R.sourceRevoke.guard, validate('param', Id), async (c) => {
    const { id } = c.req.valid('param');
    const ok = await c.var.auth.accounts.revoke('src', id);
    await c.var.auth.audit(c, { action: 'source.revoke', target: id, outcome: ok ? 'ok' : 'failed' });
    return ok ? c.json({ ok: true }) : c.json({ error: 'no such active source' }, 404);
  })
  .get(R.audit.path, R.audit.guard, validate('query', AuditQuery), async (c) => {
    const q = c.req.valid('query');
    const { where, params } = auditWhere({ ...q, format: 'csv' });
    const [rows, total] = await Promise.all([
      c.var.ctx.db.query<AuditRow>(
        `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE ${where} ORDER BY seq DESC LIMIT $lim OFFSET $off`,
        {
          ...params,
          lim: q.limit,
          off: q.offset,
        },
      ),
      c.var.ctx.db.query<{ n: number }>(`SELECT count(*) AS n FROM audit_log WHERE ${where}`, params),
    ]);
    return c.json({ total: total[0].n, limit: q.limit, offset: q.offset, rows });
  })
  .get(R.auditVerify.path, R.auditVerify.guard, async (c) => c.json(await verifyAudit(c.var.ctx.db)))
  .get(R.auditExport.path, R.auditExport.guard, validate('query', AuditExport), async (c) => {
    const q = c.req.valid('query');
    const { where, params } = auditWhere(q);
    const rows = await c.var.ctx.db.query(
      `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE ${where} ORDER BY seq`,
      params,
    );
    await c.var.auth.audit(c, {
      action: 'export',
      target: 'audit_log',
      outcome: 'ok',
      detail: { ...params, rows: rows.length },
    });
    const stamp = new Date().toISOString().slice(0, 10);
    const headers = {
      'Content-Disposition': `attachment; filename="audit_${stamp}.${q.format}"`,
      'Cache-Control': 'no-store',
      'X-Row-Count': String(rows.length),
    };
    if (q.format === 'csv')
      return new Response(
        csvHeader(AUDIT_EXPORT_COLUMNS, 'standard') + csvRows(rows, AUDIT_EXPORT_COLUMNS, 'standard'),
        {
          headers: { ...headers, 'Content-Type': 'text/csv; charset=utf-8' },
        },
      );
    const { PassThrough, Readable } = await import('node:stream');
    const out = new PassThrough();
    const table = {
      columns: AUDIT_EXPORT_COLUMNS,
      chunks: (async function* () {
        yield rows;
      })(),
    };
    writeXlsx(out, table, [{ label: 'Nội dung', value: 'Nhật ký kiểm toán (audit log)' }], 'vi').catch((e) =>
      out.destroy(e),
    );
    return new Response(Readable.toWeb(out) as ReadableStream, {
      headers: {
        ...headers,
        'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      },
    });
  });
