// The dossiers feed (hồ sơ TTHC) and the payments feed derived from it. Dossiers are generated once
// into an in-memory table (payments and the adoption check need them), then written per year.
// Time-varying shares (online filing, digitisation, payment adoption) are curves evaluated per day
// in JS; every per-row draw is a seeded hash in SQL.
import { join } from 'node:path';
import {
  DAY_S,
  dayFromIso,
  isoFromDay,
  isWorkingDay,
  LOCAL_OFFSET_S,
  smoothstep,
  yearOfDay,
} from './calendar.ts';
import type { GenContext } from './context.ts';
import { agencyOn, agencyOnSql, feedFileName, idTag, type Region } from './merger.ts';
import { hash01 } from './random.ts';
import { DEPARTMENTS, type DemoUnit, LAGGING_DISTRICT } from './reference.ts';
import { copyRows, loadTable, slotTable, sqlText } from './sql.ts';
import { allocateDaily, expectedDaily } from './volumes.ts';

/** Weighted-choice resolution for procedures: fine enough that rare procedures keep their tiny share. */
const PROC_SLOTS = 1 << 20;

/** Annual dossier volume at scale 1. */
const DOSSIER_ANNUAL: Record<number, number> = {
  2020: 520_000,
  2021: 585_000,
  2022: 635_000,
  2023: 685_000,
  2024: 735_000,
  2025: 780_000,
  2026: 820_000,
};

function dossierAnnual(year: number): number {
  if (year < 2020) return DOSSIER_ANNUAL[2020] * 0.9 ** (2020 - year);
  if (year > 2026) return DOSSIER_ANNUAL[2026] * 1.04 ** (year - 2026);
  return DOSSIER_ANNUAL[year];
}

/**
 * The merged province on the national portal (QĐ 766), third quarter of 2026 to 26 September: 464.494 dossiers
 * received, 86,8 % of them settled on time. The demo's merged years are calibrated on it at scale 1.
 */
export const PORTAL_Q3_2026 = { from: '2026-07-01', to: '2026-09-26', received: 464_494, onTime: 0.868 };

/** Dossier volume of a region relative to the former Phú Thọ's: the merged province's from the portal's quarter. */
function volumeFactor(region: Region): number {
  if (region.key !== 'merged') return region.volume;
  const from = dayFromIso(PORTAL_Q3_2026.from);
  const expected = expectedDaily(from, dayFromIso(PORTAL_Q3_2026.to), 'counter', dossierAnnual);
  return PORTAL_Q3_2026.received / expected.reduce((a, b) => a + b, 0);
}

/**
 * On-time probability per commune of the merged province: the portal's August 2026 shares, scaled so that the
 * province as a whole lands on the quarter's 86,8 % (the portal's month was 78,4 %): each commune keeps its place.
 */
function portalOnTime(ctx: GenContext): Map<string, number> {
  const out = new Map<string, number>();
  if (ctx.region.key !== 'merged') return out;
  let received = 0;
  let late = 0;
  for (const p of ctx.ref.portal.values()) {
    received += p.received;
    late += p.received - p.onTime;
  }
  const k = (1 - PORTAL_Q3_2026.onTime) / (late / received);
  for (const u of ctx.ref.units) {
    const p = ctx.ref.portal.get(u.code);
    if (u.level === 'commune' && p && p.received > 0)
      out.set(u.code, Math.min(0.995, Math.max(0.3, 1 - (1 - p.onTime / p.received) * k)));
  }
  return out;
}

/** Seed figure: communes with a successful online payment by 31 August 2021, of 225. */
export const EARLY_ADOPTERS = 153;
export const ADOPTION_CUTOFF = '2021-08-31';

/** Three communes whose one-stop desks are far behind (something for the map to show). */
function troubledCommunes(units: readonly DemoUnit[]): Set<string> {
  const pick = (district: string, k: number) =>
    units.filter((u) => u.level === 'commune' && u.parent_code === district)[k]?.code;
  return new Set([pick(LAGGING_DISTRICT, 4), pick('240', 2), pick('234', 3)].filter((c) => c !== undefined));
}

