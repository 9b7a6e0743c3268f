import { launchBrowser } from './tests/e2e/server.ts';
const base = process.argv[2];
const b = await launchBrowser();
const shots: [string, string, number, number, string | null][] = [
  ['/s/services?from=2025-07-01&to=2025-09-30&kpi=services.ontime_rate', '/tmp/m-map-current.png', 1920, 1080, '.ioc-map'],
  ['/s/services?from=2024-07-01&to=2024-09-30&kpi=services.ontime_rate&boundaries=then', '/tmp/m-map-then.png', 1920, 1080, '.ioc-map'],
  ['/s/services?from=2025-07-01&to=2025-09-30&kpi=services.ontime_rate', '/tmp/m-head.png', 1920, 1080, null],
  ['/wall?slides=services&from=2025-07-01&to=2025-09-30', '/tmp/m-wall-3840.png', 3840, 2160, null],
];
for (const [path, file, w, h, sel] of shots) {
  const page = await b.newPage({ viewport: { width: w, height: h } });
  await page.goto(`${base}${path}`, { waitUntil: 'networkidle' });
  await page.waitForTimeout(2500);
  if (sel) await page.locator(sel).first().screenshot({ path: file });
  else await page.screenshot({ path: file });
  await page.close();
}
await b.close();
