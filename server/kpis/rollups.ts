// Daily rollups of the fact feeds. For each flow measure of the registry that a sum over days can answer (a count
// or a sum over the rows of one feed whose event time falls in the period, its condition a row's own — no
// {start}/{end}, no other table), one column per measure in a table per (feed, time column), by the Vietnam day of
// the event, unit and agency. They are kept inside each delivery's transaction (the rows a delivery replaces are
// subtracted, its rows added, every rollup row tagged with the delivery that wrote it) and read by the engine when
// the request's filters and breakdown are columns of the rollup; records, procedures, a dossier's sector (by
// procedure) and every stock measure read the rows themselves. verifyRollups() compares them with the rows.
import type { Db, Params, Tx } from '../db/index.ts';
import { vnDateSql } from '../db/sql.ts';
import { COMPONENTS } from './index766.ts';
import { STATIC_KPIS } from './registry.ts';
import { SOURCE_DEFS } from './sources.ts';
import {
  type Dimension,
  type Filters,
  type Measure,
  type MeasureInput,
  MeasureSchema,
  type SourceName,
} from './types.ts';

/** The feeds rolled up (each its own source), and whether their sector comes through the agency. */
const ROLLED: Partial<Record<SourceName, { sectorByAgency: boolean }>> = {
  documents: { sectorByAgency: true },
  dossiers: { sectorByAgency: false },
  payments: { sectorByAgency: true },
};
/** What a rollup row is by, besides the day. */
const KEYS = ['unit_code', 'agency_code'];

export interface Rollup {
  table: string;
  /** The feed (a rolled-up source is its feed's table). */
  source: SourceName;
  time: string;
  /** Measure definition (agg, expr, where) → its column. */
  columns: Map<string, string>;
  measures: Measure[];
  /** Changes when the measures change: the table is then rebuilt from the rows. */
  signature: string;
}

const measureKey = (m: Measure) => JSON.stringify([m.agg, m.expr ?? null, m.where ?? null]);

