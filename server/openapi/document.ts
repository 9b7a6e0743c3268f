// The OpenAPI 3.1 document, generated from the route declarations (server/routes/route.ts) and the zod schemas
// the routes validate with (z.toJSONSchema, input side): nothing about a route is written twice.
import { type ZodType, z } from 'zod';
import type { RouteDef } from '../routes/route.ts';

/** A zod schema as JSON Schema: `input` for what a client sends, `output` for what the route answers. */
const jsonSchema = (t: ZodType, io: 'input' | 'output' = 'output') =>
  z.toJSONSchema(t, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;

/** Every status the route can answer, each with its body. */
function responses(r: RouteDef) {
  const ok = String(r.status ?? 200);
  if (r.status === 302)
    return {
      '302': {
        description: 'Redirect (Location header)',
        headers: { Location: { schema: { type: 'string' } } },
      },
      ...(r.query ? { '400': { ...ERROR, description: 'Invalid request' } } : {}),
      ...Object.fromEntries(
        Object.entries(r.errors ?? {}).map(([s, description]) => [s, { ...ERROR, description }]),
      ),
    };
  const out: Record<string, unknown> = {
    [ok]: {
      description: r.status === 201 ? 'Created' : 'OK',
      content: Object.fromEntries(
        (r.produces ?? ['application/json']).map((t) => [
          t,
          {
            schema:
              t === 'application/json'
                ? r.response
                  ? jsonSchema(r.response)
                  : { type: 'object', additionalProperties: true }
                : { type: 'string', format: 'binary' },
          },
        ]),
      ),
    },
  };
  if (r.param || r.query || r.json || r.body) out['400'] = { ...ERROR, description: 'Invalid request' };
  if (r.need !== 'public') {
    out['401'] = { ...ERROR, description: 'Not signed in, session expired or token revoked' };
    out['403'] = { ...ERROR, description: `Not permitted (needs ${r.need}), or outside the caller’s scope` };
  }
  if (r.stream) out['405'] = { description: 'HEAD is not answered on a download: use GET' };
  for (const [status, description] of Object.entries(r.errors ?? {})) out[status] = { ...ERROR, description };
  return out;
}

type JsonSchema = { properties?: Record<string, JsonSchema>; required?: string[]; [k: string]: unknown };

function parameters(schema: ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const js = jsonSchema(schema, 'input');
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
export function openApiDocument(version: string, routes: readonly RouteDef[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
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
                  schema: jsonSchema(r.json, 'input'),
                },
              },
            },
          }
        : {}),
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: Object.fromEntries(
                Object.entries(r.body).map(([t, b]) => [
                  t,
                  {
                    schema: {
                      ...(b.schema ?? { type: 'string', format: 'binary' }),
                      description: b.description,
                    },
                  },
                ]),
              ),
            },
          }
        : {}),
      responses: responses(r),
      ...(r.need === 'public' ? { security: [] } : { security: [{ session: [] }, { bearer: [] }] }),
      'x-permission': r.need,
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
