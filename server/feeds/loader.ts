// Loading one delivery of a feed: stage + validate (stage.ts), then upsert by id in one transaction with the
// delivery log and its rejects, so a delivery lands wholly or not at all.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Db, Tx } from '../db/index.ts';
import { inForceOverSql, inForceSql, sqlStringList, vnDateSql } from '../db/sql.ts';
import { DERIVED_COLUMNS } from '../kpis/dossier-states.ts';
import { addToRollups, subtractFromRollups } from '../kpis/rollups.ts';
import { archiveFile } from './archive.ts';
import { periodBoundsSql, storageType } from './fields.ts';
import { FEEDS, type FeedName, type FeedSpec } from './specs.ts';
import { DeliveryError, type Format, stage } from './stage.ts';

export interface Delivery {
  feed: FeedName;
  /** A file on disk (a pushed body is written to the archive first). */
  path: string;
  /** What the report calls it: the file name, or `POST /api/feeds/<feed>`. */
  name: string;
  format: Format;
  /** Who sent it: `file`, `http`, `demo-live`, a source token name… */
  source: string;
  /** Where it is kept in the archive, when `path` is already there (a pushed body); recorded with the delivery. */
  archivePath?: string;
  /** Its SHA-256 when the caller has it (hashed otherwise). */
  hash?: string;
}

export interface RejectEntry {
  line: number | null;
  record: number;
  field: string | null;
  value: string | null;
  reason: string;
}

export interface LoadReport {
  deliveryId: number | null;
  feed: FeedName;
  name: string;
  records: number;
  accepted: number;
  rejected: number;
  stale: number;
  /** Records whose unit or agency was no longer in force at their event date, mapped to its successor. */
  mapped: number;
  duplicateDelivery: boolean;
  /** Every fault, in file order (capped by maxErrors; the rejects table keeps them all). */
  errors: RejectEntry[];
  errorsTotal: number;
  /** Columns of the delivery the feed does not know: at most the first 50 named, with their count. */
  ignoredColumns: string[];
  ignoredColumnsTotal: number;
  ms: number;
}

/** How many ignored columns a report names (a hostile body can carry a hundred thousand). */
export const IGNORED_NAMED = 50;

export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Load one delivery. Invalid records are rejected with where and why and kept in `rejects`; the valid ones
 * are upserted by id (newer-or-equal `updated_at` wins, older is counted stale). The same content twice is a
 * no-op. Throws DeliveryError (nothing loaded, the failure logged) when the delivery as a whole is unusable.
 */
