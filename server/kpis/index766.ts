// The QĐ 766 service-quality index (methodology `766-portal-2025`): six groups, each indicator scored
// pro-rata `max × min(1, rate ÷ fullAt)`. Rates come from the engine (same filters, same SQL path);
// indicators our feeds cannot measure are listed as "no data" and the total is marked partial.
import type { Db } from '../db/index.ts';
import { computeCellsBatch } from './batch.ts';
import type { Branch, Scope } from './engine.ts';
import { type Dimension, type Filters, type Kpi, KpiSchema, type MeasureInput } from './types.ts';

export const METHODOLOGY = '766-portal-2025';
export const GROUPS = [
  'transparency',
  'progress',
  'online',
  'payment',
  'digitisation',
  'satisfaction',
] as const;
export type Group = (typeof GROUPS)[number];

export const TIERS = [
  { min: 90, vi: 'Xuất sắc', en: 'Excellent' },
  { min: 80, vi: 'Tốt', en: 'Good' },
  { min: 70, vi: 'Khá', en: 'Fair' },
  { min: 50, vi: 'Trung bình', en: 'Average' },
  { min: -1, vi: 'Yếu', en: 'Weak' },
];

interface Component {
  id: string;
  group: Group;
  max: number;
  /** Rate (0–1) at which the indicator earns its full points. */
  fullAt: number;
  name: { vi: string; en: string };
  num?: MeasureInput;
  den?: MeasureInput;
}

const d = (where?: string, time = 'received_at'): MeasureInput => ({
  source: 'dossiers',
  agg: 'count',
  where,
  time,
});
const distinctProc = (where: string): MeasureInput => ({
  source: 'dossiers',
  agg: 'count_distinct',
  expr: 's.procedure_code',
  where,
  time: 'received_at',
});
const ONLINE_PROC = `s.procedure_code IN (SELECT code FROM procedures WHERE service_level <> 'information')`;
const FEE_PROC = `s.procedure_code IN (SELECT code FROM procedures WHERE has_fee)`;

/** Indicators measurable from our feeds; the rest of each group is "no data" unless reported. */
export const COMPONENTS: Component[] = [
  {
    id: 'progress_ontime',
    group: 'progress',
    max: 20,
    fullAt: 1,
    name: {
      vi: 'Hồ sơ đúng hạn (đã giải quyết và đang trong hạn)',
      en: 'Dossiers on time (completed or still within due)',
    },
    num: d(
      `(s.completed_at IS NOT NULL AND s.completed_at <= s.due_at) OR (s.completed_at IS NULL AND s.due_at >= {end})`,
    ),
    den: d(),
  },
  {
    id: 'online_procedures',
    group: 'online',
    max: 2,
    fullAt: 0.8,
    name: { vi: 'Thủ tục cung cấp trực tuyến', en: 'Procedures offered online' },
    num: { source: 'procedures', agg: 'count', where: `s.service_level <> 'information'` },
    den: { source: 'procedures', agg: 'count' },
  },
  {
    id: 'online_services_used',
    group: 'online',
    max: 4,
    fullAt: 1,
    name: { vi: 'DVC trực tuyến có phát sinh hồ sơ trực tuyến', en: 'Online services with online dossiers' },
    num: distinctProc(`${ONLINE_PROC} AND s.channel = 'online'`),
    den: distinctProc(ONLINE_PROC),
  },
  {
    id: 'online_dossiers',
    group: 'online',
    max: 6,
    fullAt: 0.5,
    name: { vi: 'Hồ sơ nộp trực tuyến', en: 'Dossiers filed online' },
    num: d(`s.channel = 'online'`),
    den: d(),
  },
  {
    id: 'payment_dossiers',
    group: 'payment',
    max: 6,
    fullAt: 1,
    name: { vi: 'Hồ sơ có phí thanh toán trực tuyến', en: 'Fee dossiers paid online' },
    num: d('s.fee_vnd > 0 AND s.paid_online'),
    den: d('s.fee_vnd > 0'),
  },
  {
    id: 'payment_procedures_used',
    group: 'payment',
    max: 2,
    fullAt: 1,
    name: {
      vi: 'Thủ tục có phí phát sinh thanh toán trực tuyến',
      en: 'Fee procedures with an online payment',
    },
    num: distinctProc(`${FEE_PROC} AND s.fee_vnd > 0 AND s.paid_online`),
    den: distinctProc(`${FEE_PROC} AND s.fee_vnd > 0`),
  },
  {
    id: 'payment_procedures_integrated',
    group: 'payment',
    max: 2,
    fullAt: 0.8,
    name: {
      vi: 'Thủ tục có phí tích hợp thanh toán (trực tuyến)',
      en: 'Fee procedures integrated for payment (online)',
    },
    num: { source: 'procedures', agg: 'count', where: `s.has_fee AND s.service_level <> 'information'` },
    den: { source: 'procedures', agg: 'count', where: 's.has_fee' },
  },
  {
    id: 'digitisation_results',
    group: 'digitisation',
    max: 6,
    fullAt: 1,
    name: { vi: 'Cấp kết quả điện tử', en: 'Electronic results' },
    num: d('s.result_digitized', 'completed_at'),
    den: d(undefined, 'completed_at'),
  },
  {
    id: 'digitisation_components',
    group: 'digitisation',
    max: 4,
    fullAt: 0.8,
    name: { vi: 'Số hóa thành phần hồ sơ và kết quả', en: 'Digitised components and result' },
    num: d('s.components_digitized AND s.result_digitized'),
    den: d(),
  },
  {
    id: 'digitisation_reuse',
    group: 'digitisation',
    max: 2,
    fullAt: 0.8,
    name: { vi: 'Tái sử dụng dữ liệu số hóa', en: 'Reused digitised data' },
    num: d('s.reused_data'),
    den: d(),
  },
  {
    id: 'satisfaction_dossiers',
    group: 'satisfaction',
    max: 6,
    fullAt: 0.9,
    name: { vi: 'Mức độ hài lòng xử lý hồ sơ', en: 'Dossier satisfaction' },
    // 100 % − (late share of completed + unsatisfied share of rated): two ratios, combined below.
    num: d('s.completed_at > s.due_at', 'completed_at'),
    den: d(undefined, 'completed_at'),
  },
];

