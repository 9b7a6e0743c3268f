// npm run bench -- [--scale N] [--runs N] [--memory X] [--quick]: load rates against DuckDB's own reader, query
// latency through HTTP against the same answer in-process and against the engine's SQL alone, the same SQL on
// PostgreSQL 15 (bench/pg.ts), concurrency against a bare Hono route, and peak memory — all measured side by side
// in one run. Reports; never fails on numbers.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import autocannon from 'autocannon';
import { Hono } from 'hono';
import { createApp } from '../server/app.ts';
import type { Db, Params } from '../server/db/index.ts';
import { generateDemo } from '../server/demo/generate.ts';
import { parseEnv } from '../server/env.ts';
import { listDeliveries } from '../server/feeds/folder.ts';
import { FEED_NAMES } from '../server/feeds/specs.ts';
import { computeCells } from '../server/kpis/engine.ts';
import { comparisons, todayLocal } from '../server/kpis/period.ts';
import {
  feedStatus,
  getBreakdown,
  getKpi,
  getRecords,
  getSubsystems,
  type KpiContext,
} from '../server/kpis/service.ts';
import { openStore, registryFrom } from '../server/store.ts';
import { CHROMIUM, type LighthouseRow, lighthouseRows, pageScripts } from './browser.ts';
import { benchCluster } from './cluster.ts';
import { PG_SETTINGS, Postgres, sameRows, toPostgres } from './pg.ts';
import { type GoalRow, writeSummary } from './summary.ts';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    runs: { type: 'string', default: '5' },
    quick: { type: 'boolean', default: false },
    memory: { type: 'string' },
  },
});
const quick = values.quick;
const scale = quick ? 0.02 : Number(values.scale);
const runs = quick ? 1 : Number(values.runs);
const from = quick ? '2025-01-01' : '2020-01-01';
const ROOT = resolve(import.meta.dirname, '..');
const cacheDir = join(ROOT, '.cache', 'bench', `scale-${scale}-from-${from}`);
const outDir = join(ROOT, 'bench', 'results');

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = (s.length - 1) / 2;
  return (s[Math.floor(m)] + s[Math.ceil(m)]) / 2;
};
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const f1 = (n: number | null) =>
  n === null || Number.isNaN(n) ? '—' : n >= 100 ? n.toFixed(0) : n.toFixed(1);
const time = async (fn: () => Promise<unknown>) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

// 1. Dataset: generated once per scale and cached outside git.
if (!existsSync(join(cacheDir, 'feeds'))) {
  console.log(`generating scale ${scale} from ${from} into ${cacheDir}…`);
  await generateDemo({ dataDir: cacheDir, scale, from });
}
const files = listDeliveries([join(cacheDir, 'feeds')]).files;
const feedRows: Record<string, number> = {};

