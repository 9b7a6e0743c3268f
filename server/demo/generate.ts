// The demo province generator: reference CSVs and four feeds (documents, dossiers, payments as
// Parquet; reports as CSV) for Phú Thọ from `from` to `to`, deterministic for a seed, reproducing
// the seed figures of SUBSYSTEMS.md at scale 1. Run directly:
//   node --import tsx server/demo/generate.ts [--data data] [--from 2020-01-01] [--to YYYY-MM-DD] [--scale 1] [--seed 1]
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { DAY_S, dayFromIso, isoFromDay, localDayOf, localMidnightS, yearOfDay } from './calendar.ts';
import type { GenContext } from './context.ts';
import { writeDocuments } from './documents.ts';
import { adoptionDays, writeDossiersAndPayments } from './dossiers.ts';
import { writeFeedback } from './feedback.ts';
import { REFORM_DAY, REGIONS, regionRef } from './merger.ts';
import { buildReference, writeReference } from './reference.ts';
import { writeReports } from './reports.ts';
import { connectionPool, defineMacros } from './sql.ts';

export interface DemoOptions {
  dataDir: string;
  /** YYYY-MM-DD, default 2020-01-01 */
  from?: string;
  /** YYYY-MM-DD, default today in Asia/Ho_Chi_Minh */
  to?: string;
  /** multiplies the volumes of the big feeds (the seed figures hold only at 1); default 1 */
  scale?: number;
  /** default 1 */
  seed?: number;
  onProgress?: (step: string, done: number, total: number) => void;
  /** The clock, for tests; default the real time. Nothing generated is later than this. */
  now?: Date;
}

export interface DemoResult {
  files: string[];
  rows: Record<string, number>;
  ms: number;
}

export const FEEDS = ['documents', 'dossiers', 'payments', 'reports', 'feedback'] as const;
/** Delivery formats the loader picks up (FEEDS.md); anything else in a feed folder is left alone. */
const DELIVERY_EXTENSIONS = ['.parquet', '.csv', '.ndjson', '.jsonl', '.json'];

/** Delete earlier deliveries from the feed folders so a regenerated demo is never mixed with an old one. */
async function clearFeedFolders(dataDir: string): Promise<void> {
  for (const feed of FEEDS) {
    const dir = join(dataDir, 'feeds', feed);
    await mkdir(dir, { recursive: true });
    for (const name of await readdir(dir)) {
      const path = join(dir, name);
      if (
        DELIVERY_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext)) &&
        (await stat(path)).isFile()
      ) {
        await rm(path);
      }
    }
  }
}

