// End to end in headless Chromium (Debian's chromium, driven by playwright-core) against the built app served by
// the real server on a small generated demo. Screenshots go to tests/artifacts/ (not in git).
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, axeViolations, collectErrors, launchBrowser, startProduct, WEB_DIR } from './server.ts';

let product: Awaited<ReturnType<typeof startProduct>>;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  product = await startProduct();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await product?.close();
});

async function open(path: string, width = 1920, height = 1080): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width, height },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${product.url}${path}`);
  return { page, errors };
}

const noScrollbars = (page: Page) =>
  page.evaluate(() => {
    const d = document.documentElement;
    return d.scrollWidth <= window.innerWidth && d.scrollHeight <= window.innerHeight;
  });

describe('overview', () => {
  it('renders the 12 subsystem tiles with numbers and the province map', async () => {
    const { page, errors } = await open('/');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="tile"]').length === 12, null, {
      timeout: 60_000,
    });
    await page.waitForSelector('[data-testid="map"] path[data-code]', { timeout: 60_000 });
    const tiles = await page.$$eval('[data-testid="tile"]', (els) => els.map((e) => e.textContent ?? ''));
    expect(tiles).toHaveLength(12);
    // Every tile shows at least one formatted number (digits), none shows only dashes.
    expect(tiles.filter((t) => /\d/.test(t))).toHaveLength(12);
    expect(tiles.join(' ')).toContain('Chỉ đạo, điều hành');
    await page.screenshot({ path: join(ARTIFACTS, 'overview-1920.png') });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('switches to English and the labels change', async () => {
    const { page } = await open('/');
    await page.waitForSelector('[data-testid="tile"]', { timeout: 60_000 });
    await page.click('[data-testid="lang-toggle"]');
    await page.waitForFunction(() => document.body.textContent?.includes('Direction and management'));
    expect(await page.textContent('body')).not.toContain('Chỉ đạo, điều hành');
    await page.reload();
    await page.waitForSelector('[data-testid="tile"]', { timeout: 60_000 });
    expect(await page.textContent('body')).toContain('Direction and management'); // the choice persists
    await page.context().close();
  });
});

describe('drill-down', () => {
  /** Click a unit on the map and check the page and its records narrow to it, as the API counts them. */
  async function drill(path: string, codes: string[], name: string, query: string, shot: string) {
    const { page, errors } = await open(path);
    const code = codes[codes.length - 1];
    for (const c of codes) {
      const shape = `[data-testid="map"] path[data-code="${c}"]`;
      await page.waitForSelector(shape, { timeout: 60_000 });
      await page.click(shape);
      await page.waitForFunction((u) => new URL(location.href).searchParams.get('unit') === u, c);
    }
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid="unit-breadcrumb"]')?.textContent?.includes(n),
      name,
    );
    await page.waitForSelector('[data-testid="kpi-card"]');
    await page.waitForLoadState('networkidle');
    const api = await fetch(
      `${product.url}/api/kpis/services.ontime_rate/records?${query}&unit=${code}&limit=1`,
    );
    const { total } = (await api.json()) as { total: number };
    expect(total).toBeGreaterThan(0);
    // The records table settles on the unit's records (not the province's it showed before the click).
    const expected = total.toLocaleString('vi-VN');
    await page.waitForFunction(
      (t) => document.querySelector('[data-testid="records-total"]')?.textContent?.startsWith(`${t} `),
      expected,
      { timeout: 30_000 },
    );
    await page.screenshot({ path: join(ARTIFACTS, shot), fullPage: true });
    expect(errors).toEqual([]);
    await page.context().close();
  }

  it('after the merger the province drills straight to its communes: Tỉnh › Xã Thanh Sơn', async () => {
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    await drill(
      '/s/services',
      ['08542'], // one of the 148 real communes, on its real boundary
      'Thanh Sơn',
      `from=${today.slice(0, 4)}-01-01&to=${today}`,
      'services-xa-thanh-son-1920.png',
    );
  });

  it('as it was in the first half of 2025: the three provinces, then Tỉnh Phú Thọ (cũ) › Huyện Thanh Sơn', async () => {
    const q = 'from=2025-01-01&to=2025-06-30&boundaries=then';
    const { page } = await open(`/s/services?${q}`);
    // The former provinces side by side on the map and in the ranking.
    await page.waitForSelector('[data-testid="map"] path[data-code="26"]', { timeout: 60_000 });
    expect(
      (
        await page.$$eval('[data-testid="map"] path[data-code]', (ps) =>
          ps.map((p) => p.getAttribute('data-code')),
        )
      ).sort(),
    ).toEqual(['17', '25', '26']);
    await page.context().close();
    await drill(`/s/services?${q}`, ['25', '238'], 'Thanh Sơn', q, 'services-thanh-son-then-1920.png');
  });
});

describe('wall', () => {
  for (const [w, h] of [
    [1920, 1080],
    [3840, 2160],
  ]) {
    it(`fills ${w}×${h} without scrollbars or console errors and advances a slide`, async () => {
      const { page, errors } = await open('/wall?slides=overview,services,direction&seconds=5', w, h);
      await page.waitForSelector('[data-slide="overview"]', { timeout: 60_000 });
      await page.waitForSelector('[data-testid="clock"]');
      await page.waitForTimeout(1500);
      expect(await noScrollbars(page)).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, `wall-overview-${w}.png`) });
      await page.waitForSelector('[data-slide="services"]', { timeout: 20_000 });
      await page.waitForTimeout(1500);
      expect(await noScrollbars(page)).toBe(true);
      // Unit names on the map grow with the wall: about 1 % of the short side (11,9 px at 1080, 23,8 px at 2160).
      const labelPx = await page.$eval('[data-slide="services"] .ioc-map__label', (e) =>
        Number.parseFloat(getComputedStyle(e).fontSize),
      );
      expect(labelPx).toBeGreaterThanOrEqual(h * 0.01);
      await page.screenshot({ path: join(ARTIFACTS, `wall-services-${w}.png`) });
      // A light wall: no ECharts (its trend is uPlot's, its ranking HTML), its JavaScript at most 300 KB gzip as
      // built (the .gz copies the server sends), map and trend chunks included.
      const scripts: string[] = await page.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .map((e) => new URL(e.name).pathname)
          .filter((p) => p.endsWith('.js')),
      );
      expect(scripts.some((s) => /echarts/.test(s))).toBe(false);
      expect(scripts.some((s) => /wall-trend/.test(s))).toBe(true);
      // (Files under 1 KB are sent as they are: no .gz copy.)
      const sent = (s: string) =>
        statSync(join(WEB_DIR, existsSync(join(WEB_DIR, `${s}.gz`)) ? `${s}.gz` : s));
      const gzip = scripts.reduce((sum, s) => sum + sent(s).size, 0);
      expect(gzip).toBeLessThanOrEqual(300_000);
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }

  it('keeps its picture and warns while the API is unreachable, then recovers', async () => {
    const { page } = await open('/wall?slides=overview&seconds=60&refresh=5');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="tile"]').length === 12, null, {
      timeout: 60_000,
    });
    await product.stop();
    await page.waitForSelector('[data-testid="offline"]', { timeout: 30_000 });
    expect(await page.$$eval('[data-testid="tile"]', (els) => els.length)).toBe(12);
    await page.screenshot({ path: join(ARTIFACTS, 'wall-offline-1920.png') });
    await product.restart();
    await page.waitForSelector('[data-testid="offline"]', { state: 'detached', timeout: 30_000 });
    await page.context().close();
  });
});

describe('exports from the page', () => {
  it('downloads the on-time rate by commune for Quý III/2025 as an XLSX with numbers and definitions, and a chart PNG', async () => {
    const { page, errors } = await open('/s/services?period=2025-Q3&unit=238');
    const link = 'a.export-link[data-format="xlsx"][href*="by=commune"]';
    await page.waitForSelector(link, { timeout: 60_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(link)]);
    expect(download.suggestedFilename()).toBe(
      'services.ontime_rate_238_2025-07-01_2025-09-30_by-commune.xlsx',
    );
    const path = join(ARTIFACTS, download.suggestedFilename());
    await download.saveAs(path);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const [data, defs] = wb.worksheets;
    expect(defs.name).toMatch(/^Định nghĩa/);
    const header = data.getRow(1).values as unknown[];
    const valueCol = header.indexOf('Giá trị');
    expect(valueCol).toBeGreaterThan(0);
    const rows = Array.from({ length: data.rowCount - 1 }, (_, i) => data.getRow(i + 2));
    expect(rows.some((r) => typeof r.getCell(valueCol).value === 'number')).toBe(true);
    // Today's communes of the former Thanh Sơn district (khu vực huyện cũ), as the API breaks it down.
    const api = (await (
      await fetch(
        `${product.url}/api/kpis/services.ontime_rate/breakdown?by=commune&from=2025-07-01&to=2025-09-30&unit=238`,
      )
    ).json()) as { rows: { label: string }[] };
    expect(api.rows.length).toBeGreaterThan(3);
    expect(rows.map((r) => String(r.getCell(valueCol - 1).value))).toEqual(
      expect.arrayContaining(api.rows.map((r) => r.label)),
    );
    await page.waitForSelector('.chart-png', { timeout: 60_000 });
    const [png] = await Promise.all([page.waitForEvent('download'), page.click('.chart-png')]);
    const pngPath = join(ARTIFACTS, png.suggestedFilename());
    await png.saveAs(pngPath);
    expect(readFileSync(pngPath).subarray(1, 4).toString()).toBe('PNG');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('the one-stop table', () => {
  it('shows Quý III/2025 by agency and by commune as the API counts it, and downloads the same numbers', async () => {
    const { page, errors } = await open('/s/services?period=2025-Q3');
    await page.waitForSelector('[data-testid="one-stop"] tfoot td', { timeout: 60_000 });
    const api = await (
      await fetch(`${product.url}/api/services/one-stop?from=2025-07-01&to=2025-09-30&by=agency`)
    ).json();
    const foot = await page.$$eval('[data-testid="one-stop"] tfoot td', (tds) =>
      tds.map((t) => t.textContent),
    );
    // Vietnamese thousands: 12.345; the first column is the dossiers handled.
    expect(foot[0]).toBe(api.total.handled.toLocaleString('de-DE'));
    expect(foot[2]).toBe(api.total.received.toLocaleString('de-DE'));
    expect(api.total.handled).toBe(api.total.carried_over + api.total.received);
    await page.screenshot({ path: join(ARTIFACTS, 'services-one-stop-1920.png'), fullPage: true });
    await page.click('[data-testid="one-stop"] button[aria-pressed="false"]');
    await page.waitForURL(/onestop=commune/);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="one-stop"] tbody')?.textContent?.includes('không thuộc xã'),
      null,
      { timeout: 60_000 },
    );
    const link = '[data-testid="one-stop-export"] a[data-format="xlsx"]';
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(link)]);
    expect(download.suggestedFilename()).toBe(
      'services.one_stop_province_2025-07-01_2025-09-30_by-commune.xlsx',
    );
    const path = join(ARTIFACTS, download.suggestedFilename());
    await download.saveAs(path);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const data = wb.worksheets[0];
    const total = data.getRow(data.rowCount).values as unknown[];
    expect(total[2]).toBe('Tổng cộng');
    expect(total[3]).toBe(api.total.handled);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('the QĐ 766 page', () => {
  it('shows our score, the published one, their difference and the points lost, for the province and a department', async () => {
    const { page, errors } = await open('/s/index766?period=2025-Q3');
    await page.waitForSelector('[data-testid="index766-lost"] li', { timeout: 60_000 });
    const api = await (await fetch(`${product.url}/api/index766?from=2025-07-01&to=2025-09-30`)).json();
    const vi = (x: number) => new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 }).format(x);
    const text = (sel: string) => page.$eval(sel, (e) => e.textContent ?? '');
    expect(await text('[data-testid="index766-ours"]')).toContain(vi(api.overall.total));
    expect(await text('[data-testid="index766-published"]')).toContain(vi(api.published.score));
    expect(await text('[data-testid="index766-difference"]')).toContain(
      vi(Math.abs(api.published.difference)),
    );
    // The largest loss first, as the API orders it.
    const first = api.overall.components.find((c: { lost: number }) => c.lost > 0.005);
    expect(await page.$eval('[data-testid="index766-lost"] li', (e) => e.textContent ?? '')).toContain(
      vi(first.lost),
    );
    const dept = api.rows.find((r: { key: string }) => r.key?.startsWith('S'))?.key as string;
    await page.goto(`${product.url}/s/index766?period=2025-Q3&agency=${dept}`);
    await page.waitForSelector('[data-testid="index766-lost"] li', { timeout: 60_000 });
    const deptApi = await (
      await fetch(`${product.url}/api/index766?from=2025-07-01&to=2025-09-30&agency=${dept}`)
    ).json();
    expect(await text('[data-testid="index766-ours"]')).toContain(vi(deptApi.overall.total));
    await page.screenshot({ path: join(ARTIFACTS, 'index766-1920.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('phones', () => {
  it('every desk page fits 390 px; the header folds into a menu that opens the pages', async () => {
    for (const path of ['/', '/s/services', '/s/index766', '/login']) {
      const { page, errors } = await open(path, 390, 844);
      await page.waitForLoadState('networkidle');
      if (path !== '/login') await page.waitForSelector('[data-testid="menu-toggle"]', { timeout: 60_000 });
      await page.waitForTimeout(500);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, path).toBeLessThanOrEqual(390);
      if (path === '/') {
        // Folded: the pages are hidden until the menu opens.
        expect(await page.isVisible('.app-nav')).toBe(false);
        await page.click('[data-testid="menu-toggle"]');
        expect(await page.isVisible('.app-nav')).toBe(true);
        expect(await page.getAttribute('[data-testid="menu-toggle"]', 'aria-expanded')).toBe('true');
        await page.screenshot({ path: join(ARTIFACTS, 'overview-390-menu.png') });
      }
      expect(errors, path).toEqual([]);
      await page.context().close();
    }
  });
});

describe('accessibility', () => {
  it('axe-core finds no WCAG 2 A/AA violation on the overview, a subsystem with its records, sign-in and the wall', async () => {
    // The check can fail: a planted unlabeled input is found.
    const probe = await open('/login');
    await probe.page.waitForSelector('input[type=password]');
    await probe.page.evaluate(() => document.body.append(document.createElement('input')));
    expect((await axeViolations(probe.page)).some((v) => v.startsWith('label '))).toBe(true);
    await probe.page.context().close();

    const pages: [string, number, number, string][] = [
      ['/?period=2025-Q3', 1920, 1080, '[data-testid="map"] path[data-code]'],
      ['/s/services?period=2025-Q3&kpi=services.ontime_rate', 1920, 1080, '.records-table'],
      ['/login', 1920, 1080, 'input[type=password]'],
      ['/wall', 1920, 1080, '[data-testid="map"] path[data-code]'],
      ['/wall', 3840, 2160, '[data-testid="map"] path[data-code]'],
      ['/?period=2025-Q3', 390, 844, '[data-testid="tile"]'],
    ];
    for (const [path, w, h, ready] of pages) {
      const { page } = await open(path, w, h);
      await page.waitForSelector(ready, { timeout: 60_000 });
      await page.waitForLoadState('networkidle');
      expect(await axeViolations(page), `${path} at ${w}×${h}`).toEqual([]);
      await page.context().close();
    }
  });
});
