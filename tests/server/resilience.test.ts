// Resilience: the archive of folder deliveries, the query budget, backup and restore while serving, and kill -9 of
// the real server in the middle of a large pushed delivery (wholly present or wholly absent; the store opens; a
// rebuild from the archive gives the same KPI values). Reads keep being answered while the delivery loads.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { audit, verifyAudit } from '../../server/auth/audit.ts';
import { Auth } from '../../server/auth/service.ts';
import { Db, QueryTimeoutError } from '../../server/db/index.ts';
import { parseEnv } from '../../server/env.ts';
import { exportView } from '../../server/export/index.ts';
import { listDeliveries, loadFiles } from '../../server/feeds/folder.ts';
import { loadDelivery } from '../../server/feeds/loader.ts';
import { getKpi } from '../../server/kpis/service.ts';
import { backupsDir, inspectStore } from '../../server/ops/backup.ts';
import { loadReferenceIfPresent, openStore, registryFrom } from '../../server/store.ts';
import { FIXTURES, Q1 } from './helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const ROWS = 200_000;
const TRIALS = 10;

/** The one place a test push is made (the feed-source token is the access layer's requirement). */
async function push(url: string, body: Buffer, token?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    body: new Uint8Array(body),
    headers: { 'Content-Type': 'text/csv', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
  });
}

/**
 * A free port below the kernel's ephemeral range (32768–60999 here): a server this test kills and restarts on the
 * same port must not find it taken meanwhile by another test's `listen(0)` or by an outgoing connection.
 */
async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const ok = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
}

function dataDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, 'reference'));
  for (const f of readdirSync(join(FIXTURES, 'reference')))
    copyFileSync(join(FIXTURES, 'reference', f), join(dir, 'reference', f));
  return dir;
}

/** A documents delivery of `rows` records whose ids start with `prefix` (CSV, written by DuckDB). */
async function documentsCsv(path: string, prefix: string, rows: number): Promise<void> {
  const inst = await DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  await c.run(`COPY (SELECT '${prefix}-' || i AS id, CASE WHEN i % 2 = 0 THEN 'out' ELSE 'in' END AS direction,
      CASE WHEN i % 3 = 0 THEN 'SNV' ELSE 'STP' END AS agency_code,
      strftime(TIMESTAMP '2021-01-01 08:00' + to_minutes(i % 500000), '%d/%m/%Y %H:%M') AS "at",
      CASE WHEN i % 5 = 0 THEN 'không' ELSE 'có' END AS digitally_signed, 'Văn bản số ' || i AS subject
    FROM range(${rows}) t(i)) TO '${path}' (HEADER, DELIMITER ',')`);
  c.closeSync();
  inst.closeSync();
}

