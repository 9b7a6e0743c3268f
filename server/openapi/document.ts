// The OpenAPI 3.1 document, generated from the zod schemas the routes validate with (z.toJSONSchema, input side):
// the route table below names each route and its schemas; nothing about a parameter is written twice.
import { type ZodType, z } from 'zod';
import {
  AuditExport,
  AuditQuery,
  DeviceCreate,
  Id,
  RolePut,
  SourceCreate,
  UserCreate,
  UserPatch,
} from '../routes/admin.ts';
import { DevicePair, Login, PasswordChange } from '../routes/auth.ts';
import { GeoUnitsQuery } from '../routes/geo.ts';
import { RestoreBody, ValuesBody } from '../routes/ops.ts';
import {
  BreakdownQuery,
  ExportQuery,
  FeedParam,
  IndexQuery,
  KpiParam,
  RangeQuery,
  RecordsQuery,
  RejectsQuery,
} from '../routes/schemas.ts';

interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Hono path (`:id`), turned into OpenAPI's `{id}`. */
  path: string;
  summary: string;
  tag: string;
  param?: ZodType;
  query?: ZodType;
  /** Media types of a successful answer; JSON when omitted. */
  produces?: string[];
  body?: string[];
  /** A JSON request body validated by this schema. */
  json?: ZodType;
}

export const ROUTES: RouteDoc[] = [
  { method: 'get', path: '/api/health', summary: 'Server status, DuckDB version, KPI count', tag: 'system' },
  {
    method: 'get',
    path: '/api/config',
    summary: 'Map tile URL and demo flag for the web app',
    tag: 'system',
  },
  {
    method: 'get',
    path: '/api/subsystems',
    summary: 'The 12 subsystems with their headline KPIs',
    tag: 'kpis',
    query: RangeQuery,
  },
  {
    method: 'get',
    path: '/api/kpis',
    summary: 'The KPI registry: names, units, formulas, dimensions',
    tag: 'kpis',
  },
  {
    method: 'get',
    path: '/api/kpis/:id',
    summary: 'A KPI value with comparisons, target, status and freshness',
    tag: 'kpis',
    param: KpiParam,
    query: RangeQuery,
  },
  {
    method: 'get',
    path: '/api/kpis/:id/breakdown',
    summary: 'A KPI by a dimension (ranking) or a time grain (trend)',
    tag: 'kpis',
    param: KpiParam,
    query: BreakdownQuery,
  },
  {
    method: 'get',
    path: '/api/kpis/:id/records',
    summary: 'A page of the records behind a KPI (numerator or denominator)',
    tag: 'kpis',
    param: KpiParam,
    query: RecordsQuery,
  },
  {
    method: 'get',
    path: '/api/kpis/:id/export',
    summary:
      'Download a view (value, breakdown, records) as XLSX, CSV, Parquet or JSON; records stream without a row cap unless `limit` is given',
    tag: 'exports',
    param: KpiParam,
    query: ExportQuery,
    produces: [
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'text/csv',
      'application/vnd.apache.parquet',
      'application/json',
    ],
  },
  {
    method: 'get',
    path: '/api/index766',
    summary: 'The Decision 766 service index by agency, commune or district',
    tag: 'kpis',
    query: IndexQuery,
  },
  { method: 'get', path: '/api/feeds', summary: 'Freshness and counts per feed', tag: 'feeds' },
  {
    method: 'get',
    path: '/api/feeds/rejects',
    summary: 'Rejected records',
    tag: 'feeds',
    query: RejectsQuery,
  },
  { method: 'get', path: '/api/feeds/deliveries', summary: 'Deliveries received', tag: 'feeds' },
  {
    method: 'post',
    path: '/api/feeds/:feed',
    summary: 'Push a delivery (CSV, NDJSON or JSON body); answers the load report',
    tag: 'feeds',
    param: FeedParam,
    body: ['text/csv', 'application/x-ndjson', 'application/json'],
  },
  { method: 'get', path: '/api/units', summary: 'Administrative units', tag: 'reference' },
  { method: 'get', path: '/api/agencies', summary: 'Agencies', tag: 'reference' },
  {
    method: 'get',
    path: '/api/geo/units',
    summary: 'Unit shapes as GeoJSON',
    tag: 'geo',
    query: GeoUnitsQuery,
  },
  {
    method: 'get',
    path: '/api/auth/me',
    summary: 'Who is signed in: roles, permissions, scope, CSRF token',
    tag: 'access',
  },
  {
    method: 'post',
    path: '/api/auth/login',
    summary: 'Sign in (sets the session cookie)',
    tag: 'access',
    json: Login,
  },
  { method: 'post', path: '/api/auth/logout', summary: 'Sign out', tag: 'access' },
  {
    method: 'post',
    path: '/api/auth/password',
    summary: 'Change the own password (ends other sessions)',
    tag: 'access',
    json: PasswordChange,
  },
  {
    method: 'post',
    path: '/api/auth/device',
    summary: 'Pair a wall device with its token (sets the device cookie)',
    tag: 'access',
    json: DevicePair,
  },
  {
    method: 'get',
    path: '/api/auth/oidc/start',
    summary: 'Single sign-on: redirect to the OpenID Connect provider',
    tag: 'access',
    query: z.object({ next: z.string().optional() }),
  },
  {
    method: 'get',
    path: '/api/auth/oidc/callback',
    summary: 'Single sign-on: the provider returns here (sets the session cookie)',
    tag: 'access',
  },
  { method: 'get', path: '/api/admin/users', summary: 'Users', tag: 'admin' },
  { method: 'post', path: '/api/admin/users', summary: 'Create a user', tag: 'admin', json: UserCreate },
  {
    method: 'patch',
    path: '/api/admin/users/:id',
    summary: 'Change a user: roles, scope, disabled, password',
    tag: 'admin',
    param: Id,
    json: UserPatch,
  },
  { method: 'get', path: '/api/admin/roles', summary: 'Roles and the permissions they grant', tag: 'admin' },
  {
    method: 'put',
    path: '/api/admin/roles/:name',
    summary: 'Create or change a role',
    tag: 'admin',
    param: z.object({ name: z.string() }),
    json: RolePut,
  },
  { method: 'get', path: '/api/admin/devices', summary: 'Wall devices', tag: 'admin' },
  {
    method: 'post',
    path: '/api/admin/devices',
    summary: 'Create a wall device (the token is shown once)',
    tag: 'admin',
    json: DeviceCreate,
  },
  {
    method: 'delete',
    path: '/api/admin/devices/:id',
    summary: 'Revoke a wall device',
    tag: 'admin',
    param: Id,
  },
  { method: 'get', path: '/api/admin/sources', summary: 'Feed sources', tag: 'admin' },
  {
    method: 'post',
    path: '/api/admin/sources',
    summary: 'Create a feed source token (shown once)',
    tag: 'admin',
    json: SourceCreate,
  },
  {
    method: 'delete',
    path: '/api/admin/sources/:id',
    summary: 'Revoke a feed source',
    tag: 'admin',
    param: Id,
  },
  {
    method: 'get',
    path: '/api/admin/audit',
    summary: 'The audit log, filtered',
    tag: 'admin',
    query: AuditQuery,
  },
  { method: 'get', path: '/api/admin/audit/verify', summary: 'Check the audit hash chain', tag: 'admin' },
  {
    method: 'get',
    path: '/api/admin/audit/export',
    summary: 'The audit log as XLSX or CSV',
    tag: 'admin',
    query: AuditExport,
    produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv'],
  },
  {
    method: 'post',
    path: '/api/ops/backup',
    summary: 'Back up the store while serving (admin, console)',
    tag: 'ops',
  },
  { method: 'get', path: '/api/ops/backups', summary: 'Backups kept in data/backups', tag: 'ops' },
  {
    method: 'post',
    path: '/api/ops/restore',
    summary: 'Restore a backup while serving (the replaced store is kept)',
    tag: 'ops',
    json: RestoreBody,
  },
  { method: 'get', path: '/api/ops/deliveries', summary: 'The delivery log a rebuild replays', tag: 'ops' },
  {
    method: 'post',
    path: '/api/ops/kpi-values',
    summary: 'Every KPI for some periods, unscoped (for comparing a rebuild)',
    tag: 'ops',
    json: ValuesBody,
  },
];