/** A measure a rollup can answer (whatever the request): see the file's head. */
function rollable(m: Measure): boolean {
  return (
    !!ROLLED[m.source] &&
    !!m.time &&
    m.timeType === 'timestamptz' &&
    !m.from &&
    !m.per &&
    (m.agg === 'count' || m.agg === 'sum') &&
    !/[{]|\bSELECT\b/i.test(`${m.where ?? ''} ${m.expr ?? ''}`)
  );
}

/** The rollups of a set of measures (rollupsDefined gives it the registry's and the index's). */
function defineRollups(measures: MeasureInput[]): Rollup[] {
  const byTable = new Map<string, { source: SourceName; time: string; ms: Map<string, Measure> }>();
  for (const input of measures) {
    const m = MeasureSchema.parse(input);
    if (!rollable(m)) continue;
    const table = `rollup_${m.source}_${m.time}`;
    const r = byTable.get(table) ?? { source: m.source, time: m.time!, ms: new Map() };
    r.ms.set(measureKey(m), m);
    byTable.set(table, r);
  }
  return [...byTable].map(([table, r]) => {
    const keys = [...r.ms.keys()].sort();
    return {
      table,
      source: r.source,
      time: r.time,
      columns: new Map(keys.map((k, i) => [k, `m${i}`])),
      measures: keys.map((k) => r.ms.get(k)!),
      signature: JSON.stringify([KEYS, r.time, keys]),
    };
  });
}

/**
 * A rollup's measure columns and the aggregate each holds. A sum keeps the count of its rows beside it (`…_n`): a
 * breakdown lists a key only when it has rows (rollupFor).
 */
function measureColumns(r: Rollup): { name: string; agg: string }[] {
  return r.measures.flatMap((m, i) => {
    const filter = m.where ? ` FILTER (WHERE ${m.where})` : '';
    const count = { name: `m${i}`, agg: `count(*)${filter}` };
    return m.agg === 'count'
      ? [count]
      : [
          { name: `m${i}`, agg: `sum(${m.expr})${filter}` },
          { ...count, name: `m${i}_n` },
        ];
  });
}

/** The rollup rows of the source rows matching `where`, each aggregate times `sign`, tagged with `delivery`. */
function aggregateSql(r: Rollup, where: string, sign: 1 | -1, delivery: string): string {
  const cols = measureColumns(r).map((c) => `${sign < 0 ? '-' : ''}${c.agg} AS ${c.name}`);
  return `SELECT ${vnDateSql(`s."${r.time}"`)} AS day, ${KEYS.map((k) => `s.${k}`).join(', ')}, ${delivery} AS delivery_id, ${cols.join(', ')}
    FROM ${SOURCE_DEFS[r.source].table} s WHERE s."${r.time}" IS NOT NULL AND (${where}) GROUP BY ALL`;
}

/** Rollups a store holds, complete and of this code's measures (set by openRollups). */
const ready = new WeakMap<Db, Rollup[]>();
let defined: Rollup[] | undefined;

/** The rollups of this code's measures: the registry's and the QĐ 766 index's (computed on first use). */
export function rollupsDefined(): Rollup[] {
  if (!defined)
    defined = defineRollups([
      ...STATIC_KPIS.flatMap((k) => [k.numerator, ...(k.denominator ? [k.denominator] : [])]),
      ...COMPONENTS.flatMap((c) => [...(c.num ? [c.num] : []), ...(c.den ? [c.den] : [])]),
    ]);
  return defined;
}

/**
 * Make the store's rollups those of this code: a missing table, or one of other measures, is built from the rows
 * (one aggregation per table, in one transaction). Read-only (a reader's snapshot): use the ones that match.
 * `rebuild`: all of them from the rows (after rows were changed by hand, not by a delivery). Returns the tables built.
 */
export async function openRollups(
  db: Db,
  opts: { readOnly?: boolean; rebuild?: boolean } = {},
): Promise<string[]> {
  const built: string[] = [];
  const defs = rollupsDefined();
  const meta = async () =>
    new Map(
      (
        await db
          .query<{ name: string; signature: string }>('SELECT name, signature FROM rollup_meta')
          .catch(() => [])
      ).map((r) => [r.name, r.signature]),
    );
  let have = await meta();
  const stale = defs.filter((r) => opts.rebuild || have.get(r.table) !== r.signature);
  if (stale.length > 0 && !opts.readOnly) {
    await db.transaction(
      async (tx) => {
        await tx.run(
          'CREATE TABLE IF NOT EXISTS rollup_meta (name VARCHAR PRIMARY KEY, signature VARCHAR NOT NULL)',
        );
        for (const r of stale) {
          await tx.run(`DROP TABLE IF EXISTS ${r.table}`);
          await tx.run(`CREATE TABLE ${r.table} AS ${aggregateSql(r, 'true', 1, 's.delivery_id')}`);
          await tx.run('INSERT OR REPLACE INTO rollup_meta VALUES ($n, $s)', { n: r.table, s: r.signature });
          built.push(r.table);
        }
      },
      { feeds: [] },
    );
    have = await meta();
  }
  ready.set(
    db,
    defs.filter((r) => have.get(r.table) === r.signature),
  );
  return built;
}

/**
 * A feed's rollups set aside for its first load (an empty table receiving a whole history): dropped and forgotten by
 * the store's meta, so each delivery skips them, and built once from the rows afterwards (openRollups) — adding
 * every delivery to them one by one cost the demo's first load 17 s more, the build once about 7. A crash in
 * between leaves them missing, and the next opening builds them. Returns whether the feed was set aside.
 */
export async function suspendRollupsForFirstLoad(db: Db, feed: string): Promise<boolean> {
  const mine = (ready.get(db) ?? []).filter((r) => r.source === feed);
  if (mine.length === 0) return false;
  const [{ n }] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM (SELECT 1 FROM ${feed} LIMIT 1)`);
  if (n > 0) return false;
  await db.transaction(
    async (tx) => {
      for (const r of mine) {
        await tx.run('DELETE FROM rollup_meta WHERE name = $n', { n: r.table });
        await tx.run(`DROP TABLE IF EXISTS ${r.table}`);
      }
    },
    { feeds: [] },
  );
  ready.set(
    db,
    (ready.get(db) ?? []).filter((r) => !mine.includes(r)),
  );
  return true;
}

/**
 * The rollups of a feed a delivery keeps: those its own transaction sees in `rollup_meta` — so a build committed a
 * moment before (the server builds a first load's rollups while deliveries arrive) is kept from the next delivery
 * on, and one set aside is not.
 */
async function keptBy(tx: Tx, feed: string): Promise<Rollup[]> {
  const [{ n }] = await tx.query<{ n: number }>(
    "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'rollup_meta' AND NOT temporary",
  );
  if (n === 0) return [];
  const meta = new Map(
    (await tx.query<{ name: string; signature: string }>('SELECT name, signature FROM rollup_meta')).map(
      (r) => [r.name, r.signature],
    ),
  );
  return rollupsDefined().filter((r) => r.source === feed && meta.get(r.table) === r.signature);
}

/** Inside a delivery's transaction, before its replaced rows are deleted: subtract them. */
export async function subtractFromRollups(tx: Tx, feed: string, deliveryId: number, idsSql: string) {
  for (const r of await keptBy(tx, feed))
    await tx.run(`INSERT INTO ${r.table} ${aggregateSql(r, `s.id IN (${idsSql})`, -1, String(deliveryId))}`);
}

/** Inside a delivery's transaction, after its rows are inserted: add them. */
export async function addToRollups(tx: Tx, feed: string, deliveryId: number) {
  for (const r of await keptBy(tx, feed))
    await tx.run(
      `INSERT INTO ${r.table} ${aggregateSql(r, `s.delivery_id = ${Number(deliveryId)}`, 1, String(deliveryId))}`,
    );
}

/** Rows of no loaded delivery (a crash's remains) go from the rollups as from the feeds (store.ts). */
export async function removeUncommittedRollupRows(db: Db, tx: Tx, uncommitted: string): Promise<number> {
  let n = 0;
  for (const r of ready.get(db) ?? []) {
    const [c] = await tx.query<{ n: number }>(`SELECT count(*) AS n FROM ${r.table} WHERE ${uncommitted}`);
    if (c.n > 0) await tx.run(`DELETE FROM ${r.table} WHERE ${uncommitted}`);
    n += c.n;
  }
  return n;
}

/** Requests that need what a rollup does not keep: a procedure, or a dossier's sector (by its procedure). */
function answerable(source: SourceName, filters: Filters, dim: Dimension | undefined, sectorScope: boolean) {
  const def = ROLLED[source]!;
  if (filters.procedure || filters.indicator || dim === 'procedure' || dim === 'indicator') return false;
  if ((filters.sector || sectorScope || dim === 'sector') && !def.sectorByAgency) return false;
  return true;
}

/** The rollup table and column answering a measure for a request, or null (the rows answer it). */
export function rollupFor(
  db: Db,
  m: Measure,
  filters: Filters,
  opts: { dim?: Dimension; sectorScope?: boolean; raw?: boolean } = {},
): Rolled | null {
  if (opts.raw || !rollable(m) || !answerable(m.source, filters, opts.dim, !!opts.sectorScope)) return null;
  const r = (ready.get(db) ?? []).find((x) => x.source === m.source && x.time === m.time);
  const column = r?.columns.get(measureKey(m));
  if (!r || !column) return null;
  // The rows a measure counts exist for a key when their count is not 0 (a sum's own count beside it).
  return { table: r.table, column, having: `sum(s.${m.agg === 'count' ? column : `${column}_n`}) <> 0` };
}

/** A measure's rollup: its table, its column, and the condition that a breakdown's key has rows. */
export interface Rolled {
  table: string;
  column: string;
  having: string;
}

/** A rolled-up measure as the engine asks it: its column summed, the day as its (date) time column. */
export function rolledMeasure(m: Measure): Measure {
  return { ...m, time: 'day', timeType: 'date', where: undefined, expr: undefined };
}

/** SQL of a rolled-up measure's aggregate (a count of no rows is 0, as count(*) gives). */
export function rolledAggSql(m: Measure, column: string, weighted: boolean): string {
  if (weighted) return `round(sum(s.${column} * s.w), 6)`;
  return m.agg === 'count' ? `coalesce(sum(s.${column}), 0)` : `sum(s.${column})`;
}

/**
 * Each rollup against the aggregation of its rows, by day, unit and agency: the differences (none when they
 * agree). The test and `npm run rebuild` call it.
 */
export async function verifyRollups(
  db: Db,
): Promise<{ table: string; rows: number; differences: number; sample: Params[] }[]> {
  const out = [];
  for (const r of ready.get(db) ?? []) {
    const keys = ['day', ...KEYS];
    const cols = measureColumns(r).map((c) => c.name);
    const sums = cols.map((c) => `sum(${c}) AS ${c}`).join(', ');
    const fresh = `SELECT ${keys.join(', ')}, ${sums} FROM (${aggregateSql(r, 'true', 1, '0')}) GROUP BY ALL`;
    const kept = `SELECT ${keys.join(', ')}, ${sums} FROM ${r.table} GROUP BY ALL`;
    const join = keys.map((k) => `a.${k} IS NOT DISTINCT FROM b.${k}`).join(' AND ');
    const differs = cols.map((c) => `coalesce(a.${c}, 0) <> coalesce(b.${c}, 0)`).join(' OR ');
    const diff = await db.query<Params>(
      `SELECT ${keys.map((k) => `coalesce(a.${k}, b.${k}) AS ${k}`).join(', ')},
         ${cols.map((c) => `a.${c} AS kept_${c}, b.${c} AS rows_${c}`).join(', ')}
       FROM (${kept}) a FULL OUTER JOIN (${fresh}) b ON ${join} WHERE ${differs}`,
    );
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${r.table}`);
    out.push({ table: r.table, rows: n, differences: diff.length, sample: diff.slice(0, 5) });
  }
  return out;
}
