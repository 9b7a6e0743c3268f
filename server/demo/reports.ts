// The reports feed (chế độ báo cáo): one value per indicator × period × unit, written as CSV so the
// demo also exercises the CSV path. About ten thousand rows, so values come from small per-indicator
// models in JS (trend × seasonality × seeded noise); two series are pinned to the seed figures.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  addWorkingDays,
  DAY_S,
  dayFromIso,
  isoFromDay,
  isoLocalWithOffset,
  LOCAL_OFFSET_S,
  smoothstep,
} from './calendar.ts';

/** Day of the month (1–31) of a day number. */
const monthEndDate = (day: number) => Number(isoFromDay(day).slice(8, 10));

import type { GenContext } from './context.ts';
import { toCsv } from './csv.ts';
import { agencyOn } from './merger.ts';
import { hash01, hashNormal, hashPoisson } from './random.ts';
import { type DemoIndicator, LATE_REPORTING_DISTRICTS } from './reference.ts';

interface Period {
  /** `2021-08`, `2021-Q3`, `2021` */
  label: string;
  year: number;
  /** month 1–12, quarter 1–4, or 0 for a year */
  part: number;
  startDay: number;
  endDay: number;
  /** months since January 2020 of the period's last month */
  monthIndex: number;
  /** years since 2020-01-01 at the period's end */
  t: number;
}

interface ReportRow {
  id: string;
  indicator_code: string;
  unit_code: string;
  period: string;
  value: number;
  submitted_at: string;
  agency_code: string;
  updated_at: string;
}

function lastDayOfMonth(year: number, month: number): number {
  return (
    dayFromIso(
      `${month === 12 ? year + 1 : year}-${String(month === 12 ? 1 : month + 1).padStart(2, '0')}-01`,
    ) - 1
  );
}

