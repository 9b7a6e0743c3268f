// Reading one delivery into DuckDB and validating it in SQL: the part shared by feeds and reference data.
// Result: temp tables `parsed` (rec, r_<field> raw text, <field> typed value) and `bad` (one row per fault).
import { StoreMemoryError, type Tx } from '../db/index.ts';
import { fromVnLocalSql, sqlIdent, sqlString } from '../db/sql.ts';
import { type FieldSpec, invalidReason, nativeTypes, parseSql, storageType } from './fields.ts';

export const FORMATS = ['csv', 'ndjson', 'json', 'parquet'] as const;
export type Format = (typeof FORMATS)[number];

/** A delivery that cannot be loaded at all (unreadable, missing column): nothing of it lands. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 413 | 415 | 422 = 422,
  ) {
    super(message);
  }
}

export interface StageSource {
  path: string;
  format: Format;
}

export interface StageResult {
  records: number;
  ignoredColumns: string[];
  /** Columns of the spec present in the delivery. */
  present: string[];
  /**
   * The parse as a query over the file itself, when the file is read through a view (Parquet): a clean delivery is
   * inserted from it, since writing the temp table `parsed` into the store costs 3× reading the file again.
   */
  reparse?: string;
}

export function formatFromName(name: string): Format | undefined {
  const ext = name.toLowerCase().split('.').pop();
  if (ext === 'csv') return 'csv';
  if (ext === 'ndjson' || ext === 'jsonl') return 'ndjson';
  if (ext === 'json') return 'json';
  if (ext === 'parquet') return 'parquet';
  return undefined;
}

const lit = sqlString;
const ident = sqlIdent;

/** Header names are matched trimmed, NFC and case-insensitively (Office tools add spaces and capitals). */
const keyOf = (s: string) =>
  s
    .normalize('NFC')
    .trim()
    .toLowerCase()
    .replace(/^\uFEFF/, '');

/**
 * NFC normalisation only where there is something to normalise: Vietnamese in NFD carries combining marks
 * (U+0300–U+036F); the check is 7× cheaper than normalising every string of a million-row delivery.
 */
const nfcSql = (x: string) =>
  `CASE WHEN regexp_matches(${x}, '[\\x{0300}-\\x{036F}]') THEN nfc_normalize(${x}) ELSE ${x} END`;

/**
 * DuckDB's trim() removes spaces at either end; most values have none, and a LIKE on both ends is 2,5× cheaper
 * than trimming every value of a million-row delivery (108 against 268 ms for a year's document subjects).
 */
const trimSql = (x: string) => `CASE WHEN ${x} LIKE ' %' OR ${x} LIKE '% ' THEN trim(${x}) ELSE ${x} END`;

/**
 * Stage a file: read it with DuckDB's own reader, check the columns, parse every field in SQL and list
 * every fault. Throws DeliveryError when the delivery as a whole is unusable.
 */