// 2. Load: our loader (validation included) vs DuckDB's bare read into a table, same files, same run; each run
// loads into a fresh store, and the figures are medians over the runs. The last run's store is queried below.
const loadResults: {
  feed: string;
  rows: number;
  oursS: number;
  floorS: number;
  ratio: number;
  rowsPerS: number;
}[] = [];
const dbFile = join(cacheDir, 'bench.duckdb');
const env = parseEnv({
  IOC_DB: dbFile,
  IOC_DATA_DIR: cacheDir,
  ...(values.memory ? { IOC_DB_MEMORY: values.memory } : {}),
});
const FEEDS = ['documents', 'dossiers', 'payments', 'reports'];
const loadMs: Record<string, { ours: number[]; floor: number[] }> = Object.fromEntries(
  FEEDS.map((f) => [f, { ours: [], floor: [] }]),
);
/** Peak RSS of each run's loading process (bench/load.ts: the loader alone, at the default settings). */
const loadPeaksMb: number[] = [];
for (let run = 0; run < runs; run++) {
  for (const f of [
    dbFile,
    `${dbFile}.wal`,
    join(cacheDir, 'floor.duckdb'),
    join(cacheDir, 'floor.duckdb.wal'),
  ])
    rmSync(f, { force: true });
  // Ours: every feed through the loader in a process of its own, as `npm start` loads a first delivery.
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'bench', 'load.ts'),
      '--db',
      dbFile,
      '--data',
      cacheDir,
      '--feeds',
      FEEDS.join(','),
      ...(values.memory ? ['--memory', values.memory] : []),
    ],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (child.status !== 0) throw new Error(`bench/load.ts failed (exit ${child.status})`);
  const out = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as {
    ms: Record<string, number>;
    rows: Record<string, number>;
    peakRssMb: number;
  };
  loadPeaksMb.push(out.peakRssMb);
  // The floor: DuckDB reading the same files into bare tables, in this process.
  const floorDb = await openStore(
    parseEnv({
      IOC_DB: join(cacheDir, 'floor.duckdb'),
      ...(values.memory ? { IOC_DB_MEMORY: values.memory } : {}),
    }),
  );
  for (const feed of FEEDS) {
    const mine = files.filter((f) => f.feed === feed);
    loadMs[feed].ours.push(out.ms[feed]);
    loadMs[feed].floor.push(
      await time(async () => {
        for (const [i, f] of mine.entries()) {
          const reader = f.path.endsWith('.parquet') ? `read_parquet('${f.path}')` : `read_csv('${f.path}')`;
          await floorDb.exec(`CREATE TABLE ${feed}_${i} AS SELECT * FROM ${reader}`);
        }
      }),
    );
    feedRows[feed] = out.rows[feed];
  }
  floorDb.close();
  console.log(
    `load run ${run + 1}/${runs}: ${FEEDS.map((f) => `${f} ${f1(loadMs[f].ours[run] / 1000)} s`).join(', ')}, loader peak RSS ${out.peakRssMb} MB`,
  );
}
for (const feed of FEEDS) {
  const oursMs = median(loadMs[feed].ours);
  const floorMs = median(loadMs[feed].floor);
  loadResults.push({
    feed,
    rows: feedRows[feed],
    oursS: oursMs / 1000,
    floorS: floorMs / 1000,
    ratio: oursMs / floorMs,
    rowsPerS: feedRows[feed] / (oursMs / 1000),
  });
}
// The last run's store, queried below.
const db = await openStore(env);
await db.checkpoint();
const duckSettings = (
  await db.query<{ threads: string; memory: string }>(
    `SELECT current_setting('threads') AS threads, current_setting('memory_limit') AS memory`,
  )
)[0];

// 3. Queries: HTTP (uncached) vs the same answer in-process vs the engine's SQL alone.
const store = db;
const ctx: KpiContext = { db, registry: await registryFrom(db) };
// The built web app beside the API (npm run build), for the browser measures (wall JavaScript, Lighthouse).
const webDir = join(ROOT, 'dist', 'web');
const hasWeb = existsSync(join(webDir, 'index.html'));
const app = createApp(
  { ...ctx, archiveDir: join(cacheDir, 'archive'), startedAt: new Date() },
  env,
  hasWeb ? { webDir } : {},
);
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const to = todayLocal();
const range = { from: `${to.slice(0, 4)}-01-01`, to };
const q = `from=${range.from}&to=${range.to}`;
/**
 * Makes every cached answer unreachable, so each measured request computes from the store — except feed freshness,
 * which the server keeps per data version of all feeds and which is not a KPI answer's work (recomputing it
 * on every call added ~15 ms to each figure). The data do not change during the query phase.
 */
let nonce = 0;
const versionOf = db.versionOf.bind(db);
db.versionOf = (feeds) => (feeds === FEED_NAMES ? versionOf(feeds) : `${versionOf(feeds)}.q${nonce}`);
const uncache = () => {
  nonce++;
};
/** Every statement the store runs while `captured` is set (the SQL of one answer, replayed on both engines). */
let captured: { sql: string; params: Params }[] | null = null;
const rawQuery = db.query.bind(db);
db.query = ((sql: string, params: Params = {}) => {
  captured?.push({ sql, params });
  return rawQuery(sql, params);
}) as Db['query'];

