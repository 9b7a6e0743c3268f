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
  // The day each commune opened online payment (its first online payment follows on that day).
  const adoption = adoptionDays(ref.units, seed);
  for (const u of ref.units) {
    const day = adoption.get(u.code);
    if (day !== undefined) u.payment_enabled_from = isoFromDay(day);
  }
  const files = await writeReference(opts.dataDir, ref);
  progress('reference', 1, 1);

  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const second = await instance.connect();
  try {
    await defineMacros(conn, seed);
    const ctx: GenContext = {
      conn,
      ref,
      dataDir: opts.dataDir,
      seed,
      scale,
      fromDay,
      toDay,
      // The files describe the state at the end of `to`, or now when `to` is today.
      asOfS: Math.min(Math.floor(now.getTime() / 1000), localMidnightS(toDay) + DAY_S - 1),
      progress,
      parallel: connectionPool([conn, second]),
    };
    const documents = await writeDocuments(ctx);
    const dossiers = await writeDossiersAndPayments(ctx);
    progress('reports', 0, 1);
    const reports = await writeReports(ctx);
    progress('reports', 1, 1);
    const feedback = await writeFeedback(ctx);
    files.push(
      ...documents.files,
      ...dossiers.dossierFiles,
      ...dossiers.paymentFiles,
      ...reports.files,
      ...feedback.files,
    );
    return {
      files,
      rows: {
        units: ref.units.length,
        agencies: ref.agencies.length,
        procedures: ref.procedures.length,
        indicators: ref.indicators.length,
        targets: ref.targets.length,
        documents: documents.rows,
        dossiers: dossiers.dossiers,
        payments: dossiers.payments,
        reports: reports.rows,
        feedback: feedback.rows,
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
