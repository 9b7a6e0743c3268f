// DuckDB helpers for the generator: the seeded uniform-random macro, small JS tables loaded through
// the appender, weighted-choice "slot" tables and SQL literals for word lists.
import type { DuckDBConnection } from '@duckdb/node-api';
import { allocate } from './calendar.ts';
import { sqlSeedKey } from './random.ts';

export type ColumnType = 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'VARCHAR' | 'BOOLEAN';
export type Cell = string | number | boolean | null;

/**
 * Define the macros every generator uses.
 * `u(stream, i, salt)` is a uniform number in [0, 1) for row `i` of a stream and an independent
 * draw per salt. The three parts are packed into one 64-bit key before hashing: DuckDB's
 * multi-argument hash combines per-argument hashes so loosely that hash(i, 1) and hash(i, 2) are
 * strongly correlated, while a single murmur-mixed key gives independent draws.
 */
export async function defineMacros(conn: DuckDBConnection, seed: number): Promise<void> {
  const key = sqlSeedKey(seed).toString();
  await conn.run(`SET TimeZone = 'UTC'`);
  await conn.run(
    `CREATE OR REPLACE MACRO u(s, i, salt) AS
       (hash(xor((s::UBIGINT << 56) | (i::UBIGINT << 8) | salt::UBIGINT, ${key}::UBIGINT)) >> 11)::DOUBLE
       / 9007199254740992.0`,
  );
  // Hermite smoothstep between t0 and t1: the shape of every adoption curve.
  await conn.run(
    `CREATE OR REPLACE MACRO smooth(t, t0, t1) AS
       least(1.0, greatest(0.0, (t - t0) / (t1 - t0))) ^ 2 * (3 - 2 * least(1.0, greatest(0.0, (t - t0) / (t1 - t0))))`,
  );
}

/** Create `name` with `columns` and append `rows` (small tables only). */
export async function loadTable(
  conn: DuckDBConnection,
  name: string,
  columns: ReadonlyArray<readonly [string, ColumnType]>,
  rows: ReadonlyArray<readonly Cell[]>,
): Promise<void> {
  await conn.run(`CREATE OR REPLACE TABLE ${name} (${columns.map(([c, t]) => `${c} ${t}`).join(', ')})`);
  const appender = await conn.createAppender(name);
  for (const row of rows) {
    columns.forEach(([column, type], k) => {
      const v = row[k];
      if (v === null) appender.appendNull();
      else if (type === 'VARCHAR') appender.appendVarchar(String(v));
      else if (type === 'BOOLEAN') appender.appendBoolean(Boolean(v));
      else if (type === 'DOUBLE') appender.appendDouble(Number(v));
      else if (type === 'INTEGER') appender.appendInteger(Number(v));
      else if (typeof v === 'number' && Number.isSafeInteger(v)) appender.appendBigInt(BigInt(v));
      else throw new Error(`${name}.${column}: ${String(v)} is not a safe integer`);
    });
    appender.endRow();
  }
  appender.closeSync();
}

/**
 * A weighted choice as an equality join: `name(slot, idx)` maps each of `slots` slots to an item
 * index, item i holding a share of slots proportional to weights[i] (at least one when positive).
 * Looking up floor(u * slots) is a hash join, far cheaper than a range join on cumulative weights.
 */
export async function slotTable(
  conn: DuckDBConnection,
  name: string,
  weights: readonly number[],
  slots: number,
): Promise<void> {
  const positive = weights.filter((w) => w > 0).length;
  const extra = allocate(slots - positive, weights);
  const counts = weights.map((w, i) => (w > 0 ? extra[i] + 1 : 0));
  let lo = 0;
  const ranges = counts.map((c, i) => {
    const r = [i, lo, lo + c] as const;
    lo += c;
    return r;
  });
  await loadTable(
    conn,
    `${name}_ranges`,
    [
      ['idx', 'INTEGER'],
      ['lo', 'INTEGER'],
      ['hi', 'INTEGER'],
    ],
    ranges,
  );
  await conn.run(
    `CREATE OR REPLACE TABLE ${name} AS
       SELECT s::INTEGER AS slot, idx FROM ${name}_ranges, range(lo, hi) t(s)`,
  );
}

/** A SQL string literal. */
export function sqlText(s: string): string {
  return `'${s.normalize('NFC').replaceAll("'", "''")}'`;
}

/** A SQL list literal of strings, indexable 1-based in SQL. */
export function sqlList(items: readonly string[]): string {
  return `[${items.map(sqlText).join(', ')}]`;
}

/** `list[1 + floor(u * len)]`: a uniform pick from a word list. */
export function sqlPick(items: readonly string[], u: string): string {
  return `${sqlList(items)}[1 + floor(${u} * ${items.length})::INTEGER]`;
}

/** Run a `COPY … TO` statement and return the number of rows it wrote. */
export async function copyRows(conn: DuckDBConnection, sql: string): Promise<number> {
  const reader = await conn.runAndReadAll(sql);
  const first = reader.getRows()[0]?.[0];
  return Number(first ?? 0);
}

/**
 * A runner for independent jobs over several connections of one instance. A single COPY keeps the
 * second core only partly busy (the Parquet writer serialises at times), so two at once finish sooner.
 */
export function connectionPool(
  conns: readonly DuckDBConnection[],
): <T>(jobs: ReadonlyArray<(conn: DuckDBConnection) => Promise<T>>) => Promise<T[]> {
  return async <T>(jobs: ReadonlyArray<(conn: DuckDBConnection) => Promise<T>>) => {
    const results = new Array<T>(jobs.length);
    let next = 0;
    await Promise.all(
      conns.map(async (conn) => {
        while (next < jobs.length) {
          const k = next++;
          results[k] = await jobs[k](conn);
        }
      }),
    );
    return results;
  };
}