type JsonSchema = { properties?: Record<string, JsonSchema>; required?: string[]; [k: string]: unknown };

function parameters(schema: ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const js = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as JsonSchema;
  const required = new Set(js.required ?? []);
  return Object.entries(js.properties ?? {}).map(([name, s]) => {
    const { description, ...rest } = s;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

const ERROR = {
  description: 'Error',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['error'],
        properties: {
          error: { type: 'string' },
          issues: {
            type: 'array',
            items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
          },
        },
      },
    },
  },
};

/** The whole document; `version` is the app's. */
export function openApiDocument(version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) {
    const path = r.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][r.method] = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method}${path.replace(/[{}]/g, '').replace(/[/_-]+(\w)/g, (_, ch: string) => ch.toUpperCase())}`,
      parameters: [...parameters(r.param, 'path'), ...parameters(r.query, 'query')],
      ...(r.json
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: z.toJSONSchema(r.json, {
                    io: 'input',
                    unrepresentable: 'any',
                    target: 'draft-2020-12',
                  }),
                },
              },
            },
          }
        : {}),
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: Object.fromEntries(r.body.map((t) => [t, { schema: { type: 'string' } }])),
            },
          }
        : {}),
      responses: {
        '200': {
          description: 'OK',
          content: Object.fromEntries(
            (r.produces ?? ['application/json']).map((t) => [
              t,
              {
                schema: t === 'application/json' ? { type: 'object' } : { type: 'string', format: 'binary' },
              },
            ]),
          ),
        },
        '400': ERROR,
        '401': { ...ERROR, description: 'Not signed in, session expired or token revoked' },
        '403': { ...ERROR, description: 'Not permitted, or outside the caller’s scope' },
        '404': ERROR,
      },
      security: [{ session: [] }, { bearer: [] }],
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'IOC Phú Thọ API',
      version,
      description:
        'KPIs, breakdowns, records and exports of the Intelligent Operations Centre. Dates are local (Asia/Ho_Chi_Minh) YYYY-MM-DD; instants are ISO 8601 UTC.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'ioc_session',
          description: 'Browser session; writes need X-CSRF-Token',
        },
        bearer: { type: 'http', scheme: 'bearer', description: 'Feed source or wall device token' },
      },
    },
    paths,
  };
}