/**
 * The day each commune's residents start paying online. The larger communes (plus a seeded
 * jitter) adopt first: 153 between February 2020 and June 2021, the other 72 from October 2021
 * to October 2023. A "pilot" payment on or right after that day makes the adoption exact.
 */
export function adoptionDays(
  units: readonly DemoUnit[],
  seed: number,
  earlyAdopters = EARLY_ADOPTERS,
): Map<string, number> {
  const EARLY = Math.min(earlyAdopters, units.filter((u) => u.level === 'commune').length - 2);
  const communes = units
    .filter((u) => u.level === 'commune')
    .map((u) => ({ code: u.code, score: u.weight * (0.6 + 0.8 * hash01(seed, 'adopt', u.code)) }))
    .sort((a, b) => b.score - a.score || a.code.localeCompare(b.code));
  const early = [dayFromIso('2020-02-01'), dayFromIso('2021-06-30')];
  const late = [dayFromIso('2021-10-01'), dayFromIso('2023-10-31')];
  const days = new Map<string, number>();
  communes.forEach((c, rank) => {
    const [a, b] = rank < EARLY ? early : late;
    const f = rank < EARLY ? rank / (EARLY - 1) : (rank - EARLY) / (communes.length - EARLY - 1);
    days.set(c.code, Math.round(a + f * (b - a)));
  });
  return days;
}

function yearsSince2020(day: number): number {
  return (day - dayFromIso('2020-01-01')) / 365.25;
}

/** Per-day shares: the adoption curves of the one-stop system, one column each in `ds_days`. */
function dayCurves(day: number, toDay: number) {
  const t = yearsSince2020(day);
  return {
    p_online_full: 0.2 + 0.65 * smoothstep(t, 0, 7), // online filing, full-online procedures
    p_online_partial: 0.12 + 0.5 * smoothstep(t, 0, 7), // online filing, partial-online procedures
    p_pay_online: 0.1 + 0.65 * smoothstep(t, 0, 6.5), // fee paid online, of online fee dossiers
    p_pos: 0.05 + 0.3 * smoothstep(t, 0, 7), // card (POS) payment, of counter fee dossiers
    p_ereceipt: 0.15 + 0.82 * smoothstep(t, 0, 5), // e-receipt issued
    p_result: 0.08 + 0.8 * smoothstep(t, 0.8, 5.5), // electronic result (pushed by Decree 107/2021)
    p_components: 0.03 + 0.72 * smoothstep(t, 1, 6), // components digitised
    p_reuse: 0.01 + 0.44 * smoothstep(t, 2, 6.5), // reused digitised data
    p_ontime: 0.955 + 0.015 * smoothstep(t, 0, 5), // on time, province-wide
    // Thanh Sơn slides over the last 18 months before the end date, whenever the demo is built.
    p_lagging: 0.93 - 0.19 * smoothstep(day, toDay - 540, toDay - 45),
    p_troubled: 0.7 - 0.08 * smoothstep(t, 0, 7), // on time in the troubled communes
    p_vneid: 0.35 * smoothstep(t, 3.4, 6), // VNeID share of online payments (from mid-2023)
    p_gateway: 0.4 - 0.15 * smoothstep(t, 0, 7), // provincial gateway share of online payments
  };
}

const CURVE_COLUMNS = Object.keys(dayCurves(0, 0)) as Array<keyof ReturnType<typeof dayCurves>>;