export async function loadDelivery(
  db: Db,
  d: Delivery,
  opts: {
    maxErrors?: number;
    /** Keep the file in this archive (data/archive) when it is accepted, unless `d.archivePath` says it is there. */
    archiveDir?: string;
  } = {},
): Promise<LoadReport> {
  const t0 = performance.now();
  const spec = FEEDS[d.feed];
  const hash = d.hash ?? (await hashFile(d.path));
  const base = { feed: d.feed, name: d.name, ignoredColumns: [] as string[], ignoredColumnsTotal: 0 };
  const findLoaded = (q: { query: Tx['query'] }) =>
    q.query<{ id: number; archive_path: string | null }>(
      `SELECT id, archive_path FROM deliveries WHERE feed = $feed AND content_hash = $hash AND status = 'loaded'
       ORDER BY id LIMIT 1`,
      { feed: d.feed, hash },
    );
  const duplicate = async (prior: { id: number; archive_path: string | null }): Promise<LoadReport> => {
    const kept = prior.archive_path;
    // A pushed body archived under its own name: the first delivery's file is the one kept.
    if (d.archivePath && d.archivePath !== kept) await rm(d.archivePath, { force: true });
    // Loaded before the archive existed (or its file went missing): keep it now, so a rebuild can replay it.
    if (opts.archiveDir && !d.archivePath && !(kept && existsSync(kept))) {
      const a = await archiveFile(opts.archiveDir, d.feed, d.path, hash);
      await db.transaction(
        (tx) =>
          tx.run('UPDATE deliveries SET archive_path = $path WHERE id = $id', {
            path: a.path,
            id: prior.id,
          }),
        { feeds: [] },
      );
    }
    await logDelivery(db, d, hash, 'duplicate', `same content as delivery ${prior.id}`);
    return {
      ...base,
      deliveryId: prior.id,
      records: 0,
      accepted: 0,
      rejected: 0,
      stale: 0,
      mapped: 0,
      duplicateDelivery: true,
      errors: [],
      errorsTotal: 0,
      ms: Math.round(performance.now() - t0),
    };
  };
  const dup = await findLoaded(db);
  if (dup.length > 0) return duplicate(dup[0]);
  // Archived before the transaction: a delivery the store has is always in the archive (a crash in between leaves
  // an archive file no delivery names, which a rebuild ignores and the next delivery of that file reuses).
  let archived = d.archivePath ? { path: d.archivePath, created: false } : undefined;
  if (!archived && opts.archiveDir) archived = await archiveFile(opts.archiveDir, d.feed, d.path, hash);
  try {
    return await db.transaction(
      async (tx) => {
        // Checked again inside the (serialised) write transaction: of identical deliveries arriving together,
        // the first loads and the others find it here.
        const prior = await findLoaded(tx);
        if (prior.length > 0) throw new AlreadyLoaded(prior[0]);
        const st = await stage(tx, d, spec.fields);
        // Rules across fields: a record that breaks one (and has no other fault) is rejected with the rule's reason.
        for (const r of spec.recordRules ?? [])
          await tx.run(
            `INSERT INTO bad SELECT rec, $field, NULL, $reason FROM parsed WHERE (${r.bad}) AND rec NOT IN (SELECT rec FROM bad)`,
            { field: r.field, reason: r.reason },
          );
        const { mapped, respelled, respellByCode } = await checkInForce(tx, spec);
        const id = (await tx.query<{ id: number }>(`SELECT nextval('delivery_seq') AS id`))[0].id;
        // Records changed in `parsed` (mapped or respelled) must come from it, not from the file again.
        const counts = await upsert(
          tx,
          d.feed,
          id,
          mapped + respelled === 0 ? st.reparse : undefined,
          respellByCode,
        );
        await tx.run(
          `INSERT INTO rejects SELECT $id, $feed, $name,
           CASE $format WHEN 'csv' THEN rec + 1 WHEN 'ndjson' THEN rec END, rec, r_id, field, value, reason
         FROM bad LEFT JOIN (SELECT rec, CAST(r_id AS VARCHAR) AS r_id FROM parsed) USING (rec)`,
          { id, feed: d.feed, name: d.name, format: d.format },
        );
        const rejected = (await tx.query<{ n: number }>('SELECT count(DISTINCT rec) AS n FROM bad'))[0].n;
        const ms = Math.round(performance.now() - t0);
        await tx.run(
          `INSERT INTO deliveries (id, feed, source, name, content_hash, format, received_at, status, records,
             accepted, rejected, stale, ignored_columns, error, max_event_at, ms, archive_path)
           VALUES ($id, $feed, $source, $name, $hash, $format, now(), 'loaded', $records, $accepted, $rejected,
             $stale, ${sqlStringList(st.ignoredColumns.slice(0, IGNORED_NAMED))}, NULL, $maxAt::TIMESTAMPTZ, $ms, $archive)`,
          {
            archive: archived?.path ?? null,
            id,
            feed: d.feed,
            source: d.source,
            name: d.name,
            hash,
            format: d.format,
            records: st.records,
            accepted: counts.accepted,
            rejected,
            stale: counts.stale,
            maxAt: counts.maxEventAt,
            ms,
          },
        );
        const errors = await tx.query<RejectEntry>(
          `SELECT line, record, field, value, reason FROM rejects WHERE delivery_id = $id
         ORDER BY record, field LIMIT $lim`,
          { id, lim: opts.maxErrors ?? 1000 },
        );
        const errorsTotal = (await tx.query<{ n: number }>('SELECT count(*) AS n FROM bad'))[0].n;
        return {
          ...base,
          deliveryId: id,
          records: st.records,
          accepted: counts.accepted,
          rejected,
          stale: counts.stale,
          mapped,
          duplicateDelivery: false,
          errors,
          errorsTotal,
          ignoredColumns: st.ignoredColumns.slice(0, IGNORED_NAMED),
          ignoredColumnsTotal: st.ignoredColumns.length,
          ms,
        };
      },
      { feeds: [d.feed] },
    );
  } catch (e) {
    if (e instanceof AlreadyLoaded) return duplicate(e.prior);
    if (archived?.created) await rm(archived.path, { force: true });
    if (e instanceof DeliveryError) await logDelivery(db, d, hash, 'failed', e.message);
    throw e;
  }
}

