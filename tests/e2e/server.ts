// The real product for browser tests: a small generated demo province in a DuckDB file, the built web app,
// served by the real server over real HTTP on a free loopback port. `env` starts it in another mode (e.g.
// IOC_MODE=production with its secret and first admin password); the access layer is prepared as at boot.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createApp } from '../../server/app.ts';
import { prepareAccess } from '../../server/auth/boot.ts';
import { importDemoBoundaries } from '../../server/demo/boundaries.ts';
import { generateDemo } from '../../server/demo/generate.ts';
import { parseEnv } from '../../server/env.ts';
import { listDeliveries, loadFiles } from '../../server/feeds/folder.ts';
import { loadReferenceIfPresent, openStore, registryFrom } from '../../server/store.ts';

export const ROOT = join(import.meta.dirname, '..', '..');
export const WEB_DIR = join(ROOT, 'dist', 'web');
export const ARTIFACTS = join(ROOT, 'tests', 'artifacts');

export interface ProductOptions {
  /** Extra environment (IOC_MODE, IOC_SECRET, IOC_ADMIN_PASSWORD, …). */
  env?: Record<string, string>;
  /** Share of the demo's volume (default 5 %). */
  scale?: number;
}

export async function startProduct(opts: ProductOptions = {}) {
  if (!existsSync(join(WEB_DIR, 'index.html')))
    throw new Error('dist/web is not built: npm test runs `npm run build` first');
  const dir = mkdtempSync(join(tmpdir(), 'ioc-e2e-'));
  // 2025 → today at 5 % of the demo's volume: every subsystem has data, loads in a few seconds.
  await generateDemo({ dataDir: dir, from: '2025-01-01', scale: opts.scale ?? 0.05 });
  const env = parseEnv({ IOC_DB: join(dir, 'ioc.duckdb'), IOC_DATA_DIR: dir, ...opts.env });
  const db = await openStore(env);
  await loadReferenceIfPresent(db, dir);
  await importDemoBoundaries(db); // as npm start does for the demo
  await loadFiles(db, listDeliveries([join(dir, 'feeds')]).files);
  const log: string[] = [];
  const auth = await prepareAccess(db, env, dir, (line) => log.push(line));
  const ctx = {
    db,
    registry: await registryFrom(db),
    archiveDir: join(dir, 'archive'),
    startedAt: new Date(),
    auth,
  };
  const app = createApp(ctx, env, { webDir: WEB_DIR });
  let server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    db,
    /** What the access layer printed at start (the demo's admin password among it). */
    log,
    /** Stop answering (as a network outage would), keeping the store. */
    async stop() {
      await new Promise<void>((r) => {
        server.close(() => r());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
    /** Answer again on the same port. */
    async restart() {
      server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });
      await new Promise((r) => server.once('listening', r));
    },
    async close() {
      await this.stop().catch(() => undefined);
      db.close();
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Console errors and failed requests of a page, for "no console errors" assertions. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  // Which request failed on the server: the console only says "status of 500".
  page.on('response', (r) => {
    if (r.status() >= 500)
      errors.push(`${r.status()} ${new URL(r.url()).pathname}${new URL(r.url()).search}`);
  });
  return errors;
}

const AXE_SOURCE = readFileSync(
  join(import.meta.dirname, '..', '..', 'node_modules', 'axe-core', 'axe.min.js'),
  'utf8',
);

/**
 * axe-core's WCAG 2 A and AA rules on the page as it is now: one line per violation (rule, count, first node).
 * Evaluated through the driver, so the page's CSP (script-src 'self') stays as it is.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, o: unknown) => Promise<AxeResult> } })
      .axe;
    type AxeResult = { violations: { id: string; nodes: { target: string[] }[] }[] };
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return r.violations.map((v) => `${v.id} ×${v.nodes.length}: ${v.nodes[0]?.target.join(' ')}`);
  });
}