/** Parts of each group our feeds cannot measure (points, names). */
export const NO_DATA: { group: Group; max: number; name: { vi: string; en: string } }[] = [
  { group: 'transparency', max: 18, name: { vi: 'Công khai, minh bạch', en: 'Transparency' } },
  {
    group: 'digitisation',
    max: 10,
    name: { vi: 'Các chỉ tiêu số hóa khác', en: 'Other digitisation indicators' },
  },
  {
    group: 'satisfaction',
    max: 12,
    name: { vi: 'Tiếp nhận, xử lý phản ánh kiến nghị (2 chỉ tiêu)', en: 'Complaint handling (2 indicators)' },
  },
];

const UNSATISFIED: Component = {
  id: 'satisfaction_unsatisfied',
  group: 'satisfaction',
  max: 0,
  fullAt: 1,
  name: { vi: '', en: '' },
  num: d(`s.satisfaction = 'unsatisfied'`, 'completed_at'),
  den: d('s.satisfaction IS NOT NULL', 'completed_at'),
};

/** How an index record is computed, as the registry publishes it (GET /api/kpis, the definitions sheet). */
export interface IndexFormula {
  method: string;
  /** Points of an indicator: max × min(1, rate ÷ fullAt), rate = numerator ÷ denominator. */
  points: string;
  components: {
    id: string;
    group: Group;
    name: { vi: string; en: string };
    max: number;
    fullAt: number;
    numerator: MeasureInput | null;
    denominator: MeasureInput | null;
  }[];
  /** Indicators the feeds cannot measure: shown as "no data", their points outside the partial total. */
  noData: { group: Group; max: number; name: { vi: string; en: string } }[];
}

/** The formula of `index766.<key>`: one group's indicators, or every group's for the total. */
export function indexFormula(kpiId: string): IndexFormula {
  const key = kpiId.replace(/^index766\./, '');
  const inGroup = (g: Group) => key === 'total' || key === g;
  return {
    method: METHODOLOGY,
    points: 'max × min(1, (numerator ÷ denominator) ÷ fullAt)',
    components: COMPONENTS.filter((c) => inGroup(c.group)).map((c) => ({
      id: c.id,
      group: c.group,
      name: c.name,
      max: c.max,
      fullAt: c.fullAt,
      numerator: c.num ?? null,
      denominator: c.den ?? null,
    })),
    noData: NO_DATA.filter((n) => inGroup(n.group)),
  };
}

export interface IndexScore {
  total: number | null;
  groups: Record<Group, number | null>;
  /** Points that could be measured; the total is partial when below 100. */
  maxAvailable: number;
  /** total ÷ maxAvailable × 100: the basis of the tier. */
  normalised: number | null;
  tier: { vi: string; en: string } | null;
  noData: string[];
  components: { id: string; rate: number | null; points: number | null; max: number }[];
}

const asKpi = (c: Component): Kpi =>
  KpiSchema.parse({
    id: `index766.${c.id}`,
    subsystem: 'index766',
    name: c.name,
    unit: 'ratio',
    direction: 'up',
    kind: 'flow',
    numerator: c.num,
    denominator: c.den,
    feeds: ['dossiers'],
  });