export async function stage(tx: Tx, src: StageSource, fields: FieldSpec[]): Promise<StageResult> {
  const path = lit(src.path);
  let lineFaults = 0;
  /** The file is read through a view (not copied): the parse can be run on it again. */
  let viewed = false;
  let columns: { name: string; type: string; expr: string }[];
  try {
    if (src.format === 'csv') {
      // Dialect pinned to FEEDS.md (comma, RFC 4180 quotes); malformed rows are kept aside with their line.
      await tx.run(`CREATE TEMP TABLE stg AS SELECT row_number() OVER () AS rec, * FROM read_csv(${path},
        header = true, all_varchar = true, delim = ',', quote = '"', escape = '"',
        store_rejects = true, rejects_table = 'csv_rejects', rejects_scan = 'csv_scans')`);
      columns = await describe(tx);
    } else if (src.format === 'parquet') {
      // Read once, by the parse below (a view, not a copy); a record's number is its row in the file. A file whose
      // own columns collide with those names is copied as before.
      const names = (
        await tx.query<{ column_name: string }>(`DESCRIBE SELECT * FROM read_parquet(${path})`)
      ).map((r) => r.column_name.toLowerCase());
      if (names.includes('file_row_number') || names.includes('rec'))
        await tx.run(
          `CREATE TEMP TABLE stg AS SELECT row_number() OVER () AS rec, * FROM read_parquet(${path})`,
        );
      else {
        await tx.run(`CREATE TEMP VIEW stg AS SELECT file_row_number + 1 AS rec, * EXCLUDE (file_row_number)
          FROM read_parquet(${path}, file_row_number = true)`);
        viewed = true;
      }
      columns = await describe(tx);
    } else if (src.format === 'ndjson') {
      // Line by line, so that a line that is not a JSON object is one rejected record (its line number and why)
      // and the other lines load; a record's number is its line in the file (blank lines skipped).
      await tx.run(`CREATE TEMP TABLE ndl AS
        SELECT CAST(i AS BIGINT) AS line, rtrim(l, chr(13)) AS l FROM (
          SELECT unnest(parts) AS l, generate_subscripts(parts, 1) AS i
          FROM (SELECT string_split(content, chr(10)) AS parts FROM read_text(${path})))
        WHERE trim(l) <> ''`);
      await tx.run(`CREATE TEMP TABLE ndl_bad AS
        SELECT line AS rec, CAST(NULL AS VARCHAR) AS field, left(l, 200) AS value,
          CASE WHEN json_valid(l) THEN 'not a JSON object (a record is one object per line)'
               ELSE 'not valid JSON' END AS reason
        FROM ndl WHERE NOT json_valid(l) OR json_type(l) <> 'OBJECT'`);
      await tx.run(`CREATE TEMP TABLE stg AS
        SELECT line AS rec, json(l) AS obj FROM ndl WHERE json_valid(l) AND json_type(l) = 'OBJECT'`);
      const n = await tx.query<{ good: number; bad: number }>(
        `SELECT (SELECT count(*) FROM stg) AS good, (SELECT count(*) FROM ndl_bad) AS bad`,
      );
      if (n[0].good === 0 && n[0].bad > 0)
        throw new DeliveryError('not NDJSON: no line is a JSON object', 400);
      lineFaults = n[0].bad;
      const keys = await tx.query<{ k: string }>(`SELECT DISTINCT unnest(json_keys(obj)) AS k FROM stg`);
      columns = keys.map(({ k }) => ({ name: k, type: 'JSON', expr: `stg.obj ->> ${lit(k)}` }));
    } else {
      await tx.run(`CREATE TEMP TABLE stg AS
        SELECT row_number() OVER () AS rec, json AS obj FROM read_json_objects(${path}, format = 'array')`);
      const bad = await tx.query<{ n: number }>(
        `SELECT count(*) AS n FROM stg WHERE json_type(obj) <> 'OBJECT'`,
      );
      if (bad[0].n > 0) throw new DeliveryError(`${bad[0].n} JSON values are not objects (records)`, 400);
      const keys = await tx.query<{ k: string }>(`SELECT DISTINCT unnest(json_keys(obj)) AS k FROM stg`);
      columns = keys.map(({ k }) => ({ name: k, type: 'JSON', expr: `stg.obj ->> ${lit(k)}` }));
    }
  } catch (e) {
    if (e instanceof DeliveryError || e instanceof StoreMemoryError) throw e;
    throw new DeliveryError(`unreadable ${src.format.toUpperCase()}: ${firstLine(e)}`, 400);
  }

  const byKey = new Map(columns.map((c) => [keyOf(c.name), c]));
  const missing = fields.filter((f) => f.required && !byKey.has(f.name)).map((f) => f.name);
  if (missing.length > 0) {
    throw new DeliveryError(missing.map((m) => `missing column ${m}`).join('; '));
  }
  const known = new Set(fields.map((f) => f.name));
  const ignoredColumns = columns.map((c) => c.name).filter((n) => !known.has(keyOf(n)) && keyOf(n) !== 'rec');

  // Inner select: raw text (or the native typed value) per field; outer select: the parsed value. A typed column
  // whose value is already the field's (Parquet's timestamps, booleans, dates) is kept once, not as raw and parsed.
  const inner: string[] = ['stg.rec'];
  const outer: string[] = ['rec'];
  /** Fields whose raw value is their parsed value (one column in `parsed`, under the field's name). */
  const same = new Set<string>();
  for (const f of fields) {
    const col = byKey.get(f.name);
    const r = `r_${f.name}`;
    let parsed: string;
    if (!col) {
      inner.push(`CAST(NULL AS VARCHAR) AS ${r}`);
      parsed = `CAST(NULL AS ${storageType(f.type)})`;
    } else if (nativeTypes(f.type).includes(col.type)) {
      inner.push(`${col.expr} AS ${r}`);
      parsed = f.type.kind === 'vnd' ? `CASE WHEN ${r} >= 0 THEN CAST(${r} AS BIGINT) END` : r;
      if (f.type.kind === 'number') parsed = `CAST(${r} AS DOUBLE)`;
      if (parsed === r && !f.default && f.name !== 'id') same.add(f.name);
    } else if (col.type === 'TIMESTAMP' && f.type.kind === 'timestamp') {
      // A zone-less timestamp column is local time, as in the text forms.
      inner.push(`${col.expr} AS ${r}`);
      parsed = fromVnLocalSql(r);
    } else {
      inner.push(`nullif(${trimSql(nfcSql(`CAST(${col.expr} AS VARCHAR)`))}, '') AS ${r}`);
      parsed = parseSql(f.type, r);
    }
    if (same.has(f.name)) outer.push(`${r} AS ${ident(f.name)}`);
    else
      outer.push(
        r,
        f.default ? `coalesce(${parsed}, ${f.default}) AS ${ident(f.name)}` : `${parsed} AS ${ident(f.name)}`,
      );
  }
  const parse = `SELECT ${outer.join(', ')} FROM (SELECT ${inner.join(', ')} FROM stg)`;
  try {
    await tx.run(`CREATE TEMP TABLE parsed AS ${parse}`);
  } catch (e) {
    // A Parquet file is read here for the first time past its metadata: a broken data page shows now.
    if (src.format === 'parquet' && !(e instanceof StoreMemoryError))
      throw new DeliveryError(`unreadable PARQUET: ${firstLine(e)}`, 400);
    throw e;
  }

  // One row per fault: missing required value, unparseable value, timestamp too far in the future.
  const faults: string[] = [];
  for (const f of fields) {
    const r = same.has(f.name) ? ident(f.name) : `r_${f.name}`;
    const raw = `CAST(${r} AS VARCHAR)`;
    if (f.required) {
      faults.push(`SELECT rec, ${lit(f.name)}, NULL, 'missing value' FROM parsed WHERE ${r} IS NULL`);
    }
    if (byKey.has(f.name)) {
      const reason =
        f.type.kind === 'code' ? `${lit(`unknown ${f.name} `)} || ${raw}` : lit(invalidReason(f));
      if (!same.has(f.name))
        faults.push(
          `SELECT rec, ${lit(f.name)}, ${raw}, ${reason} FROM parsed WHERE ${r} IS NOT NULL AND ${ident(f.name)} IS NULL`,
        );
      if (f.type.kind === 'timestamp' && !f.planned) {
        faults.push(`SELECT rec, ${lit(f.name)}, ${raw}, 'more than one day in the future' FROM parsed
          WHERE ${ident(f.name)} > now() + INTERVAL 1 DAY`);
      }
    }
  }
  await tx.run(`CREATE TEMP TABLE bad (rec BIGINT, field VARCHAR, value VARCHAR, reason VARCHAR)`);
  await tx.run(`INSERT INTO bad ${faults.join(' UNION ALL ')}`);

  let records = (await tx.query<{ n: number }>('SELECT count(*) AS n FROM parsed'))[0].n;
  if (src.format === 'csv') records += await addCsvStructuralFaults(tx);
  if (lineFaults > 0) {
    await tx.run('INSERT INTO bad SELECT rec, field, value, reason FROM ndl_bad');
    records += lineFaults;
  }
  return {
    records,
    ignoredColumns,
    present: fields.filter((f) => byKey.has(f.name)).map((f) => f.name),
    reparse: viewed ? parse : undefined,
  };
}

