// npm run demo -- [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--scale N] [--seed S]: regenerate the demo province's
// reference data and feeds into data/ and load them through the ordinary loader into a fresh store.
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateDemo } from '../demo/generate.ts';
import { parseEnv } from '../env.ts';
import { listDeliveries, loadFiles } from '../feeds/folder.ts';
import { isValidDate } from '../kpis/period.ts';
import { dbPath, loadReferenceIfPresent, openStore } from '../store.ts';
import { fmtInt, printLoadLine } from './progress.ts';

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    scale: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    'no-load': { type: 'boolean', default: false },
  },
});
for (const k of ['from', 'to'] as const) {
  const v = values[k];
  if (v !== undefined && !isValidDate(v)) {
    console.error(`--${k} must be a date YYYY-MM-DD`);
    process.exit(1);
  }
}
const scale = Number(values.scale);
const seed = Number(values.seed);
if (!(scale > 0 && scale <= 10) || !Number.isInteger(seed)) {
  console.error('--scale must be in (0, 10], --seed an integer');
  process.exit(1);
}

const env = parseEnv();
const dataDir = resolve(env.IOC_DATA_DIR);
const t0 = performance.now();
const g = await generateDemo({
  dataDir,
  from: values.from,
  to: values.to,
  scale,
  seed,
  onProgress: (step, done, total) => process.stdout.write(`\r  ${step} ${done}/${total}          `),
});
process.stdout.write('\n');
console.log(
  `Generated ${Object.entries(g.rows)
    .map(([k, v]) => `${k} ${fmtInt(v)}`)
    .join(', ')} in ${(g.ms / 1000).toFixed(1)} s`,
);
if (values['no-load']) process.exit(0);

// A regenerated demo replaces the store: the old demo's rows would otherwise linger beside the new ones.
const path = dbPath(env);
if (path !== ':memory:') for (const f of [path, `${path}.wal`]) if (existsSync(f)) rmSync(f);
const db = await openStore(env);
await loadReferenceIfPresent(db, dataDir);
const { files } = listDeliveries([join(dataDir, 'feeds')]);
const tl = performance.now();
const res = await loadFiles(db, files, printLoadLine);
await db.checkpoint();
const loadMs = performance.now() - tl;
const rows = res.reports.reduce((s, r) => s + r.accepted, 0);
console.log(
  `Loaded ${fmtInt(rows)} rows in ${(loadMs / 1000).toFixed(1)} s (${fmtInt(Math.round(rows / (loadMs / 1000)))} rows/s);` +
    ` total ${((performance.now() - t0) / 1000).toFixed(1)} s. Store: ${path}`,
);
db.close();