interface Server {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

async function startServer(dir: string, port: number, extra: Record<string, string> = {}): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/index.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      IOC_DEMO: 'false',
      IOC_LIVE: 'false',
      IOC_DATA_DIR: dir,
      IOC_DB: join(dir, 'ioc.duckdb'),
      PORT: String(port),
      HOST: '127.0.0.1',
      ...extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (d) => {
    log += d;
  });
  child.stderr?.on('data', (d) => {
    log += d;
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`server exited: ${log}`);
    try {
      // Ours, not another test's server on the port: it accepts the operator token this data dir holds.
      const token = readFileSync(join(dir, 'run', 'ops.token'), 'utf8').trim();
      const r = await fetch(`${url}/api/ops/backups`, { headers: { Authorization: `Bearer ${token}` } });
      if (r.ok) return { child, url, exited };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not start: ${log}`);
}

describe('query budget', () => {
  it('interrupts a query past IOC_QUERY_TIMEOUT_MS with QueryTimeoutError; the connection stays usable', async () => {
    const db = await Db.open({ path: ':memory:', queryTimeoutMs: 150, poolSize: 1 });
    const t0 = performance.now();
    const err = await db
      .query('SELECT count(*) AS n FROM range(100000000000) t(i) WHERE i % 7 = 3')
      .catch((e) => e);
    const ms = performance.now() - t0;
    expect(err).toBeInstanceOf(QueryTimeoutError);
    expect(err.status).toBe(503);
    expect(err.message).toBe('query timed out');
    expect(ms).toBeLessThan(3000);
    // The same (only) pool connection answers the next query.
    expect(await db.query('SELECT 42 AS x')).toEqual([{ x: 42 }]);
    // A query within budget is untouched; a per-call budget of 0 means none.
    expect(await db.query('SELECT count(*) AS n FROM range(1000)', {}, { timeoutMs: 0 })).toEqual([
      { n: 1000 },
    ]);
    db.close();
  });
});

describe('archive of folder deliveries', () => {
  it('keeps each accepted file once, read-only, named by content hash, recorded with the delivery', async () => {
    const dir = dataDir('ioc-arch-');
    const archiveDir = join(dir, 'archive');
    const db = await openStore(parseEnv({ IOC_DB: ':memory:' }));
    await loadReferenceIfPresent(db, FIXTURES);
    const files = listDeliveries([join(FIXTURES, 'feeds')]).files;
    // First without the archive (a store from before it), then with it: the duplicates get archived then.
    await loadFiles(db, files.slice(0, 1));
    const res = await loadFiles(db, files, undefined, 'file', { archiveDir });
    expect(res.failures).toEqual([]);
    const rows = await db.query<{ name: string; archive_path: string | null }>(
      `SELECT name, archive_path FROM deliveries WHERE status = 'loaded' ORDER BY id`,
    );
    expect(rows.length).toBe(files.length);
    for (const r of rows) {
      expect(r.archive_path).toMatch(/\/archive\/(documents|dossiers|payments|reports)\/[0-9a-f]{16}\.\w+$/);
      expect(statSync(r.archive_path!).mode & 0o777).toBe(0o444);
    }
    const count = () => readdirSync(archiveDir, { recursive: true }).filter((f) => /\.\w+$/.test(String(f)));
    const before = count().length;
    await loadFiles(db, files, undefined, 'file', { archiveDir }); // a re-delivery stores nothing twice
    expect(count().length).toBe(before);
    expect(before).toBe(files.length);
    db.close();
  });
});

describe('backup and restore while serving', () => {
  it('backs up between deliveries with the same row counts, restores by swapping the file, answers follow', {
    timeout: 60_000,
  }, async () => {
    const dir = dataDir('ioc-bk-');
    const env = parseEnv({ IOC_DB: join(dir, 'ioc.duckdb'), IOC_DATA_DIR: dir });
    const db = await openStore(env);
    await loadReferenceIfPresent(db, dir);
    await loadFiles(db, listDeliveries([join(FIXTURES, 'feeds')]).files);
    // The real app; the console's ops token (loopback only) is the admin credential the CLIs use.
    const OPS = 'ioc_ops_test-token-for-the-console';
    const auth = new Auth(db, env, { secret: 'test-secret-0123456789abcdefghijklmnop', opsToken: OPS });
    const ctx = {
      db,
      registry: await registryFrom(db),
      archiveDir: join(dir, 'archive'),
      startedAt: new Date(),
      auth,
    };
    const realApp = createApp(ctx, env);
    const src = await auth.accounts.createSource({ name: 'leaked', feeds: ['documents'], createdBy: 't' }); // in the backup
    const app = {
      request: (url: string, init: RequestInit = {}) =>
        realApp.request(url, {
          ...init,
          headers: { ...(init.headers as object), authorization: `Bearer ${OPS}` },
        }),
    };
    expect((await realApp.request('/api/ops/backups')).status).toBe(403); // demo mode: the visitor is no admin…
    expect((await realApp.request('/api/ops/backup', { method: 'POST' })).status).toBe(403); // …and cannot back up
    const docs = async () => (await db.query<{ n: number }>('SELECT count(*) AS n FROM documents'))[0].n;
    const total = async () =>
      (await getKpi(ctx, 'direction.documents_total', { from: '2021-01-01', to: '2021-03-31' }, {})).value;
    const n0 = await docs();
    const v0 = await total();

    // A large delivery loading while the backup is asked for: the backup lands wholly before or after it.
    const big = join(dir, 'in', 'documents', 'big.csv');
    mkdirSync(join(dir, 'in', 'documents'), { recursive: true });
    await documentsCsv(big, 'BK', 100_000);
    const loading = loadDelivery(db, {
      feed: 'documents',
      path: big,
      name: 'big.csv',
      format: 'csv',
      source: 'test',
    });
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    const res = await app.request('/api/ops/backup', { method: 'POST' });
    const backupMs = performance.now() - t0;
    expect(res.status).toBe(200);
    const b = (await res.json()) as {
      name: string;
      path?: string;
      bytes: number;
      rows: Record<string, number>;
    };
    await loading;
    expect(b.name).toMatch(/^ioc-\d{8}-\d{6}\.duckdb$/);
    expect(b.path).toBeUndefined(); // no server path in an answer
    const backupPath = join(backupsDir(dir), b.name);
    const inBackup = await inspectStore(backupPath);
    expect(inBackup).toEqual(b.rows);
    expect([n0, n0 + 100_000]).toContain(inBackup.documents);
    expect(statSync(backupPath).mode & 0o777).toBe(0o444);
    console.log(
      `backup while loading: ${Math.round(backupMs)} ms, ${b.bytes} bytes, documents ${inBackup.documents}`,
    );

    // A streamed export stops its query when the reader goes (a client disconnecting cancels the body).
    const dl = await exportView(ctx, {
      id: 'direction.documents_total',
      range: { from: '2021-01-01', to: '2021-12-31' },
      filters: {},
      format: 'csv',
      view: 'records',
      part: 'numerator',
      lang: 'en',
      csvStyle: 'standard',
    });
    const reader = dl.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    expect(db.ownConnections).toBe(1);
    await reader.cancel();
    expect(db.ownConnections).toBe(0);

    // The list; then a restore refuses paths and unknown names.
    const list = (await (await app.request('/api/ops/backups')).json()) as { backups: { name: string }[] };
    expect(list.backups.map((x) => x.name)).toContain(b.name);
    const post = (body: unknown) =>
      app.request('/api/ops/restore', {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'Content-Type': 'application/json' },
      });
    expect((await post({ name: '../ioc.duckdb' })).status).toBe(400);
    expect((await post({ name: 'ioc-19990101-000000.duckdb' })).status).toBe(404);

    // After the delivery the store has more; restoring the backup brings the counts and the answers back.
    expect(await docs()).toBe(n0 + 100_000);
    expect(await total()).not.toBe(v0);
    await audit(db, { actor: 'someone', actorKind: 'user', action: 'export', outcome: 'ok' }); // after the backup
    // Access changed after the backup stays as it is now: a new user stays, a revoked source stays revoked.
    await auth.accounts.createUser({ username: 'after.backup', displayName: 'A', roles: ['leader'] });
    await auth.accounts.revoke('src', src.id);
    const r = await post({ name: b.name });
    expect(r.status).toBe(200);
    expect(await auth.accounts.userByName('after.backup')).toBeDefined();
    const push = await realApp.request('/api/feeds/documents', {
      method: 'POST',
      headers: { authorization: `Bearer ${src.token}`, 'content-type': 'text/csv' },
      body: 'id\n',
    });
    expect(push.status).toBe(401); // revoked after the backup: still revoked
    // The audit log is not rolled back with the data: later entries are carried over, the chain stays intact.
    const actions = (await db.query<{ action: string }>('SELECT action FROM audit_log ORDER BY seq')).map(
      (x) => x.action,
    );
    expect(actions).toEqual(['ops.backup', 'export', 'ops.restore', 'auth.token_refused']);
    expect((await verifyAudit(db)).brokenAt).toBeNull();
    const restored = (await r.json()) as { keptAs: string; rows: Record<string, number> };
    expect(await docs()).toBe(inBackup.documents);
    expect(restored.rows.documents).toBe(inBackup.documents);
    if (inBackup.documents === n0) expect(await total()).toBe(v0);
    expect(existsSync(join(dir, 'backups', restored.keptAs))).toBe(true);
    // The restored store takes deliveries again (its sequence came back with it).
    const again = await loadDelivery(db, {
      feed: 'documents',
      path: big,
      name: 'big.csv',
      format: 'csv',
      source: 'test',
    });
    expect(again.accepted + (again.duplicateDelivery ? 100_000 : 0)).toBe(100_000);
    db.close();
  });

  it('the CLIs back up and restore the store file directly when no server answers', {
    timeout: 60_000,
  }, async () => {
    const dir = dataDir('ioc-bkcli-');
    const env = parseEnv({ IOC_DB: join(dir, 'ioc.duckdb'), IOC_DATA_DIR: dir });
    const db = await openStore(env);
    await loadReferenceIfPresent(db, dir);
    await loadFiles(db, listDeliveries([join(FIXTURES, 'feeds')]).files);
    const n0 = (await db.query<{ n: number }>('SELECT count(*) AS n FROM documents'))[0].n;
    db.close();
    const port = await freePort();
    const cli = (script: string, args: string[] = []) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', join(ROOT, 'server/cli', script), ...args],
          {
            cwd: ROOT,
            env: { ...process.env, IOC_DATA_DIR: dir, IOC_DB: join(dir, 'ioc.duckdb'), PORT: String(port) },
          },
        );
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
        });
        child.stderr.on('data', (d) => {
          out += d;
        });
        child.on('exit', (code) => resolve({ code, out }));
      });
    const bk = await cli('backup.ts');
    expect(bk.code, bk.out).toBe(0);
    expect(bk.out).toMatch(/directly/);
    const name = readdirSync(join(dir, 'backups')).find((n) => /^ioc-\d{8}-\d{6}\.duckdb$/.test(n))!;
    // Change the store, then restore.
    const db2 = await openStore(env);
    await db2.exec(`DELETE FROM documents`);
    db2.close();
    const rs = await cli('restore.ts', [name]);
    expect(rs.code, rs.out).toBe(0);
    const db3 = await openStore(env);
    expect((await db3.query<{ n: number }>('SELECT count(*) AS n FROM documents'))[0].n).toBe(n0);
    db3.close();
    expect((await cli('restore.ts', ['../../etc/passwd'])).code).toBe(1);
  });
});

describe('crash safety of the server', () => {
  it(`kill -9 during a ${ROWS}-row push, ${TRIALS} times: wholly present or absent; reads served; rebuild agrees`, {
    timeout: 240_000,
  }, async () => {
    const dir = dataDir('ioc-kill-');
    const port = await freePort();
    const body = async (prefix: string) => {
      const p = join(dir, 'gen', `${prefix}.csv`);
      mkdirSync(join(dir, 'gen'), { recursive: true });
      await documentsCsv(p, prefix, ROWS);
      return readFileSync(p);
    };
    let server: Server | undefined = await startServer(dir, port);
    const ops = readFileSync(join(dir, 'run', 'ops.token'), 'utf8').trim();
    const src = await fetch(`${server.url}/api/admin/sources`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ops}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'crash test', feeds: ['documents'] }),
    });
    expect(src.status).toBe(201);
    const token = ((await src.json()) as { token: string }).token;

    // A full delivery first: how long it takes, and reads answered meanwhile.
    const first = await body('T0');
    const kpi = `${server.url}/api/kpis/direction.documents_total?${Q1}`;
    await fetch(kpi); // warm
    const t0 = performance.now();
    const pushing = push(`${server.url}/api/feeds/documents`, first, token);
    const latencies: number[] = [];
    let done = false;
    void pushing.finally(() => {
      done = true;
    });
    while (!done) {
      const s = performance.now();
      const r = await fetch(`${kpi}&agency=SNV&x=${latencies.length}`); // a new key each time: not a cached answer
      expect(r.status).toBe(200);
      await r.json();
      latencies.push(performance.now() - s);
      await new Promise((r) => setTimeout(r, 100));
    }
    const report = (await (await pushing).json()) as { accepted: number };
    const full = performance.now() - t0;
    expect(report.accepted).toBe(ROWS);
    expect(Math.max(...latencies)).toBeLessThan(2000);

    const outcomes: string[] = [];
    const landed: number[] = [];
    for (let i = 1; i <= TRIALS; i++) {
      const content = await body(`T${i}`);
      if (!server) server = await startServer(dir, port);
      // Spread over 1.6 × the full push: a freshly started server is slower than the warm one measured, and the
      // late kills must also catch deliveries that have committed.
      const moment = Math.round((1.6 * full * (i - 1 + Math.random())) / TRIALS);
      const p = push(`${server.url}/api/feeds/documents`, content, token).catch(() => undefined);
      await new Promise((r) => setTimeout(r, moment));
      const before = server.child.exitCode;
      server.child.kill('SIGKILL');
      await server.exited;
      await p;
      server = undefined;
      // The store opens (recovering from its log) and holds the delivery wholly or not at all, once.
      const db = await openStore(parseEnv({ IOC_DB: join(dir, 'ioc.duckdb') }));
      const [{ n, u }] = await db.query<{ n: number; u: number }>(
        `SELECT count(*) AS n, count(DISTINCT id) AS u FROM documents WHERE id LIKE $p`,
        { p: `T${i}-%` },
      );
      const [{ all, allU }] = await db.query<{ all: number; allU: number }>(
        `SELECT count(*) AS "all", count(DISTINCT id) AS "allU" FROM documents`,
      );
      const [{ d }] = await db.query<{ d: number }>(
        `SELECT count(*) AS d FROM deliveries WHERE status = 'loaded' AND accepted = ${ROWS}`,
      );
      db.close();
      expect([0, ROWS]).toContain(n);
      expect(u).toBe(n);
      expect(allU).toBe(all);
      if (n > 0) landed.push(i);
      expect(d).toBe(1 + landed.length);
      outcomes.push(
        `#${i} kill at ${moment} ms${before !== null ? ' (already exited)' : ''}: ${n ? 'present' : 'absent'} (${n} rows, ${all} in all)`,
      );
    }
    // The server starts on the store after the last kill; SIGTERM in the middle of a push lets it finish, then
    // checkpoints, closes and exits 0.
    server = await startServer(dir, port);
    const h = (await (await fetch(`${server.url}/api/health`)).json()) as { status: string };
    expect(h.status).toBe('ok');
    const last = await body('TERM');
    const pl = push(`${server.url}/api/feeds/documents`, last, token);
    await new Promise((r) => setTimeout(r, full / 3));
    server.child.kill('SIGTERM');
    const termReport = (await (await pl).json()) as { accepted: number };
    expect(termReport.accepted).toBe(ROWS);
    expect(await server.exited).toBe(0);
    const after = await openStore(parseEnv({ IOC_DB: join(dir, 'ioc.duckdb') }));
    expect(
      (await after.query<{ n: number }>(`SELECT count(*) AS n FROM documents WHERE id LIKE 'TERM-%'`))[0].n,
    ).toBe(ROWS);
    after.close();

    // Rebuild from the archive (server stopped: the old store is read read-only) gives the same KPIs and rows.
    const tr = performance.now();
    const rb = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/cli/rebuild.ts')], {
        cwd: ROOT,
        env: { ...process.env, IOC_DATA_DIR: dir, IOC_DB: join(dir, 'ioc.duckdb'), PORT: String(port) },
      });
      let out = '';
      child.stdout.on('data', (x) => {
        out += x;
      });
      child.stderr.on('data', (x) => {
        out += x;
      });
      child.on('exit', (code, signal) => resolve({ code, out: `${out}[exit ${code ?? signal}]` }));
    });
    const rebuildMs = performance.now() - tr;
    expect(rb.out).toMatch(/no differences/);
    expect(rb.code, rb.out).toBe(0);
    console.log(
      `crash trials (full push ${Math.round(full)} ms, reads during it max ${Math.round(Math.max(...latencies))} ms ` +
        `over ${latencies.length}):\n  ${outcomes.join('\n  ')}\nrebuild ${Math.round(rebuildMs)} ms:\n${rb.out}`,
    );
  });
});
