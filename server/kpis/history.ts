// A comparison across a reorganisation of units (1 July 2025: three provinces into one, districts ended, 479
// communes into 148): the answer says so, and how the earlier period is counted — restated into today's units
// (the current view) or as the units were (then). Read from the reference data's successors, not from a date in code.
import type { Db } from '../db/index.ts';
import type { Range } from './period.ts';
import type { Filters } from './types.ts';

export interface HistoryNote {
  /** The first day of the new units (a reform between the compared periods). */
  reform: string;
  view: 'current' | 'then';
  /** The units the asked unit was made of before the reform (itself included when it existed before). */
  formerUnits: number;
  /** Their level: former provinces for a province, former communes for a commune. */
  formerLevel: 'province' | 'district' | 'commune';
}

/**
 * The note for a comparison from `compareFrom` to `range.to`, for the unit asked (or the province): null when no
 * reform of units lies between them. A query of the small reference tables, cached with the answer.
 */
export async function historyNote(
  db: Db,
  filters: Filters,
  compareFrom: string,
  range: Range,
): Promise<HistoryNote | null> {
  // Plain SQL (no DuckDB-only function): the bench replays every statement of an answer on PostgreSQL too.
  const rows = await db.query<{ reform: string; unit: string; level: HistoryNote['formerLevel']; n: number }>(
    `WITH reform AS (
       SELECT min(valid_from) AS d FROM unit_successors
       WHERE valid_from > CAST($from AS DATE) AND valid_from <= CAST($to AS DATE)),
     asked AS (
       SELECT code, level, valid_from FROM units
       WHERE code = coalesce($unit, (SELECT code FROM units WHERE level = 'province' AND valid_to IS NULL
                                     ORDER BY code LIMIT 1)))
     SELECT reform.d AS reform, asked.code AS unit, asked.level AS level,
       (SELECT count(DISTINCT s.old_code) FROM unit_successors s JOIN units o ON o.code = s.old_code
        WHERE s.new_code = asked.code AND s.valid_from = reform.d AND o.level = asked.level)
       + CASE WHEN asked.valid_from IS NULL OR asked.valid_from < reform.d THEN 1 ELSE 0 END AS n
     FROM reform, asked WHERE reform.d IS NOT NULL`,
    { from: compareFrom, to: range.to, unit: filters.unit ?? null },
  );
  const r = rows[0];
  if (!r) return null;
  return {
    reform: r.reform,
    view: filters.boundaries === 'then' ? 'then' : 'current',
    formerUnits: r.n,
    formerLevel: r.level,
  };
}