/** Scores for every branch (period) and, with a dimension, every key. `transparency` from a reported value. */
export async function index766(
  db: Db,
  branches: Branch[],
  filters: Filters,
  opts: { dim?: Dimension; scope?: Scope; transparency?: Map<string, number | null> } = {},
): Promise<Map<string, Map<string | null, IndexScore>>> {
  const rates = new Map<string, Map<string, Map<string | null, number | null>>>(); // component → period → key → rate
  // The components share their rows: one query per source and time column (batch.ts), not one per component;
  // the procedure catalogue is province-wide (no filters, no breakdown).
  const all = [...COMPONENTS, UNSATISFIED].map((c) => {
    const kpi = asKpi(c);
    return { c, kpi, catalogue: kpi.numerator.source === 'procedures' };
  });
  const cat = all.filter((x) => x.catalogue);
  const fed = all.filter((x) => !x.catalogue);
  const [catCells, fedCells] = await Promise.all([
    computeCellsBatch(
      db,
      cat.map((x) => ({ kpi: x.kpi, branches, filters: {} })),
      { scope: opts.scope },
    ),
    computeCellsBatch(
      db,
      fed.map((x) => ({ kpi: x.kpi, branches, filters })),
      { dim: opts.dim, scope: opts.scope },
    ),
  ]);
  const cellsOf = new Map([
    ...cat.map((x, i) => [x.c.id, catCells[i]] as const),
    ...fed.map((x, i) => [x.c.id, fedCells[i]] as const),
  ]);
  for (const { c, catalogue } of all) {
    const cells = cellsOf.get(c.id)!;
    const byPeriod = new Map<string, Map<string | null, number | null>>();
    for (const cell of cells) {
      const m = byPeriod.get(cell.period) ?? new Map();
      const den = cell.denominator ?? 0;
      m.set(catalogue ? '*' : cell.key, den > 0 ? (cell.numerator ?? 0) / den : null);
      byPeriod.set(cell.period, m);
    }
    rates.set(c.id, byPeriod);
  }
  const out = new Map<string, Map<string | null, IndexScore>>();
  for (const b of branches) {
    const keys = new Set<string | null>();
    for (const c of COMPONENTS)
      if (c.num?.source !== 'procedures')
        for (const k of rates.get(c.id)?.get(b.key)?.keys() ?? []) keys.add(k);
    if (!opts.dim) keys.add(null);
    const perKey = new Map<string | null, IndexScore>();
    for (const key of keys) {
      const rate = (id: string) => {
        const m = rates.get(id)?.get(b.key);
        return m?.has('*') ? (m.get('*') ?? null) : (m?.get(key) ?? null);
      };
      const components = COMPONENTS.map((c) => {
        let r = rate(c.id);
        if (c.id === 'satisfaction_dossiers') {
          const unsat = rate(UNSATISFIED.id);
          r = r === null ? null : Math.max(0, 1 - (r + (unsat ?? 0)));
        }
        return {
          id: c.id,
          group: c.group,
          rate: r,
          max: c.max,
          points: r === null ? null : c.max * Math.min(1, r / c.fullAt),
        };
      });
      const transparency = opts.transparency?.get(b.key) ?? null;
      const groups = Object.fromEntries(GROUPS.map((g) => [g, null])) as Record<Group, number | null>;
      let maxAvailable = 0;
      for (const c of components) {
        if (c.points === null) continue;
        groups[c.group] = (groups[c.group] ?? 0) + c.points;
        maxAvailable += c.max;
      }
      const noData = components.filter((c) => c.points === null).map((c) => c.id);
      if (transparency !== null) {
        groups.transparency = Math.min(18, Math.max(0, transparency));
        maxAvailable += 18;
      }
      for (const nd of NO_DATA)
        if (nd.group !== 'transparency' || transparency === null) noData.push(nd.name.en);
      const total = maxAvailable > 0 ? GROUPS.reduce((s, g) => s + (groups[g] ?? 0), 0) : null;
      const normalised = total !== null && maxAvailable > 0 ? (total / maxAvailable) * 100 : null;
      const tier = normalised === null ? null : (TIERS.find((t) => normalised >= t.min) ?? null);
      perKey.set(key, {
        total,
        groups,
        maxAvailable,
        normalised,
        noData,
        tier: tier ? { vi: tier.vi, en: tier.en } : null,
        components: components.map(({ id, rate: r, points, max }) => ({ id, rate: r, points, max })),
      });
    }
    out.set(b.key, perKey);
  }
  return out;
}
