// Opening the store: DuckDB file → migrations → reference data → KPI registry. Shared by the server and CLIs.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Db } from './db/index.ts';
import { migrate } from './db/schema.ts';
import type { Env } from './env.ts';
import { FEED_NAMES } from './feeds/specs.ts';
import { buildRegistry, type IndicatorRow, type Registry } from './kpis/registry.ts';
import { openRollups, removeUncommittedRollupRows } from './kpis/rollups.ts';
import { loadReference } from './reference/load.ts';

export function dbPath(env: Env): string {
  return env.IOC_DB ?? join(env.IOC_DATA_DIR, 'ioc.duckdb');
}

export async function openStore(env: Env, path = dbPath(env)): Promise<Db> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = await Db.open({
    path,
    memoryLimit: env.IOC_DB_MEMORY,
    // Unset: DuckDB's own, `<store>.tmp` beside the store file (data/ioc.duckdb.tmp), one per store.
    tempDirectory: env.IOC_DB_TEMP,
    threads: env.IOC_DB_THREADS,
    queryTimeoutMs: env.IOC_QUERY_TIMEOUT_MS,
  });
  await migrate(db);
  const built = await openRollups(db);
  if (built.length > 0) console.log(`Daily rollups built from the rows: ${built.join(', ')}`);
  const removed = await removeUncommittedRows(db);
  if (Object.keys(removed).length > 0)
    console.warn(
      `Removed rows no committed delivery names (left by a crash): ${Object.entries(removed)
        .map(([t, n]) => `${t} ${n}`)
        .join(', ')}`,
    );
  return db;
}

/** A fact row of no delivery the log holds as loaded. */
export const UNCOMMITTED = `delivery_id NOT IN (SELECT id FROM deliveries WHERE status = 'loaded')`;

/**
 * A delivery's rows and its log entry commit in one transaction, so a row whose delivery_id no loaded delivery
 * carries is the remains of a transaction a crash cut short — which DuckDB 1.5.6's recovery brought back once in
 * our kill -9 trials (400.000 rows, no delivery). Removed when the store opens read-write. Returns rows per table.
 */
export async function removeUncommittedRows(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  await db.transaction(async (tx) => {
    for (const feed of FEED_NAMES) {
      const [{ n }] = await tx.query<{ n: number }>(`SELECT count(*) AS n FROM ${feed} WHERE ${UNCOMMITTED}`);
      if (n > 0) {
        await tx.run(`DELETE FROM ${feed} WHERE ${UNCOMMITTED}`);
        out[feed] = n;
      }
    }
    const rolled = await removeUncommittedRollupRows(db, tx, UNCOMMITTED);
    if (rolled > 0) out.rollups = rolled;
  });
  return out;
}

/** (Re)load reference CSVs when the folder has them. Returns false when there is none. */
export async function loadReferenceIfPresent(db: Db, dataDir: string): Promise<boolean> {
  const dir = join(dataDir, 'reference');
  if (!existsSync(join(dir, 'units.csv'))) return false;
  await loadReference(db, dir);
  return true;
}

export async function registryFrom(db: Db): Promise<Registry> {
  const indicators = await db.query<IndicatorRow>(
    'SELECT code, name_vi, name_en, subsystem, unit, aggregation, reporting_level, direction FROM indicators ORDER BY code',
  );
  return buildRegistry(indicators);
}
