// npm run backup [-- --list]: a verified copy of the store into data/backups/ioc-YYYYMMDD-HHmmss.duckdb. Through
// the running server (no pause in serving) when one answers, else straight from the store file.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseEnv } from '../env.ts';
import { type BackupEntry, type BackupInfo, backupStore, backupsDir, listBackups } from '../ops/backup.ts';
import { call, opsClient, serverAnswers } from '../ops/client.ts';
import { dbPath, openStore } from '../store.ts';
import { fmtInt } from './progress.ts';

const { values } = parseArgs({ options: { list: { type: 'boolean', default: false } } });
const env = parseEnv();
const dir = backupsDir(env.IOC_DATA_DIR);
const client = opsClient(env);
const live = await serverAnswers(client);
const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;

try {
  if (values.list) {
    const list = live
      ? (await call<{ backups: BackupEntry[] }>(client, 'GET', '/api/ops/backups')).backups
      : await listBackups(dir);
    for (const b of list) console.log(`${b.name}  ${mb(b.bytes).padStart(10)}  ${b.createdAt}`);
    if (list.length === 0) console.log(`no backups in ${dir}`);
  } else {
    let r: Omit<BackupInfo, 'path'> & { path?: string };
    if (live) {
      console.log(`Backing up through the running server (${client.base})…`);
      r = await call<Omit<BackupInfo, 'path'>>(client, 'POST', '/api/ops/backup');
    } else {
      console.log(`No server answers on ${client.base}: backing up ${dbPath(env)} directly…`);
      const db = await openStore(env);
      try {
        r = await backupStore(db, dir);
      } finally {
        db.close();
      }
    }
    console.log(
      `Backup ${r.path ?? join(dir, r.name)}: ${mb(r.bytes)} in ${(r.ms / 1000).toFixed(1)} s, verified:`,
    );
    console.log(
      `  ${Object.entries(r.rows)
        .map(([t, n]) => `${t} ${fmtInt(n)}`)
        .join(', ')}`,
    );
  }
} catch (e) {
  console.error(`backup failed: ${(e as Error).message}`);
  process.exit(1);
}
