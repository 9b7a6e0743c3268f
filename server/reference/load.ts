// Reference data (data/reference/*.csv): units, agencies, procedures, indicators, targets. Replaced as a whole
// in one transaction, validated with the same SQL parsers as the feeds; a reference file with bad rows is
// refused whole, since feeds would otherwise be judged against a half-loaded catalogue.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Db, Tx } from '../db/index.ts';
import { inForceSql } from '../db/sql.ts';
import { type FieldKind, type FieldSpec, storageType } from '../feeds/fields.ts';
import { DeliveryError, stage } from '../feeds/stage.ts';
import { CALENDAR_KINDS, CalendarError, type CalendarRow, replaceCalendarYears } from './calendar.ts';

const f = (name: string, type: FieldKind, required = false): FieldSpec => ({ name, type, required });
const id: FieldKind = { kind: 'id' };
const text: FieldKind = { kind: 'text' };
const num: FieldKind = { kind: 'number' };
const enumOf = (...values: string[]): FieldKind => ({ kind: 'enum', values });
const LEVEL = enumOf('province', 'district', 'commune');

export const REFERENCE_TABLES = [
  'units',
  'agencies',
  'procedures',
  'indicators',
  'targets',
  'unit_successors',
  'agency_successors',
] as const;
/** Reference files a province may leave out (FEEDS.md v2 successors; targets). */
const OPTIONAL: ReadonlySet<string> = new Set(['targets', 'unit_successors', 'agency_successors']);
export type ReferenceName = (typeof REFERENCE_TABLES)[number];

/** Load order matters: agencies and targets refer to units and indicators. */
export const REFERENCE: Record<ReferenceName, FieldSpec[]> = {
  units: [
    f('code', id, true),
    f('name', text, true),
    f('level', LEVEL, true),
    f('parent_code', id),
    f('kind', text),
    f('valid_from', { kind: 'date' }),
    f('valid_to', { kind: 'date' }),
    f('lat', num),
    f('lon', num),
    f('payment_enabled_from', { kind: 'date' }),
  ],
  agencies: [
    f('code', id, true),
    f('name', text, true),
    f('unit_code', { kind: 'code', table: 'units' }, true),
    f('kind', enumOf('department', 'district_committee', 'commune_committee', 'other'), true),
    f('sector', text),
    f('valid_from', { kind: 'date' }),
    f('valid_to', { kind: 'date' }),
  ],
  procedures: [
    f('code', id, true),
    f('name', text, true),
    f('sector', text),
    f('level', LEVEL),
    f('service_level', enumOf('full_online', 'partial_online', 'information'), true),
    f('has_fee', { kind: 'boolean' }),
    f('synced_national', { kind: 'boolean' }),
    f('valid_from', { kind: 'date' }),
    f('valid_to', { kind: 'date' }),
  ],
  indicators: [
    f('code', id, true),
    f('name_vi', text, true),
    f('name_en', text),
    f('subsystem', text, true),
    f('unit', text),
    f('aggregation', enumOf('sum', 'avg', 'last', 'max'), true),
    f('frequency', enumOf('month', 'quarter', 'half', 'year'), true),
    f('reporting_level', LEVEL, true),
    f('due_days', num, true),
    f('direction', enumOf('up', 'down'), true),
  ],
  targets: [
    f('indicator_code', { kind: 'code', table: 'indicators' }, true),
    f('unit_code', { kind: 'code', table: 'units' }, true),
    f('year', num, true),
    f('target', num),
  ],
  unit_successors: [
    f('old_code', { kind: 'code', table: 'units' }, true),
    f('new_code', { kind: 'code', table: 'units' }, true),
    f('share', enumOf('whole', 'part'), true),
    f('weight', num),
    f('valid_from', { kind: 'date' }, true),
  ],
  agency_successors: [
    f('old_code', { kind: 'code', table: 'agencies' }, true),
    f('new_code', { kind: 'code', table: 'agencies' }, true),
    f('valid_from', { kind: 'date' }, true),
  ],
};

export interface ReferenceReport {
  table: ReferenceName | 'calendar';
  rows: number;
}

