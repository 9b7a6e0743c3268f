// The archive of accepted deliveries (data/archive/<feed>/…): read-only files the store can be rebuilt from.
// Folder deliveries are copied in under their content hash (a re-delivery finds its file already there);
// pushed bodies are written there first, since the loader reads files.
import { createHash } from 'node:crypto';
import { constants, createWriteStream, existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, open, rename, rm } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Format } from './stage.ts';

/** Read-only for everyone: an archive file is never rewritten in place. */
export const ARCHIVE_MODE = 0o444;

/** Characters of the SHA-256 (hex) an archive file name carries: 64 bits, enough to never collide by chance. */
export const HASH_CHARS = 16;

const tmpName = (folder: string) =>
  join(folder, `.incoming-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);

/** Flush a file (and its folder's entry) to disk, so an archived delivery outlives a power cut like the store. */
async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function seal(tmp: string, final: string): Promise<void> {
  await fsyncPath(tmp);
  await chmod(tmp, ARCHIVE_MODE);
  await rename(tmp, final);
  await fsyncPath(join(final, '..')).catch(() => undefined);
}

/**
 * Keep a delivery file in the archive as `<feed>/<hash>.<ext>`. Copied (a reflink where the file system has them,
 * else a plain copy), never hard-linked: a link would share the inode with the file in data/feeds, so rewriting
 * that file in place (a regenerated demo, an operator's `>`) would rewrite the archive too. Returns the path and
 * whether it was created now (false: the same content was archived before).
 */
export async function archiveFile(
  archiveDir: string,
  feed: string,
  src: string,
  hash: string,
): Promise<{ path: string; created: boolean }> {
  const folder = join(archiveDir, feed);
  const ext = extname(src).toLowerCase() || '.bin';
  const final = join(folder, `${hash.slice(0, HASH_CHARS)}${ext}`);
  if (existsSync(final)) return { path: final, created: false };
  await mkdir(folder, { recursive: true });
  const tmp = tmpName(folder);
  try {
    await copyFile(src, tmp, constants.COPYFILE_FICLONE);
    await seal(tmp, final);
  } finally {
    await rm(tmp, { force: true });
  }
  return { path: final, created: true };
}

/**
 * Write a pushed body into the archive as `<feed>/<time>-<hash>.<format>`, hashing while it streams, read-only.
 * For routes/feeds.ts (its archiveBody does the same minus fsync and read-only); pass the path as `archivePath`.
 */
export async function archiveUpload(
  archiveDir: string,
  feed: string,
  format: Format,
  body: ReadableStream<Uint8Array>,
): Promise<{ path: string; hash: string }> {
  const folder = join(archiveDir, feed);
  await mkdir(folder, { recursive: true });
  const tmp = tmpName(folder);
  const h = createHash('sha256');
  const tap = new Transform({
    transform(chunk, _enc, cb) {
      h.update(chunk as Buffer);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(body as import('node:stream/web').ReadableStream),
      tap,
      createWriteStream(tmp),
    );
    const hash = h.digest('hex');
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const final = join(folder, `${stamp}-${hash.slice(0, HASH_CHARS)}.${format}`);
    await seal(tmp, final);
    return { path: final, hash };
  } finally {
    await rm(tmp, { force: true });
  }
}
