// One declaration per route: method, path, the permission it needs, its validators' schemas, what it answers
// and its OpenAPI description, in one object. The access check reads the permission from the route that
// answers (its guard), the OpenAPI document is generated from the same objects, and createApp refuses to start
// if an /api route was registered without a declaration — so a route added later is never public by accident.
import type { MiddlewareHandler } from 'hono';
import type { ZodType } from 'zod';
import type { AppEnv } from '../app.ts';
import type { Permission } from '../auth/principal.ts';

/** What a route needs: public, one permission, or any one of two. */
export type Need = 'public' | Permission | `${Permission}|${Permission}`;

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteDef {
  method: Method;
  /** The full Hono path from the server root (`/api/kpis/:id`); OpenAPI's `{id}` is derived. */
  path: string;
  need: Need;
  summary: string;
  tag: string;
  param?: ZodType;
  query?: ZodType;
  /** A JSON request body validated by this schema. */
  json?: ZodType;
  /** A raw request body: its media types, each with a description of what it carries. */
  body?: Record<string, { description: string; schema?: Record<string, unknown> }>;
  /** Media types of a successful answer; JSON when omitted. */
  produces?: string[];
  /** The JSON schema of a successful JSON answer (an object of any shape when omitted). */
  response?: ZodType;
  /** The success status (200 unless said). */
  status?: 200 | 201 | 302;
  /** Statuses the route can answer beyond 200/400/401/403, with what each means. */
  errors?: Partial<Record<404 | 405 | 409 | 413 | 415 | 422 | 423 | 429 | 500 | 503, string>>;
  /**
   * The answer is a stream (an export): HEAD is refused with 405 before the handler runs, so no stream or
   * DuckDB connection is opened for an answer nobody reads, and nothing is audited.
   */
  stream?: boolean;
}

export type Declared<D extends RouteDef> = D & { guard: MiddlewareHandler<AppEnv> };

const TABLE: RouteDef[] = [];

/** Every declared route, in declaration order. */
export function routeTable(): readonly RouteDef[] {
  return TABLE;
}

/** Declare a route: its declaration, and the guard middleware that enforces `need` (put it first). */
export function route<const D extends RouteDef>(d: D): Declared<D> {
  TABLE.push(d);
  return { ...d, guard: guard(d) };
}

function allowed(need: Need, has: (p: Permission) => boolean): boolean {
  return need.split('|').some((n) => has(n as Permission));
}

function guard(d: RouteDef): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const head = c.req.method === 'HEAD';
    if (d.need !== 'public') {
      const p = c.var.principal;
      if (c.var.staleCredentials)
        return c.json({ error: 'session expired or token revoked: sign in again' }, 401);
      if (p.kind === 'anonymous') return c.json({ error: 'sign in required' }, 401);
      if (!allowed(d.need, (n) => p.permissions.has(n))) {
        // Refusals of signed-in principals are worth a line (at most one a minute per principal and route); the
        // anonymous demo visitor's and HEAD probes are not.
        if (p.kind !== 'demo' && !head)
          await c.var.auth.auditOnce(c, `denied|${p.kind}|${p.id}|${c.req.method} ${d.path}`, {
            action: 'access.denied',
            target: `${c.req.method} ${c.req.path}`,
            outcome: 'denied',
            detail: { need: d.need },
          });
        return c.json({ error: `forbidden: needs permission ${d.need}` }, 403);
      }
    }
    if (head && d.stream) {
      c.header('Allow', 'GET');
      return c.body(null, 405);
    }
    await next();
    // Hono answers HEAD by running the GET handler and dropping the body: close what the handler opened.
    if (head && c.res.body) {
      await c.res.body.cancel().catch(() => undefined);
      c.res = new Response(null, { status: c.res.status, headers: c.res.headers });
    }
  };
}

/** Hono's registered routes under /api that have no declaration (createApp refuses to start with any). */
export function undeclared(routes: readonly { method: string; path: string }[]): string[] {
  const declared = new Set(TABLE.map((d) => `${d.method.toUpperCase()} ${d.path}`));
  const out = new Set<string>();
  for (const r of routes) {
    if (r.method === 'ALL' || !(r.path === '/api' || r.path.startsWith('/api/'))) continue;
    const key = `${r.method} ${r.path}`;
    if (!declared.has(key)) out.add(key);
  }
  return [...out];
}
