// The failure users care about, on real processes: a writer, two readers and Debian's nginx on the loopback; 100
// clients polling like walls while a delivery is pushed and a reader is killed with SIGKILL and started again, then
// a rolling restart of the readers. No client may see a failed request; the pushed figures must reach every reader
// within one snapshot interval (plus the time to publish and notice); every reader must answer the same afterwards.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, findNginx, freePorts } from '../../server/cluster/launch.ts';
import { generateDemo } from '../../server/demo/generate.ts';

const NGINX = findNginx();
if (!NGINX)
  console.warn('cluster tests skipped: nginx is not installed (apt-get install nginx; .ci/run installs it)');

const INTERVAL_MS = 1000;
/** Publishing (checkpoint, copy, hash) and noticing (a quarter of the interval) on top of the interval. */
const SLACK_MS = 1500;
const KPI = '/api/kpis/direction.documents_total?from=2025-03-03&to=2025-03-03';
const PUSHED = 321;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function kpiValue(base: string): Promise<number> {
  const r = await fetch(`${base}${KPI}`);
  if (!r.ok) throw new Error(`${base}: ${r.status}`);
  return ((await r.json()) as { value: number }).value;
}

/** 100 clients polling the overview and one KPI through nginx until stopped; every failure is kept with its cause. */
function pollers(url: string, clients = 100) {
  let running = true;
  let ok = 0;
  const failures: string[] = [];
  const paths = ['/api/subsystems', KPI, '/api/health'];
  const loops = Array.from({ length: clients }, async (_, i) => {
    await sleep((i * 7) % 200);
    while (running) {
      const path = paths[i % paths.length];
      try {
        const r = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(15_000) });
        await r.arrayBuffer();
        if (r.status === 200) ok++;
        else failures.push(`${path}: ${r.status}`);
      } catch (e) {
        failures.push(`${path}: ${(e as Error).message}`);
      }
      await sleep(200);
    }
  });
  return {
    get ok() {
      return ok;
    },
    failures,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

describe.skipIf(!NGINX)('a writer, two readers and nginx', () => {
  let dir: string;
  let cluster: Cluster;
  let token: string;
  const log: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ioc-cluster-'));
    await generateDemo({ dataDir: dir, from: '2025-01-01', scale: 0.02 });
    cluster = new Cluster({
      dataDir: dir,
      readers: 2,
      port: await freePorts(4),
      env: {
        IOC_SECRET: randomBytes(32).toString('base64url'),
        IOC_DEMO: 'false',
        IOC_LIVE: 'false',
        IOC_SNAPSHOT_INTERVAL_MS: String(INTERVAL_MS),
      },
      log: (who, line) => log.push(`${Date.now() % 100_000} [${who}] ${line}`),
    });
    await cluster.start();
    // A feed source for the push, created by the console's operator token through nginx (it reaches the writer).
    const ops = readFileSync(join(dir, 'run', 'ops.token'), 'utf8').trim();
    const r = await fetch(`${cluster.url}/api/admin/sources`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ops}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'cluster test', feeds: ['documents'] }),
    });
    expect(r.status, await r.clone().text()).toBe(201);
    token = ((await r.json()) as { token: string }).token;
  }, 300_000);

  afterAll(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('20 s of polling by 100 clients: a push and a reader killed with SIGKILL and restarted, no failed request', async () => {
    const before = await kpiValue(cluster.url);
    const clients = pollers(cluster.url);
    await sleep(2000);

    // A delivery pushed through nginx (to the writer).
    const agency = readFileSync(join(dir, 'reference', 'agencies.csv'), 'utf8')
      .split('\n')[1]
      .split(',')[0];
    const csv = [
      'id,direction,agency_code,at,digitally_signed,subject',
      ...Array.from(
        { length: PUSHED },
        (_, i) =>
          `cluster-${i},in,${agency},03/03/2025 09:${String(i % 60).padStart(2, '0')},có,Văn bản ${i}`,
      ),
    ].join('\n');
    const pushed = await fetch(`${cluster.url}/api/feeds/documents`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/csv' },
      body: csv,
    });
    expect(pushed.status, await pushed.clone().text()).toBe(200);
    expect(((await pushed.json()) as { accepted: number }).accepted).toBe(PUSHED);
    const committed = Date.now();

    // Every reader shows it within one snapshot interval (plus publishing and noticing).
    const seen = await Promise.all(
      cluster.readers.map(async (r) => {
        while ((await kpiValue(r.url)) !== before + PUSHED) {
          if (Date.now() - committed > 10_000) throw new Error(`${r.name} never showed the push`);
          await sleep(50);
        }
        return Date.now() - committed;
      }),
    );
    for (const ms of seen) expect(ms).toBeLessThanOrEqual(INTERVAL_MS + SLACK_MS);

    // A crash of one reader, and its return, under the same polling.
    await sleep(1000);
    await cluster.stopReader(0, 'SIGKILL');
    await sleep(3000);
    await cluster.startReader(0);
    await sleep(Math.max(0, 20_000 - (Date.now() - committed) - 2000));
    await clients.stop();

    expect(clients.failures.slice(0, 5), log.slice(-20).join('\n')).toEqual([]);
    expect(clients.ok).toBeGreaterThan(2000);
    // The same answers from every reader (and through nginx): same bytes, same ETag.
    for (const path of ['/api/subsystems', KPI]) {
      const tags = await Promise.all(
        [...cluster.readers.map((r) => r.url), cluster.url].map(async (u) =>
          (await fetch(`${u}${path}`)).headers.get('etag'),
        ),
      );
      expect(new Set(tags).size, `${path}: ${tags.join(' ')}`).toBe(1);
    }
    expect(await kpiValue(cluster.url)).toBe(before + PUSHED);
    console.log(
      `cluster: ${clients.ok} answers, ${clients.failures.length} failed; push visible on the readers after ${seen.join(' and ')} ms`,
    );
  }, 120_000);

  it('a rolling restart of the readers (SIGTERM, start, next) under polling: no failed request', async () => {
    const clients = pollers(cluster.url);
    await sleep(1000);
    for (let i = 0; i < cluster.readers.length; i++) {
      await cluster.stopReader(i, 'SIGTERM');
      await cluster.startReader(i);
      await sleep(1000);
    }
    await clients.stop();
    expect(clients.failures.slice(0, 5), log.slice(-20).join('\n')).toEqual([]);
    expect(clients.ok).toBeGreaterThan(500);
    console.log(`rolling restart: ${clients.ok} answers, ${clients.failures.length} failed`);
  }, 120_000);

  it('sessions, audit lines and devices across readers: a new session known at once, an ended one refused within an interval, a reader’s refusal in the writer’s log', async () => {
    const ops = readFileSync(join(dir, 'run', 'ops.token'), 'utf8').trim();
    const created = await fetch(`${cluster.url}/api/admin/users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ops}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        username: 'lanhdao',
        displayName: 'Lãnh đạo',
        password: 'Mat-khau-rat-dai-2026',
        roles: ['leader'],
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const login = await fetch(`${cluster.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'lanhdao', password: 'Mat-khau-rat-dai-2026' }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const { csrf } = (await login.json()) as { csrf: string };
    // Who the reader takes the cookie's holder for (a demo store answers an unknown one as its visitor).
    const me = async (base: string) => {
      const r = await fetch(`${base}/api/auth/me`, { headers: { cookie } });
      return ((await r.json()) as { principal: { name: string } }).principal.name === 'lanhdao';
    };
    // At once, on both readers: the one whose snapshot lacks the session asks the writer.
    for (const r of cluster.readers) expect(await me(r.url), r.name).toBe(true);

    const out = await fetch(`${cluster.url}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie, 'X-CSRF-Token': csrf },
    });
    expect(out.status).toBe(200);
    const ended = Date.now();
    for (const r of cluster.readers) {
      while (await me(r.url)) {
        expect(Date.now() - ended, `${r.name} still accepts the ended session`).toBeLessThan(
          INTERVAL_MS + SLACK_MS,
        );
        await sleep(50);
      }
    }
    // A wall device asks a reader for what it may not read: the reader refuses, and the refusal and the device's
    // contact land in the writer's log and device list (a reader writes nothing itself).
    const dev = await fetch(`${cluster.url}/api/admin/devices`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ops}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Màn hình tầng 3', playlist: 'slides=overview' }),
    });
    expect(dev.status, await dev.clone().text()).toBe(201);
    const device = (await dev.json()) as { id: string; token: string };
    await sleep(INTERVAL_MS + SLACK_MS); // the device is in the readers' snapshot
    const refused = await fetch(`${cluster.readers[1].url}/api/admin/users`, {
      headers: { Authorization: `Bearer ${device.token}` },
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-ioc-answered-by')).toBeNull(); // the reader answered it
    const writerLog = async () =>
      JSON.stringify(
        await (
          await fetch(`${cluster.writer.url}/api/admin/audit?action=access.denied`, {
            headers: { Authorization: `Bearer ${ops}` },
          })
        ).json(),
      );
    for (let i = 0; i < 40 && !(await writerLog()).includes('Màn hình tầng 3'); i++) await sleep(50);
    expect(await writerLog()).toContain('device:Màn hình tầng 3');
    const { devices } = (await (
      await fetch(`${cluster.writer.url}/api/admin/devices`, { headers: { Authorization: `Bearer ${ops}` } })
    ).json()) as { devices: { id: string; lastSeenAt: string | null }[] };
    expect(devices.find((d) => d.id === device.id)?.lastSeenAt).toBeTruthy();

    // The writer's audit log holds the sign-in made through nginx.
    const audit = await fetch(`${cluster.writer.url}/api/admin/audit?action=auth.login`, {
      headers: { Authorization: `Bearer ${ops}` },
    });
    expect(JSON.stringify(await audit.json())).toContain('lanhdao');
  }, 60_000);
});
