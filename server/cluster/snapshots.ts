// Published snapshots: the writer copies its store, between two writes, into a shared folder as an immutable file
// with a manifest (sequence, checksum, rows per table) and points LATEST at it; readers verify the checksum and open
// the newest read-only. The folder keeps the last K. Layout:
//   <dir>/ioc-00000042.duckdb   the store as of that moment (read-only)
//   <dir>/ioc-00000042.json     its manifest
//   <dir>/LATEST                the newest manifest's name (replaced atomically)
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { type Db, normaliseRows } from '../db/index.ts';
import { inspectStore, type TableCounts } from '../ops/backup.ts';

export interface Manifest {
  /** Published snapshots are numbered 1, 2, 3… across writer restarts (the next after the newest in the folder). */
  sequence: number;
  file: string;
  sha256: string;
  bytes: number;
  createdAt: string;
  /** The data it holds: deliveries loaded, the newest of them, the audit log's last entry. */
  deliveries: number;
  lastDelivery: number | null;
  auditSeq: number;
  rows: TableCounts;
}

const NAME = /^ioc-(\d{8})\.json$/;
const fileOf = (seq: number) => `ioc-${String(seq).padStart(8, '0')}`;

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Sequences of the manifests in the folder, oldest first. */
async function sequences(dir: string): Promise<number[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir))
    .map((n) => NAME.exec(n))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/**
 * Publish the store as the next snapshot: copied between writes (Db.snapshotTo), opened read-only to prove it is a
 * store and to count what it holds, hashed, made read-only, then manifest and LATEST written — a reader never
 * sees a snapshot before its manifest, nor a manifest before its file. Older ones beyond `keep` are removed (an
 * open file stays readable for the reader that has it open).
 */