/** Replace the reference tables from CSV files in `dir`; refuses the whole set on any bad row. */
export async function loadReference(db: Db, dir: string): Promise<ReferenceReport[]> {
  return db.transaction(async (tx) => {
    const out: ReferenceReport[] = [];
    for (const table of REFERENCE_TABLES) {
      const path = join(dir, `${table}.csv`);
      if (!existsSync(path)) {
        if (OPTIONAL.has(table)) {
          // A province without a reform keeps none; a set without successors clears the old ones.
          if (table !== 'targets') await tx.run(`DELETE FROM ${table}`);
          continue;
        }
        throw new DeliveryError(`reference file missing: ${path}`);
      }
      out.push({ table, rows: await loadOne(tx, table, path) });
    }
    await rebuildUnitPaths(tx);
    await checkUnitTree(tx);
    await checkSuccessors(tx);
    await rebuildRestate(tx);
    const calendar = join(dir, 'calendar.csv');
    if (existsSync(calendar)) out.push({ table: 'calendar', rows: await loadCalendar(tx, calendar) });
    return out;
  });
}

const CALENDAR_FIELDS: FieldSpec[] = [
  f('date', { kind: 'date' }, true),
  f('kind', enumOf(...CALENDAR_KINDS), true),
  f('name', text),
];

/**
 * calendar.csv (FEEDS.md v2): its rows replace the calendar of the years they cover; other years keep theirs (the
 * built-in ones), so a province ships only the years it corrects.
 */
async function loadCalendar(tx: Tx, path: string): Promise<number> {
  await tx.run(
    'DROP TABLE IF EXISTS stg; DROP TABLE IF EXISTS parsed; DROP TABLE IF EXISTS bad; DROP TABLE IF EXISTS csv_rejects; DROP TABLE IF EXISTS csv_scans; DROP TABLE IF EXISTS csv_bad; DROP TABLE IF EXISTS csv_bad_ranked',
  );
  await stage(tx, { path, format: 'csv' }, CALENDAR_FIELDS);
  const bad = await tx.query<{ rec: number; field: string; value: string; reason: string }>(
    'SELECT rec, field, value, reason FROM bad ORDER BY rec LIMIT 20',
  );
  if (bad.length > 0)
    throw new DeliveryError(
      `calendar.csv has invalid rows: ${bad.map((b) => `line ${b.rec + 1} ${b.field ?? ''} ${b.value ?? ''}: ${b.reason}`).join('; ')}`,
    );
  const rows = await tx.query<CalendarRow>(
    `SELECT strftime(CAST(date AS DATE), '%Y-%m-%d') AS date, kind, coalesce(name, kind) AS name FROM parsed ORDER BY date`,
  );
  const years = [...new Set(rows.map((r) => Number(r.date.slice(0, 4))))];
  try {
    await replaceCalendarYears(tx, rows, years, 'calendar.csv');
  } catch (e) {
    if (e instanceof CalendarError) throw new DeliveryError(`calendar.csv: ${e.message}`);
    throw e;
  }
  return rows.length;
}

