// Loading every delivery file under data/feeds/<feed>/ (start-up and `npm run load`). Already-loaded files
// are recognised by content hash and skipped as duplicate deliveries; accepted ones are kept in the archive.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Db } from '../db/index.ts';
import { openRollups, suspendRollupsForFirstLoad } from '../kpis/rollups.ts';
import { type LoadReport, loadDelivery } from './loader.ts';
import { FEED_NAMES, type FeedName, isFeedName } from './specs.ts';
import { DeliveryError, formatFromName } from './stage.ts';

export interface FolderFile {
  feed: FeedName;
  path: string;
}

/** Delivery files of a folder tree: `<feed>/<file>` or a single file whose parent folder names the feed. */
export function listDeliveries(paths: string[]): { files: FolderFile[]; skipped: string[] } {
  const files: FolderFile[] = [];
  const skipped: string[] = [];
  const visit = (p: string, feedHint?: FeedName) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      const name = basename(p);
      const hint = isFeedName(name) ? name : feedHint;
      for (const child of readdirSync(p).sort()) {
        if (!child.startsWith('.')) visit(join(p, child), hint);
      }
      return;
    }
    const feed =
      feedHint ??
      (isFeedName(basename(resolve(p, '..'))) ? (basename(resolve(p, '..')) as FeedName) : undefined);
    if (!feed || !formatFromName(p)) skipped.push(p);
    else files.push({ feed, path: p });
  };
  for (const p of paths) if (existsSync(p)) visit(p);
  // Feeds in dependency order is not required (references are reference data), but stable order helps reading.
  files.sort(
    (a, b) => FEED_NAMES.indexOf(a.feed) - FEED_NAMES.indexOf(b.feed) || a.path.localeCompare(b.path),
  );
  return { files, skipped };
}

export interface FolderResult {
  reports: LoadReport[];
  failures: { path: string; error: string }[];
  /** Rollups set aside for a first load and not built yet (`rollups: 'later'`): the caller runs openRollups. */
  rollupsPending: boolean;
}

export interface LoadFilesOptions {
  /** Keep each accepted file in this archive (data/archive), as pushes are. */
  archiveDir?: string;
  /** Stop before the next file once aborted (shutdown); the file in progress is the caller's to interrupt. */
  signal?: AbortSignal;
  /**
   * A feed loaded into an empty table gets its daily rollups built once at the end (kpis/rollups.ts): `now` (the
   * default) before returning; `later` leaves it to the caller (the server builds them once it serves).
   */
  rollups?: 'now' | 'later';
}

/** Load files one delivery at a time; a failed delivery does not stop the others. */
export async function loadFiles(
  db: Db,
  files: FolderFile[],
  onFile?: (f: FolderFile, r: LoadReport | { error: string }, i: number, n: number) => void,
  source = 'file',
  opts: LoadFilesOptions = {},
): Promise<FolderResult> {
  const out: FolderResult = { reports: [], failures: [], rollupsPending: false };
  for (const feed of new Set(files.map((f) => f.feed)))
    if (await suspendRollupsForFirstLoad(db, feed)) out.rollupsPending = true;
  for (const [i, f] of files.entries()) {
    if (opts.signal?.aborted) break;
    try {
      const r = await loadDelivery(
        db,
        {
          feed: f.feed,
          path: f.path,
          name: basename(f.path),
          format: formatFromName(f.path)!,
          source,
        },
        { archiveDir: opts.archiveDir },
      );
      out.reports.push(r);
      onFile?.(f, r, i, files.length);
    } catch (e) {
      if (!(e instanceof DeliveryError)) throw e;
      out.failures.push({ path: f.path, error: e.message });
      onFile?.(f, { error: e.message }, i, files.length);
    }
  }
  if (out.rollupsPending && opts.rollups !== 'later') {
    await openRollups(db);
    out.rollupsPending = false;
  }
  return out;
}