/**
 * Units and agencies have dates (FEEDS.md v2): a record whose agency or unit was not in force on its event date
 * (Vietnam calendar day) is mapped to the successor the reference data names for that date — for a divided unit,
 * the largest part — and counted; without one it is rejected with that reason (`unit 08611 not in force on
 * 2024-03-05`). Reports name their period, not a day: they are left to the period checks.
 */
async function checkInForce(
  tx: Tx,
  spec: FeedSpec,
): Promise<{ mapped: number; respelled: number; respellByCode: boolean }> {
  const none = { mapped: 0, respelled: 0, respellByCode: false };
  if (spec.name === 'reports') return none;
  const day = vnDateSql(`p."${spec.eventTime}"`);
  const ok = `p.rec NOT IN (SELECT rec FROM bad) AND p."${spec.eventTime}" IS NOT NULL`;
  const outOfForce = (t: string) => `NOT (${inForceSql(t, day)})`;
  await tx.run('CREATE OR REPLACE TEMP TABLE in_force_mapped (rec BIGINT)');
  // Nothing to check when each agency and unit the delivery names is in force, under that code, from its first
  // record's day to its last: one grouped scan (a few hundred codes), not a check per record. A reform inside the
  // delivery, a reused code's former version or an ended unit sends it to the record-level checks below.
  const t = `p."${spec.eventTime}"`;
  const hasUnit = spec.fields.some((f) => f.name === 'unit_code');
  const spans = (code: string, join: string) =>
    `SELECT ${code} AS code, ${vnDateSql(`min(${t})`)} AS lo, ${vnDateSql(`max(${t})`)} AS hi
     FROM parsed p ${join} WHERE ${t} IS NOT NULL AND ${code} IS NOT NULL GROUP BY 1`;
  const [{ n }] = await tx.query<{ n: number }>(
    `SELECT count(*) AS n FROM (${spans('p.agency_code', '')}) g
     WHERE NOT EXISTS (SELECT 1 FROM agencies a WHERE a.code = g.code AND ${inForceOverSql('a', 'g.lo', 'g.hi')})`,
  );
  if (hasUnit) {
    await tx.run(`CREATE OR REPLACE TEMP TABLE unit_spans_out AS
      SELECT * FROM (${spans(spec.unitSql, 'LEFT JOIN agencies ag ON ag.code = p.agency_code')}) g
      WHERE NOT EXISTS (SELECT 1 FROM units u WHERE u.code = g.code AND ${inForceOverSql('u', 'g.lo', 'g.hi')})`);
    // A former province's delivery names its communes by national code, some of which today's communes reuse: when
    // each such code has exactly one version in force over its whole span, the records are respelled by code (a
    // few rows joined on the way in) instead of record by record.
    await tx.run(`CREATE OR REPLACE TEMP TABLE respell AS
      SELECT g.code AS old, any_value(u.code) AS new, count(u.code) AS versions
      FROM unit_spans_out g LEFT JOIN units u ON u.national_code = g.code AND u.code <> g.code
        AND ${inForceOverSql('u', 'g.lo', 'g.hi')}
      GROUP BY g.code`);
    const [r] = await tx.query<{ out: number; single: number }>(
      'SELECT count(*) AS out, count(*) FILTER (WHERE versions = 1) AS single FROM respell',
    );
    if (n === 0 && r.out === 0) return none;
    if (n === 0 && r.single === r.out) return { ...none, respellByCode: true };
  } else if (n === 0) return none;
  // A reused national code: the version in force on the record's day (not a mapping, the same spelling).
  let respelled = 0;
  if (hasUnit) {
    const d = vnDateSql(`parsed."${spec.eventTime}"`);
    const on = (t: string) => inForceSql(t, d);
    const r = await tx.query<{ Count: number }>(`UPDATE parsed SET unit_code = u.code FROM units u
      WHERE u.national_code = parsed.unit_code AND u.code <> parsed.unit_code AND ${on('u')}
        AND parsed.rec NOT IN (SELECT rec FROM bad)
        AND NOT EXISTS (SELECT 1 FROM units c WHERE c.code = parsed.unit_code AND ${on('c')})`);
    respelled = Number(r[0]?.Count ?? 1); // unknown: as if some were, so the parsed rows are the ones inserted
  }
  // Agencies first (the unit may come from the agency).
  await tx.run(`CREATE OR REPLACE TEMP TABLE agency_map AS
    SELECT p.rec, p.agency_code AS old, strftime(${day}, '%Y-%m-%d') AS d, p.agency_code AS new
    FROM parsed p JOIN agencies a ON a.code = p.agency_code WHERE ${ok} AND ${outOfForce('a')}`);
  await followSuccessors(tx, 'agency_map', 'agency_successors', 'agencies', '');
  await tx.run(`INSERT INTO bad SELECT rec, 'agency_code', old, 'agency ' || old || ' not in force on ' || d
    FROM agency_map WHERE new IS NULL`);
  await tx.run(
    `UPDATE parsed SET agency_code = m.new FROM agency_map m WHERE parsed.rec = m.rec AND m.new IS NOT NULL`,
  );
  await tx.run('INSERT INTO in_force_mapped SELECT rec FROM agency_map WHERE new IS NOT NULL');
  // Then units: the record's own, else its agency's (a feed without unit_code follows its agencies alone).
  const unit = spec.unitSql;
  if (!hasUnit) return { mapped: await mappedCount(tx), respelled, respellByCode: false };
  await tx.run(`CREATE OR REPLACE TEMP TABLE unit_map AS
    SELECT p.rec, u.code AS old, strftime(${day}, '%Y-%m-%d') AS d, u.code AS new
    FROM parsed p LEFT JOIN agencies ag ON ag.code = p.agency_code JOIN units u ON u.code = ${unit}
    WHERE ${ok} AND ${outOfForce('u')}`);
  await followSuccessors(tx, 'unit_map', 'unit_successors', 'units', ', s.weight DESC, s.new_code');
  await tx.run(`INSERT INTO bad SELECT rec, 'unit_code', old, 'unit ' || old || ' not in force on ' || d
    FROM unit_map WHERE new IS NULL`);
  await tx.run(
    `UPDATE parsed SET unit_code = m.new FROM unit_map m WHERE parsed.rec = m.rec AND m.new IS NOT NULL`,
  );
  await tx.run('INSERT INTO in_force_mapped SELECT rec FROM unit_map WHERE new IS NOT NULL');
  return { mapped: await mappedCount(tx), respelled, respellByCode: false };
}

