// npm run rebuild [-- --swap [--force]] [--keep]: a fresh store from the reference data and the archive, the
// deliveries replayed in the order the store received them, then every KPI (whole range, last year, last quarter,
// this year) and every feed's rows compared with the store. Exit 1 when anything differs or is missing.
// With a server running it compares over HTTP and writes only the new file; --swap (server stopped) puts the
// rebuilt store in place and keeps the old one in data/backups.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Db } from '../db/index.ts';
import { parseEnv } from '../env.ts';
import { openRollups, suspendRollupsForFirstLoad, verifyRollups } from '../kpis/rollups.ts';
import { assertNotHeld, backupName, backupsDir } from '../ops/backup.ts';
import { call, opsClient, serverAnswers } from '../ops/client.ts';
import {
  archiveDeliveries,
  carryOver,
  collectValues,
  compareValues,
  type Difference,
  feedRows,
  type KpiValue,
  type KpiValues,
  locateArchive,
  type ReplayItem,
  replay,
  standardPeriods,
  storeAnswer,
  storeDeliveries,
  table,
} from '../ops/rebuild.ts';
import { dbPath, loadReferenceIfPresent, openStore, registryFrom } from '../store.ts';
import { fmtInt } from './progress.ts';

const { values } = parseArgs({
  options: {
    swap: { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  },
});
const env = parseEnv();
const dataDir = resolve(env.IOC_DATA_DIR);
const archiveDir = join(dataDir, 'archive');
const storePath = dbPath(env);
const client = opsClient(env);
const t0 = performance.now();
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const live = await serverAnswers(client);
if (live && values.swap) {
  console.error(
    `a server answers on ${client.base}: stop it before --swap (without --swap the rebuild only compares)`,
  );
  process.exit(1);
}

// What to replay: the live store's delivery log, else the store file's (read-only), else the archive by file time.
let items: ReplayItem[];
let oldReadable = false;
let against: string;
const openOld = () => Db.open({ path: storePath, readOnly: true, poolSize: 4 });
if (live) {
  try {
    items = (await call<{ deliveries: ReplayItem[] }>(client, 'GET', '/api/ops/deliveries')).deliveries;
  } catch (e) {
    console.error(`cannot read the running server's delivery log: ${(e as Error).message}`);
    process.exit(1);
  }
  against = `the running server (${client.base})`;
} else if (storePath !== ':memory:' && existsSync(storePath)) {
  try {
    const db = await openOld();
    try {
      items = await storeDeliveries(db);
    } finally {
      db.close(); // one DuckDB instance at a time on the old file: the carry-over below attaches it
    }
    oldReadable = true;
    against = storePath;
  } catch (e) {
    console.log(
      `cannot read ${storePath} (${(e as Error).message.split('\n')[0]}): replaying the whole archive`,
    );
    items = archiveDeliveries(archiveDir);
    against = 'nothing (no readable store)';
  }
} else {
  items = archiveDeliveries(archiveDir);
  against = 'nothing (no store)';
}
const paths = locateArchive(archiveDir, items);

const outDir = join(dataDir, 'rebuild');
mkdirSync(outDir, { recursive: true });
const newPath = join(outDir, backupName(new Date(), 'rebuild'));
for (const f of [newPath, `${newPath}.wal`]) rmSync(f, { force: true });
console.log(`Rebuilding ${items.length} deliveries from ${archiveDir} into ${newPath}…`);
const fresh = await openStore(env, newPath);
await loadReferenceIfPresent(fresh, dataDir);
if (oldReadable) {
  const carried = await carryOver(fresh, storePath);
  const list = Object.entries(carried).map(([t, n]) => `${t} ${fmtInt(n)}`);
  if (list.length) console.log(`Carried over from the old store (not in the archive): ${list.join(', ')}`);
}
// An empty store's rollups are built once after the replay (as a first load's are), not delivery by delivery.
for (const feed of new Set(items.map((i) => i.feed))) await suspendRollupsForFirstLoad(fresh, feed);
const res = await replay(fresh, items, paths, (i, n, item, note) => {
  if (!values.quiet && (n < 50 || i % Math.ceil(n / 50) === 0 || i === n - 1))
    console.log(`  [${i + 1}/${n}] ${item.feed}/${item.name}: ${note}`);
});
await openRollups(fresh);
await fresh.checkpoint();
console.log(
  `Replayed ${res.replayed} deliveries, ${fmtInt(res.rows)} rows in ${secs(res.ms)}` +
    (res.missing.length ? `; ${res.missing.length} not in the archive` : '') +
    (res.failed.length ? `; ${res.failed.length} refused` : ''),
);
if (res.missing.length) {
  const bySource = new Map<string, number>();
  for (const m of res.missing) bySource.set(m.source, (bySource.get(m.source) ?? 0) + 1);
  console.log(
    `  missing by source: ${[...bySource].map(([s, n]) => `${s} ${n}`).join(', ')}` +
      (bySource.has('demo-live') ? ' (demo live traffic is not archived)' : ''),
  );
}

// The daily rollups against their rows: the rebuilt store's, and the old store's when it can be read.
const rollupDifferences = async (db: Db, label: string): Promise<Difference[]> => {
  const checks = await verifyRollups(db);
  console.log(
    `Daily rollups of ${label}: ${checks.map((c) => `${c.table} ${fmtInt(c.rows)} rows, ${c.differences} differences`).join('; ') || 'none'}`,
  );
  return checks
    .filter((c) => c.differences > 0)
    .map((c) => ({
      what: `${label}: ${c.table} against its rows`,
      period: '',
      old: `${c.differences} (day, unit, agency) differ`,
      rebuilt: JSON.stringify(c.sample[0] ?? {}),
    }));
};
const rollupIssues = await rollupDifferences(fresh, 'the rebuilt store');
if (oldReadable && !live) {
  const old = await openOld();
  try {
    await openRollups(old, { readOnly: true });
    rollupIssues.push(...(await rollupDifferences(old, 'the old store')));
  } finally {
    old.close();
  }
}

// Compare.
const periods = standardPeriods();
const registry = await registryFrom(fresh);
const ids = [...registry.kpis.keys()];
const tc = performance.now();
const rebuilt = await collectValues(ids, periods, storeAnswer(fresh, registry));
const rebuiltRows = await feedRows(fresh);
let oldValues: KpiValues | undefined;
let oldRows: Record<string, number> | undefined;
if (live) {
  const r = await call<{ values: Record<string, KpiValue>; feedRows: Record<string, number> }>(
    client,
    'POST',
    '/api/ops/kpi-values',
    { periods },
  );
  oldValues = new Map(Object.entries(r.values));
  oldRows = r.feedRows;
} else if (oldReadable) {
  const old = await openOld();
  try {
    oldValues = await collectValues(ids, periods, storeAnswer(old, await registryFrom(old)));
    oldRows = await feedRows(old);
  } finally {
    old.close();
  }
}
const differences: Difference[] = [...rollupIssues];
if (oldValues && oldRows) {
  differences.push(...compareValues(oldValues, rebuilt));
  for (const f of Object.keys({ ...oldRows, ...rebuiltRows }))
    if (oldRows[f] !== rebuiltRows[f])
      differences.unshift({
        what: `rows of ${f}`,
        period: '',
        old: String(oldRows[f]),
        rebuilt: String(rebuiltRows[f]),
      });
  console.log(
    `Compared ${ids.length} KPIs × ${periods.length} periods (${periods.map((p) => `${p.label} ${p.from}…${p.to}`).join(', ')})` +
      ` and the feeds' rows with ${against} in ${secs(performance.now() - tc)}:`,
  );
  if (differences.length === 0) console.log('  no differences.');
  else
    console.log(
      table([
        ['what', 'period', 'old', 'rebuilt'],
        ...differences.map((d) => [d.what, d.period, d.old, d.rebuilt]),
      ]),
    );
} else console.log(`Nothing to compare with: ${against}.`);
fresh.close();

const bad = differences.length > 0 || res.missing.length > 0;
if (values.swap) {
  if (bad && !values.force) {
    console.error(`not swapped: the rebuilt store differs (--force to swap anyway); kept at ${newPath}`);
    process.exit(1);
  }
  await assertNotHeld(storePath);
  const dir = backupsDir(dataDir);
  mkdirSync(dir, { recursive: true });
  const keptAs = join(dir, backupName(new Date(), 'pre-rebuild'));
  if (existsSync(storePath)) {
    renameSync(storePath, keptAs);
    if (existsSync(`${storePath}.wal`)) renameSync(`${storePath}.wal`, `${keptAs}.wal`);
  }
  renameSync(newPath, storePath);
  console.log(`Swapped: ${storePath} is the rebuilt store; the old one is kept as ${keptAs}.`);
} else if (values.keep || bad) console.log(`Rebuilt store kept at ${newPath}.`);
else rmSync(newPath, { force: true });
console.log(`Total ${secs(performance.now() - t0)}.`);
process.exit(bad ? 1 : 0);
