// The alternative a province would pick: PostgreSQL 15 on the same data, started by the bench on a private unix
// socket, loaded with COPY from CSV exported by DuckDB, indexed, vacuumed and analysed; the engine's SQL translated
// to PostgreSQL's dialect by toPostgres() below (the only translation; each rule says which DuckDB feature it
// replaces). Absent binaries or any failure here make the bench skip the section, never fail.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Db, Params } from '../server/db/index.ts';
import { rollupsDefined } from '../server/kpis/rollups.ts';

/** Tables the KPI SQL reads (reference + facts); the views are recreated in PostgreSQL's dialect below. */
const TABLES = [
  'units',
  'unit_paths',
  'agencies',
  'procedures',
  'indicators',
  'targets',
  'documents',
  'dossiers',
  'payments',
  'reports',
  'feedback',
  'unit_successors',
  'agency_successors',
  'unit_restate',
  'agency_restate',
  'workdays',
  'procedure_versions',
];
const PRIMARY_KEYS: Record<string, string> = {
  units: 'code',
  unit_paths: 'code',
  agencies: 'code',
  procedures: 'code',
  indicators: 'code',
  targets: 'indicator_code, unit_code, year',
};
/**
 * What a DBA would index for these KPIs: each fact table's event and due/completion times, the unit and agency
 * filters with time (composite), the procedure join, the reports' (indicator, unit, period) lookups.
 */
const INDEXES = [
  'documents (at)',
  'documents (due_at)',
  'documents (unit_code, at)',
  'documents (agency_code, at)',
  'dossiers (received_at)',
  'dossiers (completed_at)',
  'dossiers (due_at)',
  'dossiers (unit_code, received_at)',
  'dossiers (agency_code, received_at)',
  'dossiers (procedure_code)',
  'payments (paid_at)',
  'payments (unit_code, paid_at)',
  'payments (agency_code, paid_at)',
  'reports (indicator_code, unit_code, period_start)',
  'reports (period_start)',
  'reports (unit_code)',
];

/** Settings for a 2-core, 24 GiB machine; the last group only speeds the throwaway load (no effect on reads). */
export const PG_SETTINGS: Record<string, string> = {
  shared_buffers: '6GB',
  effective_cache_size: '16GB',
  work_mem: '256MB',
  maintenance_work_mem: '2GB',
  max_worker_processes: '8',
  max_parallel_workers: '2',
  max_parallel_workers_per_gather: '2',
  max_parallel_maintenance_workers: '2',
  random_page_cost: '1.1',
  effective_io_concurrency: '200',
  jit: 'on',
  TimeZone: 'UTC',
  listen_addresses: "''",
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  wal_level: 'minimal',
  max_wal_senders: '0',
  max_wal_size: '8GB',
};

const DUCK_TO_PG: Record<string, string> = {
  VARCHAR: 'text',
  BIGINT: 'bigint',
  INTEGER: 'integer',
  DOUBLE: 'double precision',
  BOOLEAN: 'boolean',
  DATE: 'date',
  TIMESTAMP: 'timestamp',
  'TIMESTAMP WITH TIME ZONE': 'timestamptz',
  HUGEINT: 'numeric',
};

