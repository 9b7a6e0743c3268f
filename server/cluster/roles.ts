// The cluster's two roles beside `all`: a writer publishes snapshots of its store; a reader opens the newest one
// read-only and follows the next ones. Both run the same app (server/app.ts); the reader forwards what changes data.

import { join, resolve } from 'node:path';
import type { AppContext } from '../app.ts';
import { Auth } from '../auth/service.ts';
import { Db } from '../db/index.ts';
import type { Env } from '../env.ts';
import { openRollups } from '../kpis/rollups.ts';
import { registryFrom } from '../store.ts';
import {
  type Follower,
  latestSnapshot,
  type Manifest,
  startFollower,
  startPublisher,
  verifySnapshot,
} from './snapshots.ts';

export const snapshotDir = (env: Env) => resolve(env.IOC_SNAPSHOT_DIR ?? join(env.IOC_DATA_DIR, 'snapshots'));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What health shows of a manifest. */
export const snapshotInfo = (m: Manifest | undefined) =>
  m ? { sequence: m.sequence, createdAt: m.createdAt } : undefined;

/** The writer's publisher, with the first snapshot published before the writer answers (readers can start). */
export async function startWriter(db: Db, env: Env, log: (line: string) => void) {
  const publisher = startPublisher(db, {
    dir: snapshotDir(env),
    intervalMs: env.IOC_SNAPSHOT_INTERVAL_MS,
    keep: env.IOC_SNAPSHOT_KEEP,
    log,
  });
  await publisher.publishNow(); // the first is always published (the publisher has published nothing yet)
  return publisher;
}

/**
 * A reader's store: waits for the first snapshot in the folder (a reader may start before its writer), verifies
 * it, opens it read-only; the follower then moves to each newer one and refreshes what was read from the old one.
 */
export async function openReader(
  env: Env,
  log: (line: string) => void,
  stopping: () => boolean,
): Promise<{ ctx: AppContext; follower: Follower } | undefined> {
  if (!env.IOC_SECRET)
    throw new Error('IOC_ROLE=reader needs the writer’s IOC_SECRET: sessions and tokens are hashed with it');
  const dir = snapshotDir(env);
  let first: { m: Manifest; path: string } | undefined;
  for (let waited = 0; !first; waited++) {
    if (stopping()) return undefined;
    const m = await latestSnapshot(dir).catch(() => undefined);
    if (m) {
      try {
        first = { m, path: await verifySnapshot(dir, m) };
        break;
      } catch (e) {
        log(`snapshot ${m.sequence} not usable yet: ${(e as Error).message}`);
      }
    } else if (waited % 10 === 0) log(`waiting for the writer's first snapshot in ${dir}…`);
    await sleep(1000);
  }
  const db = await Db.open({
    path: first.path,
    readOnly: true,
    memoryLimit: env.IOC_DB_MEMORY,
    // Its own spill folder: readers sharing the snapshot folder must not share DuckDB's `<file>.tmp` beside it.
    tempDirectory: env.IOC_DB_TEMP ?? join(resolve(env.IOC_DATA_DIR), 'spill'),
    threads: env.IOC_DB_THREADS,
    queryTimeoutMs: env.IOC_QUERY_TIMEOUT_MS,
  });
  // The writer's rollups, read as they are (the snapshot holds them complete).
  await openRollups(db, { readOnly: true });
  const auth = new Auth(db, env, { secret: env.IOC_SECRET });
  const ctx: AppContext = {
    db,
    registry: await registryFrom(db),
    archiveDir: join(resolve(env.IOC_DATA_DIR), 'archive'),
    startedAt: new Date(),
    auth,
  };
  const follower = startFollower(db, first.m, {
    dir,
    // Noticed within a quarter of the interval (at most a second): staleness stays close to one interval.
    pollMs: Math.max(100, Math.min(1000, env.IOC_SNAPSHOT_INTERVAL_MS / 4)),
    onSwitch: async () => {
      ctx.registry = await registryFrom(db);
      auth.invalidate();
    },
    log,
  });
  ctx.snapshot = () => snapshotInfo(follower.current);
  log(`serving snapshot ${first.m.sequence} of ${dir} (read-only)`);
  return { ctx, follower };
}
