// Access through app.request() on the hand-checked fixture: the role × endpoint matrix, scoping (and attempts to
// widen it), brute force, CSRF, the audit log, and the production start refusing default secrets.
// Fixture facts used (tests/fixtures): documents in Q1 2021: D01 D02 D03 D11 (SNV, province), D04 (STP),
// D05 (UBND-227), D06 (UBND-08001 in 227) → 7, of which district 227 has 2 (D05, D06) and commune 08001 one.
// Dossiers received in Q1 2021: S1 (1.001 noi_vu, 08001), S2 (2.001 tu_phap, UBND-227), S3 (3.001 tu_phap,
// UBND-08003 in 238), S4 (1.002 tu_phap, STP) → 4; district 227: S1 S2; sector tu_phap: S2 S3 S4.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../server/auth/audit.ts';
import { assertProductionSecrets, prepareAccess } from '../../server/auth/boot.ts';
import type { Auth } from '../../server/auth/service.ts';
import type { Db } from '../../server/db/index.ts';
import { parseEnv } from '../../server/env.ts';
import { fixtureApp, fixtureStore, pushHeaders, Q1, signedIn } from './helpers.ts';

const SECRET = 'prod-secret-9f8e7d6c5b4a3210zyxwvuts';
type App = Awaited<ReturnType<typeof fixtureApp>>['app'];

