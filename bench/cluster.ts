// The bench's cluster rows: throughput of one reader alone and of two readers behind nginx, cached (the same
// overview, as walls poll it) and uncached (a different period on every request), in the same run. The writer opens a
// copy of the bench's store; readers follow its snapshots (server/cluster/).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Cluster, findNginx, freePorts } from '../server/cluster/launch.ts';
import type { Db } from '../server/db/index.ts';

export interface ClusterRow {
  target: string;
  answers: 'cached' | 'uncached';
  connections: number;
  reqPerS: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** Every request a period of its own (a different answer key): days of `year`, from/to pairs in turn. */
function periods(year: string): () => string {
  let n = 0;
  return () => {
    n++;
    const a = 1 + (n % 300);
    const b = a + 1 + (Math.floor(n / 300) % 60);
    const day = (d: number) => new Date(Date.UTC(+year, 0, d)).toISOString().slice(0, 10);
    return `from=${day(a)}&to=${day(b)}`;
  };
}

export async function benchCluster(opts: {
  db: Db;
  dir: string;
  duration: number;
  connections: number;
  /** The overview's query string (the cached row) and the year of the uncached periods. */
  q: string;
  year: string;
}): Promise<
  | { rows: ClusterRow[]; memory: { member: string; idleRssMb: number; peakRssMb: number }[] }
  | { skipped: string }
> {
  if (!findNginx()) return { skipped: 'nginx is not installed' };
  const dir = join(opts.dir, 'cluster-bench');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await opts.db.snapshotTo(join(dir, 'ioc.duckdb'));
  const cluster = new Cluster({
    dataDir: dir,
    readers: 2,
    port: await freePorts(4),
    env: {
      IOC_SECRET: randomBytes(32).toString('base64url'),
      IOC_DEMO: 'false',
      IOC_LIVE: 'false',
      IOC_MODE: 'demo',
    },
  });
  const rows: ClusterRow[] = [];
  const memory: { member: string; idleRssMb: number; peakRssMb: number }[] = [];
  try {
    await cluster.start();
    const targets = [
      ['one reader', cluster.readers[0].url],
      ['two readers behind nginx', cluster.url],
    ] as const;
    for (const [target, base] of targets) {
      for (const answers of ['cached', 'uncached'] as const) {
        const next = periods(opts.year);
        const r = await autocannon({
          url: base,
          connections: opts.connections,
          duration: opts.duration,
          requests: [
            {
              setupRequest: (req) => ({
                ...req,
                path:
                  answers === 'cached'
                    ? `/api/subsystems?${opts.q}`
                    : `/api/kpis/services.ontime_rate?${next()}`,
              }),
            },
          ],
        });
        rows.push({
          target,
          answers,
          connections: opts.connections,
          reqPerS: r.requests.average,
          p99: r.latency.p99,
          errors: r.errors + r.timeouts,
          non2xx: r.non2xx,
        });
      }
    }
    // Each server process at the default settings, 5 s after the last request: its RSS now and its peak.
    await new Promise((r) => setTimeout(r, 5000));
    for (const m of [cluster.writer, ...cluster.readers]) {
      const status = m.child?.pid ? readFileSync(`/proc/${m.child.pid}/status`, 'utf8') : '';
      const kb = (field: string) =>
        Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
      memory.push({
        member: m.name,
        idleRssMb: Math.round(kb('VmRSS') / 1000),
        peakRssMb: Math.round(kb('VmHWM') / 1000),
      });
    }
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return { rows, memory };
}
