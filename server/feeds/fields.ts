// Value kinds of FEEDS.md v1 and their parsers as SQL expressions: a million-row file is validated by
// DuckDB in one pass, never walked row by row in JavaScript.
import { fromVnLocalSql, sqlString } from '../db/sql.ts';

export type ReferenceTable = 'agencies' | 'units' | 'procedures' | 'indicators';

export type FieldKind =
  | { kind: 'id' }
  | { kind: 'timestamp' }
  | { kind: 'date' }
  | { kind: 'boolean' }
  | { kind: 'vnd' }
  | { kind: 'number' }
  | { kind: 'text' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'code'; table: ReferenceTable }
  | { kind: 'period' };

export interface FieldSpec {
  name: string;
  type: FieldKind;
  required: boolean;
  /** SQL default used when the value is absent (e.g. `false`). */
  default?: string;
  /** A planned time (a deadline) may lie in the future; event times may not. */
  planned?: boolean;
}

/** The column type DuckDB should store for a parsed field. */
export function storageType(t: FieldKind): string {
  switch (t.kind) {
    case 'timestamp':
      return 'TIMESTAMPTZ';
    case 'date':
      return 'DATE';
    case 'boolean':
      return 'BOOLEAN';
    case 'vnd':
      return 'BIGINT';
    case 'number':
      return 'DOUBLE';
    default:
      return 'VARCHAR';
  }
}

const q = sqlString;

/** Local wall-clock TIMESTAMP (Asia/Ho_Chi_Minh, fixed UTC+7 since 1975) → UTC instant. */
const fromLocal = fromVnLocalSql;

const ISO_LOCAL = String.raw`\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?`;
const ISO_OFFSET = String.raw`\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)? ?(Z|[+-]\d{2}(:?\d{2})?)`;
const VN_TIMESTAMP = String.raw`\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}(:\d{2})?`;

/**
 * Vietnamese dd/mm/yyyy[ HH:MM[:SS]] rewritten as ISO text (day, month and hour zero-padded; hours 00–23 only) for
 * TRY_CAST, which then judges the calendar: strptime's list-of-formats form crashed DuckDB 1.5.6 (SIGSEGV in
 * StrpTimeFormat::Parse) while loading in parallel. Same answers as strptime on 19.404 edge cases (tests/server).
 */
const padDayMonth = (r: string) =>
  `regexp_replace(regexp_replace(${r}, '^(\\d)/', '0\\1/'), '^(\\d\\d)/(\\d)/', '\\1/0\\2/')`;
const vnTimestampIso = (r: string) =>
  `regexp_replace(regexp_replace(${padDayMonth(r)}, ' (\\d):', ' 0\\1:'),
    '^(\\d\\d)/(\\d\\d)/(\\d{4}) ([01]\\d|2[0-3]):(\\d\\d)(:\\d\\d)?$', '\\3-\\2-\\1 \\4:\\5\\6')`;
const vnDateIso = (r: string) =>
  `regexp_replace(${padDayMonth(r)}, '^(\\d\\d)/(\\d\\d)/(\\d{4})$', '\\3-\\2-\\1')`;

/**
 * SQL that parses the text expression `r` (already trimmed, NFC, empty → NULL) into the field's type, or
 * yields NULL when the text is not a valid value of that kind.
 */
