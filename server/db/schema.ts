// The store's schema as numbered migrations, applied once each on start (recorded in schema_migrations).
import { ENDED_AT } from '../kpis/dossier-states.ts';
import { ensureCalendar } from '../reference/calendar.ts';
import type { Db } from './index.ts';
import { fromVnLocalSql, inForceSql, vnDateSql } from './sql.ts';

interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Statutory handling time of citizen feedback (PAKN) when the source sends no deadline, in working days. */
export const FEEDBACK_WORKING_DAYS = 10;

/** Columns every fact table shares: where the row came from, and the unit it is about (resolved at load). */
const LINEAGE = `delivery_id BIGINT NOT NULL, loaded_at TIMESTAMPTZ NOT NULL`;

/**
 * Expected reports under the reporting regime (Nghị định 09/2019/NĐ-CP): a period's figures run from the 15th of the
 * month before it starts to the 14th of its last month (the cut-off); the report is due at the end of the day
 * due_days working days after the cut-off; it is expected once the cut-off has passed — from the reporting units in
 * force at the cut-off (`inForce`, migration 11; migration 7 had every unit of the level).
 */
function reportComplianceView(inForce: boolean): string {
  const INFORCE = `
          AND e.unit_code IN (SELECT code FROM units u WHERE ${inForceSql('u', 'e.figures_to')})`;
  return `
      DROP VIEW report_compliance;
      CREATE VIEW report_compliance AS
        WITH first AS (SELECT indicator_code, min(period_start) AS first_start FROM reports GROUP BY ALL),
        periods AS (
          SELECT i.code AS indicator_code, i.reporting_level, i.due_days, i.frequency,
            CAST(unnest(generate_series(CAST(date_trunc('year', f.first_start) AS TIMESTAMP),
              CAST(current_date AS TIMESTAMP),
              CASE i.frequency WHEN 'month' THEN INTERVAL 1 MONTH WHEN 'quarter' THEN INTERVAL 3 MONTH
                WHEN 'half' THEN INTERVAL 6 MONTH ELSE INTERVAL 1 YEAR END)) AS DATE) AS period_start
          FROM indicators i JOIN first f ON f.indicator_code = i.code),
        expected AS (
          SELECT p.indicator_code, u.code AS unit_code, p.period_start,
            CAST(p.period_start + CASE p.frequency WHEN 'month' THEN INTERVAL 1 MONTH WHEN 'quarter' THEN INTERVAL 3 MONTH
                WHEN 'half' THEN INTERVAL 6 MONTH ELSE INTERVAL 1 YEAR END - INTERVAL 1 DAY AS DATE) AS period_end,
            p.due_days
          FROM periods p JOIN units u ON u.level = p.reporting_level),
        windows AS (
          SELECT *, CAST(period_start - INTERVAL 1 MONTH + INTERVAL 14 DAY AS DATE) AS figures_from,
            CAST(date_trunc('month', period_end) + INTERVAL 13 DAY AS DATE) AS figures_to
          FROM expected)
        SELECT e.indicator_code, e.unit_code, e.period_start, e.period_end, e.figures_from, e.figures_to,
          ${fromVnLocalSql('CAST(w2.day + 1 AS TIMESTAMP)')} AS due_at,
          r.submitted_at, r.agency_code
        FROM windows e
        JOIN workdays w1 ON w1.day = e.figures_to
        JOIN workdays w2 ON w2.working AND w2.seq = w1.seq + e.due_days
        LEFT JOIN (SELECT indicator_code, unit_code, period_start, period_end, min(submitted_at) AS submitted_at,
                     any_value(agency_code) AS agency_code FROM reports GROUP BY ALL) r
          USING (indicator_code, unit_code, period_start, period_end)
        WHERE e.figures_to < current_date${inForce ? INFORCE : ''};
`;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'reference, feeds, deliveries, rejects',
    sql: `
      CREATE TABLE units (
        code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, level VARCHAR NOT NULL, parent_code VARCHAR,
        kind VARCHAR, valid_from DATE, valid_to DATE, lat DOUBLE, lon DOUBLE);
      -- Each unit with its ancestors, so a filter on any level is one equality and a breakdown one join.
      CREATE TABLE unit_paths (
        code VARCHAR PRIMARY KEY, level VARCHAR NOT NULL, province_code VARCHAR, district_code VARCHAR,
        commune_code VARCHAR);
      CREATE TABLE agencies (
        code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, unit_code VARCHAR NOT NULL, kind VARCHAR NOT NULL,
        sector VARCHAR);
      CREATE TABLE procedures (
        code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, sector VARCHAR, level VARCHAR,
        service_level VARCHAR NOT NULL, has_fee BOOLEAN, synced_national BOOLEAN);
      CREATE TABLE indicators (
        code VARCHAR PRIMARY KEY, name_vi VARCHAR NOT NULL, name_en VARCHAR, subsystem VARCHAR NOT NULL,
        unit VARCHAR, aggregation VARCHAR NOT NULL, frequency VARCHAR NOT NULL, reporting_level VARCHAR NOT NULL,
        due_days INTEGER NOT NULL, direction VARCHAR NOT NULL);
      CREATE TABLE targets (
        indicator_code VARCHAR NOT NULL, unit_code VARCHAR NOT NULL, year INTEGER NOT NULL, target DOUBLE,
        PRIMARY KEY (indicator_code, unit_code, year));

      CREATE SEQUENCE delivery_seq START 1;
      CREATE TABLE deliveries (
        id BIGINT PRIMARY KEY, feed VARCHAR NOT NULL, source VARCHAR NOT NULL, name VARCHAR NOT NULL,
        content_hash VARCHAR NOT NULL, format VARCHAR NOT NULL, received_at TIMESTAMPTZ NOT NULL,
        status VARCHAR NOT NULL, records BIGINT, accepted BIGINT, rejected BIGINT, stale BIGINT,
        ignored_columns VARCHAR[], error VARCHAR, max_event_at TIMESTAMPTZ, ms BIGINT);
      CREATE TABLE rejects (
        delivery_id BIGINT NOT NULL, feed VARCHAR NOT NULL, name VARCHAR NOT NULL, line BIGINT,
        record BIGINT, id VARCHAR, field VARCHAR, value VARCHAR, reason VARCHAR NOT NULL);

      CREATE TABLE documents (
        id VARCHAR NOT NULL, direction VARCHAR NOT NULL, agency_code VARCHAR NOT NULL, unit_code VARCHAR NOT NULL,
        "at" TIMESTAMPTZ NOT NULL, doc_type VARCHAR, subject VARCHAR, digitally_signed BOOLEAN NOT NULL,
        via_national_axis BOOLEAN NOT NULL, is_task BOOLEAN NOT NULL, due_at TIMESTAMPTZ, completed_at TIMESTAMPTZ,
        updated_at TIMESTAMPTZ, ${LINEAGE});
      CREATE TABLE dossiers (
        id VARCHAR NOT NULL, procedure_code VARCHAR NOT NULL, agency_code VARCHAR NOT NULL, unit_code VARCHAR NOT NULL,
        channel VARCHAR NOT NULL, received_at TIMESTAMPTZ NOT NULL, due_at TIMESTAMPTZ NOT NULL,
        completed_at TIMESTAMPTZ, status VARCHAR NOT NULL, result_digitized BOOLEAN, components_digitized BOOLEAN,
        reused_data BOOLEAN, fee_vnd BIGINT, paid_online BOOLEAN, synced_national BOOLEAN, satisfaction VARCHAR,
        updated_at TIMESTAMPTZ, ${LINEAGE});
      CREATE TABLE payments (
        id VARCHAR NOT NULL, dossier_id VARCHAR, agency_code VARCHAR NOT NULL, unit_code VARCHAR NOT NULL,
        amount_vnd BIGINT NOT NULL, paid_at TIMESTAMPTZ NOT NULL, channel VARCHAR NOT NULL, status VARCHAR NOT NULL,
        e_receipt BOOLEAN, updated_at TIMESTAMPTZ, ${LINEAGE});
      CREATE TABLE reports (
        id VARCHAR NOT NULL, indicator_code VARCHAR NOT NULL, unit_code VARCHAR NOT NULL, period VARCHAR NOT NULL,
        period_start DATE NOT NULL, period_end DATE NOT NULL, value DOUBLE NOT NULL, submitted_at TIMESTAMPTZ NOT NULL,
        agency_code VARCHAR, updated_at TIMESTAMPTZ, ${LINEAGE});
    `,
  },
  {
    version: 2,
    name: 'report views: latest submission, expected reports',
    sql: `
      -- A unit may resubmit a period under a new id: the latest submission counts.
      CREATE VIEW reports_latest AS
        SELECT * FROM reports
        QUALIFY row_number() OVER (PARTITION BY indicator_code, unit_code, period_start, period_end
                                   ORDER BY submitted_at DESC, id DESC) = 1;
      -- Expected reports: every complete period of each indicator's frequency, from the year of its first
      -- report, for each unit at its reporting level; due at the end of the day due_days after the period.
      CREATE VIEW report_compliance AS
        WITH first AS (SELECT indicator_code, min(period_start) AS first_start FROM reports GROUP BY ALL),
        periods AS (
          SELECT i.code AS indicator_code, i.reporting_level, i.due_days, i.frequency,
            CAST(unnest(generate_series(CAST(date_trunc('year', f.first_start) AS TIMESTAMP),
              CAST(current_date AS TIMESTAMP),
              CASE i.frequency WHEN 'month' THEN INTERVAL 1 MONTH WHEN 'quarter' THEN INTERVAL 3 MONTH
                WHEN 'half' THEN INTERVAL 6 MONTH ELSE INTERVAL 1 YEAR END)) AS DATE) AS period_start
          FROM indicators i JOIN first f ON f.indicator_code = i.code),
        expected AS (
          SELECT p.indicator_code, u.code AS unit_code, p.period_start,
            CAST(p.period_start + CASE p.frequency WHEN 'month' THEN INTERVAL 1 MONTH WHEN 'quarter' THEN INTERVAL 3 MONTH
                WHEN 'half' THEN INTERVAL 6 MONTH ELSE INTERVAL 1 YEAR END - INTERVAL 1 DAY AS DATE) AS period_end,
            p.due_days
          FROM periods p JOIN units u ON u.level = p.reporting_level)
        SELECT e.indicator_code, e.unit_code, e.period_start, e.period_end,
          CAST(CAST(e.period_end + e.due_days + 1 AS TIMESTAMP) - INTERVAL 7 HOUR AS TIMESTAMPTZ) AS due_at,
          r.submitted_at, r.agency_code
        FROM expected e
        LEFT JOIN (SELECT indicator_code, unit_code, period_start, period_end, min(submitted_at) AS submitted_at,
                     any_value(agency_code) AS agency_code FROM reports GROUP BY ALL) r
          USING (indicator_code, unit_code, period_start, period_end)
        WHERE e.period_end < current_date;
    `,
  },
  {
    version: 3,
    name: 'boundaries: imported unit geometry',
    sql: `
      -- Real unit boundaries from npm run import:boundaries (a GeoJSON Polygon/MultiPolygon geometry, WGS84);
      -- units without a row here are drawn with generated demo geometry.
      CREATE TABLE boundaries (
        code VARCHAR PRIMARY KEY, level VARCHAR NOT NULL, geojson VARCHAR NOT NULL, source VARCHAR NOT NULL,
        imported_at TIMESTAMPTZ NOT NULL);
    `,
  },
  {
    version: 4,
    name: 'access: users, roles, sessions, wall devices, feed sources, audit log',
    sql: `
      -- Roles are data: the permissions they grant and whether the user's assigned scope limits them.
      CREATE TABLE roles (
        name VARCHAR PRIMARY KEY, permissions VARCHAR[] NOT NULL, scoped BOOLEAN NOT NULL,
        description VARCHAR, updated_at TIMESTAMPTZ NOT NULL);
      INSERT INTO roles VALUES
        ('leader', ['read', 'export'], false, 'Lãnh đạo: xem toàn bộ', now()),
        ('department_head', ['read'], true, 'Thủ trưởng: xem trong phạm vi lĩnh vực/đơn vị được giao', now()),
        ('analyst', ['read', 'export'], true, 'Chuyên viên phân tích: xem và xuất trong phạm vi', now()),
        ('operator', ['feeds.read', 'feeds.push'], false, 'Vận hành: đẩy và theo dõi nguồn dữ liệu', now()),
        ('admin', ['admin', 'audit.read', 'feeds.read'], false, 'Quản trị: người dùng, vai trò, token, nhật ký', now());
      -- scope: JSON {units?: [...], sectors?: [...], subsystems?: [...]} applied by scoped roles.
      CREATE TABLE users (
        id VARCHAR PRIMARY KEY, username VARCHAR NOT NULL UNIQUE, display_name VARCHAR NOT NULL,
        password_hash VARCHAR, roles VARCHAR[] NOT NULL, scope VARCHAR, disabled BOOLEAN NOT NULL DEFAULT false,
        oidc_subject VARCHAR, created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL,
        password_changed_at TIMESTAMPTZ);
      -- id: HMAC of the cookie value (the cookie itself is never stored).
      CREATE TABLE sessions (
        id VARCHAR PRIMARY KEY, user_id VARCHAR NOT NULL, csrf VARCHAR NOT NULL, method VARCHAR NOT NULL,
        created_at TIMESTAMPTZ NOT NULL, expires_at TIMESTAMPTZ NOT NULL, ip VARCHAR, user_agent VARCHAR);
      CREATE TABLE devices (
        id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, playlist VARCHAR NOT NULL, scope VARCHAR,
        token_hash VARCHAR NOT NULL, created_by VARCHAR, created_at TIMESTAMPTZ NOT NULL, revoked_at TIMESTAMPTZ,
        last_seen_at TIMESTAMPTZ);
      CREATE TABLE feed_sources (
        id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, feeds VARCHAR[] NOT NULL, token_hash VARCHAR NOT NULL,
        created_by VARCHAR, created_at TIMESTAMPTZ NOT NULL, revoked_at TIMESTAMPTZ, last_used_at TIMESTAMPTZ);
      -- Append-only: no route updates or deletes it; each entry's hash covers the previous one's.
      CREATE TABLE audit_log (
        seq BIGINT PRIMARY KEY, ts TIMESTAMPTZ NOT NULL, actor VARCHAR NOT NULL, actor_kind VARCHAR NOT NULL,
        action VARCHAR NOT NULL, target VARCHAR, outcome VARCHAR NOT NULL, ip VARCHAR, detail VARCHAR,
        prev_hash VARCHAR NOT NULL, hash VARCHAR NOT NULL);
    `,
  },
  {
    version: 5,
    name: 'deliveries: archive path',
    // Where the accepted delivery is kept (data/archive/<feed>/…, read-only): what `npm run rebuild` replays.
    // IF NOT EXISTS: stores that ran this as the interim migration 100 are left as they are.
    sql: `ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS archive_path VARCHAR;`,
  },
  {
    version: 6,
    name: 'users: the demo admin marked',
    // The demo's admin (its password printed on the console at every demo start): a production start refuses a
    // store that still holds it unless IOC_ADMIN_PASSWORD replaces its password. Stores made before the mark
    // are recognised by the demo's display name.
    sql: `ALTER TABLE users ADD COLUMN IF NOT EXISTS demo BOOLEAN DEFAULT false;
      UPDATE users SET demo = true WHERE lower(username) = 'admin' AND display_name = 'Quản trị (demo)';`,
  },
  {
    version: 7,
    name: 'working-day calendar, dossier events, report cut-offs',
    sql: `
      -- Exceptions to Monday–Friday (server/reference/calendar.ts fills it with the built-in years on start).
      CREATE TABLE calendar (date DATE PRIMARY KEY, kind VARCHAR NOT NULL, name VARCHAR, source VARCHAR NOT NULL);
      -- Every day 2000–2040: working or not, and seq = working days up to and including it.
      CREATE TABLE workdays (day DATE PRIMARY KEY, working BOOLEAN NOT NULL, seq INTEGER NOT NULL);
      ALTER TABLE dossiers ADD COLUMN supplement_requested_at TIMESTAMPTZ;
      ALTER TABLE dossiers ADD COLUMN supplemented_at TIMESTAMPTZ;
      ALTER TABLE dossiers ADD COLUMN closed_at TIMESTAMPTZ;
      -- Dossiers with their day counts in working days: taken (receipt → result) and allowed (receipt → due).
      CREATE VIEW dossier_days AS
        SELECT s.*, CAST(wc.seq - wr.seq AS INTEGER) AS work_days, CAST(wd.seq - wr.seq AS INTEGER) AS allowed_days
        FROM dossiers s
        JOIN workdays wr ON wr.day = ${vnDateSql('s.received_at')}
        JOIN workdays wd ON wd.day = ${vnDateSql('s.due_at')}
        LEFT JOIN workdays wc ON wc.day = ${vnDateSql('s.completed_at')};
      -- Expected reports by the reporting regime's cut-offs (reportComplianceView).
      ${reportComplianceView(false)}
    `,
  },
  {
    version: 8,
    name: 'feedback feed (PAKN)',
    sql: `
      CREATE TABLE feedback (
        id VARCHAR NOT NULL, received_at TIMESTAMPTZ NOT NULL, channel VARCHAR NOT NULL, agency_code VARCHAR,
        unit_code VARCHAR, topic VARCHAR, procedure_code VARCHAR, dossier_id VARCHAR, due_at TIMESTAMPTZ,
        resolved_at TIMESTAMPTZ, status VARCHAR NOT NULL, satisfied BOOLEAN, updated_at TIMESTAMPTZ, ${LINEAGE});
      -- Feedback with its deadline: the one sent, else 17:00 on the ${FEEDBACK_WORKING_DAYS}th working day after the day of receipt.
      CREATE VIEW feedback_due AS
        SELECT s.*, coalesce(s.due_at, ${fromVnLocalSql('CAST(w2.day AS TIMESTAMP) + INTERVAL 17 HOUR')}) AS due
        FROM feedback s
        LEFT JOIN workdays w1 ON w1.day = ${vnDateSql('s.received_at')}
        LEFT JOIN workdays w2 ON w2.working AND w2.seq = w1.seq + ${FEEDBACK_WORKING_DAYS};
    `,
  },
  {
    version: 9,
    name: 'procedure versions, communes opening online payment',
    sql: `
      -- Every version of a procedure (service level, fee, synchronisation), each in force from valid_from to valid_to
      -- (inclusive; empty = open). The procedures table keeps the version in force today, for codes and joins.
      CREATE TABLE procedure_versions (
        code VARCHAR NOT NULL, name VARCHAR NOT NULL, sector VARCHAR, level VARCHAR, service_level VARCHAR NOT NULL,
        has_fee BOOLEAN, synced_national BOOLEAN, valid_from DATE, valid_to DATE);
      ALTER TABLE procedures ADD COLUMN valid_from DATE;
      ALTER TABLE procedures ADD COLUMN valid_to DATE;
      INSERT INTO procedure_versions
        SELECT code, name, sector, level, service_level, has_fee, synced_national, NULL, NULL FROM procedures;
      -- The day a commune opened online payment (FEEDS.md v2 units.csv payment_enabled_from).
      ALTER TABLE units ADD COLUMN payment_enabled_from DATE;
    `,
  },
  {
    version: 10,
    name: 'units and agencies with dates: successors',
    sql: `
      ALTER TABLE agencies ADD COLUMN valid_from DATE;
      ALTER TABLE agencies ADD COLUMN valid_to DATE;
      -- Which former units make up each new one, from the day the new one took over: whole, or a part with a weight.
      CREATE TABLE unit_successors (
        old_code VARCHAR NOT NULL, new_code VARCHAR NOT NULL, share VARCHAR NOT NULL, weight DOUBLE,
        valid_from DATE NOT NULL);
      CREATE TABLE agency_successors (old_code VARCHAR NOT NULL, new_code VARCHAR NOT NULL, valid_from DATE NOT NULL);
    `,
  },
  {
    version: 11,
    name: 'expected reports from the units in force at the cut-off',
    sql: `
      ${reportComplianceView(true)}
    `,
  },
  {
    version: 12,
    name: 'unit versions: the national code of each',
    sql: `
      -- A national code reused by a reform (the new commune keeps a former one's code) is two versions: the one in
      -- force today keeps the code, an earlier one is stored as <code>.<yyyymmdd of its last day>; national_code
      -- holds the code as the reference data and the feeds spell it.
      ALTER TABLE units ADD COLUMN national_code VARCHAR;
      UPDATE units SET national_code = code;
    `,
  },
  {
    version: 13,
    name: 'restating units to today',
    sql: `
      -- Every unit, former or current, and the unit(s) of today it counts for (through the successors, chained),
      -- with the share of it each gets: the *current* view of history (boundaries=current).
      CREATE TABLE unit_restate (code VARCHAR NOT NULL, current_code VARCHAR NOT NULL, weight DOUBLE NOT NULL);
      INSERT INTO unit_restate SELECT code, code, 1 FROM units;
    `,
  },
  {
    version: 14,
    name: 'restating agencies to today',
    sql: `
      -- Every agency, former or current, and today's agency it counts for (agency_successors, chained: Vĩnh Phúc's
      -- labour department → its Sở Nội vụ → Phú Thọ's): department rankings of today in the current view.
      CREATE TABLE agency_restate (code VARCHAR NOT NULL, current_code VARCHAR NOT NULL);
      INSERT INTO agency_restate SELECT code, code FROM agencies;
    `,
  },
  {
    version: 15,
    name: 'when a dossier left the desk, stored',
    sql: `
      -- Its result or its closing (kpis/dossier-states.ts ENDED_AT); the loader fills it for every record it stores.
      ALTER TABLE dossiers ADD COLUMN ended_at TIMESTAMPTZ;
      UPDATE dossiers AS s SET ended_at = ${ENDED_AT};
    `,
  },
];

/** Apply the migrations not yet recorded, each in its own transaction. */
export async function migrate(db: Db): Promise<number> {
  await db.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ)`,
  );
  const done = new Set(
    (await db.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version),
  );
  let applied = 0;
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    await db.transaction(async (tx) => {
      await tx.run(m.sql);
      await tx.run('INSERT INTO schema_migrations VALUES ($v, $n, now())', { v: m.version, n: m.name });
    });
    applied++;
  }
  // The working-day calendar the day counts need: the built-in years on a store that has none yet.
  await db.transaction((tx) => ensureCalendar(tx));
  return applied;
}
