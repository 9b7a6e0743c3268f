// The OpenAPI document against real answers, as an integrator would use it: every answer of the routes below
// validates against its declared schema (ajv, JSON Schema 2020-12), and a client generated from the document with
// openapi-typescript type-checks (tsc --strict) against those same real answers.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { fixtureApp, fixtureStore, pushHeaders, Q1, signedIn } from './helpers.ts';

let db: Db;
let f: Awaited<ReturnType<typeof fixtureApp>>;
beforeAll(async () => {
  db = await fixtureStore();
  f = await fixtureApp(db, { IOC_DATA_DIR: mkdtempSync(join(tmpdir(), 'ioc-oa-')) });
});
afterAll(() => db.close());

type Op = { responses: Record<string, { content?: Record<string, { schema: object }> }> };
type Doc = { paths: Record<string, Record<string, Op>> };

describe('the OpenAPI document against real answers', () => {
  it('answers validate against their schemas, and a generated client type-checks against them', async () => {
    const doc = (await (await f.app.request('/api/openapi.json')).json()) as Doc;
    const admin = await signedIn(f.auth, ['admin', 'leader']);
    const asAdmin = { ...admin.headers, 'x-csrf-token': admin.csrf };
    const push = await pushHeaders(f.auth);
    const json = { 'content-type': 'application/json' };
    // [method, document path, url, headers, body]
    const calls: [string, string, string, Record<string, string>?, string?][] = [
      ['GET', '/api/health', '/api/health'],
      ['GET', '/api/config', '/api/config'],
      ['GET', '/api/auth/me', '/api/auth/me', asAdmin],
      ['GET', '/api/kpis', '/api/kpis'],
      ['GET', '/api/kpis/{id}', `/api/kpis/services.ontime_rate?${Q1}`],
      ['GET', '/api/kpis/{id}/breakdown', `/api/kpis/services.ontime_rate/breakdown?by=agency&${Q1}`],
      ['GET', '/api/kpis/{id}/records', `/api/kpis/direction.documents_total/records?${Q1}`],
      ['GET', '/api/index766', `/api/index766?${Q1}`],
      ['GET', '/api/subsystems', `/api/subsystems?${Q1}`],
      ['GET', '/api/units', '/api/units'],
      ['GET', '/api/agencies', '/api/agencies'],
      ['GET', '/api/geo/units', '/api/geo/units?level=district'],
      ['GET', '/api/feeds', '/api/feeds'],
      ['GET', '/api/feeds/contract', '/api/feeds/contract'],
      ['GET', '/api/feeds/rejects', '/api/feeds/rejects', asAdmin],
      ['GET', '/api/feeds/deliveries', '/api/feeds/deliveries', asAdmin],
      [
        'POST',
        '/api/feeds/{feed}',
        '/api/feeds/documents',
        push,
        'id,direction,agency_code,at,digitally_signed\nOC1,out,SNV,2021-03-01T08:00:00+07:00,true\n',
      ],
      ['GET', '/api/admin/users', '/api/admin/users', asAdmin],
      [
        'POST',
        '/api/admin/users',
        '/api/admin/users',
        { ...asAdmin, ...json },
        JSON.stringify({ username: 'oa.user', displayName: 'OA', roles: ['analyst'] }),
      ],
      ['GET', '/api/admin/roles', '/api/admin/roles', asAdmin],
      ['GET', '/api/admin/devices', '/api/admin/devices', asAdmin],
      [
        'POST',
        '/api/admin/devices',
        '/api/admin/devices',
        { ...asAdmin, ...json },
        JSON.stringify({ name: 'Wall', playlist: 'slides=overview' }),
      ],
      ['GET', '/api/admin/sources', '/api/admin/sources', asAdmin],
      [
        'POST',
        '/api/admin/sources',
        '/api/admin/sources',
        { ...asAdmin, ...json },
        JSON.stringify({ name: 'DMS', feeds: ['documents'] }),
      ],
      ['GET', '/api/admin/audit', '/api/admin/audit', asAdmin],
      ['GET', '/api/admin/audit/verify', '/api/admin/audit/verify', asAdmin],
      ['GET', '/api/ops/backups', '/api/ops/backups', asAdmin],
      ['GET', '/api/ops/deliveries', '/api/ops/deliveries', asAdmin],
    ];
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
    ajv.addFormat('binary', () => true);
    const answers: { path: string; method: string; status: number; body: unknown }[] = [];
    for (const [method, path, url, headers = {}, body] of calls) {
      const res = await f.app.request(url, { method, headers, body });
      const op = doc.paths[path]?.[method.toLowerCase()];
      expect(op, `${method} ${path} is in the document`).toBeDefined();
      expect(Object.keys(op.responses), `${method} ${url} answered ${res.status}`).toContain(
        String(res.status),
      );
      expect(res.status, `${method} ${url}`).toBeLessThan(300);
      const schema = op.responses[String(res.status)].content?.['application/json']?.schema;
      expect(schema, `${method} ${path}: a JSON schema`).toBeDefined();
      const answer = await res.json();
      expect(ajv.validate(schema as object, answer), `${method} ${url}: ${ajv.errorsText()}`).toBe(true);
      answers.push({ path, method: method.toLowerCase(), status: res.status, body: answer });
    }

    // The generated client: each real answer assigned to its generated response type, checked by tsc --strict.
    const types = astToString(await openapiTS(doc as never));
    const dir = mkdtempSync(join(tmpdir(), 'ioc-oa-client-'));
    writeFileSync(join(dir, 'api.ts'), types);
    const lines = answers.map(
      (a, i) =>
        `export const a${i}: paths[${JSON.stringify(a.path)}][${JSON.stringify(a.method)}]['responses'][${a.status}]['content']['application/json'] = ${JSON.stringify(a.body)};`,
    );
    // And a use a client would make: a typed field read, with no cast.
    lines.push(
      `export const v: number | null = a4.value;`,
      `export const rows: number = a5.rows.length;`,
      `export const accepted: number = a16.accepted;`,
    );
    writeFileSync(join(dir, 'client.ts'), `import type { paths } from './api';\n${lines.join('\n')}\n`);
    const program = ts.createProgram([join(dir, 'client.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      skipLibCheck: true,
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n').slice(0, 300));
    expect(problems).toEqual([]);
  });
});
