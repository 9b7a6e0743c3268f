// Quoting for the few places where SQL text must carry a constant that cannot be a bound value (a file path in
// read_csv/COPY, a column name, registry text compiled into a measure). Request input never reaches these.

import { VN_UTC_OFFSET_HOURS } from '../../common/vn-time.ts';

/** A local (Vietnam clock) TIMESTAMP expression as the instant it names (common/vn-time.ts's shift). */
export const fromVnLocalSql = (ts: string) =>
  `CAST((${ts}) - INTERVAL ${VN_UTC_OFFSET_HOURS} HOUR AS TIMESTAMPTZ)`;

/** An instant (TIMESTAMPTZ) as its Vietnam wall-clock TIMESTAMP. */
export const toVnLocalSql = (ts: string) =>
  `(CAST((${ts}) AS TIMESTAMP) + INTERVAL ${VN_UTC_OFFSET_HOURS} HOUR)`;

/** An instant (TIMESTAMPTZ) as the Vietnam calendar day it falls on. */
export const vnDateSql = (ts: string) => `CAST(${toVnLocalSql(ts)} AS DATE)`;

/**
 * A unit, agency or version (alias `t`) in force on a day: valid_from and valid_to are inclusive dates, empty = open.
 * The one spelling of "in force" for reference loads, feed checks and denominators.
 */
export const inForceSql = (t: string, day: string) => inForceOverSql(t, day, day);

/** In force on every day from `lo` to `hi` (inclusive): one version covers the whole span. */
export const inForceOverSql = (t: string, lo: string, hi: string) =>
  `coalesce(${t}.valid_from, DATE '0001-01-01') <= ${lo} AND coalesce(${t}.valid_to, DATE '9999-12-31') >= ${hi}`;

/** A SQL string literal. */
export const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** A quoted SQL identifier. */
export const sqlIdent = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** A VARCHAR[] literal. */
export const sqlStringList = (xs: string[]) =>
  xs.length === 0 ? 'CAST([] AS VARCHAR[])' : `[${xs.map(sqlString).join(', ')}]`;