export function parseSql(t: FieldKind, r: string): string {
  switch (t.kind) {
    case 'id':
      return `CASE WHEN length(${r}) BETWEEN 1 AND 64 AND NOT regexp_matches(${r}, '[\\x00-\\x1F\\x7F]') THEN ${r} END`;
    case 'text':
      return r;
    case 'timestamp':
      // DuckDB wants seconds before an offset: '10:00+07' → '10:00:00+07'.
      return `CASE
        WHEN regexp_full_match(${r}, '${ISO_LOCAL}') THEN ${fromLocal(`TRY_CAST(${r} AS TIMESTAMP)`)}
        WHEN regexp_full_match(${r}, '${ISO_OFFSET}') THEN TRY_CAST(regexp_replace(${r},
          '^(\\d{4}-\\d{2}-\\d{2})[T ](\\d{2}:\\d{2})( ?[Z+-])', '\\1 \\2:00\\3') AS TIMESTAMPTZ)
        WHEN regexp_full_match(${r}, '${VN_TIMESTAMP}') THEN
          ${fromLocal(`TRY_CAST(${vnTimestampIso(r)} AS TIMESTAMP)`)}
      END`;
    case 'date':
      return `CASE
        WHEN regexp_full_match(${r}, '\\d{4}-\\d{2}-\\d{2}') THEN TRY_CAST(${r} AS DATE)
        WHEN regexp_full_match(${r}, '\\d{1,2}/\\d{1,2}/\\d{4}') THEN TRY_CAST(${vnDateIso(r)} AS DATE)
      END`;
    case 'boolean':
      return `CASE WHEN lower(${r}) IN ('true', '1', 'yes', 'có') THEN true
        WHEN lower(${r}) IN ('false', '0', 'no', 'không') THEN false END`;
    case 'vnd':
      return `CASE WHEN regexp_full_match(${r}, '\\d{1,18}') THEN TRY_CAST(${r} AS BIGINT)
        WHEN regexp_full_match(${r}, '\\d{1,3}(\\.\\d{3})+') THEN TRY_CAST(replace(${r}, '.', '') AS BIGINT) END`;
    case 'number':
      // '.' is the decimal mark; Vietnamese '1.234,5' and '1.234.567' are accepted too.
      return `CASE WHEN regexp_full_match(${r}, '[+-]?\\d+(\\.\\d+)?([eE][+-]?\\d+)?') THEN TRY_CAST(${r} AS DOUBLE)
        WHEN regexp_full_match(${r}, '[+-]?\\d{1,3}(\\.\\d{3})*,\\d+|[+-]?\\d+,\\d+|[+-]?\\d{1,3}(\\.\\d{3}){2,}')
          THEN TRY_CAST(replace(replace(${r}, '.', ''), ',', '.') AS DOUBLE) END`;
    case 'enum':
      return `CASE WHEN lower(${r}) IN (${t.values.map(q).join(', ')}) THEN lower(${r}) END`;
    case 'code':
      return `CASE WHEN ${r} IN (SELECT code FROM ${t.table}) THEN ${r} END`;
    case 'period':
      return `CASE WHEN regexp_full_match(upper(${r}), '\\d{4}(-(0[1-9]|1[0-2])|-Q[1-4]|-H[12]|-9M)?') THEN upper(${r}) END`;
  }
}

/** Why a present value was refused, in words an IT team can act on. */
export function invalidReason(f: FieldSpec): string {
  const t = f.type;
  switch (t.kind) {
    case 'id':
      return 'not an id (1–64 printable characters)';
    case 'timestamp':
      return 'not a timestamp (ISO 8601, or dd/MM/yyyy HH:mm[:ss])';
    case 'date':
      return 'not a date (YYYY-MM-DD or dd/MM/yyyy)';
    case 'boolean':
      return 'not a boolean (true/false, 1/0, yes/no, có/không)';
    case 'vnd':
      return 'not a VND amount (integer ≥ 0, e.g. 1234567 or 1.234.567)';
    case 'number':
      return 'not a number';
    case 'enum':
      return `not one of ${t.values.join(', ')}`;
    case 'code':
      return `unknown ${f.name}`;
    case 'period':
      return 'not a period (YYYY-MM, YYYY-Qn, YYYY-H1, YYYY-H2, YYYY-9M, YYYY)';
    case 'text':
      return 'not text';
  }
}

/**
 * Column types of a typed source (Parquet) that already are the field's type: those skip the text
 * round-trip, which makes large Parquet deliveries load several times faster.
 */
export function nativeTypes(t: FieldKind): string[] {
  switch (t.kind) {
    case 'timestamp':
      return ['TIMESTAMP WITH TIME ZONE'];
    case 'boolean':
      return ['BOOLEAN'];
    case 'vnd':
      return ['BIGINT', 'INTEGER', 'UBIGINT', 'UINTEGER', 'SMALLINT'];
    case 'number':
      return ['DOUBLE', 'FLOAT', 'BIGINT', 'INTEGER'];
    case 'date':
      return ['DATE'];
    default:
      return [];
  }
}

/** SQL for the period's first and last day from a normalised period text. */
export function periodBoundsSql(p: string): { start: string; end: string } {
  const y = `CAST(substr(${p}, 1, 4) AS INTEGER)`;
  const startMonth = `CASE
      WHEN length(${p}) = 4 OR substr(${p}, 6) IN ('H1', '9M') THEN 1
      WHEN substr(${p}, 6) = 'H2' THEN 7
      WHEN substr(${p}, 6, 1) = 'Q' THEN (CAST(substr(${p}, 7, 1) AS INTEGER) - 1) * 3 + 1
      ELSE CAST(substr(${p}, 6, 2) AS INTEGER) END`;
  const months = `CASE
      WHEN length(${p}) = 4 THEN 12 WHEN substr(${p}, 6, 1) = 'H' THEN 6 WHEN substr(${p}, 6) = '9M' THEN 9
      WHEN substr(${p}, 6, 1) = 'Q' THEN 3 ELSE 1 END`;
  const start = `make_date(${y}, ${startMonth}, 1)`;
  return { start, end: `CAST(${start} + to_months(${months}) - INTERVAL 1 DAY AS DATE)` };
}
