// The only reader of process.env: parsed once with zod, failing fast with the field names.
import { z } from 'zod';

const BOOL = ['true', 'false', '1', '0', 'yes', 'no'] as const;
const truthy = (v: string) => v === 'true' || v === '1' || v === 'yes';
const bool = (def: (typeof BOOL)[number]) => z.enum(BOOL).default(def).transform(truthy);
const optionalBool = z
  .enum(BOOL)
  .optional()
  .transform((v) => (v === undefined ? undefined : truthy(v)));

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  IOC_DATA_DIR: z.string().default('data'),
  /** DuckDB store file; ':memory:' for tests. */
  IOC_DB: z.string().optional(),
  /**
   * DuckDB memory_limit. Bounded by default; what DuckDB and Node allocate outside its buffer pool comes on top
   * (0,3 GB loading the merged demo, 0,5–0,6 GB loading the bench's scale 3). Measured: the merged demo (23,2 M rows)
   * 1,36 GB RSS in 86 s under 1GB, 1,13 GB in 96 s under 768MB; scale 3 (69,3 M rows) 1,50–1,65 GB under 1GB,
   * 1,29 GB under 768MB; the pre-merger demo 2,49 GB under DuckDB's own default (80 % of RAM). 1GB keeps the first
   * start under two minutes.
   */
  IOC_DB_MEMORY: z.string().default('1GB'),
  /** Where DuckDB spills beyond the limit; default DuckDB's `<store>.tmp` beside the store file. */
  IOC_DB_TEMP: z.string().optional(),
  IOC_DB_THREADS: z.coerce.number().int().min(1).max(64).optional(),
  /** Largest accepted push body in bytes (413 beyond). */
  IOC_MAX_BODY: z.coerce
    .number()
    .int()
    .min(1024)
    .default(256 * 1024 * 1024),
  /** Generate and keep feeding the demo province when data/ holds no feeds (default: on unless production). */
  IOC_DEMO: optionalBool,
  /** Live demo traffic (new documents, dossier changes, payments) every few seconds. */
  IOC_LIVE: optionalBool,
  IOC_LIVE_INTERVAL_MS: z.coerce.number().int().min(200).default(5000),
  /** Optional tile server for provinces that run their own (offline by default). */
  IOC_TILE_URL: z.string().optional(),
  /**
   * all: one process loads and serves (the default); writer: loads feeds, accepts pushes and admin changes, publishes
   * snapshots; reader: serves the API and the web from the newest snapshot, read-only, forwarding writes to the writer.
   */
  IOC_ROLE: z.enum(['all', 'writer', 'reader']).default('all'),
  /** The shared folder of published snapshots (writer writes, readers read); default <data>/snapshots. */
  IOC_SNAPSHOT_DIR: z.string().optional(),
  /** A writer publishes at most once per interval, and only when the store changed: readers lag by at most this. */
  IOC_SNAPSHOT_INTERVAL_MS: z.coerce.number().int().min(200).default(10_000),
  /** Snapshots kept in the folder (a reader still verifying an older one finds it). */
  IOC_SNAPSHOT_KEEP: z.coerce.number().int().min(2).default(3),
  /** A reader forwards pushes, admin changes and sign-ins here (e.g. http://10.0.0.5:8080); unset: answers 503. */
  IOC_WRITER_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** Budget of one read query in ms, interrupted beyond it (503); 0 = none. Export streams have none. */
  IOC_QUERY_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
  IOC_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(0).default(60_000),

  /** demo: anonymous visitors read as a leader (with a badge); production: sign-in required, no default secrets. */
  IOC_MODE: z.enum(['demo', 'production']).default('demo'),
  /** Key for hashing session ids and tokens (HMAC-SHA256). Demo: generated once into <data>/run/secret. */
  IOC_SECRET: z.string().min(32, 'IOC_SECRET must be at least 32 characters').optional(),
  /** First admin's password in production when the store has no users yet (then change it in the app). */
  IOC_ADMIN_PASSWORD: z.string().optional(),
  IOC_SESSION_HOURS: z.coerce
    .number()
    .min(0.001)
    .max(24 * 30)
    .default(12),
  /** Cookies marked Secure: auto = when the request came over HTTPS. */
  IOC_COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  /** Behind a reverse proxy: take the client address and protocol from X-Forwarded-For / -Proto. */
  IOC_TRUST_PROXY: bool('false'),
  /** Sign-in throttling: delay after the 3rd failure doubling up to the max; lock after N failures. */
  IOC_LOGIN_DELAY_MS: z.coerce.number().int().min(0).default(1000),
  IOC_LOGIN_MAX_DELAY_MS: z.coerce.number().int().min(0).default(60_000),
  IOC_LOGIN_LOCK_AFTER: z.coerce.number().int().min(1).default(10),
  IOC_LOGIN_LOCK_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(15 * 60_000),
  /** OpenID Connect single sign-on (optional): issuer URL, client id and secret, our public base URL. */
  IOC_OIDC_ISSUER: z.string().url().optional(),
  IOC_OIDC_CLIENT_ID: z.string().optional(),
  IOC_OIDC_CLIENT_SECRET: z.string().optional(),
  IOC_PUBLIC_URL: z.string().url().optional(),
  /**
   * Link a first SSO sign-in to the local user named by the provider's preferred_username (never an admin). Off:
   * only users whose subject an admin entered sign in by SSO. Turn on only with a provider whose user names
   * are set by administrators.
   */
  IOC_OIDC_LINK_BY_USERNAME: bool('false'),
});

export type Env = Omit<z.infer<typeof EnvSchema>, 'IOC_DEMO'> & { IOC_DEMO: boolean };

/** Parse an environment (process.env by default); throws naming every bad field. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid environment: ${fields}`);
  }
  return { ...parsed.data, IOC_DEMO: parsed.data.IOC_DEMO ?? parsed.data.IOC_MODE !== 'production' };
}
