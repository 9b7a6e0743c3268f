// The API through app.request() against a real DuckDB: shapes, status codes, validation, and SQL in
// parameters changing nothing.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../server/app.ts';
import type { Db } from '../../server/db/index.ts';
import { parseEnv } from '../../server/env.ts';
import { fixtureApp, fixtureStore, getJson, pushHeaders, Q1, signedIn } from './helpers.ts';

let db: Db;
let app: Awaited<ReturnType<typeof fixtureApp>>['app'];
let push: Record<string, string>;
let operator: Record<string, string>;
beforeAll(async () => {
  db = await fixtureStore();
  const f = await fixtureApp(db, { IOC_MAX_BODY: '2048' });
  app = f.app;
  push = await pushHeaders(f.auth);
  operator = (await signedIn(f.auth, ['operator'])).headers;
});
afterAll(() => db.close());

describe('read routes', () => {
  it('GET /api/health', async () => {
    const r = await getJson(app, '/api/health');
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('ok');
  });

  it('GET /api/kpis/:id answers value, comparisons, status and freshness', async () => {
    const r = await getJson(app, `/api/kpis/direction.signed_rate?${Q1}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      id: 'direction.signed_rate',
      unit: 'percent',
      numerator: 2,
      denominator: 3,
      target: 100,
      status: 'bad',
      stale: true,
      samePeriodLastYear: { from: '2020-01-01', to: '2020-03-31', numerator: 1, denominator: 1, value: 100 },
    });
    expect(r.body.asOf).toBe('2021-03-31T17:00:00.000Z');
  });

  it('GET /api/subsystems lists the 12 subsystems with headline KPIs', async () => {
    const r = await getJson<{ subsystems: { id: string; headline: unknown[] }[] }>(
      app,
      `/api/subsystems?${Q1}`,
    );
    expect(r.body.subsystems.map((s) => s.id)).toEqual([
      'direction',
      'services',
      'index766',
      'payments',
      'reporting',
      'economy',
      'health',
      'education',
      'environment',
      'security',
      'digital',
      'rankings',
    ]);
    expect(r.body.subsystems[0].headline).toHaveLength(3);
  });

  it('GET /api/subsystems with a sector filter: dossier KPIs take it, reported indicators say they ignore it', async () => {
    type S = {
      subsystems: {
        id: string;
        headline: { id: string; value: number; filters: object; ignoredFilters?: string[] }[];
      }[];
    };
    const r = await getJson<S>(app, `/api/subsystems?${Q1}&sector=tu_phap`);
    expect(r.status).toBe(200);
    const kpi = (id: string) => r.body.subsystems.flatMap((s) => s.headline).find((k) => k.id === id)!;
    expect(kpi('services.dossiers_received')).toMatchObject({ value: 3, filters: { sector: 'tu_phap' } }); // S2 S3 S4
    expect(kpi('services.dossiers_received').ignoredFilters).toBeUndefined();
    expect(kpi('economy.budget_revenue')).toMatchObject({
      value: 300,
      filters: {},
      ignoredFilters: ['sector'],
    });
  });

  it('breakdown, records and the registry', async () => {
    const b = await getJson<{ rows: { key: string; value: number }[] }>(
      app,
      `/api/kpis/direction.documents_total/breakdown?${Q1}&by=agency`,
    );
    expect(Object.fromEntries(b.body.rows.map((x) => [x.key, x.value]))).toEqual({
      SNV: 4,
      STP: 1,
      'UBND-227': 1,
      'UBND-08001': 1,
    });
    const rec = await getJson<{ total: number; rows: { id: string }[] }>(
      app,
      `/api/kpis/direction.documents_total/records?${Q1}&limit=2&offset=0`,
    );
    expect(rec.body.total).toBe(7);
    expect(rec.body.rows.map((x) => x.id)).toEqual(['D06', 'D05']); // newest first
    const reg = await getJson<{ kpis: { id: string }[] }>(app, '/api/kpis');
    expect(reg.body.kpis.map((k) => k.id)).toContain('digital.signatures_issued');
    const units = await getJson<{ units: unknown[] }>(app, '/api/units');
    expect(units.body.units).toHaveLength(6);
  });

  it('GET /api/feeds reports rows and freshness per feed', async () => {
    const r = await getJson<{ feeds: { feed: string; rows: number; stale: boolean }[] }>(app, '/api/feeds');
    expect(r.body.feeds.find((f) => f.feed === 'documents')).toMatchObject({ rows: 11, stale: true });
  });
});

describe('errors', () => {
  it('400 for bad parameters, 404 for an unknown KPI, JSON without internals', async () => {
    expect((await getJson(app, '/api/kpis/direction.documents_total?from=2021-02-30')).status).toBe(400);
    expect(
      (await getJson(app, '/api/kpis/direction.documents_total?from=2021-05-01&to=2021-01-01')).status,
    ).toBe(400);
    expect((await getJson(app, `/api/kpis/direction.documents_total/breakdown?${Q1}&by=colour`)).status).toBe(
      400,
    );
    expect(
      (await getJson(app, `/api/kpis/direction.documents_total?${Q1}&procedure=1.001`)).body.error,
    ).toMatch(/does not apply/);
    const nf = await getJson(app, '/api/kpis/direction.nothing');
    expect(nf.status).toBe(404);
    expect(JSON.stringify(nf.body)).not.toMatch(/at .*\.ts/);
    expect((await getJson(app, '/api/nowhere')).status).toBe(404);
  });

  it('SQL in parameters is refused or treated as a literal, and changes nothing', async () => {
    const before = (await db.query<{ n: number }>('SELECT count(*) AS n FROM documents'))[0].n;
    for (const evil of ["' OR 1=1 --", '25; DROP TABLE documents', "25' UNION SELECT 1 --"]) {
      const r = await getJson(
        app,
        `/api/kpis/direction.documents_total?${Q1}&unit=${encodeURIComponent(evil)}`,
      );
      expect(r.status).toBe(400);
      const k = await getJson(app, `/api/kpis/${encodeURIComponent(evil)}`);
      expect([400, 404]).toContain(k.status);
    }
    // A syntactically valid but unknown code is refused by name (a 0 would look like a real zero).
    const lit = await getJson(app, `/api/kpis/direction.documents_total?${Q1}&agency=SNV--`);
    expect(lit.status).toBe(400);
    expect(lit.body.error).toBe('unknown agency SNV--');
    expect((await db.query<{ n: number }>('SELECT count(*) AS n FROM documents'))[0].n).toBe(before);
  });

  it('sets secure headers with a CSP allowing nothing external', async () => {
    const res = await app.request('/api/health');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('POST /api/feeds/:feed', () => {
  const post = (feed: string, body: string, type = 'text/csv') =>
    app.request(`/api/feeds/${feed}`, { method: 'POST', body, headers: { ...push, 'content-type': type } });

  it('loads a pushed CSV and answers the load report with rejects', async () => {
    const res = await post(
      'documents',
      'id,direction,agency_code,at,digitally_signed\nH1,out,SNV,2021-02-02T08:00:00+07:00,true\nH2,out,ZZZ,2021-02-02,true\n',
    );
    expect(res.status).toBe(200);
    const r = await res.json();
    expect(r).toMatchObject({
      accepted: 1,
      rejected: 1,
      stale: 0,
      duplicateDelivery: false,
      ignoredColumns: [],
    });
    expect(r.errors[0]).toMatchObject({
      line: 3,
      field: 'agency_code',
      value: 'ZZZ',
      reason: 'unknown agency_code ZZZ',
    });
    const k = await getJson(app, `/api/kpis/direction.documents_total?${Q1}`);
    expect(k.body.value).toBe(8); // the pushed document counts at once (cache keyed by data version)
    const rej = await app.request('/api/feeds/rejects?feed=documents', { headers: operator });
    const rows = ((await rej.json()) as { rows: { value: string; source: string }[] }).rows;
    expect(rows[0].value).toBe('ZZZ');
    expect(rows[0].source).toBe('source:test-source'); // the delivery records which source sent it
  });

  it('answers 4xx for an unreadable body, a missing column, an unknown type, an unknown feed, a too large body', async () => {
    expect((await post('documents', '{"a":', 'application/json')).status).toBe(400);
    const missing = await post('documents', 'id,direction\nX,out\n');
    expect(missing.status).toBe(422);
    expect((await missing.json()).error).toMatch(/missing column agency_code/);
    expect((await post('documents', 'x', 'text/plain')).status).toBe(415);
    expect((await post('weather', 'x')).status).toBe(400);
    expect((await post('documents', `id\n${'x'.repeat(5000)}\n`)).status).toBe(413);
  });
});

describe('answer cache', () => {
  it('a delivery of one feed refreshes the answers that read it, and only those', async () => {
    const { app: a, db: store, auth } = await fixtureApp(await fixtureStore());
    const headers = await pushHeaders(auth);
    const docs = await getJson(a, `/api/kpis/direction.documents_total?${Q1}`);
    expect((await getJson(a, `/api/kpis/security.traffic_accidents?${Q1}`)).body.value).toBe(15);
    const before = store.versionOf(['reports']);
    await a.request('/api/feeds/documents', {
      method: 'POST',
      headers,
      body: 'id,direction,agency_code,at,digitally_signed\nC9,out,SNV,2021-03-02T08:00:00+07:00,true\n',
    });
    expect(store.versionOf(['reports'])).toBe(before); // reported indicators stay cached
    expect((await getJson(a, `/api/kpis/direction.documents_total?${Q1}`)).body.value).toBe(
      (docs.body.value as number) + 1,
    );
    await a.request('/api/feeds/reports', {
      method: 'POST',
      headers,
      body: 'id,indicator_code,unit_code,period,value,submitted_at\nT9,traffic_accidents,238,2021-02,7,2021-03-05\n',
    });
    expect((await getJson(a, `/api/kpis/security.traffic_accidents?${Q1}`)).body.value).toBe(22); // 15 + 7
    store.close();
  });
});

describe('answer cache and the clock', () => {
  it('the minute turning runs no query again: figures stay cached, staleness follows the clock', async () => {
    const { app: a, db: store } = await fixtureApp(await fixtureStore());
    const [{ newest }] = await store.query<{ newest: string }>(
      `SELECT CAST(max("at") AS VARCHAR) AS newest FROM documents`,
    );
    const url = `/api/kpis/direction.documents_total?${Q1}`;
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date(newest).getTime() + 3_600_000); // an hour after the newest document: fresh
      const fresh = await getJson(a, url);
      expect(fresh.body.stale).toBe(false);
      let queries = 0;
      const query = store.query.bind(store);
      store.query = ((...args: Parameters<Db['query']>) => {
        queries++;
        return query(...args);
      }) as Db['query'];
      vi.setSystemTime(new Date(newest).getTime() + 3 * 3_600_000); // other minutes, still within the day's cadence
      expect((await getJson(a, url)).body).toEqual(fresh.body);
      vi.setSystemTime(new Date(newest).getTime() + 25 * 3_600_000); // past the documents' 24 h cadence
      const later = await getJson(a, url);
      expect(later.body.stale).toBe(true);
      expect(later.body.value).toBe(fresh.body.value);
      expect(queries).toBe(0);
    } finally {
      vi.useRealTimers();
      store.close();
    }
  });
});

describe('request deadline', () => {
  it('a read past IOC_REQUEST_TIMEOUT_MS answers 503 at the deadline; an export is not cut', async () => {
    const { app: a, db: store } = await fixtureApp(await fixtureStore(), { IOC_REQUEST_TIMEOUT_MS: '150' });
    const query = store.query.bind(store);
    let delay = 1500; // every query slower than the deadline
    store.query = (async (...args: Parameters<Db['query']>) => {
      await new Promise((r) => setTimeout(r, delay));
      return query(...args);
    }) as Db['query'];
    try {
      const t0 = performance.now();
      const r = await a.request(`/api/kpis/direction.signed_rate?${Q1}`);
      const ms = performance.now() - t0;
      expect([r.status, await r.json()]).toEqual([503, { error: 'request timed out' }]);
      expect(ms).toBeLessThan(1200); // answered at the deadline, not when the queries end
      delay = 200; // still past the deadline, several queries in a row
      const x = await a.request(
        `/api/kpis/direction.signed_rate/export?format=csv&view=breakdown&by=agency&${Q1}`,
      );
      expect(x.status).toBe(200);
      expect(await x.text()).toContain('SNV');
    } finally {
      store.close();
    }
  });
});

describe('serving the web app', () => {
  it('client routes get index.html; a missing asset and an unknown API path are 404s, not the app', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ioc-web-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>IOC</title>');
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
    const { ctx } = await fixtureApp(db);
    const web = createApp(ctx, parseEnv({ IOC_DB: ':memory:' }), { webDir: dir });
    const wall = await web.request('/wall');
    expect([wall.status, await wall.text()]).toEqual([200, '<!doctype html><title>IOC</title>']);
    expect((await web.request('/assets/app.js')).status).toBe(200);
    expect((await web.request('/assets/missing.js')).status).toBe(404);
    const api = await web.request('/api/nothing-here');
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('application/json');
  });
});