/** Build the in-memory `ds` table of all dossiers (with generator-only columns). */
async function buildDossiers(ctx: GenContext): Promise<void> {
  const { conn, ref, region } = ctx;
  const annual = (y: number) => dossierAnnual(y) * ctx.scale * volumeFactor(region);
  const expected = expectedDaily(ctx.fromDay, ctx.toDay, 'counter', annual);
  // No exact windows for the former provinces' dossiers: every day is rounded on its own. The merged province's
  // portal quarter holds exactly at scale 1.
  const q = { from: dayFromIso(PORTAL_Q3_2026.from), to: dayFromIso(PORTAL_Q3_2026.to) };
  const segments =
    region.key === 'merged' && ctx.scale === 1 && ctx.fromDay <= q.from && ctx.toDay >= q.to
      ? [
          { from: ctx.fromDay, to: q.from - 1 },
          { from: q.from, to: q.to, total: PORTAL_Q3_2026.received },
          ...(ctx.toDay > q.to ? [{ from: q.to + 1, to: ctx.toDay }] : []),
        ]
      : [{ from: ctx.fromDay, to: ctx.toDay }];
  const counts = allocateDaily(
    ctx.fromDay,
    expected,
    segments,
    `${ctx.seed}:${region.tag ? `${region.tag}:` : ''}dossiers`,
  );
  let first = ctx.rowBase;
  const perYear = new Map<number, number>(region.key === 'merged' ? ctx.seqStart.get('dossiers') : undefined);
  const dayRows = counts.map((n, k) => {
    const day = ctx.fromDay + k;
    const year = yearOfDay(day);
    const seq0 = perYear.get(year) ?? 0;
    perYear.set(year, seq0 + n);
    const curves = dayCurves(day, ctx.toDay);
    const row = [day, year, n, first, seq0, !isWorkingDay(day), ...CURVE_COLUMNS.map((k) => curves[k])];
    first += n;
    return row;
  });
  await loadTable(
    conn,
    'ds_days',
    [
      ['day', 'INTEGER'],
      ['year', 'INTEGER'],
      ['n', 'INTEGER'],
      ['first', 'BIGINT'],
      ['seq0', 'INTEGER'],
      ['off', 'BOOLEAN'],
      ...CURVE_COLUMNS.map((c) => [c, 'DOUBLE'] as const),
    ],
    dayRows,
  );

  // Working days (the calendar of server/reference/calendar.ts): seq counts working days up to a day, so a
  // deadline n working days after receipt is the working day whose seq is n more.
  const wdRows: [number, boolean, number][] = [];
  let wseq = 0;
  for (let day = ctx.fromDay - 7; day <= ctx.toDay + 400; day++) {
    const working = isWorkingDay(day);
    if (working) wseq++;
    wdRows.push([day, working, wseq]);
  }
  await loadTable(
    conn,
    'ds_wd',
    [
      ['day', 'INTEGER'],
      ['working', 'BOOLEAN'],
      ['seq', 'INTEGER'],
    ],
    wdRows,
  );
  await conn.run('CREATE OR REPLACE TABLE ds_wd_working AS SELECT seq, day FROM ds_wd WHERE working');

  // A sector's department as the region began (a department merged later is mapped by day below; the merged
  // province sends a sector whose department is gone to the one that took it over).
  const own = new Set(ref.agencies.map((a) => a.code));
  const deptBySector = new Map<string, string>();
  for (const d of DEPARTMENTS) {
    const code = agencyOn(ref.agencySuccessors, `${region.agencyPrefix}${d.code}`, isoFromDay(ctx.fromDay));
    if (own.has(code) && !deptBySector.has(d.sector)) deptBySector.set(d.sector, code);
  }
  await loadTable(
    conn,
    'ds_procs',
    [
      ['idx', 'INTEGER'],
      ['code', 'VARCHAR'],
      ['level', 'VARCHAR'],
      ['service_level', 'VARCHAR'],
      ['fee', 'BIGINT'],
      ['days', 'INTEGER'],
      ['synced', 'BOOLEAN'],
      ['dept_code', 'VARCHAR'],
    ],
    ref.procedures.map((p, i) => {
      const dept = deptBySector.get(p.sector);
      if (!dept) throw new Error(`no department for sector ${p.sector}`);
      return [i, p.code, p.level, p.service_level, p.has_fee ? p.fee : null, p.days, p.synced_national, dept];
    }),
  );
  await slotTable(
    conn,
    'ds_proc_slots',
    ref.procedures.map((p) => p.demand),
    PROC_SLOTS,
  );

  const communes = ref.units.filter((u) => u.level === 'commune');
  const troubled = region.key === 'pt' ? troubledCommunes(ref.units) : new Set<string>();
  const onTime = portalOnTime(ctx);
  await loadTable(
    conn,
    'ds_communes',
    [
      ['idx', 'INTEGER'],
      ['code', 'VARCHAR'],
      ['district', 'VARCHAR'],
      ['adopt_day', 'INTEGER'],
      ['troubled', 'BOOLEAN'],
      ['p_on', 'DOUBLE'],
    ],
    communes.map((c, i) => [
      i,
      c.code,
      // the merged province has no districts: a district-level procedure is the commune's own
      region.key === 'merged' ? c.code : c.parent_code,
      c.payment_enabled_from ? dayFromIso(c.payment_enabled_from) : 0,
      troubled.has(c.code),
      onTime.get(c.code) ?? null,
    ]),
  );
  await slotTable(
    conn,
    'ds_commune_slots',
    communes.map((c) => c.weight),
    1 << 16,
  );

  const asOf = ctx.asOfS;
  // Office hours of a day, from a uniform draw: 7:30–11:30 and 13:30–17:00, short mornings off-days.
  const officeTime = (u: string) => `CASE WHEN off THEN 27000 + floor(${u} * 14400)
      WHEN ${u} < 0.55 THEN 27000 + floor(${u} / 0.55 * 14400)
      ELSE 48600 + floor((${u} - 0.55) / 0.45 * 12600) END::BIGINT`;
  const midnight = (day: string) => `(${day}) * ${DAY_S} - ${LOCAL_OFFSET_S}`;
  // One (day, k) row per dossier first: expanding the day table runs on one thread, so the costly
  // per-row work below reads this table instead, which DuckDB scans in parallel.
  await conn.run('CREATE OR REPLACE TABLE ds_rows AS SELECT d.day, t.k FROM ds_days d, range(d.n) t(k)');
  await conn.run(`CREATE OR REPLACE TABLE ds AS
    WITH base AS (
      SELECT d.*, d.first + r.k AS i, d.seq0 + r.k + 1 AS seq
      FROM ds_rows r JOIN ds_days d USING (day)
    ),
    drawn AS (
      SELECT b.*, p.code AS procedure_code, p.level, p.service_level, p.fee, p.days, p.synced, p.dept_code,
             c.code AS commune, c.district, c.adopt_day, c.troubled, c.p_on AS p_unit
      FROM base b
      JOIN ds_proc_slots ps ON ps.slot = floor(u(2, b.i, 1) * ${PROC_SLOTS})::INTEGER
      JOIN ds_procs p ON p.idx = ps.idx
      JOIN ds_commune_slots cs ON cs.slot = floor(u(2, b.i, 2) * ${1 << 16})::INTEGER
      JOIN ds_communes c ON c.idx = cs.idx
    ),
    -- the appointment: the statutory working days after the day of receipt (holidays skipped)
    dated AS (
      SELECT dr.*, w2.day AS due_day
      FROM drawn dr
      JOIN ds_wd w1 ON w1.day = dr.day
      JOIN ds_wd_working w2 ON w2.seq = w1.seq + greatest(dr.days, CASE WHEN w1.working THEN 0 ELSE 1 END)
    ),
    placed AS (
      SELECT *,
        -- the receiving agency follows the procedure's level; the unit is where the applicant filed
        CASE level WHEN 'province' THEN ${agencyOnSql(ref.agencySuccessors, own, 'dept_code', 'day', isoFromDay(ctx.fromDay), isoFromDay(ctx.toDay))}
          WHEN 'district' THEN '${region.agencyPrefix}UBND-' || district ELSE '${region.agencyPrefix}UBND-' || commune END AS agency_code,
        CASE level WHEN 'district' THEN district ELSE commune END AS unit_code,
        service_level <> 'information' AS online_capable,
        ${midnight('day')} + ${officeTime('u(2, i, 5)')} AS recv_s,
        CASE WHEN p_unit IS NOT NULL THEN p_unit
             WHEN level <> 'province' AND troubled THEN p_troubled
             WHEN level <> 'province' AND district = '${LAGGING_DISTRICT}' THEN p_lagging
             ELSE p_ontime END AS p_on,
        u(2, i, 6) AS u_fate
      FROM dated
    ),
    fated AS (
      SELECT *,
        CASE WHEN online_capable AND u(2, i, 3) <
                  CASE service_level WHEN 'full_online' THEN p_online_full ELSE p_online_partial END THEN 'online'
             WHEN u(2, i, 4) < 0.04 THEN 'postal' ELSE 'counter' END AS channel,
        ${midnight('due_day')} + 61200 AS due_s,
        CASE WHEN u_fate < 0.009 THEN 'returned'
             WHEN u_fate < 0.013 THEN 'withdrawn'
             WHEN u_fate < 0.017 THEN 'cancelled'
             WHEN u_fate < 0.017 + CASE WHEN troubled THEN 0.01 ELSE 0.0004 END THEN 'stuck'
             WHEN u(2, i, 7) < p_on THEN 'on_time'
             ELSE 'late' END AS fate
      FROM placed
    ),
    closed AS (
      SELECT *,
        CASE fate
          WHEN 'on_time' THEN least(due_s, greatest(
            ${midnight(`day + floor(u(2, i, 8) * (due_day - day + 1))::INTEGER`)} + 27000 + floor(u(2, i, 9) * 34200)::BIGINT,
            recv_s + 600 + floor(u(2, i, 9) * 3600)::BIGINT))
          WHEN 'late' THEN ${midnight(`due_day + 1 + floor(u(2, i, 8) ^ 2 * CASE WHEN troubled THEN 45 ELSE 25 END)::INTEGER`)}
            + 27000 + floor(u(2, i, 9) * 34200)::BIGINT
          WHEN 'returned' THEN recv_s + 3600 + floor(u(2, i, 8) * greatest(1, due_s - recv_s - 3600))::BIGINT
          WHEN 'withdrawn' THEN recv_s + 7200 + floor(u(2, i, 8) * greatest(1, due_s - recv_s - 7200))::BIGINT
          WHEN 'cancelled' THEN recv_s + 1800 + floor(u(2, i, 8) * 3 * ${DAY_S})::BIGINT
        END AS end_s,
        fee IS NOT NULL AND channel = 'online' AND u(2, i, 10) < p_pay_online
          AND (level = 'district' OR day >= adopt_day) AS paid_online
      FROM fated
    )
    -- Only what the outputs need is kept; the day curves are joined back at write time.
    SELECT i, day, year, seq, procedure_code, agency_code, unit_code, online_capable, channel,
      recv_s, due_s, end_s, fate, fee, synced, paid_online,
      CASE WHEN end_s <= ${asOf} AND fate IN ('on_time', 'late') THEN 'completed'
           WHEN end_s <= ${asOf} AND fate IN ('returned', 'withdrawn', 'cancelled') THEN fate
           WHEN ${asOf} - recv_s < 43200 THEN 'received'
           WHEN u(2, i, 11) < 0.12 THEN 'supplement'
           ELSE 'processing' END AS status,
      fee IS NOT NULL AND (paid_online OR u(2, i, 12) < p_pos) AS paid,
      recv_s + CASE WHEN paid_online THEN 60 + floor(u(2, i, 13) * 7200) ELSE 120 + floor(u(2, i, 13) * 1500) END::BIGINT AS pay_s,
      FALSE AS pilot
    FROM closed
    WHERE recv_s <= ${asOf}`);
  await conn.run('DROP TABLE ds_rows');
  if (region.key === 'pt') ctx.seqStart.set('dossiers', perYear);

  // Pilot payments: the first fee dossier of an online procedure filed in each commune on or after
  // its adoption day is paid online, so every commune's first online payment lands on schedule.
  await conn.run(`UPDATE ds SET channel = 'online', paid_online = TRUE, paid = TRUE, pilot = TRUE
    WHERE i IN (
      SELECT arg_min(d.i, d.recv_s::HUGEINT * 4294967296 + d.i) FROM ds d JOIN ds_communes c ON d.unit_code = c.code
      WHERE d.fee IS NOT NULL AND d.online_capable AND d.day >= c.adopt_day
        AND d.fate NOT IN ('returned', 'withdrawn', 'cancelled') AND d.pay_s <= ${asOf}
      GROUP BY c.code)`);

  // The seed figure depends on every early adopter having its pilot by the cutoff; with hundreds of
  // eligible dossiers per commune and month this cannot fail, but a silent miss would be worse.
  const early = dayFromIso('2020-02-01');
  const cutoff = dayFromIso(ADOPTION_CUTOFF);
  if (region.key === 'pt' && ctx.scale >= 1 && ctx.fromDay <= early && ctx.toDay > cutoff) {
    const reader = await conn.runAndReadAll(
      `SELECT count(*) FROM ds WHERE pilot AND (pay_s + ${LOCAL_OFFSET_S}) // ${DAY_S} <= ${cutoff}`,
    );
    const pilots = Number(reader.getRows()[0][0]);
    if (pilots !== EARLY_ADOPTERS) {
      throw new Error(`${pilots} communes paid online by ${ADOPTION_CUTOFF}, expected ${EARLY_ADOPTERS}`);
    }
  }
}

