// npm run restore -- <ioc-YYYYMMDD-HHmmss.duckdb> | --list: put a backup back as the store. Through the running
// server (it swaps its file and drops its caches) when one answers, else by replacing the store file. The replaced
// store is kept in data/backups as …-pre-restore.duckdb.
import { parseArgs } from 'node:util';
import { parseEnv } from '../env.ts';
import { type BackupEntry, backupsDir, listBackups, type RestoreInfo, restoreFile } from '../ops/backup.ts';
import { call, opsClient, serverAnswers } from '../ops/client.ts';
import { dbPath } from '../store.ts';
import { fmtInt } from './progress.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { list: { type: 'boolean', default: false } },
});
const env = parseEnv();
const dir = backupsDir(env.IOC_DATA_DIR);
const client = opsClient(env);
const live = await serverAnswers(client);

try {
  if (values.list || positionals.length !== 1) {
    const list = live
      ? (await call<{ backups: BackupEntry[] }>(client, 'GET', '/api/ops/backups')).backups
      : await listBackups(dir);
    if (!values.list) console.log('usage: npm run restore -- <backup name>   (one of:)');
    for (const b of list) console.log(`  ${b.name}  ${b.createdAt}`);
    process.exit(values.list ? 0 : 1);
  }
  const name = positionals[0];
  let r: RestoreInfo;
  if (live) {
    console.log(`Restoring ${name} through the running server (${client.base})…`);
    r = await call<RestoreInfo>(client, 'POST', '/api/ops/restore', { name });
  } else {
    console.log(`No server answers on ${client.base}: replacing ${dbPath(env)}…`);
    r = await restoreFile(dbPath(env), dir, name);
  }
  console.log(
    `Restored ${r.name} in ${(r.ms / 1000).toFixed(1)} s; the replaced store is kept as ${r.keptAs}.`,
  );
  console.log(
    `  ${Object.entries(r.rows)
      .map(([t, n]) => `${t} ${fmtInt(n)}`)
      .join(', ')}`,
  );
} catch (e) {
  console.error(`restore failed: ${(e as Error).message}`);
  process.exit(1);
}