async function loadOne(tx: Tx, table: ReferenceName, path: string): Promise<number> {
  const fields = REFERENCE[table];
  await tx.run(
    'DROP TABLE IF EXISTS stg; DROP TABLE IF EXISTS parsed; DROP TABLE IF EXISTS bad; DROP TABLE IF EXISTS csv_rejects; DROP TABLE IF EXISTS csv_scans; DROP TABLE IF EXISTS csv_bad; DROP TABLE IF EXISTS csv_bad_ranked',
  );
  await stage(tx, { path, format: 'csv' }, fields);
  const bad = await tx.query<{ rec: number; field: string; value: string; reason: string }>(
    'SELECT rec, field, value, reason FROM bad ORDER BY rec LIMIT 20',
  );
  if (bad.length > 0) {
    const list = bad
      .map((b) => `line ${b.rec + 1} ${b.field ?? ''} ${b.value ?? ''}: ${b.reason}`)
      .join('; ');
    throw new DeliveryError(`${table}.csv has invalid rows: ${list}`);
  }
  const dupes = await tx.query<{ k: string }>(
    table === 'targets'
      ? `SELECT indicator_code || '/' || unit_code || '/' || year AS k FROM parsed GROUP BY ALL HAVING count(*) > 1 LIMIT 5`
      : table === 'units'
        ? // A reused code is several versions (v2), one per valid_from.
          `SELECT code || coalesce(' from ' || CAST(valid_from AS VARCHAR), '') AS k FROM parsed
           GROUP BY code, valid_from HAVING count(*) > 1 LIMIT 5`
        : table === 'unit_successors' || table === 'agency_successors'
          ? `SELECT old_code || ' → ' || new_code AS k FROM parsed GROUP BY old_code, new_code, valid_from HAVING count(*) > 1 LIMIT 5`
          : table === 'procedures'
            ? // A procedure may have several versions (v2), one per valid_from.
              `SELECT code || coalesce(' from ' || CAST(valid_from AS VARCHAR), '') AS k FROM parsed
           GROUP BY code, valid_from HAVING count(*) > 1 LIMIT 5`
            : `SELECT code AS k FROM parsed GROUP BY code HAVING count(*) > 1 LIMIT 5`,
  );
  if (dupes.length > 0) throw new DeliveryError(`${table}.csv repeats ${dupes.map((d) => d.k).join(', ')}`);
  await tx.run(`DELETE FROM ${table}`);
  const cols = fields.map((x) => `"${x.name}"`);
  const sel = fields.map(
    (x) =>
      `CAST("${x.name}" AS ${x.name === 'year' || x.name === 'due_days' ? 'INTEGER' : storageType(x.type)})`,
  );
  if (table === 'units') {
    await loadUnitVersions(tx, cols, sel);
  } else if (table === 'procedures') {
    await tx.run('DELETE FROM procedure_versions');
    await tx.run(`INSERT INTO procedure_versions (${cols.join(', ')}) SELECT ${sel.join(', ')} FROM parsed`);
    // One row per code: the version in force today, else the latest one.
    await tx.run(`INSERT INTO procedures (${cols.join(', ')})
      SELECT ${cols.join(', ')} FROM procedure_versions
      QUALIFY row_number() OVER (PARTITION BY code ORDER BY
        (${inForceSql('procedure_versions', 'current_date')}) DESC,
        valid_from DESC NULLS LAST) = 1`);
  } else {
    await tx.run(`INSERT INTO ${table} (${cols.join(', ')}) SELECT ${sel.join(', ')} FROM parsed`);
  }
  if (table === 'unit_successors') await resolveSuccessorVersions(tx);
  if (table === 'agencies') await resolveAgencyUnits(tx);
  return (await tx.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0].n;
}

/**
 * units.csv may list a national code more than once: a reform gave a new unit the code of a former one. The
 * versions must not overlap; the one in force today (else the latest) keeps the code, each earlier one is stored as
 * `<code>.<yyyymmdd of its last day>`, and a parent is the version of the parent code in force on the child's last
 * day. Feeds keep spelling the national code: the loader picks the version by the record's date.
 */
async function loadUnitVersions(tx: Tx, cols: string[], sel: string[]): Promise<void> {
  await tx.run(`CREATE OR REPLACE TEMP TABLE unit_rows AS
    SELECT ${sel.map((x, i) => `${x} AS ${cols[i]}`).join(', ')},
      row_number() OVER (PARTITION BY code ORDER BY (${inForceSql('parsed', 'current_date')}) DESC,
        valid_from DESC NULLS LAST) AS rk
    FROM parsed`);
  const overlap = await tx.query<{ code: string }>(
    `SELECT DISTINCT a.code FROM unit_rows a JOIN unit_rows b ON a.code = b.code AND a.rk < b.rk
     WHERE coalesce(a.valid_from, DATE '0001-01-01') <= coalesce(b.valid_to, DATE '9999-12-31')
       AND coalesce(b.valid_from, DATE '0001-01-01') <= coalesce(a.valid_to, DATE '9999-12-31')
     ORDER BY 1 LIMIT 5`,
  );
  if (overlap.length > 0)
    throw new DeliveryError(
      `units.csv: versions of ${overlap.map((o) => o.code).join(', ')} overlap (a reused code needs valid_from/valid_to)`,
    );
  await tx.run(`ALTER TABLE unit_rows ADD COLUMN internal VARCHAR`);
  await tx.run(
    `UPDATE unit_rows SET internal = CASE WHEN rk = 1 THEN code ELSE code || '.' || strftime(valid_to, '%Y%m%d') END`,
  );
  const rest = cols.filter((c) => c !== '"code"' && c !== '"parent_code"');
  await tx.run(`INSERT INTO units (code, parent_code, national_code, ${rest.join(', ')})
    SELECT c.internal,
      (SELECT p.internal FROM unit_rows p WHERE p.code = c.parent_code
       ORDER BY (${inForceSql('p', 'coalesce(c.valid_to, current_date)')}) DESC, p.rk LIMIT 1),
      c.code, ${rest.map((x) => `c.${x}`).join(', ')}
    FROM unit_rows c`);
}

