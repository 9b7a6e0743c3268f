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
  /** DuckDB memory_limit, e.g. '4GB'. */
  IOC_DB_MEMORY: z.string().optional(),
  IOC_DB_THREADS: z.coerce.number().int().min(1).max(64).optional(),
  /** Largest accepted push body in bytes (413 beyond). */
  IOC_MAX_BODY: z.coerce
    .number()
    .int()
    .min(1024)
    .default(256 * 1024 * 1024),
  /** Generate and keep feeding the demo province when data/ holds no feeds. */
  IOC_DEMO: bool('true'),
  /** Live demo traffic (new documents, dossier changes, payments) every few seconds. */
  IOC_LIVE: optionalBool,
  IOC_LIVE_INTERVAL_MS: z.coerce.number().int().min(200).default(5000),
  /** Optional tile server for provinces that run their own (offline by default). */
  IOC_TILE_URL: z.string().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type Env = z.infer<typeof EnvSchema>;

/** Parse an environment (process.env by default); throws naming every bad field. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid environment: ${fields}`);
  }
  return parsed.data;
}
