// Published snapshots on a real DuckDB file: what the writer publishes, what a reader accepts and refuses, and what a
// reader does with a change sent to it when no writer is configured. (The whole cluster behind nginx: cluster.test.ts.)
import { chmodSync, closeSync, mkdtempSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { Auth } from '../../server/auth/service.ts';
import { EXAMPLE_SITE, nginxSite } from '../../server/cluster/nginx.ts';
import {
  latestSnapshot,
  publishSnapshot,
  startFollower,
  verifySnapshot,
} from '../../server/cluster/snapshots.ts';
import { Db } from '../../server/db/index.ts';
import { parseEnv } from '../../server/env.ts';
import { listDeliveries, loadFiles } from '../../server/feeds/folder.ts';
import { loadReferenceIfPresent, openStore, registryFrom } from '../../server/store.ts';
import { FIXTURES } from './helpers.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function fileStore() {
  const dir = mkdtempSync(join(tmpdir(), 'ioc-snap-'));
  const db = await openStore(parseEnv({ IOC_DB: join(dir, 'ioc.duckdb') }));
  await loadReferenceIfPresent(db, FIXTURES);
  await loadFiles(db, listDeliveries([join(FIXTURES, 'feeds')]).files);
  return { db, dir, snaps: join(dir, 'snapshots') };
}

const documents = async (db: Db) =>
  (await db.query<{ n: number }>('SELECT count(*) AS n FROM documents'))[0].n;

describe('published snapshots', () => {
  it('numbers them, checksums them, keeps the last K and points LATEST at the newest', async () => {
    const { db, snaps } = await fileStore();
    const rows = await documents(db);
    for (let i = 0; i < 4; i++) {
      await db.query(`DELETE FROM documents WHERE id = (SELECT min(id) FROM documents)`);
      await publishSnapshot(db, snaps, 2);
    }
    const m = await latestSnapshot(snaps);
    expect(m?.sequence).toBe(4);
    expect(readdirSync(snaps).sort()).toEqual([
      'LATEST',
      'ioc-00000003.duckdb',
      'ioc-00000003.json',
      'ioc-00000004.duckdb',
      'ioc-00000004.json',
    ]);
    expect(m?.rows.documents).toBe(rows - 4);
    expect(m?.deliveries).toBeGreaterThan(0);
    const path = await verifySnapshot(snaps, m!);
    // Immutable: published read-only; a reader opens it read-only and finds what the writer had.
    const reader = await Db.open({ path, readOnly: true });
    expect(await documents(reader)).toBe(rows - 4);
    await expect(reader.query(`DELETE FROM documents`)).rejects.toThrow(/read-only/i);
    reader.close();
    db.close();
  });

  it('a reader refuses a snapshot whose bytes do not match its manifest and keeps serving the one it has', async () => {
    const { db, snaps } = await fileStore();
    const first = await publishSnapshot(db, snaps, 3);
    const before = await documents(db);
    const reader = await Db.open({ path: await verifySnapshot(snaps, first), readOnly: true });
    const lines: string[] = [];
    let switched = 0;
    const follower = startFollower(reader, first, {
      dir: snaps,
      pollMs: 50,
      onSwitch: async () => {
        switched++;
      },
      log: (l) => lines.push(l),
    });
    await db.query(`DELETE FROM documents WHERE id = (SELECT min(id) FROM documents)`);
    const second = await publishSnapshot(db, snaps, 3);
    // One byte changed after publication (a bad copy to a reader's disk, a disk fault).
    const file = join(snaps, second.file);
    chmodSync(file, 0o644);
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.from([0x42]), 0, 1, 5000);
    closeSync(fd);
    await sleep(400);
    expect(lines.join('\n')).toMatch(/snapshot refused: snapshot 2: checksum/);
    expect(follower.current.sequence).toBe(1);
    expect(await documents(reader)).toBe(before);

    // The next good one is followed: the reader's answers move to it.
    await db.query(`DELETE FROM documents WHERE id = (SELECT min(id) FROM documents)`);
    await publishSnapshot(db, snaps, 3);
    for (let i = 0; i < 40 && follower.current.sequence !== 3; i++) await sleep(50);
    expect(follower.current.sequence).toBe(3);
    expect(switched).toBe(1);
    expect(await documents(reader)).toBe(before - 2);
    follower.stop();
    reader.close();
    db.close();
  });

  it('a reader without a writer answers a change with 503 and where to send it; it still reads', async () => {
    const { db, snaps } = await fileStore();
    const m = await publishSnapshot(db, snaps, 3);
    db.close();
    const reader = await Db.open({ path: await verifySnapshot(snaps, m), readOnly: true });
    const env = parseEnv({ IOC_ROLE: 'reader', IOC_SECRET: 'test-secret-0123456789abcdefghijklmnop' });
    const auth = new Auth(reader, env, { secret: env.IOC_SECRET ?? '' });
    const app = createApp(
      { db: reader, registry: await registryFrom(reader), archiveDir: tmpdir(), startedAt: new Date(), auth },
      env,
    );
    const push = await app.request('/api/feeds/documents', {
      method: 'POST',
      headers: { 'Content-Type': 'text/csv' },
      body: 'id\n1',
    });
    expect(push.status).toBe(503);
    expect(((await push.json()) as { error: string }).error).toMatch(/read replica.*writer/);
    const health = await app.request('/api/health');
    expect(health.status).toBe(200);
    expect(((await health.json()) as { role: string }).role).toBe('reader');
    const kpi = await app.request('/api/kpis/direction.documents_total?from=2021-01-01&to=2021-03-31');
    expect(kpi.status).toBe(200);
    reader.close();
  });

  it('the nginx example in deploy/ is what the generator writes', () => {
    const committed = readFileSync(
      join(import.meta.dirname, '..', '..', 'deploy', 'nginx', 'ioc.conf'),
      'utf8',
    );
    expect(committed).toBe(nginxSite(EXAMPLE_SITE));
    // Changes to the writer, never retried; reads to the readers with the writer as backup.
    expect(committed).toMatch(/default ioc_writer;/);
    expect(committed).toMatch(/\n {2}proxy_next_upstream error timeout http_502 http_503 http_504;\n/);
    expect(committed).toMatch(/server 127\.0\.0\.1:8080 backup;/);
  });
});