/**
 * From each record's agency or unit out of force (`new` starts as the old code), follow the successors in force by
 * the record's day, one hop at a time: a successor may itself have been succeeded (Vĩnh Phúc's Sở Lao động – Thương
 * binh và Xã hội went into its Sở Nội vụ on 1/3/2025, which went into Phú Thọ's on 1/7/2025). Where the chain ends
 * out of force, `new` is NULL: the record is rejected with the reason. `order` breaks ties (a divided unit: its
 * larger part).
 */
async function followSuccessors(tx: Tx, map: string, successors: string, ref: string, order: string) {
  const day = 'CAST(m.d AS DATE)';
  for (let hop = 0; hop < 10; hop++) {
    const [r] = await tx.query<{ Count: number }>(`UPDATE ${map} SET new = nxt.code FROM (
        SELECT m.rec, (SELECT s.new_code FROM ${successors} s WHERE s.old_code = m.new AND s.valid_from <= ${day}
                       ORDER BY s.valid_from DESC${order} LIMIT 1) AS code
        FROM ${map} m JOIN ${ref} t ON t.code = m.new WHERE NOT (${inForceSql('t', day)})) nxt
      WHERE ${map}.rec = nxt.rec AND nxt.code IS NOT NULL AND nxt.code <> ${map}.new`);
    if (!Number(r?.Count ?? 0)) break;
  }
  await tx.run(`UPDATE ${map} SET new = NULL WHERE rec IN (
    SELECT m.rec FROM ${map} m JOIN ${ref} t ON t.code = m.new WHERE NOT (${inForceSql('t', 'CAST(m.d AS DATE)')}))`);
}

