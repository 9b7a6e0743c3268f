// Recomputes the seed figures and basic invariants straight from the generated files with DuckDB,
// independently of the generator's own bookkeeping. Run directly to check a data folder:
//   node --import tsx server/demo/verify.ts [data]
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { REFORM_DAY } from './merger.ts';
import { sqlText } from './sql.ts';

/** The seed figures of SUBSYSTEMS.md as named by verifyDemoFiles. */
export const SEED_FIGURES: Record<string, number> = {
  documents_2021_jan_aug: 625_412,
  documents_2020_jan_aug: 461_218,
  axis_out_2021_jan_aug: 135_221,
  axis_out_2020_jan_aug: 97_844,
  procedures_total: 1977,
  procedures_partial_online: 851,
  procedures_full_online: 677,
  procedures_synced_national: 626,
  signatures_issued_2021_08: 4556,
  communes_online_payment_2021_08: 153,
  communes_total: 225,
};

/** Invariants that must be zero whatever the seed or scale. */
export const MUST_BE_ZERO = [
  'future_event_timestamps',
  'documents_completed_before_at',
  'dossiers_completed_before_received',
  'dossiers_due_not_after_received',
  'dossiers_completed_status_mismatch',
  'duplicate_ids',
  'unknown_codes',
  'agencies_without_documents_2021_jan_aug',
];

/**
 * Compute the seed figures, invariants and a few dashboard figures from the files in `dataDir`.
 * Local dates are Asia/Ho_Chi_Minh; "now" is the time of the check.
 */
