// Resilience's schema additions, kept apart until they are merged into schema.ts's MIGRATIONS. Idempotent SQL
// (IF NOT EXISTS), so renumbering them on merge cannot apply anything twice.
import type { Db } from './index.ts';

export const RESILIENCE_MIGRATIONS = [
  {
    version: 100,
    name: 'deliveries: archive path',
    // Where the accepted delivery is kept (data/archive/<feed>/…, read-only): what `npm run rebuild` replays.
    sql: `ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS archive_path VARCHAR;`,
  },
];

/** Apply the ones not yet recorded in schema_migrations (created by migrate()). */
export async function migrateResilience(db: Db): Promise<number> {
  const done = new Set(
    (await db.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version),
  );
  let applied = 0;
  for (const m of RESILIENCE_MIGRATIONS) {
    if (done.has(m.version)) continue;
    await db.transaction(async (tx) => {
      await tx.run(m.sql);
      await tx.run('INSERT INTO schema_migrations VALUES ($v, $n, now())', { v: m.version, n: m.name });
    });
    applied++;
  }
  return applied;
}