function req(app: App, method: string, url: string, headers: Record<string, string> = {}, body?: unknown) {
  return app.request(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('role × endpoint matrix (production mode)', () => {
  let db: Db;
  let app: App;
  let demoApp: App;
  const P: Record<string, { headers: Record<string, string>; csrf?: string }> = {};

  beforeAll(async () => {
    db = await fixtureStore();
    const f = await fixtureApp(db, { IOC_MODE: 'production', IOC_SECRET: SECRET });
    app = f.app;
    demoApp = (await fixtureApp(db)).app;
    const auth = f.auth;
    P.anonymous = { headers: {} };
    for (const [name, roles, scope] of [
      ['leader', ['leader'], undefined],
      ['dept_head', ['department_head'], { units: ['227'] }],
      ['analyst', ['analyst'], { units: ['227'] }],
      ['operator', ['operator'], undefined],
      ['admin', ['admin'], undefined],
    ] as [string, string[], { units: string[] } | undefined][]) {
      const s = await signedIn(auth, roles, scope);
      P[name] = { headers: s.headers, csrf: s.csrf };
    }
    const dev = await auth.accounts.createDevice({
      name: 'Wall 1',
      playlist: 'slides=overview',
      createdBy: 't',
    });
    P.device = { headers: { authorization: `Bearer ${dev.token}` } };
    P.source = { headers: await pushHeaders(auth) };
    const expired = await signedIn(auth, ['leader']);
    await db.query(`UPDATE sessions SET expires_at = now() - INTERVAL 1 HOUR WHERE user_id = $u`, {
      u: expired.userId,
    });
    P.expired = { headers: expired.headers, csrf: expired.csrf };
    const revokedDev = await auth.accounts.createDevice({ name: 'Wall 2', playlist: '', createdBy: 't' });
    await auth.accounts.revoke('dev', revokedDev.id);
    P.revoked_device = { headers: { authorization: `Bearer ${revokedDev.token}` } };
    const revokedSrc = await auth.accounts.createSource({
      name: 'old',
      feeds: ['documents'],
      createdBy: 't',
    });
    await auth.accounts.revoke('src', revokedSrc.id);
    P.revoked_source = { headers: { authorization: `Bearer ${revokedSrc.token}` } };
    const disabled = await signedIn(auth, ['leader']);
    await auth.accounts.updateUser(disabled.userId, { disabled: true });
    P.disabled = { headers: disabled.headers, csrf: disabled.csrf };
  });
  afterAll(() => db.close());

  const cols = [
    'anonymous',
    'leader',
    'dept_head',
    'analyst',
    'operator',
    'admin',
    'device',
    'source',
    'expired',
    'revoked_device',
    'revoked_source',
    'disabled',
  ];
  const doc = 'id,direction,agency_code,at,digitally_signed\nM1,out,SNV,2021-02-02T08:00:00+07:00,true\n';
  // [method, url, body, expected status per column (order of cols)]
  const MATRIX: [string, string, unknown, number[]][] = [
    //                                                          anon ldr  dh  ana  op  adm dev src exp rdv rsr dis
    ['GET', '/api/health', undefined, [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]],
    ['GET', '/api/auth/me', undefined, [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]],
    [
      'GET',
      `/api/kpis/direction.documents_total?${Q1}`,
      undefined,
      [401, 200, 403, 403, 403, 403, 200, 403, 401, 401, 401, 401],
    ],
    [
      'GET',
      `/api/kpis/direction.documents_total?${Q1}&unit=227`,
      undefined,
      [401, 200, 200, 200, 403, 403, 200, 403, 401, 401, 401, 401],
    ],
    [
      'GET',
      `/api/kpis/services.dossiers_received/breakdown?${Q1}&unit=227&by=commune`,
      undefined,
      [401, 200, 200, 200, 403, 403, 200, 403, 401, 401, 401, 401],
    ],
    [
      'GET',
      `/api/kpis/services.dossiers_received/records?${Q1}&unit=227`,
      undefined,
      [401, 200, 200, 200, 403, 403, 200, 403, 401, 401, 401, 401],
    ],
    [
      'GET',
      `/api/kpis/services.dossiers_received/export?${Q1}&unit=227&view=records&format=csv`,
      undefined,
      [401, 200, 403, 200, 403, 403, 403, 403, 401, 401, 401, 401],
    ],
    ['GET', `/api/subsystems?${Q1}`, undefined, [401, 200, 403, 403, 403, 403, 200, 403, 401, 401, 401, 401]],
    [
      'GET',
      `/api/index766?${Q1}&unit=227`,
      undefined,
      [401, 200, 200, 200, 403, 403, 200, 403, 401, 401, 401, 401],
    ],
    [
      'GET',
      '/api/geo/units?level=district',
      undefined,
      [401, 200, 403, 403, 403, 403, 200, 403, 401, 401, 401, 401],
    ],
    [
      'GET',
      '/api/geo/units?level=commune&parent=227',
      undefined,
      [401, 200, 200, 200, 403, 403, 200, 403, 401, 401, 401, 401],
    ],
    ['GET', '/api/units', undefined, [401, 200, 200, 200, 403, 200, 200, 403, 401, 401, 401, 401]],
    ['GET', '/api/feeds', undefined, [401, 200, 200, 200, 200, 200, 200, 403, 401, 401, 401, 401]],
    ['GET', '/api/feeds/rejects', undefined, [401, 403, 403, 403, 200, 200, 403, 403, 401, 401, 401, 401]],
    ['POST', '/api/feeds/documents', doc, [401, 403, 403, 403, 200, 403, 403, 200, 401, 401, 401, 401]],
    ['GET', '/api/admin/users', undefined, [401, 403, 403, 403, 403, 200, 403, 403, 401, 401, 401, 401]],
    [
      'POST',
      '/api/admin/sources',
      { name: 'x', feeds: ['payments'] },
      [401, 403, 403, 403, 403, 201, 403, 403, 401, 401, 401, 401],
    ],
    ['GET', '/api/admin/audit', undefined, [401, 403, 403, 403, 403, 200, 403, 403, 401, 401, 401, 401]],
    ['GET', '/api/ops/backups', undefined, [401, 403, 403, 403, 403, 200, 403, 403, 401, 401, 401, 401]],
    [
      'POST',
      '/api/ops/restore',
      { name: 'ioc-20260101-000000.duckdb' },
      [401, 403, 403, 403, 403, 404, 403, 403, 401, 401, 401, 401],
    ],
  ];

  it('answers every route as the matrix says for every principal', async () => {
    const got: string[] = [];
    const want: string[] = [];
    for (const [method, url, body, expected] of MATRIX) {
      for (const [i, col] of cols.entries()) {
        const p = P[col];
        const headers: Record<string, string> = { ...p.headers };
        if (method !== 'GET' && p.csrf) headers['x-csrf-token'] = p.csrf;
        if (typeof body === 'string') headers['content-type'] = 'text/csv';
        const res = await req(app, method, url, headers, body);
        got.push(`${method} ${url} ${col} ${res.status}`);
        want.push(`${method} ${url} ${col} ${expected[i]}`);
      }
    }
    expect(got).toEqual(want);
  });

  it('demo mode: an anonymous visitor reads and exports as a leader but changes nothing', async () => {
    const codes = await Promise.all(
      [
        ['GET', `/api/kpis/direction.documents_total?${Q1}`],
        ['GET', `/api/kpis/services.dossiers_received/export?${Q1}&view=records&format=csv`],
        ['GET', '/api/feeds'],
        ['GET', '/api/feeds/rejects'],
        ['POST', '/api/feeds/documents'],
        ['GET', '/api/admin/users'],
      ].map(
        async ([m, u]) =>
          (await req(demoApp, m, u, { 'content-type': 'text/csv' }, m === 'POST' ? doc : undefined)).status,
      ),
    );
    expect(codes).toEqual([200, 200, 200, 403, 403, 403]);
    const me = await (await demoApp.request('/api/auth/me')).json();
    expect(me).toMatchObject({
      mode: 'demo',
      signedIn: true,
      principal: { kind: 'demo', roles: ['leader'] },
    });
    expect(me.principal.permissions.sort()).toEqual(['export', 'read']);
  });
});

describe('scoping', () => {
  let db: Db;
  let app: App;
  let leader: Record<string, string>;
  let dh227: Record<string, string>;
  let dhTuPhap: Record<string, string>;
  let analyst227: Record<string, string>;
  const get = async (h: Record<string, string>, url: string) => {
    const r = await app.request(url, { headers: h });
    return { status: r.status, body: await r.json() };
  };

  beforeAll(async () => {
    db = await fixtureStore();
    const f = await fixtureApp(db, { IOC_MODE: 'production', IOC_SECRET: SECRET });
    app = f.app;
    leader = (await signedIn(f.auth, ['leader'])).headers;
    dh227 = (await signedIn(f.auth, ['department_head'], { units: ['227'] })).headers;
    dhTuPhap = (
      await signedIn(f.auth, ['department_head'], { sectors: ['tu_phap'], subsystems: ['services'] })
    ).headers;
    analyst227 = (await signedIn(f.auth, ['analyst'], { units: ['227'] })).headers;
  });
  afterAll(() => db.close());

  it('a district head reads his district and its communes with the same numbers a leader gets', async () => {
    const mine = await get(dh227, `/api/kpis/direction.documents_total?${Q1}&unit=227`);
    expect(mine.body.value).toBe(2); // D05, D06
    expect((await get(leader, `/api/kpis/direction.documents_total?${Q1}&unit=227`)).body.value).toBe(2);
    expect((await get(dh227, `/api/kpis/direction.documents_total?${Q1}&unit=08001`)).body.value).toBe(1); // D06
    const bd = await get(dh227, `/api/kpis/services.dossiers_received/breakdown?${Q1}&unit=227&by=commune`);
    expect(bd.status).toBe(200);
    const keys = (bd.body.rows as { key: string | null }[]).map((r) => r.key);
    expect(keys.every((k) => k === null || ['08001', '08002'].includes(k))).toBe(true);
    const rec = await get(dh227, `/api/kpis/services.dossiers_received/records?${Q1}&unit=227`);
    expect(rec.body.total).toBe(2); // S1, S2
  });

  it('every way of asking for more than the district is 403, never a narrowed answer', async () => {
    const attempts = [
      `/api/kpis/direction.documents_total?${Q1}`, // the whole province
      `/api/kpis/direction.documents_total?${Q1}&unit=25`, // the province named
      `/api/kpis/direction.documents_total?${Q1}&unit=238`, // another district
      `/api/kpis/direction.documents_total?${Q1}&unit=08003`, // a commune of another district
      `/api/kpis/direction.documents_total?${Q1}&unit=227&agency=SNV`, // an agency outside the district
      `/api/kpis/services.dossiers_received/breakdown?${Q1}&by=district`,
      `/api/kpis/services.dossiers_received/records?${Q1}&unit=238`,
      `/api/kpis/services.dossiers_received/export?${Q1}&unit=238&format=csv`,
      `/api/subsystems?${Q1}`,
      `/api/index766?${Q1}`,
      '/api/geo/units?level=district',
      '/api/geo/units?level=commune&parent=238',
    ];
    for (const url of attempts) {
      const r = await get(dh227, url);
      expect([url, r.status]).toEqual([url, 403]);
    }
    // The message says why; no numbers leak.
    const r = await get(dh227, `/api/kpis/direction.documents_total?${Q1}&unit=238`);
    expect(r.body).toEqual({ error: 'outside your scope: unit 238' });
  });

  it('a sector head sees only his sector and subsystems', async () => {
    expect(
      (await get(dhTuPhap, `/api/kpis/services.dossiers_received?${Q1}&sector=tu_phap`)).body.value,
    ).toBe(3);
    for (const url of [
      `/api/kpis/services.dossiers_received?${Q1}`,
      `/api/kpis/services.dossiers_received?${Q1}&sector=noi_vu`,
      `/api/kpis/direction.documents_total?${Q1}&sector=tu_phap`, // another subsystem
      `/api/kpis/economy.budget_revenue?${Q1}`,
      `/api/kpis/services.dossiers_received/breakdown?${Q1}&by=sector`,
    ])
      expect([url, (await get(dhTuPhap, url)).status]).toEqual([url, 403]);
    const list = await get(dhTuPhap, `/api/subsystems?${Q1}&sector=tu_phap`);
    expect(list.status).toBe(200);
    expect((list.body.subsystems as { id: string }[]).map((s) => s.id)).toEqual(['services']);
    const bd = await get(
      dhTuPhap,
      `/api/kpis/services.dossiers_received/breakdown?${Q1}&by=sector&sector=tu_phap`,
    );
    expect((bd.body.rows as { key: string }[]).map((r) => r.key)).toEqual(['tu_phap']);
  });

  it('a sector-only scope cannot read sources without sectors; assigned subsystems can', async () => {
    const f = await fixtureApp(db, { IOC_MODE: 'production', IOC_SECRET: SECRET });
    const sectorOnly = (await signedIn(f.auth, ['analyst'], { sectors: ['tu_phap'] })).headers;
    const withSecurity = (
      await signedIn(f.auth, ['analyst'], { sectors: ['tu_phap'], subsystems: ['services', 'security'] })
    ).headers;
    const at = async (h: Record<string, string>, url: string) =>
      (await f.app.request(url, { headers: h })).status;
    for (const url of [
      `/api/kpis/security.traffic_accidents?${Q1}`,
      `/api/kpis/security.traffic_accidents/breakdown?${Q1}&by=agency`,
      `/api/kpis/security.traffic_accidents/records?${Q1}`,
      `/api/kpis/security.traffic_accidents/export?${Q1}&view=records&format=csv`,
      `/api/kpis/economy.budget_revenue?${Q1}`,
    ])
      expect([url, await at(sectorOnly, url)]).toEqual([url, 403]);
    // Traffic accidents are the security subsystem's: assigned explicitly, they are read in full (15).
    const r = await f.app.request(`/api/kpis/security.traffic_accidents?${Q1}`, { headers: withSecurity });
    expect((await r.json()).value).toBe(15);
    expect(await at(withSecurity, `/api/kpis/economy.budget_revenue?${Q1}`)).toBe(403);
  });

  it("an analyst's export holds only rows inside the scope", async () => {
    const res = await app.request(
      `/api/kpis/services.dossiers_received/export?${Q1}&unit=227&view=records&format=csv`,
      { headers: analyst227 },
    );
    expect(res.status).toBe(200);
    const lines = (await res.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    const header = lines[0].split(',');
    const idCol = header.findIndex((h) => /^(Mã|id)$/i.test(h));
    const ids = lines.slice(1).map((l) => l.split(',')[idCol]);
    expect(ids.sort()).toEqual(['S1', 'S2']);
    const unitCol = header.findIndex((h) => /unit_code|Mã đơn vị|Đơn vị/i.test(h));
    expect(unitCol).toBeGreaterThanOrEqual(0);
    for (const l of lines.slice(1)) expect(['227', '08001', '08002']).toContain(l.split(',')[unitCol]);
    // And the province-wide export is refused rather than filtered.
    const all = await app.request(
      `/api/kpis/services.dossiers_received/export?${Q1}&view=records&format=csv`,
      {
        headers: analyst227,
      },
    );
    expect(all.status).toBe(403);
  });

  it('a scoped user sees whether feeds are fresh, not the province-wide volumes, sources or rejects', async () => {
    const r = await get(dh227, '/api/feeds');
    expect(r.status).toBe(200);
    const docs = (r.body.feeds as Record<string, unknown>[]).find((f) => f.feed === 'documents')!;
    expect(Object.keys(docs).sort()).toEqual(['cadenceHours', 'feed', 'newestEventAt', 'stale']);
    const full = await get(leader, '/api/feeds');
    expect(
      (full.body.feeds as { feed: string; rows: number }[]).find((f) => f.feed === 'documents')?.rows,
    ).toBe(11);
  });

  it('a scoped role without an assignment sees nothing', async () => {
    const f = await fixtureApp(db, { IOC_MODE: 'production', IOC_SECRET: SECRET });
    const bare = (await signedIn(f.auth, ['department_head'])).headers;
    const r = await f.app.request(`/api/kpis/direction.documents_total?${Q1}&unit=227`, { headers: bare });
    expect(r.status).toBe(403);
  });
});

describe('sign-in', () => {
  let db: Db;
  let app: App;
  let auth: Auth;
  const POLICY = {
    IOC_MODE: 'production',
    IOC_SECRET: SECRET,
    IOC_LOGIN_DELAY_MS: '40',
    IOC_LOGIN_MAX_DELAY_MS: '300',
    IOC_LOGIN_LOCK_AFTER: '10',
    IOC_LOGIN_LOCK_MS: '1500',
  };
  const login = (username: string, password: string, headers: Record<string, string> = {}) =>
    req(app, 'POST', '/api/auth/login', headers, { username, password });

  beforeAll(async () => {
    db = await fixtureStore({ feeds: false });
    const f = await fixtureApp(db, POLICY);
    app = f.app;
    auth = f.auth;
    await auth.accounts.createUser({
      username: 'lan.nguyen',
      displayName: 'Nguyễn Thị Lan',
      password: 'Đúng-mật-khẩu-2026',
      roles: ['leader'],
    });
  });
  afterAll(() => db.close());

  it('signs in with an HttpOnly SameSite=Strict session cookie and signs out', async () => {
    const res = await login('lan.nguyen', 'Đúng-mật-khẩu-2026');
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^ioc_session=[^;]+;/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/); // plain HTTP here; over HTTPS it is Secure
    const session = cookie.split(';')[0];
    const { csrf } = await res.json();
    const me = await (await app.request('/api/auth/me', { headers: { cookie: session } })).json();
    expect(me.principal).toMatchObject({ kind: 'user', name: 'lan.nguyen', displayName: 'Nguyễn Thị Lan' });
    expect(me.csrf).toBe(csrf);
    const https = await app.request('https://ioc.example.vn/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'lan.nguyen', password: 'Đúng-mật-khẩu-2026' }),
    });
    expect(https.headers.get('set-cookie')).toMatch(/Secure/);
    expect(
      (await req(app, 'POST', '/api/auth/logout', { cookie: session, 'x-csrf-token': csrf })).status,
    ).toBe(200);
    expect(
      (await app.request(`/api/kpis/direction.documents_total?${Q1}`, { headers: { cookie: session } }))
        .status,
    ).toBe(401);
  });

  it('20 wrong passwords slow down and lock; the right one is refused until the lock ends', async () => {
    const statuses: number[] = [];
    const waits: number[] = [];
    let attempts = 0;
    while (attempts < 20) {
      const res = await login('lan.nguyen', `sai-mat-khau-${attempts}`);
      const body = await res.json();
      statuses.push(res.status);
      if (res.status === 429) {
        waits.push(body.retryAfterMs);
        await new Promise((r) => setTimeout(r, body.retryAfterMs + 5));
        continue; // a throttled attempt is not checked and does not count
      }
      attempts++;
    }
    // Failures 1–3 answer at once; from the 3rd on the next attempt must wait, the wait doubling to the cap.
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(waits.length).toBeGreaterThanOrEqual(5);
    // (Each wait is what remained when the next attempt came: the policy's wait minus the round trip.)
    expect(waits[0]).toBeGreaterThan(0);
    expect(waits[0]).toBeLessThanOrEqual(40);
    expect(Math.max(...waits)).toBeGreaterThan(150); // 40 → 80 → 160 → 300 (cap)
    expect(Math.max(...waits)).toBeLessThanOrEqual(300);
    // The 10th failure locks; every later attempt is "locked", without checking the password.
    const checked = statuses.filter((s) => s !== 429);
    expect(checked.slice(0, 9)).toEqual(Array(9).fill(401));
    expect(checked.slice(9)).toEqual(Array(11).fill(423));
    const right = await login('lan.nguyen', 'Đúng-mật-khẩu-2026');
    expect(right.status).toBe(423);
    expect((await right.json()).error).toMatch(/tạm khóa/);
    await new Promise((r) => setTimeout(r, 1600));
    expect((await login('lan.nguyen', 'Đúng-mật-khẩu-2026')).status).toBe(200);
  });

  it('a burst of parallel guesses is checked one at a time: the right password in it does not get through', async () => {
    await auth.accounts.createUser({
      username: 'burst.target',
      displayName: 'B',
      password: 'Dung-mat-khau-2026',
      roles: ['leader'],
    });
    const guesses = [...Array.from({ length: 24 }, (_, i) => `sai-${i}-mat-khau`), 'Dung-mat-khau-2026'];
    const statuses = await Promise.all(guesses.map(async (pw) => (await login('burst.target', pw)).status));
    expect(statuses.filter((s) => s === 401)).toHaveLength(1); // one guess checked, the others told to wait
    expect(statuses.filter((s) => s === 429)).toHaveLength(24);
    expect(statuses).not.toContain(200);
    auth.throttle.succeed('burst.target', 'local');
  });

  it('behind a trusted proxy the address is the one the proxy appended, not what the client wrote', async () => {
    const db2 = await fixtureStore({ feeds: false });
    const f = await fixtureApp(db2, { ...POLICY, IOC_TRUST_PROXY: 'true' });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await req(
        f.app,
        'POST',
        '/api/auth/login',
        { 'x-forwarded-for': `10.0.0.${i}, 203.0.113.9` },
        {
          username: `spray-${i}`,
          password: 'Mua-he-2026!',
        },
      );
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses[3]).toBe(429); // the 4th account from the same real address must wait
    const rows = await db2.query<{ ip: string }>(
      `SELECT DISTINCT ip FROM audit_log WHERE action = 'auth.login_failed'`,
    );
    expect(rows.map((r) => r.ip)).toEqual(['203.0.113.9']);
    db2.close();
  });

  it('a name that does not exist is answered exactly like one that does', async () => {
    const shape = async (name: string) => {
      const out: string[] = [];
      for (let i = 0; i < 12; i++) {
        const res = await login(name, 'wrong-password-x');
        const body = await res.json();
        if (res.status === 429) {
          await new Promise((r) => setTimeout(r, body.retryAfterMs + 5));
          i--;
          continue;
        }
        out.push(`${res.status} ${body.error.replace(/\d\d:\d\d/, 'HH:mm')}`);
      }
      auth.throttle.succeed(name, 'local');
      return out;
    };
    await auth.accounts.createUser({
      username: 'real.user',
      displayName: 'R',
      password: 'Mat-khau-that-2026',
      roles: ['leader'],
    });
    expect(await shape('ghost.user')).toEqual(await shape('real.user'));
  });

  it('changes the password: the old one stops working and other sessions end', async () => {
    const id = await auth.accounts.createUser({
      username: 'hoa.tran',
      displayName: 'Trần Hoa',
      password: 'Mat-khau-cu-2026',
      roles: ['leader'],
    });
    const other = await auth.accounts.createSession(id, { method: 'test' });
    const res = await login('hoa.tran', 'Mat-khau-cu-2026');
    const session = (res.headers.get('set-cookie') ?? '').split(';')[0];
    const { csrf } = await res.json();
    const weak = await req(
      app,
      'POST',
      '/api/auth/password',
      { cookie: session, 'x-csrf-token': csrf },
      {
        current: 'Mat-khau-cu-2026',
        next: 'short',
      },
    );
    expect(weak.status).toBe(400);
    const ch = await req(
      app,
      'POST',
      '/api/auth/password',
      { cookie: session, 'x-csrf-token': csrf },
      {
        current: 'Mat-khau-cu-2026',
        next: 'Mat-khau-moi-2026',
      },
    );
    expect(ch.status).toBe(200);
    expect(
      (await app.request('/api/units', { headers: { cookie: `ioc_session=${other.token}` } })).status,
    ).toBe(401);
    expect((await login('hoa.tran', 'Mat-khau-cu-2026')).status).toBe(401);
    expect((await login('hoa.tran', 'Mat-khau-moi-2026')).status).toBe(200);
  });
});