const VIEWS = (reportCols: string[]) => `
CREATE VIEW dossier_days AS
  SELECT s.*, CAST(wc.seq - wr.seq AS INTEGER) AS work_days, CAST(wd.seq - wr.seq AS INTEGER) AS allowed_days
  FROM dossiers s
  JOIN workdays wr ON wr.day = CAST((s.received_at AT TIME ZONE 'UTC') + INTERVAL '7 hours' AS DATE)
  JOIN workdays wd ON wd.day = CAST((s.due_at AT TIME ZONE 'UTC') + INTERVAL '7 hours' AS DATE)
  LEFT JOIN workdays wc ON wc.day = CAST((s.completed_at AT TIME ZONE 'UTC') + INTERVAL '7 hours' AS DATE);
CREATE VIEW feedback_due AS
  SELECT s.*, coalesce(s.due_at, CAST((CAST(w2.day AS TIMESTAMP) + INTERVAL '17 hours' - INTERVAL '7 hours') AT TIME ZONE 'UTC' AS TIMESTAMPTZ)) AS due
  FROM feedback s
  LEFT JOIN workdays w1 ON w1.day = CAST((s.received_at AT TIME ZONE 'UTC') + INTERVAL '7 hours' AS DATE)
  LEFT JOIN workdays w2 ON w2.working AND w2.seq = w1.seq + 10;
CREATE VIEW reports_latest AS
  SELECT ${reportCols.join(', ')} FROM (
    SELECT r.*, row_number() OVER (PARTITION BY indicator_code, unit_code, period_start, period_end
                                   ORDER BY submitted_at DESC, id DESC) AS rn
    FROM reports r) x
  WHERE rn = 1;
CREATE VIEW report_compliance AS
  WITH first AS (SELECT indicator_code, min(period_start) AS first_start FROM reports GROUP BY indicator_code),
  periods AS (
    SELECT i.code AS indicator_code, i.reporting_level, i.due_days, i.frequency, CAST(gs AS DATE) AS period_start
    FROM indicators i JOIN first f ON f.indicator_code = i.code,
      LATERAL generate_series(CAST(date_trunc('year', f.first_start) AS TIMESTAMP), CAST(current_date AS TIMESTAMP),
        CASE i.frequency WHEN 'month' THEN INTERVAL '1 month' WHEN 'quarter' THEN INTERVAL '3 months'
          WHEN 'half' THEN INTERVAL '6 months' ELSE INTERVAL '1 year' END) gs),
  expected AS (
    SELECT p.indicator_code, u.code AS unit_code, p.period_start,
      CAST(p.period_start + CASE p.frequency WHEN 'month' THEN INTERVAL '1 month' WHEN 'quarter' THEN INTERVAL '3 months'
          WHEN 'half' THEN INTERVAL '6 months' ELSE INTERVAL '1 year' END - INTERVAL '1 day' AS DATE) AS period_end,
      p.due_days
    FROM periods p JOIN units u ON u.level = p.reporting_level)
  SELECT e.indicator_code, e.unit_code, e.period_start, e.period_end,
    CAST(CAST(e.period_end + e.due_days + 1 AS TIMESTAMP) - INTERVAL '7 hours' AS TIMESTAMPTZ) AS due_at,
    r.submitted_at, r.agency_code
  FROM expected e
  LEFT JOIN (SELECT indicator_code, unit_code, period_start, period_end, min(submitted_at) AS submitted_at,
               min(agency_code) AS agency_code FROM reports GROUP BY 1, 2, 3, 4) r
    USING (indicator_code, unit_code, period_start, period_end)
  WHERE e.period_end < current_date;
`;

const lit = (v: Params[string]) =>
  v === null
    ? 'NULL'
    : typeof v === 'boolean'
      ? v
        ? 'TRUE'
        : 'FALSE'
      : typeof v === 'number'
        ? String(v)
        : `'${v.replaceAll("'", "''")}'`;

/**
 * The engine's DuckDB SQL in PostgreSQL 15's dialect. Rules (each replaces one DuckDB-only feature):
 * - `$name` parameters → literals (PostgreSQL plans a literal like the custom plan of a bound parameter);
 * - `GROUP BY ALL` → `GROUP BY 1, 2` (the engine's grouped selects are `period, key, v`);
 * - `QUALIFY row_number() OVER (…) = 1` → a subquery filtering on the row number;
 * - `s.* EXCLUDE (cols)` → the table's other columns, listed;
 * - `CAST(… AS DOUBLE)` → `double precision`; `epoch(x)` → `extract(epoch FROM x)`; `INTERVAL 1 DAY` → `INTERVAL '1 day'`;
 * - a FULL OUTER JOIN on `n.key IS NOT DISTINCT FROM d.key` (PostgreSQL can only full-join on hashable or
 *   mergeable conditions) → equality of the keys with NULL mapped to a sentinel;
 * - a derived table without an alias (PostgreSQL 15 requires one) → aliased.
 */