/** Generate the demo province into `opts.dataDir`. */
export async function generateDemo(opts: DemoOptions): Promise<DemoResult> {
  const started = Date.now();
  const now = opts.now ?? new Date();
  const today = localDayOf(now);
  const fromDay = dayFromIso(opts.from ?? '2020-01-01');
  const toDay = opts.to ? dayFromIso(opts.to) : today;
  const scale = opts.scale ?? 1;
  const seed = opts.seed ?? 1;
  if (toDay > today)
    throw new Error(`to ${isoFromDay(toDay)} is after today ${isoFromDay(today)} (Asia/Ho_Chi_Minh)`);
  if (fromDay > toDay) throw new Error(`from ${isoFromDay(fromDay)} is after to ${isoFromDay(toDay)}`);
  if (!(scale > 0) || !Number.isFinite(scale))
    throw new Error(`scale must be a positive number, got ${scale}`);
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  const progress = opts.onProgress ?? (() => {});

  await clearFeedFolders(opts.dataDir);
  progress('reference', 0, 1);
  const ref = buildReference(yearOfDay(toDay));
  // The day each commune opened online payment (its first online payment follows on that day): in each former
  // province the larger communes first (153 of the former Phú Thọ's 225 by 31/8/2021, the same share elsewhere);
  // the merged province's communes took over their predecessors' payment services on their first day.
  for (const region of REGIONS) {
    const part = regionRef(ref, region);
    const n = part.units.filter((u) => u.level === 'commune').length;
    const adoption =
      region.key === 'merged'
        ? new Map(part.units.map((u) => [u.code, dayFromIso(REFORM_DAY)]))
        : adoptionDays(part.units, seed, region.key === 'pt' ? undefined : Math.round((n * 153) / 225));
    for (const u of part.units) {
      const day = adoption.get(u.code);
      if (day !== undefined && u.level === 'commune') u.payment_enabled_from = isoFromDay(day);
    }
  }
  const files = await writeReference(opts.dataDir, ref);
  progress('reference', 1, 1);

  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const second = await instance.connect();
  try {
    await defineMacros(conn, seed);
    const seqStart = new Map<string, Map<number, number>>();
    const rows = { documents: 0, dossiers: 0, payments: 0, reports: 0, feedback: 0 };
    for (const [k, region] of REGIONS.entries()) {
      const from = Math.max(fromDay, dayFromIso(region.from));
      const to = region.to ? Math.min(toDay, dayFromIso(region.to)) : toDay;
      if (from > to) continue;
      const ctx: GenContext = {
        conn,
        ref: regionRef(ref, region),
        region,
        seqStart,
        rowBase: k * 10_000_000_000,
        dataDir: opts.dataDir,
        seed,
        scale,
        fromDay: from,
        toDay: to,
        // The files describe the state at the end of `to`, or now when `to` is today — for every region, so a
        // dossier a former province received in June 2025 is completed in July as it was.
        asOfS: Math.min(Math.floor(now.getTime() / 1000), localMidnightS(toDay) + DAY_S - 1),
        progress: (step, done, total) => progress(region.tag ? `${step} (${region.tag})` : step, done, total),
        parallel: connectionPool([conn, second]),
      };
      const documents = await writeDocuments(ctx);
      const dossiers = await writeDossiersAndPayments(ctx);
      ctx.progress('reports', 0, 1);
      const reports = await writeReports(ctx);
      ctx.progress('reports', 1, 1);
      const feedback = await writeFeedback(ctx);
      files.push(
        ...documents.files,
        ...dossiers.dossierFiles,
        ...dossiers.paymentFiles,
        ...reports.files,
        ...feedback.files,
      );
      rows.documents += documents.rows;
      rows.dossiers += dossiers.dossiers;
      rows.payments += dossiers.payments;
      rows.reports += reports.rows;
      rows.feedback += feedback.rows;
    }
    return {
      files,
      rows: {
        units: ref.units.length,
        agencies: ref.agencies.length,
        procedures: ref.procedures.length,
        indicators: ref.indicators.length,
        targets: ref.targets.length,
        ...rows,
      },
      ms: Date.now() - started,
    };
  } finally {
    second.closeSync();
    conn.closeSync();
    instance.closeSync();
  }
}

function parseArgs(argv: readonly string[]): DemoOptions {
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (name: string) => {
    const v = value(name);
    return v === undefined ? undefined : Number(v);
  };
  return {
    dataDir: value('data') ?? 'data',
    from: value('from'),
    to: value('to'),
    scale: num('scale'),
    seed: num('seed'),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const options = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  let last = '';
  const result = await generateDemo({
    ...options,
    onProgress: (step, done, total) => {
      const line = `${step} ${done}/${total}`;
      if (line !== last)
        process.stderr.write(`${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s  ${line}\n`);
      last = line;
    },
  });
  const sizes = await Promise.all(result.files.map(async (f) => [f, (await stat(f)).size] as const));
  for (const [f, size] of sizes) console.log(`${(size / 1e6).toFixed(2).padStart(8)} MB  ${f}`);
  console.log(result.rows);
  console.log(`generated in ${(result.ms / 1000).toFixed(1)} s`);
}