interface QueryCase {
  name: string;
  url: string;
  inProcess: () => Promise<unknown>;
  sqlOnly?: () => Promise<unknown>;
}
const kpiCase = (id: string): QueryCase => {
  const kpi = ctx.registry.kpis.get(id)!;
  const cmp = comparisons(range);
  const branches = (['current', 'previousPeriod', 'samePeriodLastYear', 'yearToDate'] as const).map((k) => ({
    key: k,
    range: cmp[k],
  }));
  return {
    name: id,
    url: `/api/kpis/${id}?${q}`,
    inProcess: () => getKpi(ctx, id, range, {}),
    sqlOnly: kpi.kind === 'index' ? undefined : () => computeCells(store, kpi, branches, {}),
  };
};
const cases: QueryCase[] = [
  {
    name: 'overview (12 subsystems, 36 KPIs)',
    url: `/api/subsystems?${q}`,
    inProcess: () => getSubsystems(ctx, range, {}),
  },
  ...ctx.registry.subsystems.flatMap((s) => s.headline.filter((h) => ctx.registry.kpis.has(h)).map(kpiCase)),
  {
    // As the units were (boundaries=then): the demo has no reform, so the answer is the same, and the current view's
    // restating join (`SELECT s.* REPLACE …`) is DuckDB SQL the PostgreSQL section cannot replay.
    name: 'services.ontime_rate by commune',
    url: `/api/kpis/services.ontime_rate/breakdown?${q}&by=commune&boundaries=then`,
    inProcess: () => getBreakdown(ctx, 'services.ontime_rate', range, { boundaries: 'then' }, 'commune'),
  },
  {
    name: 'documents_total by month (trend)',
    url: `/api/kpis/direction.documents_total/breakdown?${q}&by=month`,
    inProcess: () => getBreakdown(ctx, 'direction.documents_total', range, {}, 'month'),
  },
  {
    name: 'records page (dossiers, 50 rows)',
    url: `/api/kpis/services.ontime_rate/records?${q}&limit=50&offset=1000`,
    inProcess: () =>
      getRecords(ctx, 'services.ontime_rate', range, {}, { part: 'numerator', limit: 50, offset: 1000 }),
  },
];
const queryResults: {
  name: string;
  p50: number;
  p95: number;
  inProcessP50: number;
  sqlP50: number | null;
  /** All the answer's statements replayed one after another on one connection. */
  rawSqlP50: number;
  httpOverInProcess: number;
  cachedP50: number;
}[] = [];
// Each case's statements, captured from one uncached in-process answer: replayed on DuckDB alone below (the raw
// SQL time our overhead is measured against) and on PostgreSQL in section 4.
const statements = new Map<string, { sql: string; params: Params }[]>();
// Feed freshness is not KPI SQL (and reads tables PostgreSQL is not given): warmed before, and left out should the
// data change during a capture.
const FEED_STATUS_SQL = /\bFROM (deliveries|rejects)\b|AS newest FROM/;
for (const c of cases) {
  await feedStatus(ctx);
  uncache();
  captured = [];
  await c.inProcess();
  statements.set(
    c.name,
    captured.filter((st) => !FEED_STATUS_SQL.test(st.sql)),
  );
  captured = null;
}
/** The captured statements one after another on one DuckDB connection. */
const replay = (name: string) => async () => {
  for (const st of statements.get(name) ?? []) await rawQuery(st.sql, st.params);
};
const reps = Math.max(3, runs * 3);
for (const c of cases) {
  const http: number[] = [];
  const inproc: number[] = [];
  const sql: number[] = [];
  const cached: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < reps; i++) {
    uncache();
    // A URL of its own per round (an unknown parameter, ignored by the routes): the server keeps whole answers by URL
    // and data version (routes/wire.ts), so the uncached request must not be one it answered before.
    const url = `${base}${c.url}${c.url.includes('?') ? '&' : '?'}bench=${nonce}`;
    const get = async () => {
      const r = await fetch(url);
      if (r.status !== 200) throw new Error(`${c.name}: ${r.status} ${(await r.text()).slice(0, 200)}`);
      await r.arrayBuffer();
    };
    http.push(await time(get));
    cached.push(await time(get));
    uncache();
    inproc.push(await time(c.inProcess));
    if (c.sqlOnly) sql.push(await time(c.sqlOnly));
    raw.push(await time(replay(c.name)));
  }
  queryResults.push({
    name: c.name,
    p50: median(http),
    p95: pct(http, 0.95),
    inProcessP50: median(inproc),
    sqlP50: sql.length ? median(sql) : null,
    rawSqlP50: median(raw),
    httpOverInProcess: median(http) / median(inproc),
    cachedP50: median(cached),
  });
}

