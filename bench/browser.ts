// What the browser sees, measured in Debian's Chromium: the JavaScript the wall loads (as the .gz copies the server
// sends) and Lighthouse's performance score of the overview and the wall, with its default (mobile, throttled)
// settings and its desktop preset. Lighthouse 12.2.3 is pinned: 13 wants Node 22.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROME_PATH ?? '/usr/bin/chromium';

/** The scripts a page loads within `waitMs`, and their bytes as sent gzip (files under 1 KB go as they are). */
export async function pageScripts(
  url: string,
  webDir: string,
  opts: { width?: number; height?: number; waitMs?: number } = {},
): Promise<{ scripts: string[]; gzipBytes: number; rawBytes: number }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({
      viewport: { width: opts.width ?? 1920, height: opts.height ?? 1080 },
    });
    await page.goto(url);
    await page.waitForTimeout(opts.waitMs ?? 8000);
    const scripts: string[] = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((e) => new URL(e.name).pathname)
        .filter((p) => p.endsWith('.js')),
    );
    let gzipBytes = 0;
    let rawBytes = 0;
    for (const s of scripts) {
      const f = join(webDir, s);
      rawBytes += statSync(f).size;
      gzipBytes += statSync(existsSync(`${f}.gz`) ? `${f}.gz` : f).size;
    }
    return { scripts, gzipBytes, rawBytes };
  } finally {
    await browser.close();
  }
}

export interface LighthouseRow {
  page: string;
  preset: 'mobile' | 'desktop';
  score: number | null;
  /** Total blocking time, largest contentful paint, first contentful paint (ms). */
  tbtMs: number | null;
  lcpMs: number | null;
  fcpMs: number | null;
  /** Lighthouse's own reason when it gave no score (e.g. NO_FCP). */
  error?: string;
}

/** Lighthouse's performance category for each page, mobile (its default throttling) and desktop. */
export async function lighthouseRows(base: string, pages: string[]): Promise<LighthouseRow[]> {
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM,
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'],
  });
  const out: LighthouseRow[] = [];
  try {
    for (const page of pages)
      for (const preset of ['mobile', 'desktop'] as const) {
        const r = await lighthouse(
          `${base}${page}`,
          { port: chrome.port, onlyCategories: ['performance'], logLevel: 'error', output: 'json' },
          preset === 'desktop' ? desktopConfig : undefined,
        );
        const lhr = r?.lhr;
        const ms = (id: string) => {
          const v = lhr?.audits[id]?.numericValue;
          return typeof v === 'number' ? Math.round(v) : null;
        };
        out.push({
          page,
          preset,
          score: lhr?.categories.performance?.score ?? null,
          tbtMs: ms('total-blocking-time'),
          lcpMs: ms('largest-contentful-paint'),
          fcpMs: ms('first-contentful-paint'),
          ...(lhr?.runtimeError
            ? { error: `${lhr.runtimeError.code}: ${lhr.runtimeError.message}`.slice(0, 120) }
            : {}),
        });
      }
  } finally {
    chrome.kill();
  }
  return out;
}