/**
 * Rows the CSV reader set aside (wrong number of fields) become faults with their line; the record numbers
 * of the rows it kept are shifted so that every `rec` is the record's position in the file.
 */
async function addCsvStructuralFaults(tx: Tx): Promise<number> {
  const exists = await tx.query(`SELECT 1 FROM duckdb_tables() WHERE table_name = 'csv_rejects'`);
  if (exists.length === 0) return 0;
  await tx.run(`CREATE TEMP TABLE csv_bad AS
    SELECT DISTINCT ON (line) CAST(line AS BIGINT) - 1 AS r, error_type, column_name, csv_line
    FROM csv_rejects ORDER BY line`);
  const n = (await tx.query<{ n: number }>('SELECT count(*) AS n FROM csv_bad'))[0].n;
  if (n === 0) return 0;
  await tx.run(
    `CREATE TEMP TABLE csv_bad_ranked AS SELECT r, row_number() OVER (ORDER BY r) AS j FROM csv_bad`,
  );
  // Kept record k is the n-th record of the file, n = k + #{set-aside j : r_j − j < k}.
  for (const t of ['parsed', 'bad']) {
    await tx.run(
      `UPDATE ${t} SET rec = rec + (SELECT count(*) FROM csv_bad_ranked b WHERE b.r - b.j < ${t}.rec)`,
    );
  }
  await tx.run(`INSERT INTO bad SELECT r, column_name, trim(csv_line, chr(13) || chr(10)),
      'malformed CSV row: ' || lower(replace(error_type, '_', ' ')) FROM csv_bad`);
  return n;
}

async function describe(tx: Tx): Promise<{ name: string; type: string; expr: string }[]> {
  const rows = await tx.query<{ column_name: string; column_type: string }>('DESCRIBE stg');
  return rows
    .filter((r) => r.column_name !== 'rec')
    .map((r) => ({ name: r.column_name, type: r.column_type, expr: `stg.${ident(r.column_name)}` }));
}

/** The engine's message, first line, without any file path in it (a client is never told where files live). */
export function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return withoutPaths(m.split('\n')[0].replace(/^[A-Za-z ]+Error: /, '')).slice(0, 300);
}

/** Quoted or bare absolute paths (and file: URLs) replaced by their last segment. */
export function withoutPaths(s: string): string {
  return s
    .replace(/(["'`])(?:file:\/\/)?\/[^"'`]*?([^/"'`]*)\1/g, '$1$2$1')
    .replace(/(?:file:\/\/)?(?:\/[\w.@+-]+){2,}/g, (p) => p.split('/').pop() ?? '');
}