/** A crosswalk names national codes: the former one is the version that ended the day before, the new one the version in force from then. */
async function resolveSuccessorVersions(tx: Tx): Promise<void> {
  await tx.run(`UPDATE unit_successors SET old_code = u.code FROM units u
    WHERE u.national_code = unit_successors.old_code AND u.code <> unit_successors.old_code
      AND u.valid_to = unit_successors.valid_from - 1`);
  await tx.run(`UPDATE unit_successors SET new_code = u.code FROM units u
    WHERE u.national_code = unit_successors.new_code AND u.code <> unit_successors.new_code
      AND ${inForceSql('u', 'unit_successors.valid_from')}`);
}

/** An agency's unit is the version of that code in force while the agency was (on its last day, else today). */
async function resolveAgencyUnits(tx: Tx): Promise<void> {
  await tx.run(`UPDATE agencies SET unit_code = u.code FROM units u
    WHERE u.national_code = agencies.unit_code AND u.code <> agencies.unit_code
      AND ${inForceSql('u', 'coalesce(agencies.valid_to, current_date)')}
      AND NOT EXISTS (SELECT 1 FROM units c WHERE c.code = agencies.unit_code
        AND ${inForceSql('c', 'coalesce(agencies.valid_to, current_date)')})`);
}

/** Ancestors of every unit (province › district › commune), for one-equality filters and breakdowns. */
async function rebuildUnitPaths(tx: Tx): Promise<void> {
  await tx.run('DELETE FROM unit_paths');
  await tx.run(`INSERT INTO unit_paths
    WITH RECURSIVE up(code, anc) AS (
      SELECT code, code FROM units
      UNION ALL SELECT up.code, u.parent_code FROM up JOIN units u ON u.code = up.anc WHERE u.parent_code IS NOT NULL)
    SELECT up.code, any_value(self.level),
      max(a.code) FILTER (WHERE a.level = 'province'), max(a.code) FILTER (WHERE a.level = 'district'),
      max(a.code) FILTER (WHERE a.level = 'commune')
    FROM up JOIN units a ON a.code = up.anc JOIN units self ON self.code = up.code GROUP BY up.code`);
}

/**
 * A crosswalk must account for each former unit exactly once: whole, or parts whose weights add up to 1. A unit
 * that ended the day before a reform took over and that no row maps is refused, named; so is one mapped more than
 * whole, a part without a weight, or a successor not in force from the reform's day.
 */
