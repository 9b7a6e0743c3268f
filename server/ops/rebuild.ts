// Rebuilding the store from the archive: replay every accepted delivery, in the order the store received them,
// into a fresh file through the ordinary loader, then compare every KPI for a few standard periods and every
// feed's row count with the store it should reproduce.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Db } from '../db/index.ts';
import { sqlIdent, sqlString } from '../db/sql.ts';
import { HASH_CHARS } from '../feeds/archive.ts';
import { loadDelivery } from '../feeds/loader.ts';
import { FEED_NAMES, type FeedName, isFeedName } from '../feeds/specs.ts';
import { DeliveryError, type Format, formatFromName } from '../feeds/stage.ts';
import { todayLocal } from '../kpis/period.ts';
import type { Registry } from '../kpis/registry.ts';
import { getKpi } from '../kpis/service.ts';

/** One delivery to replay, as the deliveries table (or, without a store, the archive folder) describes it. */
export interface ReplayItem {
  id: number | null;
  feed: FeedName;
  name: string;
  source: string;
  format: Format;
  hash: string | null;
  archivePath: string | null;
}

/** The accepted deliveries of a store, in the order they were loaded. */
export function storeDeliveries(db: Db): Promise<ReplayItem[]> {
  return db.query<ReplayItem>(
    `SELECT id, feed, name, source, format, content_hash AS hash, archive_path AS "archivePath"
     FROM deliveries WHERE status = 'loaded' ORDER BY id`,
  );
}

const archiveFeeds = (archiveDir: string) =>
  FEED_NAMES.filter((f) => existsSync(join(archiveDir, f)) && statSync(join(archiveDir, f)).isDirectory());

const archiveFiles = (archiveDir: string, feed: string) =>
  readdirSync(join(archiveDir, feed)).filter((n) => !n.startsWith('.') && formatFromName(n) !== undefined);

/**
 * Without a store to say what was accepted: every archive file, oldest first (file time, then name). Files a
 * crashed delivery left behind are replayed too, so this is the fallback, not the rule.
 */
export function archiveDeliveries(archiveDir: string): ReplayItem[] {
  const items = archiveFeeds(archiveDir).flatMap((feed) =>
    archiveFiles(archiveDir, feed).map((n) => {
      const path = join(archiveDir, feed, n);
      return { path, mtime: statSync(path).mtimeMs, n, feed };
    }),
  );
  items.sort((a, b) => a.mtime - b.mtime || a.n.localeCompare(b.n));
  return items.map((x) => ({
    id: null,
    feed: x.feed,
    name: x.n,
    source: 'archive',
    format: formatFromName(x.n)!,
    hash: null,
    archivePath: x.path,
  }));
}

/**
 * The archive file of each delivery: the recorded path, else the file whose name carries its content hash (pushes
 * are archived as `<time>-<hash>.<format>`, folder deliveries as `<hash>.<ext>`). null: not in the archive.
 */
export function locateArchive(archiveDir: string, items: ReplayItem[]): (string | null)[] {
  const byHash = new Map<string, string>();
  for (const feed of archiveFeeds(archiveDir))
    for (const n of archiveFiles(archiveDir, feed)) {
      const m = n.match(/([0-9a-f]{16})\.[a-z]+$/);
      if (m) byHash.set(`${feed}/${m[1]}`, join(archiveDir, feed, n));
    }
  return items.map((d) => {
    // A store records absolute paths; the ops route answers them relative to the archive (no server paths out).
    const recorded =
      d.archivePath && (isAbsolute(d.archivePath) ? d.archivePath : join(archiveDir, d.archivePath));
    if (recorded && existsSync(recorded)) return recorded;
    return d.hash ? (byHash.get(`${d.feed}/${d.hash.slice(0, HASH_CHARS)}`) ?? null) : null;
  });
}