/** Output columns of the dossiers feed. */
function dossierSelect(asOf: number, tag: string): string {
  return `
    'HS-${tag}' || year || '-' || lpad(seq::VARCHAR, 7, '0') AS id,
    procedure_code,
    agency_code,
    unit_code,
    channel,
    to_timestamp(recv_s) AS received_at,
    to_timestamp(due_s) AS due_at,
    to_timestamp(CASE WHEN status = 'completed' THEN end_s END) AS completed_at,
    status,
    -- the latest request for more documents: the open ones waiting now, and one in twenty of the others earlier
    to_timestamp(CASE WHEN status = 'supplement' THEN recv_s + floor(least(${asOf} - recv_s, 10 * ${DAY_S}) * u(2, i, 20))::BIGINT
      WHEN status IN ('completed', 'returned', 'withdrawn') AND u(2, i, 21) < 0.05
        THEN recv_s + floor((end_s - recv_s) * 0.4 * u(2, i, 20))::BIGINT END) AS supplement_requested_at,
    to_timestamp(CASE WHEN status IN ('completed', 'returned', 'withdrawn') AND u(2, i, 21) < 0.05
        THEN recv_s + floor((end_s - recv_s) * (0.45 + 0.4 * u(2, i, 22)))::BIGINT END) AS supplemented_at,
    to_timestamp(CASE WHEN status IN ('returned', 'withdrawn', 'cancelled') THEN end_s END) AS closed_at,
    status = 'completed' AND u(2, i, 14) < p_result AS result_digitized,
    u(2, i, 15) < p_components AS components_digitized,
    u(2, i, 16) < p_reuse AS reused_data,
    fee AS fee_vnd,
    paid_online,
    synced AS synced_national,
    CASE WHEN status = 'completed' AND u(2, i, 17) < 0.3 THEN
      CASE WHEN fate = 'on_time' THEN
             CASE WHEN u(2, i, 18) < 0.9 THEN 'satisfied' WHEN u(2, i, 18) < 0.97 THEN 'neutral' ELSE 'unsatisfied' END
           ELSE CASE WHEN u(2, i, 18) < 0.35 THEN 'satisfied' WHEN u(2, i, 18) < 0.65 THEN 'neutral' ELSE 'unsatisfied' END
      END END AS satisfaction,
    -- the latest event; an open dossier was last touched within its first weeks
    to_timestamp(greatest(
      CASE WHEN status IN ('completed', 'returned', 'withdrawn', 'cancelled') THEN end_s
           ELSE recv_s + floor(least(${asOf} - recv_s, 20 * ${DAY_S}) * u(2, i, 19))::BIGINT END,
      CASE WHEN paid AND pay_s <= ${asOf} THEN pay_s ELSE recv_s END)) AS updated_at`;
}