// 4. The same SQL on PostgreSQL 15. Each case's statements (captured from one uncached in-process answer) run one
// after another on one connection of each engine: the same warm-up (one run, whose answers are compared), then
// the same number of timed runs, interleaved so that machine noise falls on both.
const pgResults: {
  name: string;
  statements: number;
  duckP50: number;
  pgP50: number | null;
  /** The same with `SET jit = off` (full runs only): how much of PostgreSQL's time is JIT compilation. */
  pgNoJitP50: number | null;
  ratio: number | null;
  same: boolean | null;
  error?: string;
}[] = [];
let pgInfo: (Postgres['info'] & { skipped?: undefined }) | { skipped: string } | undefined;
const located = Postgres.locate();
if ('missing' in located) {
  pgInfo = { skipped: located.missing };
  console.log(`PostgreSQL section skipped: ${located.missing}`);
} else {
  let pgdb: Postgres | undefined;
  try {
    console.log('PostgreSQL: starting the bench cluster (loading the data unless already loaded)…');
    pgdb = await Postgres.start({
      dir: join(ROOT, '.cache', 'bench', `pg-${scale}`),
      bin: located.bin,
      duck: store,
      signature: JSON.stringify({ data: basename(cacheDir), feedRows, ddl: 1 }),
    });
    pgInfo = pgdb.info;
    for (const c of cases) {
      const stmts = statements.get(c.name) ?? [];
      const pgSql = stmts.map((st) => toPostgres(st.sql, st.params, pgdb!.columns));
      const duck: number[] = [];
      const pgt: number[] = [];
      const noJit: number[] = [];
      // At most 5 timed runs per engine (PostgreSQL takes seconds on some), 3 more with JIT off.
      const pgReps = quick ? 1 : Math.min(reps, 5);
      const jitReps = Math.min(pgReps, 3);
      let same: boolean | null = true;
      let error: string | undefined;
      try {
        for (const [i, st] of stmts.entries()) {
          const a = await rawQuery(st.sql, st.params);
          const b = await pgdb.query(pgSql[i]);
          same = same && sameRows(a as Record<string, unknown>[], b);
        }
        for (let i = 0; i < pgReps; i++) {
          duck.push(
            await time(async () => {
              for (const st of stmts) await rawQuery(st.sql, st.params);
            }),
          );
          pgt.push(
            await time(async () => {
              for (const q of pgSql) await pgdb!.query(q);
            }),
          );
        }
        if (!quick) {
          await pgdb.query('SET jit = off');
          for (const q of pgSql) await pgdb.query(q);
          for (let i = 0; i < jitReps; i++)
            noJit.push(
              await time(async () => {
                for (const q of pgSql) await pgdb!.query(q);
              }),
            );
          await pgdb.query('RESET jit');
        }
      } catch (e) {
        error = (e as Error).message.split('\n')[0];
        same = null;
      }
      pgResults.push({
        name: c.name,
        statements: stmts.length,
        duckP50: duck.length ? median(duck) : Number.NaN,
        pgP50: pgt.length === pgReps ? median(pgt) : null,
        pgNoJitP50: noJit.length === jitReps ? median(noJit) : null,
        ratio: pgt.length === pgReps ? median(pgt) / median(duck) : null,
        same,
        ...(error ? { error } : {}),
      });
      const last = pgResults[pgResults.length - 1];
      console.log(
        `pg: ${c.name}: DuckDB ${f1(last.duckP50)} ms, PostgreSQL ${f1(last.pgP50)} ms${error ? ` (${error})` : ''}`,
      );
    }
  } catch (e) {
    pgInfo = { skipped: `PostgreSQL failed: ${(e as Error).message.split('\n')[0]}` };
    console.log(`PostgreSQL section skipped: ${pgInfo.skipped}`);
  } finally {
    await pgdb?.stop();
  }
}
const ratios = pgResults.map((r) => r.ratio).filter((r): r is number => r !== null && r > 0);
const geomean = (xs: number[]) =>
  xs.length ? Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length) : null;
const pgGeomean = geomean(ratios);
const fx = (x: number | null) => (x === null ? '—' : `${x.toFixed(1)}×`);
const overheads = queryResults.map((q) => (q.rawSqlP50 > 0 ? q.p50 / q.rawSqlP50 : null));
// The fact tables (millions of rows) and the reported indicators (thousands) behave differently: both geomeans too.
const readsFacts = (name: string) =>
  (statements.get(name) ?? []).some((st) => /\bFROM (documents|dossiers|payments)\b/.test(st.sql));
const factGeomean = geomean(
  pgResults.filter((r) => r.ratio !== null && readsFacts(r.name)).map((r) => r.ratio as number),
);
const smallGeomean = geomean(
  pgResults.filter((r) => r.ratio !== null && !readsFacts(r.name)).map((r) => r.ratio as number),
);
const overheadGeomean = geomean(overheads.filter((x): x is number => x !== null));