export function toPostgres(sql: string, params: Params, columns: Record<string, string[]>): string {
  let out = sql.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, name: string) =>
    name in params ? lit(params[name]) : m,
  );
  out = out.replaceAll('GROUP BY ALL', 'GROUP BY 1, 2');
  out = out.replace(
    /SELECT \* FROM (\w+) s WHERE ([\s\S]*?)\s+QUALIFY\s+(row_number\(\) OVER \([^)]*\))\s*=\s*1/g,
    (_m, table: string, where: string, rn: string) =>
      `SELECT * FROM (SELECT s.*, ${rn} AS qualify_rn FROM ${table} s WHERE ${where}) s WHERE qualify_rn = 1`,
  );
  out = out.replace(
    /s\.\* EXCLUDE \(([^)]*)\)([\s\S]*?FROM (\w+) s\b)/,
    (m, ex: string, rest: string, t: string) => {
      const drop = new Set(ex.split(',').map((c) => c.trim()));
      const cols = columns[t];
      return cols
        ? `${cols
            .filter((c) => !drop.has(c))
            .map((c) => `s."${c}"`)
            .join(', ')}${rest}`
        : m;
    },
  );
  out = out.replace(/AS DOUBLE\)/g, 'AS double precision)');
  // `INTERVAL 1 DAY` (DuckDB's bare form) → `INTERVAL '1 day'`.
  out = out.replace(
    /INTERVAL (\d+) (DAY|HOUR|MINUTE|MONTH|YEAR)\b/g,
    (_m, n: string, u: string) => `INTERVAL '${n} ${u.toLowerCase()}'`,
  );
  out = out.replace(/\bepoch\(/g, 'extract(epoch FROM ');
  out = out.replace(
    /n\.key IS NOT DISTINCT FROM d\.key/g,
    `coalesce(n.key, '\u0001null') = coalesce(d.key, '\u0001null')`,
  );
  const t = out.trimEnd();
  if (t.endsWith(')')) {
    let depth = 0;
    for (let i = t.length - 1; i >= 0; i--) {
      if (t[i] === ')') depth++;
      else if (t[i] === '(' && --depth === 0) {
        if (/FROM\s*$/.test(t.slice(0, i))) out = `${t} AS q`;
        break;
      }
    }
  }
  return out;
}

export interface PgInfo {
  version: string;
  settings: Record<string, string>;
  indexes: string[];
  loadS: number | null;
  cached: boolean;
  dataMb: number;
}

export class Postgres {
  private constructor(
    private readonly dir: string,
    private readonly bin: string,
    private readonly asPostgres: boolean,
    readonly client: pg.Client,
    readonly info: PgInfo,
    readonly columns: Record<string, string[]>,
  ) {}

  /** Finds the binaries; undefined with the reason when PostgreSQL is not installed. */
  static locate(): { bin: string } | { missing: string } {
    const candidates = [process.env.PG_BIN, '/usr/lib/postgresql/15/bin'].filter((x): x is string => !!x);
    for (const bin of candidates)
      if (['initdb', 'pg_ctl', 'postgres', 'psql'].every((b) => existsSync(join(bin, b)))) return { bin };
    return { missing: `PostgreSQL 15 binaries not found (looked in ${candidates.join(', ')}; set PG_BIN)` };
  }