async function mappedCount(tx: Tx): Promise<number> {
  return (
    await tx.query<{ n: number }>(
      'SELECT count(DISTINCT rec) AS n FROM in_force_mapped WHERE rec NOT IN (SELECT rec FROM bad)',
    )
  )[0].n;
}

/**
 * Valid, newest-per-id records replace stored ones unless the stored version is newer. The common delivery — no
 * faults, every id once, ids not stored yet — goes from `parsed` to the feed table in one INSERT: the faults'
 * anti-join, the newest-per-id window, the stale filter and the delete of replaced versions each run only when
 * there is something for them to do (the window alone was 38–48 % of a year's load).
 */
async function upsert(tx: Tx, feed: FeedName, deliveryId: number, reparse?: string, respellByCode = false) {
  // Reused national codes respelled by code (checkInForce's `respell` table) on the way from parsed or the file.
  const respelled = (rows: string) =>
    respellByCode
      ? `(SELECT q.* REPLACE (coalesce(rs.new, q.unit_code) AS unit_code) FROM ${rows} q LEFT JOIN respell rs ON rs.old = q.unit_code)`
      : rows;
  const spec = FEEDS[feed];
  const cols = spec.fields.map((f) => f.name);
  const extra = feed === 'reports' ? periodBoundsSql('p.period') : undefined;
  const [facts] = await tx.query<{ faults: number; dups: number }>(
    `SELECT (SELECT count(*) FROM bad) AS faults, count(*) - count(DISTINCT id) AS dups FROM parsed`,
  );
  const valid = facts.faults > 0 ? 'p.rec NOT IN (SELECT rec FROM bad)' : 'true';
  const source = `${respelled('parsed')} p LEFT JOIN agencies ag ON ag.code = p.agency_code WHERE ${valid}`;
  if (facts.dups > 0)
    // Newest version per id within the delivery; a later line wins a tie (the last state in the file).
    await tx.run(`CREATE TEMP TABLE cand AS SELECT p.*, ${spec.unitSql} AS unit_code_resolved FROM ${source}
      QUALIFY row_number() OVER (PARTITION BY p.id ORDER BY p.updated_at DESC NULLS LAST, p.rec DESC) = 1`);
  else
    await tx.run(`CREATE TEMP VIEW cand AS SELECT p.*, ${spec.unitSql} AS unit_code_resolved FROM ${source}`);
  // The incoming ids already stored, once (one join with the feed table): whether the stored version is newer. Without
  // a repeated id the candidates are the valid parsed rows themselves: joined as two columns, not through `cand`'s
  // agency join — that view made a year's delivery (5,7 M documents) run out of memory under the 1 GB default.
  const ids = facts.dups > 0 ? 'cand' : `(SELECT p.id, p.updated_at FROM parsed p WHERE ${valid})`;
  await tx.run(`CREATE TEMP TABLE known AS
    SELECT c.id,
      coalesce(t.updated_at > c.updated_at, false) OR (t.updated_at IS NOT NULL AND c.updated_at IS NULL) AS newer
    FROM ${ids} c JOIN ${feed} t ON t.id = c.id`);
  const [k] = await tx.query<{ newer: number; replaced: number }>(
    'SELECT count(*) FILTER (WHERE newer) AS newer, count(*) FILTER (WHERE NOT newer) AS replaced FROM known',
  );
  // A stored version that is newer wins: the candidate is stale. A clean delivery read through a view (no faults, no
  // id twice, none stored, nothing mapped) is inserted from the file itself, parsed again on the way.
  const clean = reparse && facts.faults === 0 && facts.dups === 0 && k.newer + k.replaced === 0;
  await tx.run(
    clean
      ? `CREATE TEMP VIEW ups AS SELECT p.*, ${spec.unitSql} AS unit_code_resolved
         FROM ${respelled(`(${reparse})`)} p LEFT JOIN agencies ag ON ag.code = p.agency_code`
      : `CREATE TEMP VIEW ups AS SELECT * FROM cand${k.newer > 0 ? ' WHERE id NOT IN (SELECT id FROM known WHERE newer)' : ''}`,
  );
  const validCount = (await tx.query<{ n: number }>(`SELECT count(*) AS n FROM parsed p WHERE ${valid}`))[0]
    .n;
  // Replaced versions go; a delivery of new ids only (the common case: a day's new records) skips this scan.
  if (k.replaced > 0) {
    const replaced = 'SELECT id FROM known WHERE NOT newer';
    await subtractFromRollups(tx, feed, deliveryId, replaced);
    await tx.run(`DELETE FROM ${feed} WHERE id IN (${replaced})`);
  }
  const select = spec.fields.map((f) =>
    f.name === 'unit_code' ? 'p.unit_code_resolved' : `CAST(p."${f.name}" AS ${storageType(f.type)})`,
  );
  const names = [...cols];
  if (!cols.includes('unit_code')) {
    names.push('unit_code');
    select.push('p.unit_code_resolved');
  }
  if (extra) {
    names.push('period_start', 'period_end');
    select.push(extra.start, extra.end);
  }
  names.push('delivery_id', 'loaded_at');
  select.push(String(deliveryId), 'now()');
  // What the one-stop rules derive from a record (a dossier's `ended_at`) is stored with it, from its stored values.
  const derived = DERIVED_COLUMNS[feed] ?? [];
  const rows = `SELECT ${select.map((e, i) => `${e} AS "${names[i]}"`).join(', ')} FROM ups p`;
  await tx.run(
    `INSERT INTO ${feed} (${[...names, ...derived.map((d) => d.name)].map((n) => `"${n}"`).join(', ')})
     ${derived.length ? `SELECT s.*, ${derived.map((d) => d.sql).join(', ')} FROM (${rows}) s` : rows}`,
  );
  await addToRollups(tx, feed, deliveryId);
  const r = await tx.query<{ accepted: number; maxAt: string | null }>(
    `SELECT count(*) AS accepted, CAST(max("${spec.eventTime}") AS VARCHAR) AS "maxAt" FROM ${feed}
     WHERE delivery_id = ${Number(deliveryId)}`,
  );
  return { accepted: r[0].accepted, stale: validCount - r[0].accepted, maxEventAt: r[0].maxAt };
}

/** Thrown inside the transaction when an identical delivery committed first: nothing is written. */
class AlreadyLoaded extends Error {
  constructor(readonly prior: { id: number; archive_path: string | null }) {
    super(`same content as delivery ${prior.id}`);
  }
}

async function logDelivery(db: Db, d: Delivery, hash: string, status: string, error: string) {
  await db.transaction(async (tx) => {
    await tx.run(
      `INSERT INTO deliveries (id, feed, source, name, content_hash, format, received_at, status, error)
       VALUES (nextval('delivery_seq'), $feed, $source, $name, $hash, $format, now(), $status, $error)`,
      { feed: d.feed, source: d.source, name: d.name, hash, format: d.format, status, error },
    );
  });
}

export const deliveryName = (path: string) => basename(path);