// 5. Concurrency: N clients polling the overview and a subsystem KPI (cached answers, as a wall sees them),
// beside a bare Hono route on the same machine in the same run.
const hello = new Hono().get('/', (c) => c.text('hello'));
const helloServer = serve({ fetch: hello.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise((r) => helloServer.once('listening', r));
const helloUrl = `http://127.0.0.1:${(helloServer.address() as AddressInfo).port}/`;
const duration = quick ? 1 : 10;
const concurrency: {
  target: string;
  connections: number;
  reqPerS: number;
  p99: number;
  errors: number;
  non2xx: number;
}[] = [];
// As browsers ask (gzip accepted); a wall polling with the ETag it holds gets 304 while the figures stay the same.
const browserHeaders = { 'accept-encoding': 'gzip, deflate, br' };
const overviewTag = (await fetch(`${base}/api/subsystems?${q}`, { headers: browserHeaders })).headers.get(
  'etag',
);
for (const connections of [50, 300]) {
  for (const [target, url, headers] of [
    ['overview', `${base}/api/subsystems?${q}`, browserHeaders],
    [
      'overview, a wall polling (304)',
      `${base}/api/subsystems?${q}`,
      { ...browserHeaders, 'if-none-match': overviewTag ?? '' },
    ],
    ['services.ontime_rate', `${base}/api/kpis/services.ontime_rate?${q}`, browserHeaders],
    ['bare Hono hello', helloUrl, {}],
  ] as const) {
    const r = await autocannon({ url, connections, duration, headers });
    concurrency.push({
      target,
      connections,
      reqPerS: r.requests.average,
      p99: r.latency.p99,
      errors: r.errors + r.timeouts,
      // A 304 is the answer asked for, not a failure.
      non2xx: target.includes('304') ? r.non2xx - (r.statusCodeStats?.['304']?.count ?? 0) : r.non2xx,
    });
  }
}
helloServer.close();

// 5b. The browser: the wall's JavaScript and Lighthouse (Debian's Chromium; skipped without it or the built app).
let browserBench:
  | { wall: Awaited<ReturnType<typeof pageScripts>>; lighthouse: LighthouseRow[] }
  | { skipped: string };
if (!hasWeb) browserBench = { skipped: 'the web app is not built (npm run build)' };
else if (!existsSync(CHROMIUM)) browserBench = { skipped: `no Chromium at ${CHROMIUM}` };
else {
  console.log("browser: the wall's JavaScript and Lighthouse…");
  try {
    const wall = await pageScripts(`${base}/wall?slides=overview,services&seconds=4`, webDir, {
      waitMs: 9000,
    });
    // Quick (CI): the wall only, so the harness does not rot; a full run: the overview and the wall.
    const lighthouse = await lighthouseRows(base, quick ? ['/wall'] : ['/', '/wall']);
    browserBench = { wall, lighthouse };
  } catch (e) {
    browserBench = { skipped: `failed: ${(e as Error).message}` };
  }
}
server.close();

// 6. Readers (IOC_ROLE=reader): one alone and two behind nginx, cached and uncached, each a process of its own.
console.log('cluster: writer, two readers and nginx…');
const clusterBench = await benchCluster({
  db,
  dir: cacheDir,
  duration,
  connections: 50,
  q,
  year: to.slice(0, 4),
}).catch((e) => ({ skipped: `failed: ${(e as Error).message}` }));
clearInterval(sampler);
// Idle: the same process (server and store) a few seconds after the last request.
await new Promise((r) => setTimeout(r, 5000));
const idleRss = process.memoryUsage().rss;

// 6. Output: JSON + Markdown under bench/results/, the latest summary committed as bench/results/README.md.
const storeMb = readdirSync(cacheDir).filter((f) => f.startsWith('bench.duckdb')).length
  ? Math.round((await import('node:fs')).statSync(dbFile).size / 1e6)
  : 0;
const result = {
  when: new Date().toISOString(),
  scale,
  from,
  runs,
  quick,
  rows: feedRows,
  storeMb,
  load: loadResults,
  loadRunsMs: loadMs,
  queries: queryResults.map((q, i) => ({ ...q, httpOverRawSql: overheads[i] })),
  overheadGeomean,
  postgres: {
    info: pgInfo,
    requestedSettings: PG_SETTINGS,
    geomeanRatio: pgGeomean,
    factGeomean,
    smallGeomean,
    queries: pgResults,
    statements: Object.fromEntries(statements),
  },
  concurrency,
  browser: browserBench,
  cluster: clusterBench,
  memory: {
    loadPeakRssMb: Math.max(...loadPeaksMb),
    loadPeaksRssMb: loadPeaksMb,
    peakRssMb: Math.round(peakRss / 1e6),
    idleRssMb: Math.round(idleRss / 1e6),
    duckdbMemoryLimit: values.memory ?? 'default',
    duckdbSettings: duckSettings,
  },
};
const pgSection: string[] =
  !pgInfo || 'skipped' in pgInfo
    ? ['## DuckDB vs PostgreSQL 15', '', `Skipped: ${pgInfo?.skipped ?? 'not run'}.`, '']
    : [
        `## DuckDB vs PostgreSQL ${pgInfo.version} (same SQL, same data, same run), ms`,
        '',
        `Each query's statements as the engine ran them for one uncached answer, run one after another on one ` +
          `connection of each engine: one warm-up run each (answers compared), then ${quick ? 1 : Math.min(reps, 5)} timed runs each (${quick ? 0 : Math.min(reps, 5, 3)} more on PostgreSQL with \`SET jit = off\`), ` +
          'interleaved. PostgreSQL gets the SQL through `toPostgres()` (bench/pg.ts: literals for parameters, ' +
          '`GROUP BY ALL`, `QUALIFY`, `EXCLUDE`, `DOUBLE`, `epoch()`, a FULL JOIN on `IS NOT DISTINCT FROM`, an ' +
          'unaliased derived table) and the two report views rewritten in its dialect.',
        '',
        `DuckDB: threads ${duckSettings.threads}, memory_limit ${duckSettings.memory}. PostgreSQL: ` +
          `${Object.entries(pgInfo.settings)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}; data ${pgInfo.dataMb} MB with ${pgInfo.indexes.length} indexes ` +
          `(${pgInfo.indexes.join('; ')}), VACUUM (FREEZE, ANALYZE) after COPY; ` +
          `load + index + vacuum ${f1(pgInfo.loadS)} s${pgInfo.cached ? ' (cluster reused from an earlier run)' : ''}.`,
        '',
        '| query | statements | DuckDB p50 | PostgreSQL p50 | PG ÷ DuckDB | same answers | PG p50 jit off |',
        '|---|---:|---:|---:|---:|---|---:|',
        ...pgResults.map((r) => {
          return `| ${r.name} | ${r.statements} | ${f1(r.duckP50)} | ${f1(r.pgP50)} | ${r.ratio === null ? (r.error ? `error: ${r.error.slice(0, 60)}` : '—') : `${r.ratio.toFixed(1)}×`} | ${r.same === null ? '—' : r.same ? 'yes' : '**no**'} | ${f1(r.pgNoJitP50)} |`;
        }),
        '',
        `Geometric mean PG ÷ DuckDB over ${ratios.length} queries: **${fx(pgGeomean)}** — over those reading the ` +
          `fact tables (documents, dossiers, payments): **${fx(factGeomean)}**; over the rest (reported indicators, ` +
          `thousands of rows): **${fx(smallGeomean)}**.`,
        '',
      ];
// The goals of issue 12, each against this run's figure.
const qp50 = (name: string) => queryResults.find((r) => r.name === name)?.p50 ?? null;
const rate = (target: string, clients: number) =>
  concurrency.find((c) => c.target === target && c.connections === clients);
const ratiosLoad = loadResults.map((l) => l.ratio);
const lh = (page: string, preset: string) =>
  'lighthouse' in browserBench
    ? (browserBench.lighthouse.find((r) => r.page === page && r.preset === preset)?.score ?? null)
    : null;
const hello300 = rate('bare Hono hello', 300)?.reqPerS ?? null;
const kpi300 = rate('services.ontime_rate', 300)?.reqPerS ?? null;
const ov300 = rate('overview', 300);
const goals: GoalRow[] = [
  [
    "load, ours ÷ DuckDB's bare read of the same files (rollups built included)",
    ratiosLoad.length ? `${Math.min(...ratiosLoad).toFixed(1)}–${Math.max(...ratiosLoad).toFixed(1)}×` : '—',
    '≤ 2×',
  ],
  [
    "peak RSS at the default settings: a process loading every feed (bench/load.ts); a server process serving (the cluster's readers)",
    `load ${Math.max(...loadPeaksMb)} MB; serving ${
      'memory' in clusterBench && clusterBench.memory.length
        ? `${Math.max(...clusterBench.memory.map((m) => m.peakRssMb))} MB`
        : '—'
    }`,
    '≤ 1.500 MB at scale 3',
  ],
  [
    "RSS of a server process idle after serving (the cluster's readers, default settings; their peak)",
    'memory' in clusterBench && clusterBench.memory.length
      ? clusterBench.memory
          .filter((m) => m.member.startsWith('reader'))
          .map((m) => `${m.idleRssMb} MB (peak ${m.peakRssMb})`)
          .join(', ')
      : '—',
    '< 1.000 MB at scale 1',
  ],
  [
    'overview (12 subsystems), uncached, HTTP p50',
    `${f1(qp50('overview (12 subsystems, 36 KPIs)'))} ms`,
    '≤ 150 ms / ≤ 300 ms',
  ],
  ['QĐ 766 total, uncached, HTTP p50', `${f1(qp50('index766.total'))} ms`, '≤ 40 ms / ≤ 80 ms'],
  ['reported-indicator KPIs, PG ÷ DuckDB (same SQL)', `${fx(smallGeomean)}`, '≥ 1×'],
  ['geometric mean PG ÷ ours over all queries', `${fx(pgGeomean)}`, '≥ 10×'],
  [
    'cached KPI, req/s ÷ bare Hono (300 clients)',
    kpi300 && hello300 ? (kpi300 / hello300).toFixed(2) : '—',
    '≥ 0,6',
  ],
  [
    'cached overview at 300 clients (gzip accepted)',
    ov300 ? `${Math.round(ov300.reqPerS)} req/s, ${ov300.errors} errors` : '—',
    '≥ 10.000 req/s, 0 errors',
  ],
  [
    'wall JS (gzip, the scripts /wall loads)',
    'wall' in browserBench ? `${(browserBench.wall.gzipBytes / 1000).toFixed(1)} KB` : '—',
    '≤ 300 KB',
  ],
  [
    'Lighthouse performance, mobile: `/` and `/wall`',
    `${lh('/', 'mobile') ?? '—'} and ${lh('/wall', 'mobile') ?? '—'}`,
    '≥ 0,9',
  ],
  [
    'Lighthouse performance, desktop: `/` and `/wall`',
    `${lh('/', 'desktop') ?? '—'} and ${lh('/wall', 'desktop') ?? '—'}`,
    '≥ 0,98',
  ],
];
const browserSection: string[] =
  'skipped' in browserBench
    ? ['## The browser', '', `Skipped: ${browserBench.skipped}.`, '']
    : [
        "## The browser (Debian's Chromium)",
        '',
        `The wall (\`/wall\`, its overview and a subsystem slide, 1920×1080) loads ${browserBench.wall.scripts.length} scripts: ` +
          `${(browserBench.wall.gzipBytes / 1000).toFixed(1)} KB as sent gzip, ${(browserBench.wall.rawBytes / 1000).toFixed(1)} KB uncompressed.`,
        '',
        'Lighthouse 12.2.3, performance only: its default (mobile, simulated 4× CPU slowdown and a slow network) and its desktop preset.',
        '',
        '| page | preset | score | total blocking time ms | largest contentful paint ms | first contentful paint ms |',
        '|---|---|---:|---:|---:|---:|',
        ...browserBench.lighthouse.map(
          (r) =>
            `| ${r.page} | ${r.preset} | ${r.score ?? (r.error ? `— (${r.error})` : '—')} | ${r.tbtMs ?? '—'} | ${r.lcpMs ?? '—'} | ${r.fcpMs ?? '—'} |`,
        ),
        '',
      ];
const md = [
  `# Benchmark — scale ${scale} (${from} → ${to}), ${new Date().toISOString().slice(0, 16)}Z, ${quick ? 'quick' : `${runs} runs`}`,
  '',
  '## The goals, this run',
  '',
  '| measured | this run | goal |',
  '|---|---:|---:|',
  ...goals.map(([a, b, c]) => `| ${a} | ${b} | ${c} |`),
  '',
  `Rows: ${Object.entries(feedRows)
    .map(([k, v]) => `${k} ${v.toLocaleString('vi-VN')}`)
    .join(', ')}; store ${storeMb} MB.`,
  '',
  '## Load (validation included) vs DuckDB reading the same files into a bare table',
  '',
  '| feed | rows | ours s | rows/s | floor s | ours ÷ floor |',
  '|---|---:|---:|---:|---:|---:|',
  ...loadResults.map(
    (l) =>
      `| ${l.feed} | ${l.rows} | ${f1(l.oursS)} | ${Math.round(l.rowsPerS)} | ${f1(l.floorS)} | ${l.ratio.toFixed(1)}× |`,
  ),
  '',
  '## Queries (uncached unless said), ms',
  '',
  '"engine SQL": the KPI\'s one computeCells query; "all SQL": every statement of the answer, captured and replayed ' +
    'one after another on one connection (the engine runs them concurrently over its pool, so HTTP can beat it).',
  '',
  '| query | HTTP p50 | HTTP p95 | in-process p50 | engine SQL p50 | all SQL p50 | HTTP ÷ in-process | HTTP ÷ all SQL | cached HTTP p50 |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...queryResults.map(
    (r, i) =>
      `| ${r.name} | ${f1(r.p50)} | ${f1(r.p95)} | ${f1(r.inProcessP50)} | ${f1(r.sqlP50)} | ${f1(r.rawSqlP50)} | ${r.httpOverInProcess.toFixed(2)} | ${overheads[i]?.toFixed(2) ?? '—'} | ${f1(r.cachedP50)} |`,
  ),
  '',
  `Geometric mean HTTP ÷ all SQL (our overhead over the raw DuckDB SQL): **${overheadGeomean?.toFixed(2) ?? '—'}**.`,
  '',
  ...pgSection,
  `## Concurrency (${duration} s each, cached answers)`,
  '',
  'Requests accept gzip as browsers do; "a wall polling" sends the ETag it holds and gets 304 while the figures stay the same.',
  '',
  '| target | clients | req/s | p99 ms | errors | non-2xx |',
  '|---|---:|---:|---:|---:|---:|',
  ...concurrency.map(
    (c) =>
      `| ${c.target} | ${c.connections} | ${Math.round(c.reqPerS)} | ${c.p99} | ${c.errors} | ${c.non2xx} |`,
  ),
  '',
  ...browserSection,
  `## Readers behind nginx (${duration} s each, 50 clients; IOC_ROLE=reader processes following the writer's snapshots)`,
  '',
  ...('skipped' in clusterBench
    ? [`Skipped: ${clusterBench.skipped}.`]
    : [
        'Cached: the overview, as walls poll it. Uncached: `services.ontime_rate` for a different period on every ' +
          "request. Writer, readers, nginx and the load generator share this machine's cores.",
        '',
        '| target | answers | req/s | p99 ms | errors | non-2xx |',
        '|---|---|---:|---:|---:|---:|',
        ...clusterBench.rows.map(
          (c) =>
            `| ${c.target} | ${c.answers} | ${Math.round(c.reqPerS)} | ${c.p99} | ${c.errors} | ${c.non2xx} |`,
        ),
        '',
        `Each process 5 s after the last request (DuckDB at its default limit): ${clusterBench.memory
          .map((m) => `${m.member} ${m.idleRssMb} MB (peak ${m.peakRssMb} MB)`)
          .join(', ')}.`,
      ]),
  '',
  `Idle RSS (the same process 5 s after the last request): ${result.memory.idleRssMb} MB. The bench process's peak RSS: ${result.memory.peakRssMb} MB (its queries, the floor's own DuckDB, the PostgreSQL client and Lighthouse). The loading process's peak RSS per run: ${loadPeaksMb.join(', ')} MB. DuckDB memory_limit ${result.memory.duckdbMemoryLimit}.`,
  '',
].join('\n');
mkdirSync(outDir, { recursive: true });
const stamp = result.when.replace(/[:.]/g, '-');
const commit =
  spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() || undefined;
const json = JSON.stringify({ ...result, commit, goals }, null, 2);
writeFileSync(join(outDir, `${stamp}.json`), json);
writeFileSync(join(outDir, `${stamp}.md`), md);
if (!quick) writeSummary(outDir, { scale, json, md });
console.log(md);
const slowest = [...queryResults].sort((a, b) => b.p50 - a.p50)[0];
console.log(
  `bench: load ${Math.round(loadResults.reduce((s, l) => s + l.rows, 0) / loadResults.reduce((s, l) => s + l.oursS, 0))} rows/s, ` +
    `slowest query ${slowest.name} ${f1(slowest.p50)} ms p50, overview ${f1(queryResults[0].p50)} ms, ` +
    `PG ÷ DuckDB geomean ${pgGeomean === null ? '—' : pgGeomean.toFixed(1)}, peak RSS ${result.memory.peakRssMb} MB`,
);
db.close();
process.exit(0);