  /**
   * Starts (initialising when needed) the cluster in `dir` and loads the DuckDB store's tables into it unless the
   * cluster already holds this dataset (`signature`).
   */
  static async start(opts: { dir: string; bin: string; duck: Db; signature: string }): Promise<Postgres> {
    const { dir, bin, duck } = opts;
    const asPostgres = process.getuid?.() === 0; // initdb refuses root: run the server as the postgres user
    const data = join(dir, 'data');
    const sock = join(dir, 'sock');
    const run = (cmd: string, args: string[], input?: string) => {
      const [c, a] = asPostgres
        ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]]
        : [join(bin, cmd), args];
      const r = spawnSync(c, a, { encoding: 'utf8', input, maxBuffer: 1 << 26 });
      if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout || r.error}`);
      return r.stdout;
    };
    mkdirSync(sock, { recursive: true });
    if (asPostgres) {
      const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
      const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
      if (!Number.isFinite(uid) || !Number.isFinite(gid))
        throw new Error('running as root without a postgres user');
      chownSync(dir, uid, gid);
      chownSync(sock, uid, gid);
    }
    if (!existsSync(join(data, 'PG_VERSION'))) {
      rmSync(data, { recursive: true, force: true });
      run('initdb', ['-D', data, '-U', 'bench', '--auth=trust', '-E', 'UTF8', '--locale=C']);
    }
    const port = 54329;
    const settings = { ...PG_SETTINGS, unix_socket_directories: `'${sock}'`, port: String(port) };
    const o = Object.entries(settings)
      .map(([k, v]) => `-c ${k}=${v}`)
      .join(' ');
    // A cluster left running by an interrupted bench is stopped first.
    if (existsSync(join(data, 'postmaster.pid')))
      spawnSyncQuiet(asPostgres, join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', 'stop']);
    run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', o, 'start']);
    const connect = async (database: string) => {
      const c = new pg.Client({ host: sock, port, user: 'bench', database });
      await c.connect();
      return c;
    };
    const admin = await connect('postgres');
    const marker = join(dir, 'loaded.json');
    const prior = existsSync(marker) ? JSON.parse(readFileSync(marker, 'utf8')) : null;
    const columns: Record<string, string[]> = {};
    const types: Record<string, { name: string; type: string }[]> = {};
    // The daily rollups too: the engine's SQL reads them, so the same SQL needs them on PostgreSQL.
    const tables = [...TABLES, ...rollupsDefined().map((r) => r.table)];
    for (const t of tables) {
      const rows = await duck.query<{ column_name: string; column_type: string }>(`DESCRIBE ${t}`);
      types[t] = rows.map((r) => ({ name: r.column_name, type: r.column_type }));
      columns[t] = rows.map((r) => r.column_name);
    }
    let loadS: number | null = prior?.loadS ?? null;
    // The dataset and the tables as the store defines them now: a migration that adds a table or a column reloads.
    const signature = JSON.stringify([opts.signature, types]);
    const cached = prior?.signature === signature;
    if (!cached) {
      const t0 = performance.now();
      await admin.query('DROP DATABASE IF EXISTS ioc');
      await admin.query(`CREATE DATABASE ioc TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
      const c = await connect('ioc');
      const csvDir = join(dir, 'csv');
      mkdirSync(csvDir, { recursive: true });
      try {
        for (const t of tables) {
          const cols = types[t].map((col) => {
            const ty = DUCK_TO_PG[col.type];
            if (!ty) throw new Error(`no PostgreSQL type for ${t}.${col.name} ${col.type}`);
            return `"${col.name}" ${ty}`;
          });
          await c.query(`CREATE TABLE ${t} (${cols.join(', ')})`);
          const file = join(csvDir, `${t}.csv`);
          await duck.exec(`COPY ${t} TO '${file}' (FORMAT csv, HEADER true)`);
          // psql's \copy reads the file as this process (the server may run as another user).
          const r = spawnSync(
            join(bin, 'psql'),
            [
              '-h',
              sock,
              '-p',
              String(port),
              '-U',
              'bench',
              '-d',
              'ioc',
              '-v',
              'ON_ERROR_STOP=1',
              '-c',
              `\\copy ${t} FROM '${file}' WITH (FORMAT csv, HEADER true)`,
            ],
            { encoding: 'utf8' },
          );
          if (r.status !== 0) throw new Error(`COPY ${t}: ${r.stderr}`);
          rmSync(file, { force: true });
        }
        for (const [t, pk] of Object.entries(PRIMARY_KEYS))
          await c.query(`ALTER TABLE ${t} ADD PRIMARY KEY (${pk})`);
        for (const ix of INDEXES) await c.query(`CREATE INDEX ON ${ix}`);
        await c.query(VIEWS(columns.reports.map((x) => `"${x}"`)));
        // Sets hint bits and the visibility map (index-only scans), and gathers statistics.
        await c.query('VACUUM (FREEZE, ANALYZE)');
      } finally {
        await c.end();
        rmSync(csvDir, { recursive: true, force: true });
      }
      loadS = (performance.now() - t0) / 1000;
      writeFileSync(marker, JSON.stringify({ signature, loadS }));
    }
    await admin.end();
    const client = await connect('ioc');
    pg.types.setTypeParser(20, (v) => Number(v)); // int8
    pg.types.setTypeParser(1700, (v) => Number(v)); // numeric
    pg.types.setTypeParser(1082, (v) => v); // date stays YYYY-MM-DD
    pg.types.setTypeParser(1184, (v) => new Date(v).toISOString()); // timestamptz → ISO like the store
    const version = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]
      .server_version;
    const shown: Record<string, string> = {};
    for (const k of [
      'shared_buffers',
      'work_mem',
      'effective_cache_size',
      'max_parallel_workers_per_gather',
      'max_parallel_workers',
      'jit',
    ])
      shown[k] = (await client.query(`SHOW ${k}`)).rows[0][k];
    const size = (await client.query<{ n: number }>(`SELECT pg_database_size('ioc') AS n`)).rows[0].n;
    return new Postgres(
      dir,
      bin,
      asPostgres,
      client,
      {
        version,
        settings: shown,
        indexes: INDEXES,
        loadS,
        cached,
        dataMb: Math.round(size / 1e6),
      },
      columns,
    );
  }

  async query(sql: string): Promise<Record<string, unknown>[]> {
    return (await this.client.query(sql)).rows;
  }

  async stop(): Promise<void> {
    await this.client.end().catch(() => undefined);
    spawnSyncQuiet(this.asPostgres, join(this.bin, 'pg_ctl'), [
      '-D',
      join(this.dir, 'data'),
      '-m',
      'fast',
      '-w',
      'stop',
    ]);
  }
}

