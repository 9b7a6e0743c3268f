// The QĐ 766 service-quality index computed from our feeds by the national portal's method
// (index766-method.ts: the indicators, their points and zero rules, reconciled with the portal's published
// numbers). Shares come from the engine (same filters, same SQL path); an indicator our feeds cannot measure is
// "no data" and the total is marked partial. Progress counts what the portal counts: the dossiers received and
// handled in the period, carry-over included, on time unless completed late in it or overdue at its end.
import type { Db } from '../db/index.ts';
import { computeCellsBatch } from './batch.ts';
import * as S from './dossier-states.ts';
import type { Branch, Scope } from './engine.ts';
import { GROUPS, type Group, methodFor, points, TIERS } from './index766-method.ts';
import { type Dimension, type Filters, type Kpi, KpiSchema, type MeasureInput } from './types.ts';

export { GROUPS, type Group, TIERS };

interface Component {
  id: string;
  group: Group;
  max: number;
  /** Rate (0–1) at which the indicator earns its full points. */
  fullAt: number;
  zero: 'no_data' | 'zero' | 'full';
  name: { vi: string; en: string };
  num?: MeasureInput;
  den?: MeasureInput;
}

/** Dossiers received in the period. */
const recv = (where?: string): MeasureInput => ({
  source: 'dossiers',
  agg: 'count',
  where,
  time: 'received_at',
});
/** Dossiers received and handled in the period (received in it, or carried over into it). */
const handled = (where?: string): MeasureInput => ({
  source: 'dossiers',
  agg: 'count',
  where: where ? `${S.HANDLED} AND (${where})` : S.HANDLED,
});
const distinctProc = (where: string): MeasureInput => ({
  source: 'dossiers',
  agg: 'count_distinct',
  expr: 's.procedure_code',
  where,
  time: 'received_at',
});
const FULL_PROC = `s.procedure_code IN (SELECT code FROM procedures WHERE service_level = 'full_online')`;
const FEE_PROC = `s.procedure_code IN (SELECT code FROM procedures WHERE has_fee)`;
const FEE_PROCEDURES: MeasureInput = { source: 'procedures', agg: 'count', where: 's.has_fee' };
/** On time as the portal counts it: neither completed late in the period nor overdue at its end. */
const NOT_LATE = `NOT ((${S.LATE} AND s.completed_at >= {start} AND s.completed_at < {end}) OR (${S.OVERDUE}))`;

/** Our measures of the method's indicators; an indicator without one is "no data" (or reported). */
const MEASURES: Record<string, { num: MeasureInput; den: MeasureInput }> = {
  DOSSIER_SYNC: { num: recv('s.synced_national'), den: recv() },
  PROGRESS_ON_TIME: { num: handled(NOT_LATE), den: handled() },
  ONLINE_SERVICE: { num: recv(`s.channel = 'online' AND ${FULL_PROC}`), den: recv(FULL_PROC) },
  PAYMENT_DOSSIERS: { num: recv('s.fee_vnd > 0 AND s.paid_online'), den: recv('s.fee_vnd > 0') },
  PAYMENT_PROCEDURES_PAID_ONLINE: {
    num: distinctProc(`${FEE_PROC} AND s.fee_vnd > 0 AND s.paid_online`),
    den: FEE_PROCEDURES,
  },
  PAYMENT_PROCEDURES_WITH_FEE_DATA: {
    num: distinctProc(`${FEE_PROC} AND s.fee_vnd > 0`),
    den: FEE_PROCEDURES,
  },
  ORIGINAL_RESULT_AVAILABLE: { num: recv('s.result_digitized'), den: recv() },
  SO_HOA_GIAY_TO_GIAI_QUYET: { num: recv('s.components_digitized'), den: recv() },
  REUSED_DIGITIZED_DATA: { num: recv('s.reused_data'), den: recv() },
  // Satisfied as the portal counts it (its numerator sits just under the on-time dossiers): handled on time and not
  // rated unsatisfied, of the dossiers handled — not of the rated ones only.
  // Citizen feedback (the `feedback` feed): of the feedback received in the period, as the portal counts it. A
  // unit without any feedback earns the full points (the portal's rule); a store without the feed has no data.
  PETITION_PROCESSING_ON_TIME: {
    num: { source: 'feedback', agg: 'count', where: S.FEEDBACK_ON_TIME, time: 'received_at' },
    den: { source: 'feedback', agg: 'count', time: 'received_at' },
  },
  PETITION_HANDLING_SATISFACTION: {
    num: { source: 'feedback', agg: 'count', where: 's.satisfied', time: 'received_at' },
    den: { source: 'feedback', agg: 'count', time: 'received_at' },
  },
  DOSSIER_RECEIVING_SATISFACTION: {
    num: handled(`${NOT_LATE} AND s.satisfaction IS DISTINCT FROM 'unsatisfied'`),
    den: handled(),
  },
};

