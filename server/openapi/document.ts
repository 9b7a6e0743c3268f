// The OpenAPI 3.1 document, generated from the zod schemas the routes validate with (z.toJSONSchema, input side):
// the route table below names each route and its schemas; nothing about a parameter is written twice.
import { type ZodType, z } from 'zod';
import { GeoUnitsQuery } from '../routes/geo.ts';
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
  method: 'get' | 'post';
  /** Hono path (`:id`), turned into OpenAPI's `{id}`. */
  path: string;
  summary: string;
  tag: string;
  param?: ZodType;
  query?: ZodType;
  /** Media types of a successful answer; JSON when omitted. */
  produces?: string[];
  body?: string[];
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
        '404': ERROR,
      },
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
    paths,
  };
}
