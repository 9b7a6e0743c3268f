// Parquet written by DuckDB itself (COPY … FORMAT parquet), never by a hand-made encoder: records straight from the
// records SQL, answers (values, breakdowns) from the service's rows read back through read_json.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Db, Params, Row } from '../db/index.ts';
import { bind } from '../db/index.ts';
import { sqlString } from '../db/sql.ts';
import type { Column, ColumnKind } from './table.ts';

const DUCK_TYPE: Record<ColumnKind, string> = {
  text: 'VARCHAR',
  integer: 'BIGINT',
  decimal: 'DOUBLE',
  percent: 'DOUBLE',
  vnd: 'BIGINT',
  boolean: 'BOOLEAN',
  date: 'DATE',
  datetime: 'TIMESTAMPTZ',
};

const lit = sqlString;

/** COPY a bound query to a temp Parquet file and stream the file; the temp folder goes when the stream closes. */
export async function parquetOfQuery(
  db: Db,
  sql: string,
  params: Params,
  /** Key-value metadata of the file (the definition, the period, the filters). */
  meta: Record<string, string> = {},
): Promise<ReadableStream<Uint8Array>> {
  const kv = Object.entries(meta)
    .map(([k, v]) => `${lit(k)}: ${lit(v)}`)
    .join(', ');
  const dir = await mkdtemp(join(tmpdir(), 'ioc-export-'));
  const file = join(dir, 'out.parquet');
  try {
    await db.withConnection((c) =>
      c.run(
        `COPY (${sql}) TO ${lit(file)} (FORMAT parquet, COMPRESSION zstd${kv ? `, KV_METADATA {${kv}}` : ''})`,
        bind(sql, params),
      ),
    );
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  const s = createReadStream(file);
  s.on('close', () => void rm(dir, { recursive: true, force: true }));
  return Readable.toWeb(s) as ReadableStream<Uint8Array>;
}

/** A small table (an answer's rows) as Parquet: written as NDJSON, typed by its columns, copied by DuckDB. */
export async function parquetOfRows(
  db: Db,
  columns: Column[],
  rows: Row[],
  meta: Record<string, string> = {},
): Promise<ReadableStream<Uint8Array>> {
  const dir = await mkdtemp(join(tmpdir(), 'ioc-export-'));
  const src = join(dir, 'rows.ndjson');
  await writeFile(
    src,
    rows
      .map((r) => JSON.stringify(Object.fromEntries(columns.map((c) => [c.key, r[c.key] ?? null]))))
      .join('\n'),
  );
  const spec = `{${columns.map((c) => `${lit(c.key)}: ${lit(DUCK_TYPE[c.kind])}`).join(', ')}}`;
  try {
    return await parquetOfQuery(
      db,
      `SELECT * FROM read_json($src, format = 'newline_delimited', columns = ${spec})`,
      { src },
      meta,
    );
  } finally {
    // The COPY has read the NDJSON by now; the Parquet file goes with its stream.
    await rm(src, { force: true });
  }
}