/** Tables a rebuild makes anew: the feeds and their log from the archive, the reference data from its CSVs. */
const REBUILT = new Set<string>([
  ...FEED_NAMES,
  'deliveries',
  'rejects',
  'units',
  'unit_paths',
  'agencies',
  'procedures',
  'indicators',
  'targets',
  'schema_migrations',
]);

/**
 * Everything else (imported boundaries, users, roles, tokens, the audit log, …) is not in the archive: it comes
 * along from the old store, read-only, row for row. Returns the tables copied.
 */
export async function carryOver(fresh: Db, oldPath: string): Promise<Record<string, number>> {
  return fresh.serialized(() =>
    fresh.withConnection(async (c) => {
      await c.run(`ATTACH ${sqlString(oldPath)} AS ioc_old (READ_ONLY)`);
      try {
        const q = async (sql: string) => (await c.runAndReadAll(sql)).getRowObjectsJS();
        const mine = new Set(
          (await q(`SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()`)).map(
            (r) => String(r.table_name),
          ),
        );
        const theirs = (
          await q(`SELECT table_name FROM duckdb_tables() WHERE database_name = 'ioc_old' AND NOT temporary`)
        ).map((r) => String(r.table_name));
        const out: Record<string, number> = {};
        await c.run('BEGIN TRANSACTION');
        // The daily rollups (rollup_meta, rollup_*) are derived from the rows: built anew, never carried over.
        const derived = (x: string) => x.startsWith('rollup_');
        for (const t of theirs.filter((x) => !REBUILT.has(x) && !derived(x) && mine.has(x))) {
          await c.run(`DELETE FROM ${sqlIdent(t)}`); // rows a migration seeded (roles) give way to the old store's
          await c.run(`INSERT INTO ${sqlIdent(t)} BY NAME SELECT * FROM ioc_old.${sqlIdent(t)}`);
          out[t] = Number((await q(`SELECT count(*) AS n FROM ${sqlIdent(t)}`))[0].n);
        }
        await c.run('COMMIT');
        fresh.baseVersion++;
        return out;
      } catch (e) {
        await c.run('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        await c.run('DETACH ioc_old');
      }
    }),
  );
}

export interface ReplayResult {
  replayed: number;
  rows: number;
  /** Deliveries the store has that the archive does not (demo live traffic is not archived by design). */
  missing: ReplayItem[];
  failed: { item: ReplayItem; error: string }[];
  ms: number;
}

/** Load the deliveries into `db` in order, through the ordinary loader. */
export async function replay(
  db: Db,
  items: ReplayItem[],
  paths: (string | null)[],
  onItem?: (i: number, n: number, item: ReplayItem, note: string) => void,
): Promise<ReplayResult> {
  const t0 = performance.now();
  const out: ReplayResult = { replayed: 0, rows: 0, missing: [], failed: [], ms: 0 };
  for (const [i, item] of items.entries()) {
    const path = paths[i];
    if (!path) {
      out.missing.push(item);
      onItem?.(i, items.length, item, 'not in the archive');
      continue;
    }
    if (!isFeedName(item.feed)) continue;
    try {
      const r = await loadDelivery(db, {
        feed: item.feed,
        path,
        name: item.name,
        format: item.format ?? formatFromName(path),
        source: item.source,
        archivePath: path,
      });
      out.replayed++;
      out.rows += r.accepted;
      onItem?.(i, items.length, item, r.duplicateDelivery ? 'duplicate' : `${r.accepted} accepted`);
    } catch (e) {
      if (!(e instanceof DeliveryError)) throw e;
      out.failed.push({ item, error: e.message });
      onItem?.(i, items.length, item, `refused: ${e.message}`);
    }
  }
  out.ms = Math.round(performance.now() - t0);
  return out;
}

export interface Period {
  label: string;
  from: string;
  to: string;
}

/** Whole range (25 years back), the last complete year, the last complete quarter, the year to date. */
export function standardPeriods(today = todayLocal()): Period[] {
  const y = +today.slice(0, 4);
  const q = Math.floor((+today.slice(5, 7) - 1) / 3); // current quarter, 0-based
  const [qy, qq] = q === 0 ? [y - 1, 3] : [y, q - 1];
  const qFrom = `${qy}-${String(qq * 3 + 1).padStart(2, '0')}-01`;
  const qEndMonth = qq * 3 + 3;
  const qTo = new Date(Date.UTC(qy, qEndMonth, 0)).toISOString().slice(0, 10);
  return [
    { label: 'whole', from: `${y - 25}-01-01`, to: today },
    { label: `${y - 1}`, from: `${y - 1}-01-01`, to: `${y - 1}-12-31` },
    { label: `${qy}-Q${qq + 1}`, from: qFrom, to: qTo },
    { label: `${y}-YTD`, from: `${y}-01-01`, to: today },
  ];
}

export interface KpiValue {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  error?: string;
}

/** `<kpi id>|<period label>` → value parts. */
export type KpiValues = Map<string, KpiValue>;

/** Every KPI of the registry for each period, answered by a function (in process, or over HTTP). */
export async function collectValues(
  ids: string[],
  periods: Period[],
  answer: (id: string, p: Period) => Promise<KpiValue>,
): Promise<KpiValues> {
  const out: KpiValues = new Map();
  const jobs = ids.flatMap((id) => periods.map((p) => ({ id, p })));
  // A few at a time: each answer is already several parallel queries.
  for (let i = 0; i < jobs.length; i += 4) {
    await Promise.all(
      jobs.slice(i, i + 4).map(async ({ id, p }) => {
        try {
          out.set(`${id}|${p.label}`, await answer(id, p));
        } catch (e) {
          out.set(`${id}|${p.label}`, {
            value: null,
            numerator: null,
            denominator: null,
            error: (e as Error).message,
          });
        }
      }),
    );
  }
  return out;
}

/** An in-process answerer over a store. */
export function storeAnswer(db: Db, registry: Registry) {
  return async (id: string, p: Period): Promise<KpiValue> => {
    const a = await getKpi({ db, registry }, id, { from: p.from, to: p.to }, {});
    return { value: a.value, numerator: a.numerator, denominator: a.denominator };
  };
}

/** Rows per feed table. */
export async function feedRows(db: Db): Promise<Record<string, number>> {
  const rows = await db.query<{ feed: string; n: number }>(
    FEED_NAMES.map((f) => `SELECT '${f}' AS feed, count(*) AS n FROM ${f}`).join(' UNION ALL '),
  );
  return Object.fromEntries(rows.map((r) => [r.feed, r.n]));
}

export interface Difference {
  what: string;
  period: string;
  old: string;
  rebuilt: string;
}

const show = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : Number.isInteger(v) ? String(v) : v.toPrecision(12);

/** Values that differ (beyond float noise in the last digits of a ratio). */
export function compareValues(old: KpiValues, rebuilt: KpiValues): Difference[] {
  const same = (a: number | null, b: number | null) =>
    a === b || (a !== null && b !== null && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)));
  const out: Difference[] = [];
  for (const key of new Set([...old.keys(), ...rebuilt.keys()])) {
    const [id, period] = key.split('|');
    const a = old.get(key);
    const b = rebuilt.get(key);
    if (!a || !b || a.error || b.error) {
      if (a?.error !== b?.error || !a || !b)
        out.push({ what: id, period, old: a?.error ?? (a ? 'ok' : 'absent'), rebuilt: b?.error ?? 'ok' });
      continue;
    }
    for (const part of ['value', 'numerator', 'denominator'] as const)
      if (!same(a[part], b[part]))
        out.push({
          what: part === 'value' ? id : `${id} (${part})`,
          period,
          old: show(a[part]),
          rebuilt: show(b[part]),
        });
  }
  return out;
}

/** A plain text table. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n');
}
