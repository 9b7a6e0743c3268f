// Loading under DuckDB's memory limit (IOC_DB_MEMORY): deliveries much larger than the limit load whole, spilling to
// the store's temp directory; a delivery the limit cannot hold is the store's failure (503), not an unreadable file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreMemoryError } from '../../server/db/index.ts';
import { parseEnv } from '../../server/env.ts';
import { loadDelivery } from '../../server/feeds/loader.ts';
import { loadReferenceIfPresent, openStore } from '../../server/store.ts';
import { FIXTURES } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'ioc-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `n` documents of the fixture's Sở Nội vụ in 2021, ids `<prefix>-<i>`, as a Parquet file. */
async function documents(prefix: string, n: number): Promise<string> {
  const path = join(dir, `documents-${prefix}.parquet`);
  const duck = await DuckDBInstance.create(':memory:');
  const c = await duck.connect();
  await c.run(`COPY (
      SELECT 'VB-${prefix}-' || lpad(CAST(i AS VARCHAR), 9, '0') AS id, CASE WHEN i % 2 = 0 THEN 'out' ELSE 'in' END AS direction,
        ['SNV', 'STP', 'UBND-227', 'UBND-238', 'UBND-08001', 'UBND-08003'][i % 6 + 1] AS agency_code,
        TIMESTAMPTZ '2021-01-04 08:00:00+07' + to_seconds(i % 7000000) AS at, i % 3 = 0 AS digitally_signed,
        'Văn bản số ' || i || ' về việc triển khai kế hoạch chuyển đổi số năm 2021' AS subject,
        CASE WHEN i % 4 = 0 THEN 'quyết định' ELSE 'công văn' END AS doc_type, i % 5 = 0 AS via_national_axis,
        i % 6 = 0 AS is_task, TIMESTAMPTZ '2021-12-01 17:00:00+07' AS due_at,
        CASE WHEN i % 6 = 0 THEN TIMESTAMPTZ '2021-11-20 10:00:00+07' END AS completed_at,
        TIMESTAMPTZ '2021-12-31 00:00:00+07' AS updated_at
      FROM range(${n}) t(i)
    ) TO '${path}' (FORMAT parquet)`);
  c.closeSync();
  duck.closeSync();
  return path;
}

describe('loading under the memory limit', () => {
  let big: [string, string];
  beforeAll(async () => {
    big = [await documents('a', 1_500_000), await documents('b', 1_500_000)];
  }, 60_000);

  it('loads two deliveries of 1,5 M documents each under a 256 MB limit (the stored-id check used to run out)', async () => {
    const store = join(dir, 'tight.duckdb');
    const db = await openStore(parseEnv({ IOC_DB: store, IOC_DB_MEMORY: '256MB' }));
    try {
      await loadReferenceIfPresent(db, FIXTURES);
      const accepted: number[] = [];
      for (const [i, path] of big.entries()) {
        const r = await loadDelivery(db, {
          feed: 'documents',
          path,
          name: `documents-${i}.parquet`,
          format: 'parquet',
          source: 'test',
        });
        accepted.push(r.accepted);
        expect(r.rejected).toBe(0);
      }
      expect(accepted).toEqual([1_500_000, 1_500_000]);
      const [row] = await db.query<{ n: number; ids: number }>(
        'SELECT count(*) AS n, count(DISTINCT id) AS ids FROM documents',
      );
      expect(row).toEqual({ n: 3_000_000, ids: 3_000_000 });
    } finally {
      db.close();
    }
  }, 120_000);

  it('a delivery the limit cannot hold is the store running out of memory, and nothing of it is kept', async () => {
    const db = await openStore(parseEnv({ IOC_DB: join(dir, 'tiny.duckdb'), IOC_DB_MEMORY: '64MB' }));
    try {
      await loadReferenceIfPresent(db, FIXTURES);
      const err = await loadDelivery(db, {
        feed: 'documents',
        path: big[0],
        name: 'documents-a.parquet',
        format: 'parquet',
        source: 'test',
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreMemoryError);
      expect((err as StoreMemoryError).status).toBe(503);
      expect((err as Error).message).toContain('IOC_DB_MEMORY');
      const [row] = await db.query<{ n: number }>('SELECT count(*) AS n FROM documents');
      expect(row.n).toBe(0);
    } finally {
      db.close();
    }
  }, 60_000);
});
