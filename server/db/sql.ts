// Quoting for the few places where SQL text must carry a constant that cannot be a bound value (a file path in
// read_csv/COPY, a column name, registry text compiled into a measure). Request input never reaches these.

/** A SQL string literal. */
export const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** A quoted SQL identifier. */
export const sqlIdent = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** A VARCHAR[] literal. */
export const sqlStringList = (xs: string[]) =>
  xs.length === 0 ? 'CAST([] AS VARCHAR[])' : `[${xs.map(sqlString).join(', ')}]`;
