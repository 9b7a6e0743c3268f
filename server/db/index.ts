// The DuckDB store: one instance opened once, a small pool of connections, and the single boundary where
// DuckDB values become plain JSON-safe values (BIGINT → number, DATE → 'YYYY-MM-DD', TIMESTAMPTZ → ISO).
import { type DuckDBConnection, DuckDBInstance, type DuckDBResultReader } from '@duckdb/node-api';

export type Row = Record<string, unknown>;
export type Params = Record<string, string | number | boolean | null>;

export interface DbOptions {
  path: string;
  memoryLimit?: string;
  threads?: number;
  /** Read connections kept for concurrent queries. */
  poolSize?: number;
}

/** Turn one DuckDB result into plain rows, converting by column type (never a silent 0). */
export function normaliseRows(result: DuckDBResultReader): Row[] {
  const names = result.columnNames();
  const types = result.columnTypes().map(String);
  const raw = result.getRowObjectsJS();
  return raw.map((r) => {
    const out: Row = {};
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      out[name] = normaliseValue(r[name], types[i]);
    }
    return out;
  });
}

export function normaliseValue(v: unknown, type: string): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') {
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(v)
      : v.toString();
  }
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return null;
    return type === 'DATE' ? v.toISOString().slice(0, 10) : v.toISOString();
  }
  if (Array.isArray(v)) return v.map((x) => normaliseValue(x, ''));
  return v;
}

/**
 * The values the SQL names: DuckDB refuses a value it has no `$name` for, and the engine builds one set of values
 * for several statements. Multi-statement SQL cannot be prepared, so no values means none passed.
 */
export function bind(sql: string, params: Params): Params | undefined {
  const used = Object.entries(params).filter(([k]) => new RegExp(`\\$${k}(?![A-Za-z0-9_])`).test(sql));
  return used.length > 0 ? Object.fromEntries(used) : undefined;
}

/** A connection with per-connection settings applied (UTC session time zone: all bucketing shifts by +7 h). */
async function openConnection(instance: DuckDBInstance): Promise<DuckDBConnection> {
  const c = await instance.connect();
  await c.run(`SET TimeZone = 'UTC'`);
  return c;
}

export class Db {
  private pool: DuckDBConnection[] = [];
  private waiters: ((c: DuckDBConnection) => void)[] = [];
  /** Serialises writers: DuckDB allows one writing transaction per table at a time without conflicts. */
  private writeChain: Promise<unknown> = Promise.resolve();
  /** Bumped after every committed write. */
  version = 0;
  /** Bumped by writes not confined to one feed (reference data, boundaries, migrations). */
  baseVersion = 0;
  private feedVersions = new Map<string, number>();

  /** Version of the data a feed-fed answer depends on: base data plus those feeds. Answers are cached by it. */
  versionOf(feeds: readonly string[]): string {
    return [this.baseVersion, ...feeds.map((f) => this.feedVersions.get(f) ?? 0)].join('.');
  }

  private constructor(
    readonly instance: DuckDBInstance,
    readonly path: string,
  ) {}

  static async open(opts: DbOptions): Promise<Db> {
    const config: Record<string, string> = {};
    if (opts.memoryLimit) config.memory_limit = opts.memoryLimit;
    if (opts.threads) config.threads = String(opts.threads);
    const instance = await DuckDBInstance.create(opts.path, config);
    const db = new Db(instance, opts.path);
    for (let i = 0; i < (opts.poolSize ?? 4); i++) db.pool.push(await openConnection(instance));
    return db;
  }

  private async acquire(): Promise<DuckDBConnection> {
    const c = this.pool.pop();
    if (c) return c;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(c: DuckDBConnection): void {
    const w = this.waiters.shift();
    if (w) w(c);
    else this.pool.push(c);
  }

  /** Run fn with a pooled connection. */
  async withConnection<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const c = await this.acquire();
    try {
      return await fn(c);
    } finally {
      this.release(c);
    }
  }

  /** One bound query → plain rows. */
  async query<T = Row>(sql: string, params: Params = {}): Promise<T[]> {
    return this.withConnection(
      async (c) => normaliseRows(await c.runAndReadAll(sql, bind(sql, params))) as T[],
    );
  }

  /** Statements without results (DDL, several statements). */
  async exec(sql: string): Promise<void> {
    await this.withConnection(async (c) => {
      await c.run(sql);
    });
  }

  /**
   * A write transaction on its own connection, serialised with other writers; rolled back on any error,
   * so a delivery lands wholly or not at all. `feeds` names the feed tables it writes (for the answer cache).
   */
  async transaction<T>(fn: (tx: Tx) => Promise<T>, opts: { feeds?: readonly string[] } = {}): Promise<T> {
    const run = async () => {
      const c = await openConnection(this.instance);
      try {
        await c.run('BEGIN TRANSACTION');
        try {
          const result = await fn(new Tx(c));
          await c.run('COMMIT');
          this.version++;
          if (opts.feeds)
            for (const f of opts.feeds) this.feedVersions.set(f, (this.feedVersions.get(f) ?? 0) + 1);
          else this.baseVersion++;
          return result;
        } catch (e) {
          await c.run('ROLLBACK').catch(() => undefined);
          throw e;
        }
      } finally {
        c.closeSync();
      }
    };
    const p = this.writeChain.then(run, run);
    this.writeChain = p.catch(() => undefined);
    return p;
  }

  /** A dedicated connection for staging work (temp tables live per connection). */
  async scratch<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const c = await openConnection(this.instance);
    try {
      return await fn(new Tx(c));
    } finally {
      c.closeSync();
    }
  }

  async checkpoint(): Promise<void> {
    await this.exec('CHECKPOINT');
  }

  close(): void {
    for (const c of this.pool) c.closeSync();
    this.pool = [];
    this.instance.closeSync();
  }
}

/** A connection inside a transaction or staging session. */
export class Tx {
  constructor(readonly conn: DuckDBConnection) {}
  async query<T = Row>(sql: string, params: Params = {}): Promise<T[]> {
    return normaliseRows(await this.conn.runAndReadAll(sql, bind(sql, params))) as T[];
  }
  async run(sql: string, params: Params = {}): Promise<void> {
    await this.conn.run(sql, bind(sql, params));
  }
}
