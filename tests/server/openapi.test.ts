// The OpenAPI document validates (swagger-parser), names every route the app serves under /api, and the docs page
// loads its script from our origin.
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { fixtureApp, fixtureStore } from './helpers.ts';

let db: Db;
let app: Awaited<ReturnType<typeof fixtureApp>>['app'];
beforeAll(async () => {
  db = await fixtureStore({ feeds: false });
  app = (await fixtureApp(db)).app;
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
});
