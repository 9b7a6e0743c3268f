// The OpenAPI document validates (swagger-parser), names every route the app serves under /api, and the docs page
// loads its script from our origin.
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv2020 from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { FEEDS } from '../../server/feeds/specs.ts';
import { fixtureApp, fixtureStore, pushHeaders, Q1 } from './helpers.ts';

let db: Db;
let f: Awaited<ReturnType<typeof fixtureApp>>;
let app: Awaited<ReturnType<typeof fixtureApp>>['app'];
beforeAll(async () => {
  db = await fixtureStore();
  f = await fixtureApp(db);
  app = f.app;
});
afterAll(() => db.close());

describe('OpenAPI', () => {
  it('validates and lists every API route with its parameters', async () => {
    const res = await app.request('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      paths: Record<string, Record<string, { parameters: { name: string }[] }>>;
    };
    await SwaggerParser.validate(structuredClone(doc) as never);
    const routes = app.routes
      .filter((r) => r.path.startsWith('/api/') && r.method !== 'ALL')
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:([A-Za-z_]+)/g, '{$1}')}`);
    expect(routes.length).toBeGreaterThan(15);
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m} ${p}`),
    );
    expect(new Set(documented)).toEqual(new Set(routes));
    const exp = doc.paths['/api/kpis/{id}/export'].get.parameters.map((p) => p.name);
    expect(exp).toEqual(
      expect.arrayContaining(['id', 'from', 'to', 'unit', 'format', 'view', 'by', 'limit', 'lang']),
    );
  });

  it('serves the docs page and its script from our origin', async () => {
    const html = await (await app.request('/api/docs')).text();
    expect(html).toContain('<script type="module" src="/api/docs/docs.js"></script>');
    expect(html).not.toMatch(/https?:\/\/(?!localhost)/);
    const js = await app.request('/api/docs/docs.js');
    expect(js.headers.get('content-type')).toContain('javascript');
    expect(await js.text()).toContain("fetch('/api/openapi.json')");
  });

  it('real answers validate against the document’s response schemas; every status answered is listed', async () => {
    type Op = { responses: Record<string, { content?: Record<string, { schema: object }> }> };
    const doc = (await (await app.request('/api/openapi.json')).json()) as {
      paths: Record<string, Record<string, Op>>;
    };
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
    ajv.addFormat('binary', () => true);
    const check = async (method: string, docPath: string, url: string, init: RequestInit = {}) => {
      const res = await app.request(url, { method, ...init });
      const op = doc.paths[docPath][method.toLowerCase()];
      expect(Object.keys(op.responses), `${method} ${url} answered ${res.status}`).toContain(
        String(res.status),
      );
      const schema = op.responses[String(res.status)].content?.['application/json']?.schema;
      if (schema && res.headers.get('content-type')?.includes('json')) {
        const ok = ajv.validate(schema, await res.json());
        expect(ok, `${method} ${url}: ${ajv.errorsText()}`).toBe(true);
      }
      return res.status;
    };
    expect(await check('GET', '/api/health', '/api/health')).toBe(200);
    expect(await check('GET', '/api/config', '/api/config')).toBe(200);
    expect(await check('GET', '/api/auth/me', '/api/auth/me')).toBe(200);
    expect(await check('GET', '/api/kpis/{id}', `/api/kpis/services.ontime_rate?${Q1}`)).toBe(200);
    expect(await check('GET', '/api/kpis/{id}', `/api/kpis/direction.documents_total?${Q1}&unit=227`)).toBe(
      200,
    );
    expect(await check('GET', '/api/kpis/{id}', '/api/kpis/nope.nothing')).toBe(404);
    expect(await check('GET', '/api/kpis/{id}', `/api/kpis/services.ontime_rate?${Q1}&unit=99999`)).toBe(400);
    expect(
      await check(
        'GET',
        '/api/kpis/{id}/breakdown',
        `/api/kpis/services.ontime_rate/breakdown?by=district&${Q1}`,
      ),
    ).toBe(200);
    expect(
      await check(
        'GET',
        '/api/kpis/{id}/breakdown',
        `/api/kpis/services.ontime_rate/breakdown?by=month&${Q1}`,
      ),
    ).toBe(200);
    expect(await check('GET', '/api/subsystems', `/api/subsystems?${Q1}`)).toBe(200);
    const headers = await pushHeaders(f.auth);
    const body =
      'id,direction,agency_code,at,digitally_signed\nOA1,out,SNV,2021-03-01T08:00:00+07:00,true\nOA2,sideways,SNV,2021-03-01T08:00:00+07:00,true\n';
    expect(await check('POST', '/api/feeds/{feed}', '/api/feeds/documents', { headers, body })).toBe(200);
    expect(
      await check('POST', '/api/feeds/{feed}', '/api/feeds/documents', {
        headers: { ...headers, 'content-type': 'text/plain' },
        body,
      }),
    ).toBe(415);
    expect(
      await check('POST', '/api/feeds/{feed}', '/api/feeds/documents', { headers, body: 'id,at\n1,2\n' }),
    ).toBe(422);
    expect(
      await check('POST', '/api/admin/sources', '/api/admin/sources', {
        headers: { 'content-type': 'application/json' },
        body: '{}',
      }),
    ).toBe(403);
  });

  it('publishes the feed contract the loader enforces: each required column it names is required', async () => {
    const res = await app.request('/api/feeds/contract');
    expect(res.status).toBe(200);
    const c = (await res.json()) as {
      feeds: { name: string; fields: { name: string; required: boolean; values?: string[] }[] }[];
    };
    expect(c.feeds.map((x) => x.name)).toEqual(Object.keys(FEEDS));
    const docs = c.feeds.find((x) => x.name === 'documents');
    const required = docs?.fields.filter((x) => x.required).map((x) => x.name) ?? [];
    expect(required).toEqual(['id', 'direction', 'agency_code', 'at', 'digitally_signed']);
    const row: Record<string, string> = {
      id: 'FC1',
      direction: 'out',
      agency_code: 'SNV',
      at: '2021-03-01T08:00:00+07:00',
      digitally_signed: 'true',
    };
    const headers = await pushHeaders(f.auth);
    for (const missing of required) {
      const cols = required.filter((x) => x !== missing);
      const r = await app.request('/api/feeds/documents', {
        method: 'POST',
        headers,
        body: `${cols.join(',')}\n${cols.map((x) => row[x]).join(',')}\n`,
      });
      expect(r.status).toBe(422);
      expect(((await r.json()) as { error: string }).error).toBe(`missing column ${missing}`);
    }
    // An enum value outside the contract's list is a rejected record.
    const values = docs?.fields.find((x) => x.name === 'direction')?.values;
    expect(values).toEqual(['in', 'out']);
    const page = await app.request('/api/docs/feeds');
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const feed of Object.keys(FEEDS)) expect(html).toContain(`id="${feed}"`);
    expect(html).toContain('digitally_signed');
    // The OpenAPI push body of JSON is an array of records with the same required fields.
    const doc = (await (await app.request('/api/openapi.json')).json()) as {
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody: {
              content: Record<string, { schema: { oneOf: { items: { required: string[] } }[] } }>;
            };
          }
        >
      >;
    };
    const json = doc.paths['/api/feeds/{feed}'].post.requestBody.content['application/json'].schema;
    expect(json.oneOf[0].items.required).toEqual(required);
  });
});