async function checkSuccessors(tx: Tx): Promise<void> {
  await tx.run(`UPDATE unit_successors SET weight = 1 WHERE share = 'whole'`);
  const noWeight = await tx.query<{ k: string }>(
    `SELECT old_code || ' → ' || new_code AS k FROM unit_successors WHERE share = 'part' AND (weight IS NULL OR weight <= 0 OR weight > 1) LIMIT 5`,
  );
  if (noWeight.length > 0)
    throw new DeliveryError(
      `unit_successors.csv: a part needs a weight in (0, 1]: ${noWeight.map((r) => r.k).join(', ')}`,
    );
  const sums = await tx.query<{ code: string; total: number }>(
    `SELECT old_code AS code, sum(weight) AS total FROM unit_successors GROUP BY old_code
     HAVING abs(sum(weight) - 1) > 0.000001 ORDER BY old_code LIMIT 5`,
  );
  if (sums.length > 0)
    throw new DeliveryError(
      `unit_successors.csv: ${sums
        .map((r) =>
          r.total > 1
            ? `unit ${r.code} is mapped to more than all of it (${Math.round(r.total * 1000) / 10} %)`
            : `unit ${r.code} is mapped only in part (${Math.round(r.total * 1000) / 10} %)`,
        )
        .join('; ')}`,
    );
  const unmapped = await tx.query<{ code: string; d: string }>(
    `SELECT u.code, strftime(r.valid_from, '%Y-%m-%d') AS d
     FROM (SELECT DISTINCT valid_from FROM unit_successors) r
     JOIN units u ON u.valid_to = r.valid_from - 1
     WHERE u.level IN (SELECT DISTINCT o.level FROM unit_successors s JOIN units o ON o.code = s.old_code)
       AND u.code NOT IN (SELECT old_code FROM unit_successors)
     ORDER BY u.code LIMIT 5`,
  );
  if (unmapped.length > 0)
    throw new DeliveryError(
      `unit_successors.csv leaves unmapped: ${unmapped.map((r) => `unit ${r.code} (ended before ${r.d})`).join(', ')}`,
    );
  const late = await tx.query<{ k: string }>(
    `SELECT s.new_code AS k FROM unit_successors s JOIN units n ON n.code = s.new_code
     WHERE n.valid_from > s.valid_from OR n.valid_to < s.valid_from LIMIT 5`,
  );
  if (late.length > 0)
    throw new DeliveryError(
      `unit_successors.csv: successor not in force from the day it takes over: unit ${late.map((r) => r.k).join(', ')}`,
    );
}

/** The current view's mapping: each unit to today's unit(s) through the successors, weights multiplied on the way. */
async function rebuildRestate(tx: Tx): Promise<void> {
  // Agencies: one successor at a time (no shares), followed to the end of the chain.
  await tx.run('DELETE FROM agency_restate');
  await tx.run(`INSERT INTO agency_restate
    WITH RECURSIVE r(code, cur, depth) AS (
      SELECT code, code, 0 FROM agencies
      UNION ALL
      SELECT r.code, s.new_code, r.depth + 1
      FROM r JOIN agency_successors s ON s.old_code = r.cur WHERE r.depth < 20)
    SELECT code, arg_max(cur, depth) FROM r GROUP BY code`);
  await tx.run('DELETE FROM unit_restate');
  await tx.run(`INSERT INTO unit_restate
    WITH RECURSIVE r(code, cur, w, depth) AS (
      SELECT code, code, CAST(1 AS DOUBLE), 0 FROM units
      UNION ALL
      SELECT r.code, s.new_code, r.w * s.weight, r.depth + 1
      FROM r JOIN unit_successors s ON s.old_code = r.cur WHERE r.depth < 20)
    SELECT code, cur, sum(w) FROM r WHERE cur NOT IN (SELECT old_code FROM unit_successors) GROUP BY code, cur`);
  // Khu vực huyện cũ: a commune of today in no district (districts ended on 1/7/2025) keeps, as its district in
  // unit_paths, the former district most of it came from (by the former communes' shares; ties by code). A filter
  // or breakdown by district then groups today's communes into the former districts' areas, in both views.
  await tx.run(`UPDATE unit_paths SET district_code = a.district FROM (
      SELECT current_code AS code, district FROM (
        SELECT rs.current_code, op.district_code AS district, sum(rs.weight) AS w
        FROM unit_restate rs JOIN unit_paths op ON op.code = rs.code
        WHERE rs.code <> rs.current_code AND op.level = 'commune' AND op.district_code IS NOT NULL
        GROUP BY ALL)
      QUALIFY row_number() OVER (PARTITION BY current_code ORDER BY w DESC, district) = 1) a
    WHERE unit_paths.code = a.code AND unit_paths.level = 'commune' AND unit_paths.district_code IS NULL`);
}

async function checkUnitTree(tx: Tx): Promise<void> {
  const orphans = await tx.query<{ code: string }>(
    `SELECT code FROM units WHERE parent_code IS NOT NULL AND parent_code NOT IN (SELECT code FROM units) LIMIT 5`,
  );
  if (orphans.length > 0) {
    throw new DeliveryError(`units.csv: parent_code not found for ${orphans.map((o) => o.code).join(', ')}`);
  }
}