/**
 * Payment attempts of one dossier: an optional failed attempt (≈ 3 %) a few minutes before the
 * successful one; the successful one becomes `refunded` when the dossier was returned or cancelled
 * after paying, or (rarely) at random.
 */
function paymentSelect(asOf: number, year: number, tag: string): string {
  const channel = `CASE WHEN NOT paid_online THEN 'counter_pos'
      WHEN u(3, i, 2) < p_vneid THEN 'vneid'
      WHEN u(3, i, 2) < p_vneid + 0.08 THEN 'bank_transfer'
      WHEN u(3, i, 2) < p_vneid + 0.08 + p_gateway THEN 'provincial_gateway'
      ELSE 'national_portal' END`;
  return `
    WITH payers AS (
      SELECT *, ${channel} AS pay_channel,
        u(3, i, 1) < 0.03 AS had_failure,
        CASE WHEN status IN ('returned', 'withdrawn', 'cancelled') AND end_s >= pay_s THEN end_s + ${DAY_S} + floor(u(3, i, 3) * 2 * ${DAY_S})::BIGINT
             WHEN NOT pilot AND u(3, i, 4) < 0.002 THEN pay_s + 2 * ${DAY_S} + floor(u(3, i, 3) * 10 * ${DAY_S})::BIGINT
        END AS refund_s
      FROM ds JOIN ds_days USING (day, year)
      WHERE paid AND pay_s <= ${asOf} AND year = ${year}
    ),
    attempts AS (
      SELECT i, year, seq, 1 AS attempt, 'failed' AS status, greatest(recv_s, pay_s - 120 - floor(u(3, i, 5) * 1500)::BIGINT) AS paid_s,
             NULL::BIGINT AS refund_s, pay_channel, agency_code, unit_code, fee, FALSE AS receipt
      FROM payers WHERE had_failure
      UNION ALL
      SELECT i, year, seq, CASE WHEN had_failure THEN 2 ELSE 1 END,
             CASE WHEN refund_s <= ${asOf} THEN 'refunded' ELSE 'success' END, pay_s,
             CASE WHEN refund_s <= ${asOf} THEN refund_s END, pay_channel, agency_code, unit_code, fee,
             u(3, i, 6) < p_ereceipt
      FROM payers
    )
    SELECT
      'TT-${tag}' || year || '-' || lpad(seq::VARCHAR, 7, '0') || '-' || attempt AS id,
      'HS-${tag}' || year || '-' || lpad(seq::VARCHAR, 7, '0') AS dossier_id,
      agency_code,
      unit_code,
      fee AS amount_vnd,
      to_timestamp(paid_s) AS paid_at,
      pay_channel AS channel,
      status,
      receipt AS e_receipt,
      to_timestamp(coalesce(refund_s, paid_s)) AS updated_at
    FROM attempts
    ORDER BY i, attempt`;
}

