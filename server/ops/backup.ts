// Backup and restore of the DuckDB store, while the server serves: a backup is DuckDB's own consistent copy of the
// database (COPY FROM DATABASE) taken between two deliveries and verified by reading it back; a restore swaps the
// store's file for a copy of a backup (Db.swap), keeping the replaced store as a backup of its own.
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { vnWallClock } from '../../common/vn-time.ts';
import { type Db, normaliseRows } from '../db/index.ts';
import { migrate } from '../db/schema.ts';
import { sqlIdent, sqlString } from '../db/sql.ts';
import { withoutPaths } from '../feeds/stage.ts';

/** A failure the operator can act on, with the HTTP status the ops routes answer. */
export class OpsError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 | 500 = 400,
  ) {
    super(message);
  }
}

/** File names a restore accepts: a plain name inside the backups folder, never a path. */
export const BACKUP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.duckdb$/;

export const backupsDir = (dataDir: string) => join(resolve(dataDir), 'backups');

/** `ioc-YYYYMMDD-HHmmss[-tag].duckdb` on the Vietnam clock (UTC+7, as every date of the product). */
export function backupName(at = new Date(), tag?: string): string {
  const s = vnWallClock(at).toISOString();
  const stamp = `${s.slice(0, 10).replaceAll('-', '')}-${s.slice(11, 19).replaceAll(':', '')}`;
  return `ioc-${stamp}${tag ? `-${tag}` : ''}.duckdb`;
}

/** A name not taken yet in the folder (two backups in one second get -2, -3…). */
function freshName(dir: string, tag?: string): string {
  const first = backupName(new Date(), tag);
  let name = first;
  for (let k = 2; existsSync(join(dir, name)); k++) name = first.replace(/\.duckdb$/, `-${k}.duckdb`);
  return name;
}

export type TableCounts = Record<string, number>;

/** Rows of every table of a catalog (the store's tables, not views or temporary tables). */
export async function tableCounts(c: DuckDBConnection, catalog?: string): Promise<TableCounts> {
  const cat =
    catalog ?? (normaliseRows(await c.runAndReadAll('SELECT current_database() AS d'))[0].d as string);
  const tables = normaliseRows(
    await c.runAndReadAll(
      `SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = $cat AND NOT temporary
       ORDER BY table_name`,
      { cat },
    ),
  ) as { schema_name: string; table_name: string }[];
  const out: TableCounts = {};
  for (const t of tables) {
    const q = `SELECT count(*) AS n FROM ${sqlIdent(cat)}.${sqlIdent(t.schema_name)}.${sqlIdent(t.table_name)}`;
    out[t.table_name] = normaliseRows(await c.runAndReadAll(q))[0].n as number;
  }
  return out;
}

/** Open a store file read-only in an instance of its own and count its tables; refuses what is not a store. */
export async function inspectStore(path: string): Promise<TableCounts> {
  let inst: DuckDBInstance;
  try {
    inst = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  } catch (e) {
    throw new OpsError(
      `cannot open ${basename(path)}: ${withoutPaths((e as Error).message.split('\n')[0])}`,
      400,
    );
  }
  try {
    const c = await inst.connect();
    try {
      const counts = await tableCounts(c);
      for (const t of ['schema_migrations', 'deliveries', 'units'])
        if (!(t in counts)) throw new OpsError(`${basename(path)} is not an IOC store (no table ${t})`, 400);
      return counts;
    } finally {
      c.closeSync();
    }
  } finally {
    inst.closeSync();
  }
}

export interface BackupInfo {
  name: string;
  path: string;
  bytes: number;
  ms: number;
  /** Rows per table, counted in the store when copied and found again in the backup. */
  rows: TableCounts;
}

/**
 * A consistent copy of the live store into `dir`: queued between deliveries (none commits while it copies), written
 * under a temporary name, verified by opening it and comparing every table's row count, then named
 * `ioc-YYYYMMDD-HHmmss.duckdb` and made read-only. Reads keep being served meanwhile.
 */
export async function backupStore(db: Db, dir: string, tag?: string): Promise<BackupInfo> {
  const t0 = performance.now();
  await mkdir(dir, { recursive: true });
  const name = freshName(dir, tag);
  const path = join(dir, name);
  const tmp = join(dir, `.${name}.partial`);
  await rm(tmp, { force: true });
  try {
    const rows = await db.serialized(() =>
      db.withConnection(async (c) => {
        const cat = normaliseRows(await c.runAndReadAll('SELECT current_database() AS d'))[0].d as string;
        const counts = await tableCounts(c, cat);
        await c.run(`ATTACH ${sqlString(tmp)} AS ioc_backup`);
        try {
          await c.run(`COPY FROM DATABASE ${sqlIdent(cat)} TO ioc_backup`);
        } finally {
          await c.run('DETACH ioc_backup');
        }
        return counts;
      }),
    );
    const found = await inspectStore(tmp);
    const differ = Object.keys({ ...rows, ...found }).filter((t) => rows[t] !== found[t]);
    if (differ.length > 0)
      throw new OpsError(
        `backup verification failed: ${differ.map((t) => `${t} ${rows[t]} ≠ ${found[t]}`).join(', ')}`,
        500,
      );
    await chmod(tmp, 0o444);
    await rename(tmp, path);
    return { name, path, bytes: (await stat(path)).size, ms: Math.round(performance.now() - t0), rows };
  } finally {
    await rm(tmp, { force: true });
    await rm(`${tmp}.wal`, { force: true });
  }
}