const METHOD = methodFor('9999-12-31');
export const METHODOLOGY = METHOD.id;

/** The method's indicators (information-only rows left out) with our measures where we have them. */
export const COMPONENTS: Component[] = METHOD.indicators
  .filter((i) => !i.info)
  .map((i) => ({
    id: i.code,
    group: i.group,
    max: i.max,
    fullAt: i.fullAt,
    zero: i.zero,
    name: i.name,
    num: MEASURES[i.code]?.num,
    den: MEASURES[i.code]?.den,
  }));

/** Indicators our feeds cannot measure (their points stay outside the partial total). */
export const NO_DATA: { id: string; group: Group; max: number; name: { vi: string; en: string } }[] =
  COMPONENTS.filter((c) => !c.num).map(({ id, group, max, name }) => ({ id, group, max, name }));

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
    points:
      'max × min(1, (numerator ÷ denominator) ÷ fullAt); a zero denominator earns 0, full points (no complaints) or no data, as the indicator says',
    components: COMPONENTS.filter((c) => inGroup(c.group) && c.num).map((c) => ({
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
  /** The method the score used: the one in force at the period's end (index766-method.ts). */
  method: string;
  total: number | null;
  groups: Record<Group, number | null>;
  /** Points that could be measured; the total is partial when below 100. */
  maxAvailable: number;
  /** total ÷ maxAvailable × 100: the basis of the tier. */
  normalised: number | null;
  tier: { vi: string; en: string } | null;
  noData: string[];
  /** Every measured indicator: its parts, points and the points it loses (max − points), largest loss first. */
  components: {
    id: string;
    group: Group;
    numerator: number | null;
    denominator: number | null;
    rate: number | null;
    points: number | null;
    max: number;
    lost: number | null;
  }[];
}

const asKpi = (m: MeasureInput, id: string): Kpi =>
  KpiSchema.parse({
    id: `index766.${id.toLowerCase()}`,
    subsystem: 'index766',
    name: { vi: id, en: id },
    unit: 'count',
    direction: 'up',
    kind: 'flow',
    numerator: m,
    feeds: ['dossiers'],
  });

/**
 * Scores for every branch (period) and, with a dimension, every key. `transparency`: a reported score of the
 * whole transparency group for the province (the portal's publication indicators our feeds cannot see); agencies
 * and communes are scored on their own dossier synchronisation.
 */
export async function index766(
  db: Db,
  branches: Branch[],
  filters: Filters,
  opts: { dim?: Dimension; scope?: Scope; transparency?: Map<string, number | null> } = {},
): Promise<Map<string, Map<string | null, IndexScore>>> {
  // Each numerator and denominator is one measure; measures over dossiers share their rows (batch.ts), the
  // procedure catalogue is province-wide (no filters, no breakdown).
  // Without any feedback delivered the complaint indicators have no data (not "no complaints").
  const hasFeedback =
    (await db.query<{ n: number }>('SELECT count(*) AS n FROM (SELECT 1 FROM feedback LIMIT 1)'))[0].n > 0;
  const measured = COMPONENTS.filter((c) => c.num && c.den && (hasFeedback || c.num.source !== 'feedback'));
  const parts = measured.flatMap((c) => [
    { c, part: 'num' as const, m: c.num! },
    { c, part: 'den' as const, m: c.den! },
  ]);
  const catalogue = parts.filter((p) => p.m.source === 'procedures');
  const fed = parts.filter((p) => p.m.source !== 'procedures');
  const [catCells, fedCells] = await Promise.all([
    computeCellsBatch(
      db,
      catalogue.map((p) => ({ kpi: asKpi(p.m, `${p.c.id}_${p.part}`), branches, filters: {} })),
      { scope: opts.scope },
    ),
    computeCellsBatch(
      db,
      fed.map((p) => ({ kpi: asKpi(p.m, `${p.c.id}_${p.part}`), branches, filters })),
      { dim: opts.dim, scope: opts.scope },
    ),
  ]);
  // component → part → period → key ('*' for the catalogue) → count
  const counts = new Map<string, Map<string, Map<string | null, number>>>();
  const put = (
    p: (typeof parts)[number],
    cells: { period: string; key: string | null; numerator: number | null }[],
  ) => {
    const byPeriod = new Map<string, Map<string | null, number>>();
    for (const cell of cells) {
      const m = byPeriod.get(cell.period) ?? new Map();
      m.set(p.m.source === 'procedures' ? '*' : cell.key, cell.numerator ?? 0);
      byPeriod.set(cell.period, m);
    }
    counts.set(`${p.c.id}:${p.part}`, byPeriod);
  };
  for (const [i, p] of catalogue.entries()) put(p, catCells[i]);
  for (const [i, p] of fed.entries()) put(p, fedCells[i]);

  const out = new Map<string, Map<string | null, IndexScore>>();
  for (const b of branches) {
    const keys = new Set<string | null>();
    for (const p of fed)
      for (const k of counts.get(`${p.c.id}:${p.part}`)?.get(b.key)?.keys() ?? []) keys.add(k);
    if (!opts.dim) keys.add(null);
    const perKey = new Map<string | null, IndexScore>();
    for (const key of keys) {
      const count = (id: string, part: 'num' | 'den'): number => {
        const m = counts.get(`${id}:${part}`)?.get(b.key);
        return m?.has('*') ? (m.get('*') ?? 0) : (m?.get(key) ?? 0);
      };
      const components = measured.map((c) => {
        const numerator = count(c.id, 'num');
        const denominator = count(c.id, 'den');
        const pts = points(c, numerator, denominator);
        return {
          id: c.id,
          group: c.group,
          numerator,
          denominator,
          rate: denominator > 0 ? numerator / denominator : null,
          points: pts,
          max: c.max,
          lost: pts === null ? null : c.max - pts,
        };
      });
      const groups = Object.fromEntries(GROUPS.map((g) => [g, null])) as Record<Group, number | null>;
      let maxAvailable = 0;
      const noData: string[] = [];
      // The province's reported transparency score stands for the whole group (its publication indicators).
      const reported = key === null ? (opts.transparency?.get(b.key) ?? null) : null;
      for (const c of components) {
        if (reported !== null && c.group === 'transparency') continue;
        if (c.points === null) {
          noData.push(c.id);
          continue;
        }
        groups[c.group] = (groups[c.group] ?? 0) + c.points;
        maxAvailable += c.max;
      }
      if (reported !== null) {
        groups.transparency = Math.min(METHOD.groupMax.transparency, Math.max(0, reported));
        maxAvailable += METHOD.groupMax.transparency;
      }
      for (const nd of NO_DATA) if (nd.group !== 'transparency' || reported === null) noData.push(nd.id);
      if (!hasFeedback) for (const c of COMPONENTS) if (c.num?.source === 'feedback') noData.push(c.id);
      const total = maxAvailable > 0 ? GROUPS.reduce((s, g) => s + (groups[g] ?? 0), 0) : null;
      const normalised = total !== null && maxAvailable > 0 ? (total / maxAvailable) * 100 : null;
      const tier = normalised === null ? null : (TIERS.find((t) => normalised >= t.min) ?? null);
      perKey.set(key, {
        method: methodFor(b.range.to).id,
        total,
        groups,
        maxAvailable,
        normalised,
        noData,
        tier: tier ? { vi: tier.vi, en: tier.en } : null,
        components: [...components].sort((x, y) => (y.lost ?? -1) - (x.lost ?? -1)),
      });
    }
    out.set(b.key, perKey);
  }
  return out;
}
