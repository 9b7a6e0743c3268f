// Sign-in, roles, scope and wall devices in headless Chromium against the real server in production mode (and a
// small demo-mode instance for the frictionless path). Screenshots go to tests/artifacts/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, axeViolations, collectErrors, launchBrowser, startProduct } from './server.ts';

const ADMIN_PASSWORD = 'e2e-Quantri-pass-2025';
const HEAD = { username: 'thanhson.yte', displayName: 'Hà Thị Thanh', password: 'ThanhSon-yte-2025' };

let prod: Awaited<ReturnType<typeof startProduct>>;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  prod = await startProduct({
    env: {
      IOC_MODE: 'production',
      IOC_SECRET: 'e2e-secret-Qm3xV9pL2rT8wZ5nB7cF1hJ4kD6',
      IOC_ADMIN_PASSWORD: ADMIN_PASSWORD,
    },
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await prod?.close();
});

async function context(): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: 1920, height: 1080 },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
}

async function signIn(page: Page, username: string, password: string) {
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await page.click('[data-testid="login-submit"]');
}

describe('production mode', () => {
  it('sends an anonymous visitor to the sign-in page, a wall without a device to its notice', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    const errors = collectErrors(page);
    await page.goto(`${prod.url}/s/services?unit=238`);
    await page.waitForURL(/\/login\?next=/);
    expect(decodeURIComponent(new URL(page.url()).searchParams.get('next') ?? '')).toBe(
      '/s/services?unit=238',
    );
    await page.goto(`${prod.url}/`);
    await page.waitForURL(`${prod.url}/login`);
    await page.waitForSelector('[data-testid="login-form"]');
    expect(await page.textContent('h2')).toBe('Đăng nhập hệ thống');
    await page.screenshot({ path: join(ARTIFACTS, 'login-1920.png') });

    await signIn(page, 'admin', 'not-the-password');
    await page.waitForSelector('[data-testid="login-error"]');
    expect(await page.textContent('[data-testid="login-error"]')).toBe('Sai tên đăng nhập hoặc mật khẩu');
    expect(new URL(page.url()).pathname).toBe('/login');

    const wall = await ctx.newPage();
    await wall.goto(`${prod.url}/wall`);
    await wall.waitForSelector('[data-testid="wall-refused"]');
    expect(await wall.textContent('[data-testid="wall-refused"]')).toContain(
      'Thiết bị chưa được cấp quyền hoặc đã bị thu hồi — liên hệ quản trị',
    );
    expect(new URL(wall.url()).pathname).toBe('/wall');
    // The refused sign-in is a 401 the page asked for; nothing else may fail.
    expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
    await ctx.close();
  });

  it('admin creates a scoped user and a wall device; the wall pairs, shows its playlist, and is refused once revoked; the user sees only Thanh Sơn', async () => {
    // --- the administrator ---
    const admin = await (await context()).newPage();
    const adminErrors = collectErrors(admin);
    await admin.goto(`${prod.url}/login`);
    await signIn(admin, 'admin', ADMIN_PASSWORD);
    // An administrator without `read` lands on the administration page.
    await admin.waitForURL(/\/admin/);
    await admin.waitForSelector('[data-testid="users-table"] tr[data-user="admin"]');
    expect(await admin.textContent('[data-testid="user-name"]')).toContain('Quản trị');

    await admin.fill('[data-testid="new-user"] input[name="username"]', HEAD.username);
    await admin.fill('[data-testid="new-user"] input[name="displayName"]', HEAD.displayName);
    await admin.fill('[data-testid="new-user"] input[name="password"]', HEAD.password);
    await admin.check('[data-testid="new-user"] input[name="roles"][value="department_head"]');
    // The scope is picked from the reference lists (open to admins, who need not read KPIs).
    await admin.waitForSelector('[data-testid="new-user"] select[name="units"] option[value="238"]');
    await admin.selectOption('[data-testid="new-user"] select[name="units"]', '238');
    await admin.selectOption('[data-testid="new-user"] select[name="sectors"]', 'y_te');
    await admin.click('[data-testid="create-user"]');
    const row = `[data-testid="users-table"] tr[data-user="${HEAD.username}"]`;
    await admin.waitForSelector(row);
    expect(await admin.textContent(row)).toContain('Thủ trưởng đơn vị');
    expect(await admin.textContent(row)).toContain('Thanh Sơn');
    await admin.screenshot({ path: join(ARTIFACTS, 'admin-users-1920.png') });
    // Editing shows the user's roles and scope as they are.
    await admin.click(`${row} [data-testid="edit-user"]`);
    await admin.waitForSelector('[data-testid="edit-user-form"]');
    expect(
      await admin.$eval('[data-testid="edit-user-form"] select[name="units"]', (el) =>
        [...(el as HTMLSelectElement).selectedOptions].map((o) => o.value),
      ),
    ).toEqual(['238']);
    expect(
      await admin.isChecked('[data-testid="edit-user-form"] input[name="roles"][value="department_head"]'),
    ).toBe(true);
    await admin.screenshot({ path: join(ARTIFACTS, 'admin-edit-user-1920.png') });
    await admin.click('[data-testid="edit-user-form"] button[type="button"]');

    // Every admin tab passes axe-core's WCAG 2 A/AA rules.
    for (const tab of ['roles', 'devices', 'sources', 'audit', 'users']) {
      await admin.goto(`${prod.url}/admin?tab=${tab}`);
      await admin.waitForLoadState('networkidle');
      expect(await axeViolations(admin), `/admin?tab=${tab}`).toEqual([]);
    }
    await admin.click('[data-testid="tab-devices"]');
    await admin.fill('[data-testid="new-device"] input[name="name"]', 'Phòng họp UBND tỉnh');
    await admin.fill('[data-testid="new-device"] input[name="playlist"]', 'slides=services&seconds=60');
    await admin.click('[data-testid="create-device"]');
    await admin.waitForSelector('[data-testid="token-once"]');
    const token = (await admin.textContent('[data-testid="token"]')) ?? '';
    expect(token).toMatch(/^ioc_dev_/);
    expect(await admin.textContent('[data-testid="wall-url"]')).toBe(
      `${prod.url}/wall?slides=services&seconds=60&device=${token}`,
    );

    // --- the wall: pairs once, drops the token from its address, applies the device's playlist ---
    const wall = await (await context()).newPage();
    const wallErrors = collectErrors(wall);
    await wall.goto(`${prod.url}/wall?device=${token}&refresh=5`);
    await wall.waitForSelector('[data-slide="services"]', { timeout: 60_000 });
    expect(wall.url()).not.toContain('device=');
    expect(new URL(wall.url()).search).toBe('?refresh=5');
    await wall.waitForSelector('[data-slide="services"] [data-testid="wall-kpi"]', {
      timeout: 30_000,
    });
    // A reload keeps the wall (the device cookie), without the token.
    await wall.reload();
    await wall.waitForSelector('[data-slide="services"]', { timeout: 60_000 });
    expect(wallErrors).toEqual([]);

    // --- revoked: the running wall turns to the notice, never the sign-in page ---
    await admin.reload();
    admin.once('dialog', (d) => d.accept());
    await admin.click('tr[data-device="Phòng họp UBND tỉnh"] [data-testid="revoke"]');
    await admin.waitForSelector('tr[data-device="Phòng họp UBND tỉnh"].tr-muted');
    await wall.waitForSelector('[data-testid="wall-refused"]', { timeout: 30_000 });
    expect(new URL(wall.url()).pathname).toBe('/wall');
    await wall.context().close();

    // --- the audit log has it all, and the chain holds ---
    await admin.click('[data-testid="tab-audit"]');
    await admin.waitForSelector('[data-testid="audit-table"] tr[data-action="device.revoke"]');
    for (const action of ['auth.login_failed', 'auth.login', 'user.create', 'device.create', 'device.pair'])
      expect(await admin.$(`[data-testid="audit-table"] tr[data-action="${action}"]`), action).not.toBeNull();
    await admin.waitForSelector('[data-testid="audit-chain"] .chain-ok');
    await admin.fill('input[name="action"]', 'device');
    await admin.click('[data-testid="audit"] button[type="submit"]');
    await admin.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="audit-table"] tbody tr')].every((r) =>
        r.getAttribute('data-action')?.startsWith('device.'),
      ),
    );
    expect(await admin.getAttribute('a[data-format="xlsx"]', 'href')).toBe(
      '/api/admin/audit/export?action=device&format=xlsx',
    );
    await admin.click('[data-testid="audit"] a.btn');
    await admin.waitForSelector('[data-testid="audit-table"] tr[data-action="auth.login_failed"]');
    await admin.screenshot({ path: join(ARTIFACTS, 'admin-audit-1920.png') });

    await admin.click('[data-testid="sign-out"]');
    await admin.waitForURL(`${prod.url}/login`);
    expect(adminErrors).toEqual([]);
    await admin.context().close();

    // --- the department head: Thanh Sơn and health only, locked there ---
    const user = await (await context()).newPage();
    const userErrors = collectErrors(user);
    // Asked for Việt Trì (outside the scope): signs in, comes back, and is held to Thanh Sơn.
    await user.goto(`${prod.url}/s/services?unit=227`);
    await user.waitForURL(/\/login/);
    await signIn(user, HEAD.username, HEAD.password);
    await user.waitForURL(/\/s\/services/);
    await user.waitForFunction(() => {
      const q = new URL(location.href).searchParams;
      return q.get('unit') === '238' && q.get('sector') === 'y_te';
    });
    await user.waitForFunction(() =>
      document
        .querySelector('[data-testid="unit-breadcrumb"] .crumb-current')
        ?.textContent?.includes('Thanh Sơn'),
    );
    // The province above is shown but is not a way up.
    expect(
      await user.$$eval('[data-testid="unit-breadcrumb"] li[data-level="province"] button', (b) => b.length),
    ).toBe(0);
    expect(await user.textContent('[data-testid="sector-chip"]')).toContain('Sở Y tế');
    await user.waitForLoadState('networkidle');
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    const total = await user.evaluate(async (to) => {
      const r = await fetch(
        `/api/kpis/services.ontime_rate/records?from=${to.slice(0, 4)}-01-01&to=${to}&unit=238&sector=y_te&limit=1`,
      );
      return ((await r.json()) as { total: number }).total;
    }, today);
    expect(total).toBeGreaterThan(0);
    await user.waitForFunction(
      (t) => document.querySelector('[data-testid="records-total"]')?.textContent?.startsWith(`${t} `),
      total.toLocaleString('vi-VN'),
      { timeout: 30_000 },
    );
    // Every card has a number or says why not; none is refused; no export links without the permission.
    expect(await user.$$('[data-testid="out-of-scope"]')).toHaveLength(0);
    expect(await user.textContent('[data-testid="kpi-cards"]')).not.toContain('Không tải được số liệu');
    expect(await user.$$('a.export-link')).toHaveLength(0);
    expect(await user.textContent('[data-testid="user-name"]')).toContain('Thủ trưởng đơn vị');
    expect(await user.$('[data-testid="admin-link"]')).toBeNull();
    await user.screenshot({ path: join(ARTIFACTS, 'scoped-services-1920.png'), fullPage: true });
    await user.screenshot({
      path: join(ARTIFACTS, 'scoped-header-1920.png'),
      clip: { x: 0, y: 0, width: 1920, height: 140 },
    });
    expect(userErrors).toEqual([]);
    await user.context().close();
  });
});

describe('demo mode', () => {
  let demo: Awaited<ReturnType<typeof startProduct>>;
  beforeAll(async () => {
    demo = await startProduct({ scale: 0.02 });
  });
  afterAll(async () => {
    await demo?.close();
  });

  it('opens without a sign-in, as a read-only leader with a visible DEMO badge (also on the wall)', async () => {
    const page = await (await context()).newPage();
    const errors = collectErrors(page);
    await page.goto(`${demo.url}/`);
    await page.waitForSelector('[data-testid="demo-badge"]', { timeout: 60_000 });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="tile"]').length === 12, null, {
      timeout: 60_000,
    });
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.textContent('[data-testid="user-name"]')).toContain('Khách (demo)');
    expect(await page.$('[data-testid="sign-in-link"]')).not.toBeNull();
    await page.goto(`${demo.url}/wall?slides=overview&seconds=60`);
    await page.waitForSelector('[data-slide="overview"] [data-testid="tile"]', { timeout: 60_000 });
    expect(await page.$('.wall [data-testid="demo-badge"]')).not.toBeNull();
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