export async function verifyDemoFiles(dataDir: string): Promise<Record<string, number>> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const path = (...p: string[]) => sqlText(join(dataDir, ...p));
  const local = (col: string) => `timezone('Asia/Ho_Chi_Minh', ${col})::DATE`;
  const out: Record<string, number> = {};
  const scalar = async (name: string, sql: string) => {
    const rows = (await conn.runAndReadAll(sql)).getRows();
    out[name] = Number(rows[0]?.[0] ?? Number.NaN);
  };
  try {
    const ref = (file: string) => `read_csv(${path('reference', file)}, all_varchar = true, header = true)`;
    await conn.run(`CREATE VIEW units AS SELECT * FROM ${ref('units.csv')}`);
    await conn.run(`CREATE VIEW agencies AS SELECT * FROM ${ref('agencies.csv')}`);
    await conn.run(`CREATE VIEW procedures AS SELECT * FROM ${ref('procedures.csv')}`);
    await conn.run(`CREATE VIEW indicators AS SELECT * FROM ${ref('indicators.csv')}`);
    await conn.run(
      `CREATE VIEW documents AS SELECT * FROM read_parquet(${path('feeds', 'documents', '*.parquet')})`,
    );
    await conn.run(
      `CREATE VIEW dossiers AS SELECT * FROM read_parquet(${path('feeds', 'dossiers', '*.parquet')})`,
    );
    await conn.run(
      `CREATE VIEW payments AS SELECT * FROM read_parquet(${path('feeds', 'payments', '*.parquet')})`,
    );
    await conn.run(
      `CREATE VIEW reports AS SELECT * REPLACE (value::DOUBLE AS value, submitted_at::TIMESTAMPTZ AS submitted_at,
         updated_at::TIMESTAMPTZ AS updated_at)
       FROM read_csv(${path('feeds', 'reports', 'reports.csv')}, all_varchar = true, header = true)`,
    );
    // The seed figures are the former Phú Thọ's (its files keep the plain names; the merged province's start on
    // 1/7/2025): its documents, agencies and communes.
    await conn.run(
      `CREATE TEMP TABLE doc_local AS SELECT *, ${local('"at"')} AS day
       FROM read_parquet(${path('feeds', 'documents', 'documents-20??.parquet')}) WHERE "at" < TIMESTAMPTZ '${REFORM_DAY} 00:00:00+07'`,
    );
    await conn.run(
      `CREATE TEMP TABLE pt_communes AS SELECT code FROM units WHERE level = 'commune'
       AND parent_code IN (SELECT code FROM units WHERE level = 'district' AND parent_code = '25')`,
    );
    await conn.run(
      `CREATE TEMP TABLE pt_agencies AS SELECT * FROM agencies WHERE coalesce(valid_from, '') < '2021-01-01'
       AND (unit_code = '25' OR unit_code IN (SELECT code FROM pt_communes)
            OR unit_code IN (SELECT code FROM units WHERE level = 'district' AND parent_code = '25'))`,
    );

    // 1–3: documents
    for (const year of [2021, 2020]) {
      const range = `day BETWEEN DATE '${year}-01-01' AND DATE '${year}-08-31'`;
      await scalar(`documents_${year}_jan_aug`, `SELECT count(*) FROM doc_local WHERE ${range}`);
      await scalar(
        `axis_out_${year}_jan_aug`,
        `SELECT count(*) FROM doc_local WHERE ${range} AND direction = 'out' AND via_national_axis`,
      );
    }
    await scalar('agencies_total', 'SELECT count(*) FROM pt_agencies');
    await scalar(
      'agencies_without_documents_2021_jan_aug',
      `SELECT count(*) FROM pt_agencies a WHERE NOT EXISTS (SELECT 1 FROM doc_local d
         WHERE d.agency_code = a.code AND d.day BETWEEN DATE '2021-01-01' AND DATE '2021-08-31')`,
    );
    await scalar(
      'agencies_without_documents_any_full_year',
      `SELECT count(*) FROM pt_agencies a, (SELECT DISTINCT year(day) AS y FROM doc_local WHERE year(day) < 2025) y
       WHERE (a.valid_to IS NULL OR a.valid_to = '' OR a.valid_to >= y.y || '-12-31') AND NOT EXISTS (SELECT 1 FROM doc_local d WHERE d.agency_code = a.code AND year(d.day) = y.y)`,
    );
    await scalar('subject_max_length', 'SELECT max(length(subject)) FROM documents');
    for (const year of [2020, 2021, 2024]) {
      await scalar(
        `signed_out_rate_${year}`,
        `SELECT round(100 * avg(digitally_signed::INTEGER), 2) FROM doc_local WHERE direction = 'out' AND year(day) = ${year}`,
      );
    }

    // 4: reports
    await scalar(
      'signatures_issued_2021_08',
      `SELECT value FROM reports WHERE indicator_code = 'signatures_issued' AND period = '2021-08' AND unit_code = '25'`,
    );
    await scalar(
      'video_endpoints_2021_08',
      `SELECT value FROM reports WHERE indicator_code = 'video_endpoints' AND period = '2021-08' AND unit_code = '25'`,
    );

    // 5: procedures
    // One row per version (FEEDS.md v2): the catalogue as it stood on 31/8/2021.
    await conn.run(`CREATE TEMP TABLE catalogue AS SELECT * FROM procedures
      WHERE coalesce(valid_from, '') <= '2021-08-31' AND (coalesce(valid_to, '') = '' OR valid_to >= '2021-08-31')`);
    await scalar('procedures_total', 'SELECT count(*) FROM catalogue');
    await scalar(
      'procedures_partial_online',
      `SELECT count(*) FROM catalogue WHERE service_level = 'partial_online'`,
    );
    await scalar(
      'procedures_full_online',
      `SELECT count(*) FROM catalogue WHERE service_level = 'full_online'`,
    );
    await scalar(
      'procedures_synced_national',
      `SELECT count(DISTINCT code) FROM procedures WHERE synced_national = 'true'`,
    );

    // 6: communes with a successful online payment by a date
    await scalar('communes_total', `SELECT count(*) FROM pt_communes`);
    const communesPaying = (date: string) => `SELECT count(DISTINCT p.unit_code) FROM payments p
      JOIN pt_communes u ON u.code = p.unit_code
      WHERE p.status = 'success' AND p.channel <> 'counter_pos' AND ${local('p.paid_at')} <= DATE '${date}'`;
    await scalar('communes_online_payment_2021_08', communesPaying('2021-08-31'));
    await scalar('communes_online_payment_2022_12', communesPaying('2022-12-31'));
    await scalar('communes_online_payment_2024_12', communesPaying('2024-12-31'));

    // Row counts
    for (const feed of ['documents', 'dossiers', 'payments', 'reports']) {
      await scalar(`rows_${feed}`, `SELECT count(*) FROM ${feed}`);
    }

    // Invariants. Deadlines (due_at) may lie in the future; events may not.
    await scalar(
      'future_event_timestamps',
      `SELECT (SELECT count(*) FROM documents WHERE greatest("at", completed_at, updated_at) > now())
            + (SELECT count(*) FROM dossiers WHERE greatest(received_at, completed_at, updated_at) > now())
            + (SELECT count(*) FROM payments WHERE greatest(paid_at, updated_at) > now())
            + (SELECT count(*) FROM reports WHERE greatest(submitted_at, updated_at) > now())`,
    );
    // Deadlines of open items lie ahead by design; this many exceed the loader's one-day limit.
    await scalar(
      'due_at_more_than_1_day_ahead',
      `SELECT (SELECT count(*) FROM documents WHERE due_at > now() + INTERVAL 1 DAY)
            + (SELECT count(*) FROM dossiers WHERE due_at > now() + INTERVAL 1 DAY)`,
    );
    await scalar('documents_completed_before_at', `SELECT count(*) FROM documents WHERE completed_at < "at"`);
    await scalar(
      'dossiers_completed_before_received',
      'SELECT count(*) FROM dossiers WHERE completed_at < received_at',
    );
    await scalar(
      'dossiers_due_not_after_received',
      'SELECT count(*) FROM dossiers WHERE due_at <= received_at',
    );
    await scalar(
      'dossiers_completed_status_mismatch',
      `SELECT count(*) FROM dossiers WHERE (completed_at IS NOT NULL) <> (status = 'completed')`,
    );
    await scalar(
      'duplicate_ids',
      `SELECT (SELECT count(*) - count(DISTINCT id) FROM documents) + (SELECT count(*) - count(DISTINCT id) FROM dossiers)
            + (SELECT count(*) - count(DISTINCT id) FROM payments) + (SELECT count(*) - count(DISTINCT id) FROM reports)`,
    );
    await scalar(
      'unknown_codes',
      `SELECT (SELECT count(*) FROM documents WHERE agency_code NOT IN (SELECT code FROM agencies))
            + (SELECT count(*) FROM dossiers WHERE agency_code NOT IN (SELECT code FROM agencies)
                 OR unit_code NOT IN (SELECT code FROM units) OR procedure_code NOT IN (SELECT code FROM procedures))
            + (SELECT count(*) FROM payments WHERE agency_code NOT IN (SELECT code FROM agencies)
                 OR unit_code NOT IN (SELECT code FROM units) OR dossier_id NOT IN (SELECT id FROM dossiers))
            + (SELECT count(*) FROM reports WHERE indicator_code NOT IN (SELECT code FROM indicators)
                 OR unit_code NOT IN (SELECT code FROM units) OR agency_code NOT IN (SELECT code FROM agencies))`,
    );

    // Dashboard figures: on-time rate in the last complete quarter, province-wide and in Thanh Sơn.
    const lastQuarter = `(SELECT date_trunc('quarter', max(${local('received_at')}))::DATE - INTERVAL 3 MONTH FROM dossiers)`;
    const onTime = (
      where: string,
    ) => `SELECT round(100 * avg((completed_at <= due_at)::INTEGER), 2) FROM dossiers d
      JOIN units u ON u.code = d.unit_code
      WHERE status = 'completed' AND date_trunc('quarter', ${local('completed_at')}) = ${lastQuarter} AND ${where}`;
    await scalar('ontime_rate_last_quarter_province', onTime('TRUE'));
    await scalar(
      'ontime_rate_2025_q2_thanh_son',
      `SELECT round(100 * avg((completed_at <= due_at)::INTEGER), 2) FROM dossiers d JOIN units u ON u.code = d.unit_code
       WHERE status = 'completed' AND (u.code = '238' OR u.parent_code = '238')
         AND ${local('received_at')} BETWEEN DATE '2025-04-01' AND DATE '2025-06-30'`,
    );
    await scalar(
      'ontime_rate_2021_province',
      `SELECT round(100 * avg((completed_at <= due_at)::INTEGER), 2) FROM dossiers
      WHERE status = 'completed' AND year(${local('completed_at')}) = 2021`,
    );
    for (const year of [2020, 2026]) {
      await scalar(
        `online_share_${year}`,
        `SELECT round(100 * avg((channel = 'online')::INTEGER), 2) FROM dossiers WHERE year(${local('received_at')}) = ${year}`,
      );
    }
    await scalar(
      'dossiers_overdue_in_progress',
      `SELECT count(*) FROM dossiers
      WHERE status IN ('received', 'processing', 'supplement') AND due_at < now()`,
    );
    return out;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dataDir = process.argv[2] ?? 'data';
  const started = Date.now();
  const figures = await verifyDemoFiles(dataDir);
  let failures = 0;
  for (const [name, value] of Object.entries(figures)) {
    let check = '';
    if (name in SEED_FIGURES)
      check = value === SEED_FIGURES[name] ? 'ok' : `FAIL (expected ${SEED_FIGURES[name]})`;
    if (MUST_BE_ZERO.includes(name)) check = value === 0 ? 'ok' : 'FAIL (expected 0)';
    if (name === 'video_endpoints_2021_08')
      check = value > 300 && value <= 330 ? 'ok' : 'FAIL (expected 301–330)';
    if (name === 'communes_online_payment_2024_12') check = value === 225 ? 'ok' : 'FAIL (expected 225)';
    if (check.startsWith('FAIL')) failures++;
    console.log(`${name.padEnd(42)} ${String(value).padStart(12)}  ${check}`);
  }
  console.log(`verified in ${((Date.now() - started) / 1000).toFixed(1)} s; ${failures} failure(s)`);
  process.exitCode = failures ? 1 : 0;
}
