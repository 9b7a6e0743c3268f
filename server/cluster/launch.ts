// A cluster on this machine: one writer, N readers and nginx in front, each its own process on the loopback.
// Used by `npm run cluster -- --readers 2` (to try it) and by the failure test (tests/server/cluster.test.ts).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { nginxStandalone } from './nginx.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** Debian's nginx (/usr/sbin is not on every user's PATH), or undefined when it is not installed. */
export function findNginx(): string | undefined {
  for (const p of [process.env.IOC_NGINX, '/usr/sbin/nginx', '/usr/bin/nginx'])
    if (p && existsSync(p)) return p;
  try {
    return execFileSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * `n` consecutive free loopback ports below the kernel's ephemeral range (a member killed and restarted on its port
 * must not find it taken meanwhile by an outgoing connection): for the cluster test and the bench.
 */
export async function freePorts(n: number): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    let ok = true;
    for (let i = 0; i < n && ok; i++) ok = await free(base + i);
    if (ok) return base;
  }
}

export interface ClusterOptions {
  /** The writer's data folder (its feeds, store, snapshots); readers get folders of their own inside it. */
  dataDir: string;
  readers: number;
  /** nginx's port; the writer takes the next, the readers the ones after. */
  port: number;
  /** Environment for every process (IOC_SECRET is required: the processes share it). */
  env: Record<string, string>;
  log?: (who: string, line: string) => void;
  /** The writer builds the web app first when it is missing or stale (npm start's --build-web). */
  buildWeb?: boolean;
  /** How long a member may take to start (the writer's first start generates the demo: minutes). */
  readyTimeoutMs?: number;
}

export interface Member {
  name: string;
  url: string;
  port: number;
  child?: ChildProcess;
  exited?: Promise<number | null>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Cluster {
  readonly writer: Member;
  readonly readers: Member[];
  readonly url: string;
  private nginx?: ChildProcess;
  private readonly prefix: string;

  constructor(readonly opts: ClusterOptions) {
    this.url = `http://127.0.0.1:${opts.port}`;
    this.writer = { name: 'writer', port: opts.port + 1, url: `http://127.0.0.1:${opts.port + 1}` };
    this.readers = Array.from({ length: opts.readers }, (_, i) => ({
      name: `reader${i + 1}`,
      port: opts.port + 2 + i,
      url: `http://127.0.0.1:${opts.port + 2 + i}`,
    }));
    this.prefix = join(resolve(opts.dataDir), 'cluster', 'nginx');
  }

  private spawnMember(m: Member, env: Record<string, string>, args: string[] = []): void {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/index.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...this.opts.env, PORT: String(m.port), HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = (d: Buffer) => {
      for (const line of String(d).split('\n')) if (line.trim()) this.opts.log?.(m.name, line);
    };
    child.stdout?.on('data', out);
    child.stderr?.on('data', out);
    m.child = child;
    m.exited = new Promise((r) => child.on('exit', (code) => r(code)));
  }

  /** Waits until the member answers /api/health with 200 (a reader: once it serves a snapshot). */
  async ready(m: Member, timeoutMs = this.opts.readyTimeoutMs ?? 120_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (m.child && m.child.exitCode !== null) throw new Error(`${m.name} exited with ${m.child.exitCode}`);
      try {
        const r = await fetch(`${m.url}/api/health`, { signal: AbortSignal.timeout(2000) });
        const h = (await r.json()) as { snapshot?: unknown };
        if (r.ok && h.snapshot) return;
      } catch {}
      await sleep(100);
    }
    throw new Error(`${m.name} did not become ready on port ${m.port}`);
  }

  startWriter(): Promise<void> {
    const dir = resolve(this.opts.dataDir);
    this.spawnMember(
      this.writer,
      {
        IOC_ROLE: 'writer',
        IOC_DATA_DIR: dir,
        IOC_DB: join(dir, 'ioc.duckdb'),
        IOC_SNAPSHOT_DIR: join(dir, 'snapshots'),
        IOC_TRUST_PROXY: 'true',
      },
      this.opts.buildWeb ? ['--build-web'] : [],
    );
    return this.ready(this.writer);
  }

  startReader(i: number): Promise<void> {
    const dir = resolve(this.opts.dataDir);
    const own = join(dir, 'cluster', this.readers[i].name);
    mkdirSync(own, { recursive: true });
    this.spawnMember(this.readers[i], {
      IOC_ROLE: 'reader',
      IOC_DATA_DIR: own,
      IOC_SNAPSHOT_DIR: join(dir, 'snapshots'),
      IOC_WRITER_URL: this.writer.url,
      IOC_TRUST_PROXY: 'true',
      IOC_LIVE: 'false',
    });
    return this.ready(this.readers[i]);
  }

  /** Stop a reader: SIGTERM lets it finish what it serves; SIGKILL is a crash. Resolves when it has exited. */
  async stopReader(i: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const m = this.readers[i];
    m.child?.kill(signal);
    await m.exited;
  }

  async startNginx(): Promise<void> {
    const bin = findNginx();
    if (!bin) throw new Error('nginx is not installed (Debian: apt-get install nginx)');
    for (const d of ['temp', 'cache']) mkdirSync(join(this.prefix, d), { recursive: true });
    const conf = nginxStandalone({
      prefix: this.prefix,
      listen: `127.0.0.1:${this.opts.port}`,
      writer: `127.0.0.1:${this.writer.port}`,
      readers: this.readers.map((r) => `127.0.0.1:${r.port}`),
      cacheDir: join(this.prefix, 'cache'),
      runAsRoot: process.getuid?.() === 0,
    });
    writeFileSync(join(this.prefix, 'nginx.conf'), conf);
    const child = spawn(bin, ['-p', this.prefix, '-c', join(this.prefix, 'nginx.conf')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr?.on('data', (d) => this.opts.log?.('nginx', String(d).trim()));
    this.nginx = child;
    const until = Date.now() + 20_000;
    while (Date.now() < until) {
      if (child.exitCode !== null)
        throw new Error(`nginx exited with ${child.exitCode} (see ${this.prefix}/error.log)`);
      try {
        await fetch(`${this.url}/api/health`, { signal: AbortSignal.timeout(2000) });
        return;
      } catch {}
      await sleep(100);
    }
    throw new Error('nginx did not answer');
  }

  /** Writer, readers, then nginx. */
  async start(): Promise<void> {
    await this.startWriter();
    for (let i = 0; i < this.readers.length; i++) await this.startReader(i);
    await this.startNginx();
  }

  async stop(): Promise<void> {
    const exits: Promise<unknown>[] = [];
    if (this.nginx && this.nginx.exitCode === null) {
      exits.push(new Promise((r) => this.nginx?.once('exit', r)));
      this.nginx.kill('SIGQUIT');
    }
    for (const m of [...this.readers, this.writer])
      if (m.child && m.child.exitCode === null) {
        exits.push(m.exited as Promise<unknown>);
        m.child.kill('SIGTERM');
      }
    await Promise.all(exits);
  }
}
