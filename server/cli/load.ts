// npm run load -- <files or folders>: load deliveries through the same loader as the server, print the report.
import { join, resolve } from 'node:path';
import { parseEnv } from '../env.ts';
import { listDeliveries, loadFiles } from '../feeds/folder.ts';
import { loadReferenceIfPresent, openStore } from '../store.ts';
import { printLoadLine } from './progress.ts';

const args = process.argv.slice(2);
if (args.length === 0 || args.includes('--help')) {
  console.log(
    'usage: npm run load -- <file or folder>…   (files under a folder named documents/, dossiers/, payments/ or reports/)',
  );
  process.exit(args.length === 0 ? 1 : 0);
}
const env = parseEnv();
const db = await openStore(env);
await loadReferenceIfPresent(db, resolve(env.IOC_DATA_DIR));
const { files, skipped } = listDeliveries(args.map((a) => resolve(a)));
for (const s of skipped)
  console.log(`  skipped ${s}: not under a feed folder, or not .csv/.ndjson/.jsonl/.json/.parquet`);
const res = await loadFiles(db, files, printLoadLine, 'cli', {
  archiveDir: join(resolve(env.IOC_DATA_DIR), 'archive'),
});
await db.checkpoint();
db.close();
process.exit(res.failures.length > 0 ? 2 : 0);