/** Generate and write the dossiers and payments feeds. */
export async function writeDossiersAndPayments(
  ctx: GenContext,
): Promise<{ dossierFiles: string[]; paymentFiles: string[]; dossiers: number; payments: number }> {
  ctx.progress('dossiers', 0, 1);
  await buildDossiers(ctx);
  ctx.progress('dossiers', 1, 1);
  const years = (await ctx.conn.runAndReadAll('SELECT DISTINCT year FROM ds ORDER BY year'))
    .getRows()
    .map((r) => Number(r[0]));
  const tag = idTag(ctx.region);
  const dossierFiles = years.map((y) =>
    join(ctx.dataDir, 'feeds', 'dossiers', feedFileName('dossiers', ctx.region, y)),
  );
  const paymentFiles = years.map((y) =>
    join(ctx.dataDir, 'feeds', 'payments', feedFileName('payments', ctx.region, y)),
  );
  const jobs = years.flatMap((year, k) => [
    `COPY (SELECT ${dossierSelect(ctx.asOfS, tag)} FROM ds JOIN ds_days USING (day, year) WHERE year = ${year} ORDER BY i)
     TO ${sqlText(dossierFiles[k])} (FORMAT parquet, COMPRESSION zstd)`,
    `COPY (${paymentSelect(ctx.asOfS, year, tag)}) TO ${sqlText(paymentFiles[k])} (FORMAT parquet, COMPRESSION zstd)`,
  ]);
  let done = 0;
  const counts = await ctx.parallel(
    jobs.map((sql) => async (conn) => {
      const n = await copyRows(conn, sql);
      ctx.progress('dossiers', ++done, jobs.length);
      return n;
    }),
  );
  // Jobs alternate dossiers, payments per year.
  const dossiers = counts.filter((_, k) => k % 2 === 0).reduce((a, b) => a + b, 0);
  const payments = counts.filter((_, k) => k % 2 === 1).reduce((a, b) => a + b, 0);
  await ctx.conn.run('DROP TABLE ds');
  return { dossierFiles, paymentFiles, dossiers, payments };
}