export interface BackupEntry {
  name: string;
  bytes: number;
  createdAt: string;
}

/** The backups folder, newest first. */
export async function listBackups(dir: string): Promise<BackupEntry[]> {
  if (!existsSync(dir)) return [];
  const names = (await readdir(dir)).filter((n) => BACKUP_NAME.test(n));
  const out = await Promise.all(
    names.map(async (name) => {
      const st = await stat(join(dir, name));
      return { name, bytes: st.size, createdAt: st.mtime.toISOString() };
    }),
  );
  return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.name.localeCompare(a.name));
}

/** The path of a backup by name, refusing anything but a plain file name of the folder. */
export function backupPath(dir: string, name: string): string {
  if (!BACKUP_NAME.test(name)) throw new OpsError(`not a backup file name: ${name}`, 400);
  const path = join(dir, name);
  if (!existsSync(path)) throw new OpsError(`no backup ${name}`, 404);
  return path;
}

export interface RestoreInfo {
  name: string;
  /** The store that was replaced, kept in the backups folder under this name. */
  keptAs: string;
  ms: number;
  rows: TableCounts;
}

/**
 * Restore a backup into the running store: verified first (it opens and is a store), then swapped in (in-flight
 * reads finish, new ones wait, every cached answer is dropped); the replaced store is kept as `…-pre-restore`.
 * Migrations run afterwards, so a backup of an older version comes back up to date.
 */
export async function restoreStore(db: Db, dir: string, name: string): Promise<RestoreInfo> {
  const t0 = performance.now();
  const path = backupPath(dir, name);
  await inspectStore(path);
  const keptAs = freshName(dir, 'pre-restore');
  await db.swap(path, { keepAs: join(dir, keptAs) });
  await chmod(join(dir, keptAs), 0o444).catch(() => undefined);
  await migrate(db);
  await carryAccessForward(db, join(dir, keptAs));
  const rows = await db.withConnection((c) => tableCounts(c));
  return { name, keptAs, ms: Math.round(performance.now() - t0), rows };
}

/** Who may do what is not data to roll back: a restore keeps today's users, roles, sessions and tokens. */
const ACCESS_TABLES = ['users', 'roles', 'sessions', 'devices', 'feed_sources'];

/**
 * A restore brings the data back to the backup's moment, but not access: users, roles, sessions, wall devices and
 * feed sources are carried over from the replaced store as they are now (a revoked token stays revoked, a
 * changed password stays changed), and the audit log stays append-only — entries written after the backup are
 * carried over too (their hashes continue the backup's chain).
 */
async function carryAccessForward(db: Db, replaced: string): Promise<void> {
  await db.withConnection(async (c) => {
    await c.run(`ATTACH ${sqlString(replaced)} AS replaced (READ_ONLY)`);
    try {
      await c.run('BEGIN TRANSACTION');
      for (const t of ACCESS_TABLES) {
        await c.run(`DELETE FROM ${sqlIdent(t)}`);
        await c.run(`INSERT INTO ${sqlIdent(t)} BY NAME SELECT * FROM replaced.${sqlIdent(t)}`);
      }
      await c.run(`INSERT INTO audit_log SELECT * FROM replaced.audit_log
        WHERE seq > (SELECT coalesce(max(seq), 0) FROM audit_log) ORDER BY seq`);
      await c.run('COMMIT');
    } catch (e) {
      await c.run('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      await c.run('DETACH replaced');
    }
  });
}

/** Refuse to touch a store file another process holds (DuckDB locks it per process: a server, a load). */
export async function assertNotHeld(storePath: string): Promise<void> {
  if (!existsSync(storePath)) return;
  try {
    (await DuckDBInstance.create(storePath)).closeSync();
  } catch (e) {
    const msg = (e as Error).message;
    if (/lock/i.test(msg)) throw new OpsError(`${storePath} is in use by another process (a server?)`, 409);
  }
}

/** Restore with no server holding the store: the file is replaced directly, the old one kept as a backup. */
export async function restoreFile(storePath: string, dir: string, name: string): Promise<RestoreInfo> {
  const t0 = performance.now();
  const path = backupPath(dir, name);
  await assertNotHeld(storePath);
  const rows = await inspectStore(path);
  const keptAs = freshName(dir, 'pre-restore');
  const tmp = `${storePath}.restore-${process.pid}`;
  await copyFile(path, tmp);
  await chmod(tmp, 0o644);
  try {
    if (existsSync(storePath)) {
      await rename(storePath, join(dir, keptAs));
      await rename(`${storePath}.wal`, join(dir, `${keptAs}.wal`)).catch(() => undefined);
    }
    await rename(tmp, storePath);
  } finally {
    await rm(tmp, { force: true });
  }
  return { name, keptAs, ms: Math.round(performance.now() - t0), rows };
}
