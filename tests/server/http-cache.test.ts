// Answers over the wire: JSON carries an ETag (a polling wall gets 304 until the data changes) and is gzipped above
// 1 KB when the client accepts it; downloads are left alone; built assets go out precompressed (Brotli, gzip).
// Fixture: tests/fixtures (documents in Q1 2021); a pushed delivery changes the data version.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gunzipSync } from 'node:zlib';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import type { Db } from '../../server/db/index.ts';
import { parseEnv } from '../../server/env.ts';
import { fixtureApp, fixtureStore, pushHeaders, Q1, signedIn } from './helpers.ts';

/** A raw GET: the headers and bytes as sent (fetch would decompress). */
function raw(url: string, headers: Record<string, string> = {}) {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: Buffer;
  }>((resolve, reject) => {
    request(url, { headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (b: Buffer) => parts.push(b));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }),
      );
    })
      .on('error', reject)
      .end();
  });
}

let db: Db;
let f: Awaited<ReturnType<typeof fixtureApp>>;
let base: string;
let close: () => void;
const web = mkdtempSync(join(tmpdir(), 'ioc-web-'));
const SCRIPT = `console.log(${JSON.stringify('Trung tâm Điều hành '.repeat(200))});\n`;

beforeAll(async () => {
  db = await fixtureStore();
  f = await fixtureApp(db);
  mkdirSync(join(web, 'assets'));
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>IOC</title>');
  writeFileSync(join(web, 'assets', 'app-abc.js'), SCRIPT);
  writeFileSync(join(web, 'assets', 'app-abc.js.br'), brotliCompressSync(Buffer.from(SCRIPT)));
  const app = createApp(f.ctx, parseEnv({ IOC_DB: ':memory:' }), { webDir: web });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => {
  close();
  db.close();
});

describe('JSON answers', () => {
  it('carry an ETag: 304 while nothing changed, a new one after a delivery', async () => {
    const url = `${base}/api/subsystems?${Q1}`;
    const first = await raw(url);
    expect(first.status).toBe(200);
    const tag = String(first.headers.etag);
    expect(tag).toMatch(/^(W\/)?"/);
    expect(first.headers['cache-control']).toBe('no-cache');
    const again = await raw(url, { 'if-none-match': tag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const push = await f.app.request('/api/feeds/documents', {
      method: 'POST',
      headers: await pushHeaders(f.auth),
      body: 'id,direction,agency_code,at,digitally_signed\nET1,out,SNV,2021-02-01T08:00:00+07:00,true\n',
    });
    expect(push.status).toBe(200);
    const after = await raw(url, { 'if-none-match': tag });
    expect(after.status).toBe(200);
    expect(after.headers.etag).not.toBe(tag);
  });

  it('are gzipped above 1 KB when the client accepts gzip, and say so', async () => {
    const plain = await raw(`${base}/api/kpis`);
    const zipped = await raw(`${base}/api/kpis`, { 'accept-encoding': 'gzip' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.body.length).toBeLessThan(plain.body.length / 3);
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    // A small answer is sent as it is.
    const health = await raw(`${base}/api/health`, { 'accept-encoding': 'gzip' });
    expect(health.headers['content-encoding']).toBeUndefined();
  });

  it('downloads stream untouched: no ETag, no compression', async () => {
    const r = await raw(`${base}/api/kpis/direction.documents_total/export?format=csv&view=records&${Q1}`, {
      'accept-encoding': 'gzip',
    });
    expect(r.status).toBe(200);
    expect(r.headers.etag).toBeUndefined();
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(r.body.toString('utf8')).toContain('D01');
  });
});

describe('answers kept for the next asker', () => {
  it('never reach someone with other rights: a narrower scope or a missing permission still gets 403', async () => {
    const url = `${base}/api/kpis/direction.documents_total?${Q1}`;
    const leader = await signedIn(f.auth, ['leader']);
    const head = await signedIn(f.auth, ['department_head'], { units: ['227'] });
    const operator = await signedIn(f.auth, ['operator']);
    const a = await raw(url, leader.headers);
    const b = await raw(url, leader.headers); // kept
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body.equals(a.body)).toBe(true);
    expect((await raw(url, head.headers)).status).toBe(403); // province-wide: outside a district scope
    expect((await raw(url, operator.headers)).status).toBe(403); // no read permission
    expect((await raw(url)).status).toBe(200); // the demo visitor reads as a leader
    // Inside the scope, the scoped user's own answer (not the province's).
    const mine = await raw(`${url}&unit=227`, head.headers);
    expect(mine.status).toBe(200);
    expect(JSON.parse(mine.body.toString()).filters).toEqual({ unit: '227' });
  });

  it('follow the data: a delivery gives the next asker the new figure', async () => {
    const url = `${base}/api/kpis/direction.documents_total?${Q1}`;
    const before = JSON.parse((await raw(url)).body.toString()).value as number;
    const push = await f.app.request('/api/feeds/documents', {
      method: 'POST',
      headers: await pushHeaders(f.auth),
      body: 'id,direction,agency_code,at,digitally_signed\nKA1,out,SNV,2021-02-02T08:00:00+07:00,true\n',
    });
    expect(push.status).toBe(200);
    expect(JSON.parse((await raw(url)).body.toString()).value).toBe(before + 1);
  });
});

describe('built assets', () => {
  it('go out Brotli-compressed to a browser that accepts it, plain otherwise', async () => {
    const br = await raw(`${base}/assets/app-abc.js`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.body.length).toBeLessThan(SCRIPT.length / 5);
    expect(String(br.headers['cache-control'])).toContain('immutable');
    const plain = await raw(`${base}/assets/app-abc.js`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString('utf8')).toBe(SCRIPT);
  });
});