describe('wall devices', () => {
  it('pair once by token into an HttpOnly cookie, re-pair with a new token, and stop at revocation', async () => {
    const db = await fixtureStore();
    const f = await fixtureApp(db, { IOC_MODE: 'production', IOC_SECRET: SECRET });
    const d1 = await f.auth.accounts.createDevice({
      name: 'Phòng họp',
      playlist: 'slides=services',
      scope: { units: ['227'] },
      createdBy: 't',
    });
    const d2 = await f.auth.accounts.createDevice({
      name: 'Sảnh',
      playlist: 'slides=overview',
      createdBy: 't',
    });
    const pair = await req(f.app, 'POST', '/api/auth/device', {}, { token: d1.token });
    expect(pair.status).toBe(200);
    expect(await pair.json()).toMatchObject({ name: 'Phòng họp', playlist: 'slides=services' });
    const set = pair.headers.get('set-cookie') ?? '';
    expect(set).toMatch(/ioc_device=.*HttpOnly.*/);
    expect(set).toMatch(/Max-Age=34560000/);
    const cookie = set.split(';')[0];
    // The device reads within its scope, writes nothing.
    expect(
      (await f.app.request(`/api/kpis/direction.documents_total?${Q1}&unit=227`, { headers: { cookie } }))
        .status,
    ).toBe(200);
    expect(
      (await f.app.request(`/api/kpis/direction.documents_total?${Q1}`, { headers: { cookie } })).status,
    ).toBe(403);
    expect(
      (await req(f.app, 'POST', '/api/admin/sources', { cookie }, { name: 'x', feeds: ['documents'] }))
        .status,
    ).toBe(403);
    // A screen moved to another room gets the other token, though it still holds the first cookie.
    const again = await req(f.app, 'POST', '/api/auth/device', { cookie }, { token: d2.token });
    expect(again.status).toBe(200);
    await f.auth.accounts.revoke('dev', d1.id);
    expect((await f.app.request('/api/units', { headers: { cookie } })).status).toBe(401);
    expect((await req(f.app, 'POST', '/api/auth/device', {}, { token: d1.token })).status).toBe(401);
    db.close();
  });
});