export async function publishSnapshot(db: Db, dir: string, keep: number): Promise<Manifest> {
  await mkdir(dir, { recursive: true });
  const sequence = ((await sequences(dir)).at(-1) ?? 0) + 1;
  const base = fileOf(sequence);
  const tmp = join(dir, `.${base}.partial`);
  await rm(tmp, { force: true });
  try {
    await db.snapshotTo(tmp);
    const { rows, facts } = await describe(tmp);
    const manifest: Manifest = {
      sequence,
      file: `${base}.duckdb`,
      sha256: await sha256File(tmp),
      bytes: (await stat(tmp)).size,
      createdAt: new Date().toISOString(),
      deliveries: facts.deliveries,
      lastDelivery: facts.last,
      auditSeq: facts.audit,
      rows,
    };
    await chmod(tmp, 0o444);
    await rename(tmp, join(dir, manifest.file));
    await writeFile(join(dir, `.${base}.json`), `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(join(dir, `.${base}.json`), join(dir, `${base}.json`));
    await writeFile(join(dir, '.LATEST'), `${base}.json\n`);
    await rename(join(dir, '.LATEST'), join(dir, 'LATEST'));
    for (const old of (await sequences(dir)).slice(0, -keep)) {
      await rm(join(dir, `${fileOf(old)}.json`), { force: true });
      await rm(join(dir, `${fileOf(old)}.duckdb`), { force: true });
    }
    return manifest;
  } finally {
    await rm(tmp, { force: true });
  }
}

/** What a snapshot file holds: rows per table, and the deliveries and audit entries in it. */
async function describe(path: string) {
  const rows = await inspectStore(path);
  const inst = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  try {
    const c = await inst.connect();
    try {
      const [facts] = normaliseRows(
        await c.runAndReadAll(
          `SELECT (SELECT count(*) FROM deliveries WHERE status = 'loaded') AS deliveries,
                  (SELECT max(id) FROM deliveries WHERE status = 'loaded') AS last,
                  (SELECT coalesce(max(seq), 0) FROM audit_log) AS audit`,
        ),
      ) as { deliveries: number; last: number | null; audit: number }[];
      return { rows, facts };
    } finally {
      c.closeSync();
    }
  } finally {
    inst.closeSync();
  }
}

/** The newest published manifest (LATEST), or undefined when nothing is published yet. */
export async function latestSnapshot(dir: string): Promise<Manifest | undefined> {
  const latest = join(dir, 'LATEST');
  if (!existsSync(latest)) return undefined;
  const name = (await readFile(latest, 'utf8')).trim();
  if (!NAME.test(name)) throw new Error(`LATEST names no manifest: ${name.slice(0, 60)}`);
  return JSON.parse(await readFile(join(dir, name), 'utf8')) as Manifest;
}

/** The snapshot's path once its bytes match the manifest's checksum; throws naming what differs. */
export async function verifySnapshot(dir: string, m: Manifest): Promise<string> {
  const path = join(dir, m.file);
  if (!/^ioc-\d{8}\.duckdb$/.test(m.file)) throw new Error(`manifest ${m.sequence} names no snapshot file`);
  const size = (await stat(path)).size;
  if (size !== m.bytes) throw new Error(`snapshot ${m.sequence}: ${size} bytes, manifest says ${m.bytes}`);
  const sum = await sha256File(path);
  if (sum !== m.sha256) throw new Error(`snapshot ${m.sequence}: checksum ${sum.slice(0, 12)}… ≠ manifest's`);
  return path;
}

export interface Publisher {
  /** The newest manifest published by this process. */
  readonly last: Manifest | undefined;
  /** Publish now if anything changed since the last snapshot (waits for a publication in progress). */
  publishNow(): Promise<Manifest | undefined>;
  stop(): Promise<void>;
}

/**
 * The writer's loop: a change (a delivery, a session, an audit line…) is published as soon as it is seen (checked
 * every 100 ms), but at most once per `intervalMs` from the start of the previous publication; changes meanwhile
 * wait for the next one. So readers lag by at most one interval plus one publication.
 */
export function startPublisher(
  db: Db,
  opts: { dir: string; intervalMs: number; keep: number; log?: (line: string) => void },
): Publisher {
  let last: Manifest | undefined;
  let published = -1;
  let startedAt = 0;
  let running: Promise<Manifest | undefined> | undefined;
  let stopped = false;
  const once = async (): Promise<Manifest | undefined> => {
    if (db.changes === published) return undefined;
    const at = db.changes;
    startedAt = Date.now();
    const t0 = performance.now();
    try {
      last = await publishSnapshot(db, opts.dir, opts.keep);
      published = at;
      opts.log?.(
        `snapshot ${last.sequence} published (${(last.bytes / 1e6).toFixed(1)} MB, ${Math.round(performance.now() - t0)} ms)`,
      );
      return last;
    } catch (e) {
      opts.log?.(`snapshot not published: ${(e as Error).message}`);
      return undefined;
    }
  };
  const publishNow = async () => {
    while (running) await running;
    running = once().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(
    () => {
      if (stopped || running || db.changes === published) return;
      if (Date.now() - startedAt >= opts.intervalMs) void publishNow();
    },
    Math.min(100, opts.intervalMs),
  );
  timer.unref();
  return {
    get last() {
      return last;
    },
    publishNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      while (running) await running;
    },
  };
}

export interface Follower {
  readonly current: Manifest;
  stop(): void;
}

/**
 * A reader's loop: every `pollMs`, read LATEST; a newer snapshot is verified (checksum) and the store follows it
 * between requests (Db.follow), then `onSwitch` refreshes what was read from the old one (registry, access caches).
 * A snapshot that fails verification is skipped with a log line; the reader keeps serving the one it has.
 */
export function startFollower(
  db: Db,
  first: Manifest,
  opts: {
    dir: string;
    pollMs: number;
    onSwitch: (m: Manifest) => Promise<void>;
    log?: (line: string) => void;
  },
): Follower {
  let current = first;
  const refused = new Set<number>();
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const m = await latestSnapshot(opts.dir).catch(() => undefined);
      if (!m || m.sequence <= current.sequence || refused.has(m.sequence)) return;
      let path: string;
      try {
        path = await verifySnapshot(opts.dir, m);
      } catch (e) {
        refused.add(m.sequence);
        opts.log?.(`snapshot refused: ${(e as Error).message}`);
        return;
      }
      await db.follow(path);
      current = m;
      await opts.onSwitch(m);
      opts.log?.(`serving snapshot ${m.sequence}`);
    } catch (e) {
      opts.log?.(`snapshot not followed: ${(e as Error).message}`);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), opts.pollMs);
  timer.unref();
  return {
    get current() {
      return current;
    },
    stop() {
      clearInterval(timer);
    },
  };
}
