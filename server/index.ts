// Boot: env → open DuckDB → reference data → feeds (generating the demo province when data/ has none) → serve.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { fmtInt, printLoadLine } from './cli/progress.ts';
import { startLive } from './demo/live.ts';
import { parseEnv } from './env.ts';
import { listDeliveries, loadFiles } from './feeds/folder.ts';
import { dbPath, loadReferenceIfPresent, openStore, registryFrom } from './store.ts';

const env = parseEnv();
const root = resolve(import.meta.dirname, '..');
const dataDir = resolve(env.IOC_DATA_DIR);
const webDir = join(root, 'dist', 'web');

/** Build the web app when it is missing or older than its sources (npm start on a fresh clone). */
async function ensureWebBuilt(): Promise<void> {
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
      const p = join(dir, e.name);
      return Math.max(m, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
    }, 0);
  const index = join(webDir, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newest(join(root, 'web'))) return;
  console.log('Building the web app (vite build)…');
  const { build } = await import('vite');
  await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
}

async function main() {
  if (process.argv.includes('--build-web')) await ensureWebBuilt();
  const t0 = performance.now();
  console.log(`Store: ${dbPath(env)}`);
  const db = await openStore(env);

  let hasFeeds = listDeliveries([join(dataDir, 'feeds')]).files.length > 0;
  let demo = false;
  if (!hasFeeds && env.IOC_DEMO) {
    console.log('data/ holds no feeds: generating the demo province (Phú Thọ, 2020 → today)…');
    const { generateDemo } = await import('./demo/generate.ts');
    const g = await generateDemo({
      dataDir,
      onProgress: (step, done, total) => process.stdout.write(`\r  ${step} ${done}/${total}        `),
    });
    process.stdout.write('\n');
    console.log(
      `  generated ${Object.entries(g.rows)
        .map(([k, v]) => `${k} ${fmtInt(v)}`)
        .join(', ')} in ${(g.ms / 1000).toFixed(1)} s`,
    );
    hasFeeds = true;
    demo = true;
  } else if (hasFeeds && existsSync(join(dataDir, 'feeds', '.demo'))) demo = true;

  if (await loadReferenceIfPresent(db, dataDir)) console.log('Reference data loaded.');
  const { files } = listDeliveries([join(dataDir, 'feeds')]);
  if (files.length > 0) {
    console.log(`Loading ${files.length} delivery files…`);
    const res = await loadFiles(db, files, printLoadLine);
    if (res.failures.length > 0)
      console.log(`  ${res.failures.length} deliveries refused (see GET /api/feeds)`);
    await db.checkpoint();
  }
  const registry = await registryFrom(db);
  const ctx = { db, registry, archiveDir: join(dataDir, 'archive'), startedAt: new Date() };
  const app = createApp(ctx, env, { webDir });
  const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, (info) => {
    console.log(
      `Ready in ${((performance.now() - t0) / 1000).toFixed(1)} s: http://localhost:${info.port}/  (wall: /wall, API: /api/health)`,
    );
  });

  const live = env.IOC_LIVE ?? demo;
  const stopLive = live
    ? startLive(
        db,
        ctx.archiveDir,
        env.IOC_LIVE_INTERVAL_MS,
        env.LOG_LEVEL === 'debug' ? console.log : undefined,
      )
    : undefined;
  if (live)
    console.log(`Live demo traffic every ${env.IOC_LIVE_INTERVAL_MS / 1000} s (IOC_LIVE=false to stop it).`);

  const shutdown = () => {
    stopLive?.();
    server.close(() => {
      db.close();
      process.exit(0);
    });
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