describe('CSRF', () => {
  let db: Db;
  let app: App;
  let admin: Awaited<ReturnType<typeof signedIn>>;
  beforeAll(async () => {
    db = await fixtureStore({ feeds: false });
    const f = await fixtureApp(db, { IOC_MODE: 'production', IOC_SECRET: SECRET });
    app = f.app;
    admin = await signedIn(f.auth, ['admin']);
  });
  afterAll(() => db.close());

  it('refuses a state-changing request without the token, with a wrong one, or from another site', async () => {
    const body = { name: 'Cổng DVC', feeds: ['dossiers'] };
    const post = (h: Record<string, string>) =>
      req(app, 'POST', '/api/admin/sources', { ...admin.headers, ...h }, body);
    expect((await post({})).status).toBe(403);
    expect((await post({ 'x-csrf-token': 'not-the-token' })).status).toBe(403);
    expect((await post({ 'x-csrf-token': admin.csrf, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post({ 'x-csrf-token': admin.csrf, origin: 'https://evil.example' })).status).toBe(403);
    expect((await req(app, 'POST', '/api/auth/logout', admin.headers)).status).toBe(403);
    const sources = await (await app.request('/api/admin/sources', { headers: admin.headers })).json();
    expect(sources.sources).toHaveLength(0); // nothing was created
    expect((await post({ 'x-csrf-token': admin.csrf })).status).toBe(201);
  });
});

describe('audit log', () => {
  let db: Db;
  let app: App;
  let auth: Auth;
  let admin: Awaited<ReturnType<typeof signedIn>>;
  beforeAll(async () => {
    db = await fixtureStore();
    const f = await fixtureApp(db, { IOC_MODE: 'production', IOC_SECRET: SECRET });
    app = f.app;
    auth = f.auth;
    admin = await signedIn(f.auth, ['admin']);
  });
  afterAll(() => db.close());

  const w = () => ({ ...admin.headers, 'x-csrf-token': admin.csrf });

  it('records sign-ins, failures, exports, deliveries and every change of users, roles and tokens', async () => {
    await auth.accounts.createUser({
      username: 'minh.le',
      displayName: 'Lê Minh',
      password: 'Mat-khau-minh-2026',
      roles: ['analyst'],
      scope: { units: ['227'] },
    });
    await req(app, 'POST', '/api/auth/login', {}, { username: 'minh.le', password: 'wrong-one-here' });
    const ok = await req(
      app,
      'POST',
      '/api/auth/login',
      {},
      { username: 'minh.le', password: 'Mat-khau-minh-2026' },
    );
    const minh = (ok.headers.get('set-cookie') ?? '').split(';')[0];
    await app.request(`/api/kpis/services.dossiers_received/export?${Q1}&unit=227&view=records&format=csv`, {
      headers: { cookie: minh },
    });
    await app.request(`/api/kpis/services.dossiers_received/records?${Q1}&unit=238`, {
      headers: { cookie: minh },
    });
    const created = await req(app, 'POST', '/api/admin/users', w(), {
      username: 'an.pham',
      displayName: 'Phạm An',
      password: 'Mat-khau-an-2026',
      roles: ['department_head'],
      scope: { units: ['238'] },
    });
    const { id } = await created.json();
    await req(app, 'PATCH', `/api/admin/users/${id}`, w(), { disabled: true });
    await req(app, 'PUT', '/api/admin/roles/analyst', w(), { permissions: ['read'], scoped: true });
    const dev = await (
      await req(app, 'POST', '/api/admin/devices', w(), {
        name: 'Màn hình phòng họp',
        playlist: 'slides=overview',
      })
    ).json();
    await req(app, 'DELETE', `/api/admin/devices/${dev.id}`, w());
    const src = await (
      await req(app, 'POST', '/api/admin/sources', w(), { name: 'Một cửa', feeds: ['documents'] })
    ).json();
    await req(
      app,
      'POST',
      '/api/feeds/documents',
      { 'content-type': 'text/csv', authorization: `Bearer ${src.token}` },
      'id,direction,agency_code,at,digitally_signed\nA1,out,SNV,2021-02-02T08:00:00+07:00,true\n',
    );
    await req(app, 'DELETE', `/api/admin/sources/${src.id}`, w());

    // The revoked source's token, still in use, is refused and noted.
    const late = await req(
      app,
      'POST',
      '/api/feeds/documents',
      { 'content-type': 'text/csv', authorization: `Bearer ${src.token}` },
      'id\n',
    );
    expect(late.status).toBe(401);
    const log = await (await app.request('/api/admin/audit?limit=100', { headers: admin.headers })).json();
    const seen = (
      log.rows as { action: string; actor: string; outcome: string; target: string; detail: string }[]
    ).map((r) => `${r.action} ${r.actor} ${r.outcome}`);
    for (const e of [
      'auth.login_failed minh.le failed',
      'auth.login minh.le ok',
      'export minh.le ok',
      'access.denied minh.le denied',
      `user.create ${admin.username} ok`,
      `user.update ${admin.username} ok`,
      `role.update ${admin.username} ok`,
      `device.create ${admin.username} ok`,
      `device.revoke ${admin.username} ok`,
      `source.create ${admin.username} ok`,
      'feed.delivery source:Một cửa ok',
      `source.revoke ${admin.username} ok`,
      'auth.token_refused unknown token denied',
    ])
      expect(seen).toContain(e);
    const exp = log.rows.find((r: { action: string }) => r.action === 'export');
    expect(JSON.parse(exp.detail)).toMatchObject({
      view: 'records',
      format: 'csv',
      rows: 2,
      filters: { unit: '227' },
    });
    const del = log.rows.find((r: { action: string }) => r.action === 'feed.delivery');
    expect(JSON.parse(del.detail)).toMatchObject({ accepted: 1, rejected: 0 });
    // Filtering works on the server.
    const onlyLogins = await (
      await app.request('/api/admin/audit?action=auth', { headers: admin.headers })
    ).json();
    expect(onlyLogins.rows.every((r: { action: string }) => r.action.startsWith('auth.'))).toBe(true);
    // No secret lands in the log: tokens and passwords are never written.
    const all = JSON.stringify(log.rows);
    expect(all).not.toContain(src.token);
    expect(all).not.toContain('Mat-khau-an-2026');
  });

  it('cannot be changed through the API, and tampering in the store is detected', async () => {
    const before = (await (await app.request('/api/admin/audit', { headers: admin.headers })).json()).total;
    for (const m of ['PUT', 'PATCH', 'DELETE', 'POST'])
      expect([
        m,
        (await req(app, m, '/api/admin/audit', w(), m === 'DELETE' ? undefined : {})).status,
      ]).toEqual([m, 404]);
    expect((await req(app, 'DELETE', '/api/admin/audit/1', w())).status).toBe(404);
    const after = (await (await app.request('/api/admin/audit', { headers: admin.headers })).json()).total;
    expect(after).toBe(before + 0);
    const v = await (await app.request('/api/admin/audit/verify', { headers: admin.headers })).json();
    expect(v).toEqual({ entries: after, brokenAt: null });
    await db.query(`UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2`);
    expect(await verifyAudit(db)).toEqual({ entries: after, brokenAt: 2 });
  });

  it('exports the log as CSV', async () => {
    const res = await app.request('/api/admin/audit/export?format=csv&action=auth', {
      headers: admin.headers,
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('auth.login');
    expect(Number(res.headers.get('x-row-count'))).toBeGreaterThan(0);
  });
});

describe('start-up', () => {
  it('production refuses to start without a secret, with a published one, or without a first admin', async () => {
    const env = (e: Record<string, string>) => parseEnv({ IOC_DB: ':memory:', IOC_MODE: 'production', ...e });
    expect(() => assertProductionSecrets(env({}))).toThrow(/IOC_SECRET/);
    expect(() =>
      assertProductionSecrets(env({ IOC_SECRET: 'change-me-to-a-long-random-string-of-32-chars' })),
    ).toThrow(/published default/);
    expect(() => assertProductionSecrets(env({ IOC_SECRET: 'a'.repeat(40) }))).toThrow(/not random/);
    const db = await fixtureStore({ feeds: false });
    const dir = (await import('node:fs')).mkdtempSync(`${(await import('node:os')).tmpdir()}/ioc-boot-`);
    await expect(prepareAccess(db, env({ IOC_SECRET: SECRET }), dir, () => undefined)).rejects.toThrow(
      /IOC_ADMIN_PASSWORD/,
    );
    await expect(
      prepareAccess(db, env({ IOC_SECRET: SECRET, IOC_ADMIN_PASSWORD: 'admin12345' }), dir, () => undefined),
    ).rejects.toThrow(/refused/);
    const lines: string[] = [];
    await prepareAccess(db, env({ IOC_SECRET: SECRET, IOC_ADMIN_PASSWORD: 'Quan-tri-vien-2026' }), dir, (l) =>
      lines.push(l),
    );
    expect(lines.join('\n')).toMatch(/First admin created/);
    db.close();
  });

  it('demo mode prints a fresh admin sign-in that works', async () => {
    const db = await fixtureStore({ feeds: false });
    const dir = (await import('node:fs')).mkdtempSync(`${(await import('node:os')).tmpdir()}/ioc-boot-`);
    const lines: string[] = [];
    const env = parseEnv({ IOC_DB: ':memory:' });
    const auth = await prepareAccess(db, env, dir, (l) => lines.push(l));
    const pw = /admin \/ (\S+)/.exec(lines.join('\n'))?.[1] ?? '';
    expect(pw.length).toBeGreaterThanOrEqual(16);
    const { createApp } = await import('../../server/app.ts');
    const app = createApp(
      { db, registry: (await fixtureApp(db)).ctx.registry, archiveDir: dir, startedAt: new Date(), auth },
      env,
    );
    const res = await req(app, 'POST', '/api/auth/login', {}, { username: 'admin', password: pw });
    expect(res.status).toBe(200);
    db.close();
  });
});