function spawnSyncQuiet(asPostgres: boolean, cmd: string, args: string[]) {
  if (asPostgres) spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'ignore' });
  else spawnSync(cmd, args, { stdio: 'ignore' });
}

/** Same rows from both engines (order-insensitive; numbers to 1e-9 relative): the translation kept the meaning. */
export function sameRows(a: Record<string, unknown>[], b: Record<string, unknown>[]): boolean {
  if (a.length !== b.length) return false;
  const norm = (rows: Record<string, unknown>[]) =>
    rows
      .map((r) =>
        Object.keys(r)
          .filter((k) => !['delivery_id', 'loaded_at', 'qualify_rn'].includes(k))
          .sort()
          .map((k) => [k, r[k]] as const),
      )
      .sort((x, y) => (sortKey(x) < sortKey(y) ? -1 : 1));
  // Text columns first, numbers to 6 digits: float noise between engines must not reorder the rows.
  const sortKey = (r: (readonly [string, unknown])[]) =>
    JSON.stringify([
      ...r.filter(([, v]) => typeof v !== 'number'),
      ...r.filter(([, v]) => typeof v === 'number').map(([k, v]) => [k, (v as number).toPrecision(6)]),
    ]);
  const x = norm(a);
  const y = norm(b);
  const close = (p: unknown, q: unknown) =>
    typeof p === 'number' && typeof q === 'number'
      ? Math.abs(p - q) <= 1e-9 * Math.max(1, Math.abs(p), Math.abs(q))
      : p === q;
  return x.every(
    (r, i) => r.length === y[i].length && r.every(([k, v], j) => y[i][j][0] === k && close(v, y[i][j][1])),
  );
}
