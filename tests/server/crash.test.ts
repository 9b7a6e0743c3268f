// A real crash: kill -9 of a loading process at random moments. After each, the store opens and the
// delivery is wholly present or wholly absent, never half.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../server/env.ts';
import { loadDelivery } from '../../server/feeds/loader.ts';
import { loadReferenceIfPresent, openStore, removeUncommittedRows, UNCOMMITTED } from '../../server/store.ts';
import { FIXTURES } from './helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const ROWS = 400_000;

async function makeDelivery(dir: string): Promise<string> {
  const feedDir = join(dir, 'feeds', 'documents');
  mkdirSync(feedDir, { recursive: true });
  const path = join(feedDir, 'big.csv');
  const inst = await DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  await c.run(`COPY (SELECT 'K' || i AS id, CASE WHEN i % 2 = 0 THEN 'out' ELSE 'in' END AS direction,
      CASE WHEN i % 3 = 0 THEN 'SNV' ELSE 'STP' END AS agency_code,
      strftime(TIMESTAMP '2021-01-01 08:00' + to_minutes(i), '%d/%m/%Y %H:%M') AS "at",
      CASE WHEN i % 5 = 0 THEN 'không' ELSE 'có' END AS digitally_signed, 'Văn bản số ' || i AS subject
    FROM range(${ROWS}) t(i)) TO '${path}' (HEADER, DELIMITER ',')`);
  c.closeSync();
  return path;
}

function runLoad(dbFile: string, dataDir: string, file: string, killAfterMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/cli/load.ts'), file], {
      cwd: ROOT,
      env: { ...process.env, IOC_DB: dbFile, IOC_DATA_DIR: dataDir },
      stdio: 'ignore',
    });
    const t = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}

/** Rows whose delivery is not in the log as loaded, read before any repair (read-only: recovery in memory). */
async function uncommittedRows(dbFile: string): Promise<number> {
  if (!existsSync(dbFile)) return 0; // killed before the store was created
  const inst = await DuckDBInstance.create(dbFile, { access_mode: 'READ_ONLY' });
  const c = await inst.connect();
  try {
    // Killed before the migrations made the tables: nothing to count.
    const made = await c.runAndReadAll(`SELECT count(*) FROM duckdb_tables() WHERE table_name = 'documents'`);
    if (Number(made.getRows()[0][0]) === 0) return 0;
    const r = await c.runAndReadAll(`SELECT count(*) FROM documents WHERE ${UNCOMMITTED}`);
    return Number(r.getRows()[0][0]);
  } finally {
    c.closeSync();
    inst.closeSync();
  }
}

describe('opening a store after a crash', () => {
  it('removes rows no committed delivery names and keeps every delivered row', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ioc-orphans-'));
    const env = parseEnv({ IOC_DB: join(dir, 'ioc.duckdb') });
    const db = await openStore(env);
    const file = join(dir, 'feeds', 'documents', 'a.csv');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(
      file,
      'id,direction,agency_code,at,digitally_signed\nA1,in,SNV,2021-01-05T08:00:00+07:00,có\nA2,out,SNV,2021-01-06T08:00:00+07:00,không\n',
    );
    await loadReferenceIfPresent(db, FIXTURES);
    const r = await loadDelivery(db, {
      feed: 'documents',
      path: file,
      name: 'a.csv',
      format: 'csv',
      source: 'test',
    });
    expect(r.accepted).toBe(2);
    // What a cut-short transaction leaves when recovery brings its rows back: rows of delivery 999, never logged.
    await db.exec(
      `INSERT INTO documents SELECT * REPLACE ('Z' || id AS id, 999 AS delivery_id) FROM documents`,
    );
    await db.exec(`INSERT INTO payments (id, agency_code, unit_code, amount_vnd, paid_at, channel, status, delivery_id,
      loaded_at) VALUES ('P1', 'SNV', '25', 1000, now(), 'vneid', 'success', 998, now())`);
    db.close();
    const again = await openStore(env);
    const ids = await again.query<{ id: string }>('SELECT id FROM documents ORDER BY id');
    expect(ids.map((r) => r.id)).toEqual(['A1', 'A2']);
    expect((await again.query<{ n: number }>('SELECT count(*) AS n FROM payments'))[0].n).toBe(0);
    expect(await removeUncommittedRows(again)).toEqual({}); // nothing left to remove
    again.close();
  });
});

describe('crash safety', () => {
  it('kill -9 during a 400.000-row delivery leaves it wholly present or wholly absent', {
    timeout: 240_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ioc-crash-'));
    const file = await makeDelivery(dir);
    mkdirSync(join(dir, 'reference'));
    for (const t of ['units', 'agencies', 'procedures', 'indicators', 'targets']) {
      await import('node:fs/promises').then((fs) =>
        fs.copyFile(join(FIXTURES, 'reference', `${t}.csv`), join(dir, 'reference', `${t}.csv`)),
      );
    }
    const outcomes: string[] = [];
    // First an uninterrupted load, to know how long the delivery takes; then kills spread over that time
    // (start-up, staging, validation, upsert, commit), at random moments within each slice.
    const t0 = performance.now();
    expect(await runLoad(join(dir, 'store-full.duckdb'), dir, file, 120_000)).toBe(0);
    const full = performance.now() - t0;
    const moments = Array.from({ length: 8 }, (_, k) => Math.round((full * (k + Math.random())) / 8));
    for (const [i, ms] of moments.entries()) {
      const dbFile = join(dir, `store-${i}.duckdb`);
      const code = await runLoad(dbFile, dir, file, ms);
      // What recovery brought back before the store's own check (rows of no committed delivery) — then open it.
      const orphans = await uncommittedRows(dbFile);
      const db = await openStore(parseEnv({ IOC_DB: dbFile }));
      const [{ n }] = await db.query<{ n: number }>('SELECT count(*) AS n FROM documents');
      const [{ d }] = await db.query<{ d: number }>(
        `SELECT count(*) AS d FROM deliveries WHERE status = 'loaded'`,
      );
      const [{ u }] = await db.query<{ u: number }>('SELECT count(DISTINCT id) AS u FROM documents');
      db.close();
      outcomes.push(
        `${ms} ms: ${code === null ? 'killed' : `exit ${code}`}, ${n} rows, ${d} deliveries` +
          (orphans ? ` (${orphans} rows of no committed delivery removed on open)` : ''),
      );
      const seen = `${dbFile}: ${outcomes.join('; ')}`;
      expect([0, ROWS], seen).toContain(n);
      expect(u, seen).toBe(n); // no duplicates
      expect(d, seen).toBe(n === 0 ? 0 : 1);
    }
    console.log(`crash trials (full load ${Math.round(full)} ms): ${outcomes.join('; ')}`);
  });
});
