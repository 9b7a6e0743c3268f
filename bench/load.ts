// One load as the server does it, in a process of its own (run by bench/run.ts): a fresh store at the default
// settings, the reference data, then every feed's files through the loader (validation and the rollups' first build
// included). Its peak RSS is the loader's alone — not the bench's PostgreSQL client, DuckDB floor or Lighthouse.
// Prints one JSON line: each feed's milliseconds and accepted rows, and the process's peak RSS.
import { parseArgs } from 'node:util';
import { parseEnv } from '../server/env.ts';
import { listDeliveries, loadFiles } from '../server/feeds/folder.ts';
import { loadReferenceIfPresent, openStore } from '../server/store.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    data: { type: 'string' },
    feeds: { type: 'string' },
    memory: { type: 'string' },
  },
});
if (!values.db || !values.data || !values.feeds)
  throw new Error('usage: load.ts --db FILE --data DIR --feeds a,b');
const db = await openStore(
  parseEnv({
    IOC_DB: values.db,
    IOC_DATA_DIR: values.data,
    ...(values.memory ? { IOC_DB_MEMORY: values.memory } : {}),
  }),
);
await loadReferenceIfPresent(db, values.data);
const files = listDeliveries([`${values.data}/feeds`]).files;
const ms: Record<string, number> = {};
const rows: Record<string, number> = {};
for (const feed of values.feeds.split(',')) {
  const t = performance.now();
  const r = await loadFiles(
    db,
    files.filter((f) => f.feed === feed),
  );
  ms[feed] = performance.now() - t;
  rows[feed] = r.reports.reduce((s, x) => s + x.accepted, 0);
}
await db.checkpoint();
db.close();
// maxRSS is in kilobytes on Linux.
console.log(
  JSON.stringify({ ms, rows, peakRssMb: Math.round((process.resourceUsage().maxRSS * 1024) / 1e6) }),
);