/** Every complete period of `frequency` overlapping [fromDay, toDay]. */
function periods(frequency: DemoIndicator['frequency'], fromDay: number, toDay: number): Period[] {
  const out: Period[] = [];
  const y0 = new Date(fromDay * 86_400_000).getUTCFullYear();
  const y1 = new Date(toDay * 86_400_000).getUTCFullYear();
  const base = dayFromIso('2020-01-01');
  for (let year = y0; year <= y1; year++) {
    const parts =
      frequency === 'month'
        ? Array.from({ length: 12 }, (_, k) => [k + 1, k + 1, k + 1] as const)
        : frequency === 'quarter'
          ? Array.from({ length: 4 }, (_, k) => [k + 1, 3 * k + 1, 3 * k + 3] as const)
          : frequency === 'half'
            ? ([
                [1, 1, 6],
                [2, 7, 12],
              ] as const)
            : ([[0, 1, 12]] as const);
    for (const [part, m0, m1] of parts) {
      const startDay = dayFromIso(`${year}-${String(m0).padStart(2, '0')}-01`);
      const endDay = lastDayOfMonth(year, m1);
      if (endDay < fromDay || endDay >= toDay) continue;
      const label =
        frequency === 'month'
          ? `${year}-${String(part).padStart(2, '0')}`
          : frequency === 'quarter'
            ? `${year}-Q${part}`
            : frequency === 'half'
              ? `${year}-H${part}`
              : String(year);
      out.push({
        label,
        year,
        part,
        startDay,
        endDay,
        monthIndex: (year - 2020) * 12 + m1 - 1,
        t: (endDay - base) / 365.25,
      });
    }
  }
  return out;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const at = <T>(table: Record<number, T>, year: number, fallback: (last: T, yearsAfter: number) => T): T => {
  if (table[year] !== undefined) return table[year];
  const years = Object.keys(table).map(Number);
  const last = Math.max(...years);
  if (year > last) return fallback(table[last], year - last);
  return table[Math.min(...years)];
};

/** Seed figure: specialised digital signatures issued, cumulative, as of 31/8/2021. */
export const SIGNATURES_2021_08 = 4556;
/** Seed figure: "more than 300" video-conference endpoints in 2021. */
export const VIDEO_ENDPOINTS_2021_08 = 312;
const ANCHOR_MONTH = 19; // 2021-08, in months since January 2020

/**
 * The cumulative signature count: seeded monthly increments, scaled so that August 2021 is exactly
 * the seed figure; non-decreasing because each increment is positive.
 */
function signatureSeries(seed: number, months: number): number[] {
  const start = 2600;
  const inc: number[] = [];
  for (let m = 0; m < Math.max(months, ANCHOR_MONTH + 1); m++) {
    const t = m / 12;
    // A steady trickle, a push when every commune got certificates (2021–2022), then renewals.
    const base = 60 + 140 * smoothstep(t, 1, 2.5) - 60 * smoothstep(t, 3, 4);
    inc.push(base * (0.6 + 0.8 * hash01(seed, 'signatures', m)));
  }
  const cum: number[] = [];
  inc.reduce((s, x, m) => {
    cum[m] = s + x;
    return cum[m];
  }, 0);
  const k = (SIGNATURES_2021_08 - start) / cum[ANCHOR_MONTH];
  return cum.map((c) => Math.round(start + k * c));
}

/** Installed endpoints: a piecewise-linear roll-out through the knots, exactly 312 in August 2021. */
function videoEndpoints(monthIndex: number): number {
  const knots: Array<[number, number]> = [
    [0, 62],
    [3, 75],
    [9, 190],
    [14, 268],
    [ANCHOR_MONTH, VIDEO_ENDPOINTS_2021_08],
    [29, 328],
    [59, 341],
    [83, 352],
  ];
  if (monthIndex <= 0) return knots[0][1];
  for (let k = 1; k < knots.length; k++) {
    const [m1, v1] = knots[k];
    const [m0, v0] = knots[k - 1];
    if (monthIndex <= m1) return Math.round(v0 + ((v1 - v0) * (monthIndex - m0)) / (m1 - m0));
  }
  return 352 + Math.floor((monthIndex - 83) / 6);
}

interface ValueContext {
  seed: number;
  code: string;
  unit: string;
  p: Period;
  /** the unit's share of province totals (1 for the province) */
  share: number;
}

type Model = (c: ValueContext) => number;

const noise = (c: ValueContext, ...k: Array<string | number>) =>
  hashNormal(c.seed, c.code, c.unit, c.p.label, ...k);
const poisson = (c: ValueContext, mean: number) =>
  hashPoisson(Math.max(0, mean), c.seed, c.code, c.unit, c.p.label);
const quarterShare = (c: ValueContext, shares: readonly number[]) => shares[c.p.part - 1];
/** Month of the period's end, 1–12. */
const monthOf = (p: Period) => (p.monthIndex % 12) + 1;
const growth = (rate: number) => (last: number, n: number) => last * (1 + rate) ** n;

const GRDP: Record<number, number> = {
  2020: 6.04,
  2021: 6.55,
  2022: 8.52,
  2023: 5.88,
  2024: 7.45,
  2025: 8.1,
  2026: 8.6,
};
const BUDGET: Record<number, number> = {
  2020: 7820,
  2021: 9120,
  2022: 10650,
  2023: 9200,
  2024: 10400,
  2025: 11800,
  2026: 12600,
};
const EXPORTS: Record<number, number> = {
  2020: 2080,
  2021: 2610,
  2022: 2900,
  2023: 2700,
  2024: 3150,
  2025: 3500,
  2026: 3800,
};
const IIP: Record<number, number> = {
  2020: 108.5,
  2021: 110.2,
  2022: 112,
  2023: 104.5,
  2024: 110.5,
  2025: 111.8,
  2026: 112.3,
};
const NEW_ENTERPRISES: Record<number, number> = {
  2020: 820,
  2021: 870,
  2022: 1010,
  2023: 980,
  2024: 1100,
  2025: 1250,
  2026: 1320,
};
const POVERTY: Record<number, number> = {
  2020: 5.92,
  2021: 4.48,
  2022: 6.31,
  2023: 4.93,
  2024: 3.71,
  2025: 2.86,
};
const GRADUATION: Record<number, number> = {
  2020: 98.95,
  2021: 99.12,
  2022: 98.71,
  2023: 99.05,
  2024: 99.31,
  2025: 99.42,
};
const RANKINGS: Record<string, Record<number, number>> = {
  pci_score: { 2020: 64.89, 2021: 65.62, 2022: 66.14, 2023: 66.55, 2024: 67.31, 2025: 67.9 },
  pci_rank: { 2020: 27, 2021: 23, 2022: 21, 2023: 19, 2024: 16, 2025: 14 },
  papi_score: { 2020: 42.6, 2021: 43.1, 2022: 43.5, 2023: 43.2, 2024: 44, 2025: 44.4 },
  papi_rank: { 2020: 28, 2021: 24, 2022: 19, 2023: 22, 2024: 15, 2025: 12 },
  par_index_score: { 2020: 84.76, 2021: 86.12, 2022: 86.95, 2023: 87.4, 2024: 88.6, 2025: 89.3 },
  par_index_rank: { 2020: 30, 2021: 21, 2022: 17, 2023: 18, 2024: 12, 2025: 10 },
  sipas_score: { 2020: 84.9, 2021: 85.6, 2022: 86.8, 2023: 87.5, 2024: 88.9, 2025: 89.6 },
  dti_score: { 2020: 0.41, 2021: 0.47, 2022: 0.52, 2023: 0.55, 2024: 0.61, 2025: 0.66 },
  dti_rank: { 2020: 27, 2021: 22, 2022: 19, 2023: 16, 2024: 12, 2025: 11 },
};

/** Monthly traffic accidents, shared by the deaths and injuries models. */
const accidents: Model = (c) => {
  const m = monthOf(c.p);
  const season = [1.25, 1.45, 1, 1.05, 0.95, 0.9, 0.9, 0.95, 1, 0.95, 0.95, 1.1][m - 1];
  const lockdown = c.p.label === '2020-04' ? 0.6 : 1;
  return poisson(c, ((205 * 0.96 ** c.p.t) / 12) * season * lockdown * c.share);
};

const MODELS: Record<string, Model> = {
  grdp_growth: (c) => {
    const dev = c.p.year === 2020 ? [-0.8, -1.9, -0.9, 0] : [-0.6, -0.3, -0.15, 0];
    return round(at(GRDP, c.p.year, () => 8) + dev[c.p.part - 1] + 0.15 * noise(c), 2);
  },
  budget_revenue: (c) =>
    round(
      at(BUDGET, c.p.year, growth(0.07)) * quarterShare(c, [0.22, 0.25, 0.24, 0.29]) * (1 + 0.05 * noise(c)),
      1,
    ),
  total_investment: (c) =>
    round(
      30800 * 1.08 ** (c.p.year - 2020) * quarterShare(c, [0.2, 0.25, 0.25, 0.3]) * (1 + 0.04 * noise(c)),
      1,
    ),
  export_value: (c) =>
    round(
      at(EXPORTS, c.p.year, growth(0.08)) * quarterShare(c, [0.23, 0.25, 0.26, 0.26]) * (1 + 0.04 * noise(c)),
      1,
    ),
  industrial_production_index: (c) =>
    round(at(IIP, c.p.year, () => 111) + (c.p.label === '2020-Q2' ? -3 : 0) + 0.6 * noise(c), 2),
  retail_sales: (c) => {
    const annual = c.p.year <= 2021 ? (c.p.year === 2020 ? 31500 : 32100) : 32100 * 1.11 ** (c.p.year - 2021);
    return round(annual * quarterShare(c, [0.25, 0.24, 0.25, 0.26]) * (1 + 0.03 * noise(c)), 1);
  },
  new_enterprises: (c) =>
    poisson(
      c,
      at(NEW_ENTERPRISES, c.p.year, growth(0.05)) * quarterShare(c, [0.21, 0.26, 0.26, 0.27]) * c.share,
    ),
  poverty_rate: (c) => round(at(POVERTY, c.p.year, (last, n) => last * 0.8 ** n) + 0.03 * noise(c), 2),
  health_insurance_coverage: (c) => round(Math.min(95.5, 90.4 + 0.7 * c.p.t) + 0.1 * noise(c), 2),
  hospital_bed_occupancy: (c) => {
    const m = monthOf(c.p);
    let v = 98 + 4 * Math.cos((2 * Math.PI * (m - 1)) / 12);
    if (m === 2) v -= 15;
    if (c.p.label === '2020-04') v -= 25;
    if (c.p.label === '2021-08' || c.p.label === '2021-09') v -= 12;
    return round(v + 3 * noise(c), 1);
  },
  child_full_vaccination: (c) => {
    // 2023 H1: the national vaccine shortage.
    const dip = c.p.label === '2021-Q3' ? 3 : c.p.label === '2023-Q1' || c.p.label === '2023-Q2' ? 6 : 0;
    return round(Math.min(99.5, 97.2 - dip + 0.4 * noise(c)), 1);
  },
  doctors_per_10k: (c) => round(10.1 + 0.45 * (c.p.year - 2020) + 0.1 * noise(c), 1),
  outpatient_visits: (c) => {
    const m = monthOf(c.p);
    const season = [0.95, 0.82, 1, 1, 1, 0.98, 1, 1, 1.02, 1.03, 1.04, 1.08][m - 1];
    const covid =
      c.p.label === '2020-04' ? 0.65 : c.p.label === '2021-08' || c.p.label === '2021-09' ? 0.75 : 1;
    return Math.round(((3_300_000 * 1.03 ** c.p.t) / 12) * season * covid * c.share * (1 + 0.04 * noise(c)));
  },
  schools_national_standard: (c) => round(Math.min(95, 78.6 + 1.6 * (c.p.year - 2020) + 0.3 * noise(c)), 1),
  upper_secondary_graduation: (c) =>
    round(Math.min(99.9, at(GRADUATION, c.p.year, () => 99.4) + 0.05 * noise(c)), 2),
  preschool_enrolment: (c) => round(Math.min(99.5, 97.6 + 0.25 * (c.p.year - 2020) + 0.2 * noise(c)), 1),
  students: (c) => Math.round(318_400 * 1.011 ** (c.p.year - 2020) * (1 + 0.002 * noise(c))),
  aqi_average: (c) => {
    const m = monthOf(c.p);
    const lockdown = c.p.label === '2020-04' ? -12 : 0;
    return Math.max(
      15,
      Math.round(72 + 28 * Math.cos((2 * Math.PI * (m - 1)) / 12) - 1.2 * c.p.t + lockdown + 5 * noise(c)),
    );
  },
  urban_waste_collection: (c) => round(Math.min(98.5, 92.6 + 0.8 * c.p.t) + 0.15 * noise(c), 1),
  clean_water_access: (c) => round(Math.min(90, 63.8 + 2 * c.p.t) + 0.1 * noise(c), 1),
  forest_cover: (c) =>
    round(39.6 + 0.1 * (c.p.year - 2020) - (c.p.year === 2024 ? 0.3 : 0) + 0.05 * noise(c), 2),
  environmental_violations: (c) => poisson(c, (130 / 4) * 0.97 ** c.p.t * c.share),
  traffic_accidents: accidents,
  traffic_deaths: (c) => poisson(c, accidents({ ...c, code: 'traffic_accidents' }) * 0.62),
  traffic_injuries: (c) => poisson(c, accidents({ ...c, code: 'traffic_accidents' }) * 0.8),
  crimes_reported: (c) => {
    const m = monthOf(c.p);
    return poisson(c, ((960 * 0.97 ** c.p.t) / 12) * (m <= 2 ? 1.2 : 0.97) * c.share);
  },
  crimes_solved_rate: (c) => round(Math.min(99, 86 + Math.min(7, 1 * c.p.t) + 2 * noise(c)), 1),
  fires: (c) => {
    const m = monthOf(c.p);
    return poisson(c, (60 / 12) * (m >= 11 || m <= 4 ? 1.5 : 0.55) * c.share);
  },
  cyber_attacks_blocked: (c) => Math.round(1800 * Math.exp(0.25 * c.p.t) * Math.max(0.5, 1 + 0.2 * noise(c))),
  security_incidents: (c) => poisson(c, 3.2 * Math.exp(-0.25 * c.p.t)),
  systems_security_level_approved: (c) =>
    round(Math.min(100, 15 + 81 * smoothstep(c.p.t, 0.5, 5.5) + 0.5 * noise(c)), 1),
  // Published by the portal from mid-2022 (QĐ 766 took effect then); the 2025 merger and the new method cost points.
  portal_score: (c) =>
    round(Math.min(92, 64 + 4.2 * Math.min(c.p.t, 3.5) - (c.p.year >= 2025 ? 4.5 : 0) + 0.8 * noise(c)), 2),
  portal_rank: (c) => Math.max(1, Math.min(63, Math.round(22 - 4 * Math.min(c.p.t, 3.5) + 2 * noise(c)))),
  index766_transparency: (c) =>
    round(Math.min(18, 13.8 + 3.4 * smoothstep(c.p.t, 1.5, 6) + 0.3 * noise(c)), 2),
};

function rankingValue(c: ValueContext): number {
  const table = RANKINGS[c.code];
  const isRank = c.code.endsWith('_rank');
  const v = at(table, c.p.year, (last, n) => (isRank ? last - n : last * 1.005 ** n));
  return isRank ? Math.min(63, Math.max(1, Math.round(v))) : v;
}

/** Indicator units that are quantities (they add up across provinces), not rates, scores or ranks. */
const ABSOLUTE_UNITS = new Set(['count', 'tỷ VND', 'triệu USD']);

/** Generate and write `feeds/reports/reports.csv`. */
export async function writeReports(ctx: GenContext): Promise<{ files: string[]; rows: number }> {
  const { ref, seed, region } = ctx;
  const province = region.province;
  const districts = ref.units.filter((u) => u.level === 'district');
  const communes = ref.units.filter((u) => u.level === 'commune');
  const population = new Map<string, number>();
  for (const c of communes) population.set(c.parent_code, (population.get(c.parent_code) ?? 0) + c.weight);
  const totalPop = [...population.values()].reduce((a, b) => a + b, 0);
  const signatures = signatureSeries(seed, (new Date(ctx.toDay * 86_400_000).getUTCFullYear() - 2019) * 12);

  // A former province's last period ends on its last day (complete); otherwise a period ending today is not.
  const periodsEnd = region.to && ctx.toDay === dayFromIso(region.to) ? ctx.toDay + 1 : ctx.toDay;
  const rows: ReportRow[] = [];
  for (const ind of ref.indicators) {
    const units = ind.reporting_level === 'district' ? districts.map((d) => d.code) : [province];
    for (const p of periods(ind.frequency, ctx.fromDay, periodsEnd)) {
      for (const unit of units) {
        const share = unit === province ? 1 : (population.get(unit) ?? 0) / totalPop;
        const c: ValueContext = { seed, code: ind.code, unit, p, share };
        let value: number;
        if (ind.code === 'signatures_issued') value = p.monthIndex >= 0 ? signatures[p.monthIndex] : 2600;
        else if (ind.code === 'video_endpoints') value = videoEndpoints(p.monthIndex);
        else if (ind.subsystem === 'rankings') value = rankingValue(c);
        else value = MODELS[ind.code]?.(c) ?? Number.NaN;
        // Quantities follow the region's size (1 for the former Phú Thọ and its seed figures; the merged province
        // reports for all three); rates, scores and ranks are the region's own as they are.
        if (region.volume !== 1 && ABSOLUTE_UNITS.has(ind.unit))
          value = ind.unit === 'count' ? Math.round(value * region.volume) : round(value * region.volume, 1);
        if (!Number.isFinite(value)) throw new Error(`no value model for indicator ${ind.code}`);

        // Submission: usually shortly before the due day, sometimes late, occasionally never;
        // two districts are habitually late. The pinned digital series are always on time.
        const pinned = ind.code === 'signatures_issued' || ind.code === 'video_endpoints';
        const laggard = LATE_REPORTING_DISTRICTS.includes(unit);
        const pMissing = pinned ? 0 : laggard ? 0.06 : unit === province ? 0.008 : 0.01;
        const pLate = pinned ? 0 : laggard ? 0.35 : ind.subsystem === 'rankings' ? 0.05 : 0.07;
        const key = [seed, 'report', ind.code, unit, p.label] as const;
        const fate = hash01(...key, 'fate');
        if (fate < pMissing) continue;
        // The reporting regime (NĐ 09/2019): figures close on the 14th of the period's last month; the report is
        // due due_days working days after that cut-off.
        const cutoff = p.endDay - (monthEndDate(p.endDay) - 14);
        const dueDay = addWorkingDays(cutoff, ind.due_days);
        const u = hash01(...key, 'day');
        // Rankings can only be reported once published, in spring of the following year.
        const earliest = ind.subsystem === 'rankings' ? 90 : 1;
        const day =
          fate < pMissing + pLate
            ? dueDay + 1 + Math.floor(u * u * 30)
            : cutoff + earliest + Math.floor(u ** 0.6 * Math.max(0, dueDay - cutoff - earliest));
        const submitted = day * DAY_S - LOCAL_OFFSET_S + 27000 + Math.floor(hash01(...key, 'time') * 34200);
        if (submitted > ctx.asOfS) continue;
        // A few reports are corrected after submission (same id, later updated_at).
        const revisedAt = submitted + Math.floor((1 + 19 * hash01(...key, 'rev-day')) * DAY_S);
        const revised = hash01(...key, 'revised') < 0.03 && revisedAt <= ctx.asOfS;
        rows.push({
          id: `BC-${ind.code}-${unit}-${p.label}`,
          indicator_code: ind.code,
          unit_code: unit,
          period: p.label,
          value,
          submitted_at: isoLocalWithOffset(submitted),
          agency_code:
            unit === province
              ? agencyOn(ref.agencySuccessors, `${region.agencyPrefix}${ind.agency}`, isoFromDay(day))
              : `${region.agencyPrefix}UBND-${unit}`,
          updated_at: isoLocalWithOffset(revised ? revisedAt : submitted),
        });
      }
    }
  }
  rows.sort(
    (a, b) =>
      a.period.localeCompare(b.period) ||
      a.indicator_code.localeCompare(b.indicator_code) ||
      a.unit_code.localeCompare(b.unit_code),
  );
  const dir = join(ctx.dataDir, 'feeds', 'reports');
  await mkdir(dir, { recursive: true });
  const file = join(dir, region.key === 'pt' ? 'reports.csv' : `reports-${region.tag}.csv`);
  await writeFile(
    file,
    toCsv<ReportRow>(
      ['id', 'indicator_code', 'unit_code', 'period', 'value', 'submitted_at', 'agency_code', 'updated_at'],
      rows,
    ),
    'utf8',
  );
  return { files: [file], rows: rows.length };
}
