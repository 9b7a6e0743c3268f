// Reconciliation with the national portal: read the portal's QĐ 766 answers (any group, any period: the tree
// files with `parent`/`children` and the metric files with `overview`/`evaluation`), score each unit's published
// parameters with our method (index766-method.ts) and compare with the points the portal gave.
import { type Group, type Indicator, indicatorOf, points } from './index766-method.ts';

/** The portal rounds points to two decimals: agreement within 0,015 points. */
export const TOLERANCE = 0.015;

export interface ReconcileRow {
  file: string;
  group: Group | 'unknown';
  unit: string;
  code: string | null;
  level: string | null;
  indicator: string;
  numerator: number | null;
  denominator: number | null;
  portal: number | null;
  ours: number | null;
  diff: number | null;
  /** `known`: we have the portal's formula; `unknown`: the portal publishes no parameters to score. */
  method: 'known' | 'unknown';
}

type Json = Record<string, unknown>;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function diffOf(portal: number | null, ours: number | null): number | null {
  if (portal === null && ours === null) return 0;
  if (portal === null || ours === null) return null;
  return Math.round((ours - portal) * 1e6) / 1e6;
}

function unitOf(r: Json) {
  return {
    unit: str(r.departmentName) ?? str(r.departmentId) ?? '?',
    code: str(r.departmentCode),
    level: str(r.level) ?? str(r.departmentLevel) ?? null,
  };
}

const PAYMENT = {
  A: indicatorOf('PAYMENT_DOSSIERS')!,
  B: indicatorOf('PAYMENT_PROCEDURES_PAID_ONLINE')!,
  C: indicatorOf('PAYMENT_PROCEDURES_WITH_FEE_DATA')!,
};

/** One unit of a tree file (progress, payment, online): the group's published parameters and points. */
function treeRow(file: string, r: Json): ReconcileRow[] {
  const u = unitOf(r);
  const portal = num(r.score) ?? num(r.totalScore);
  const base = { file, ...u, portal };
  if ('totalOnTime' in r && 'totalReceived' in r) {
    const ind = indicatorOf('PROGRESS_ON_TIME')!;
    const ours = points(ind, num(r.totalOnTime), num(r.totalReceived));
    return [
      {
        ...base,
        group: 'progress',
        indicator: ind.code,
        numerator: num(r.totalOnTime),
        denominator: num(r.totalReceived),
        ours,
        diff: diffOf(portal, ours),
        method: 'known',
      },
    ];
  }
  if ('totalDossierOnlinePaymentSuccess' in r) {
    const fee = num(r.totalFeeFormality);
    const parts = [
      points(PAYMENT.A, num(r.totalDossierOnlinePaymentSuccess), num(r.totalDossierFinancialObligation)),
      points(PAYMENT.B, num(r.totalDossierOnlineFormalityPaymentSuccess), fee),
      points(PAYMENT.C, num(r.totalFeeDossierFormality), fee),
    ];
    const ours = parts.reduce<number>((a, b) => a + (b ?? 0), 0);
    return [
      {
        ...base,
        group: 'payment',
        indicator: 'PAYMENT (6·A + min(2; 2,5·B) + min(2; 2,5·C))',
        numerator: null,
        denominator: null,
        ours,
        diff: diffOf(portal, ours),
        method: 'known',
      },
    ];
  }
  const online = 'onlineDossierCount' in r || 'channelOnlineSum' in r || /provide-online/.test(file);
  return [
    {
      ...base,
      group: online ? 'online' : 'unknown',
      indicator: online ? 'ONLINE_SERVICE' : 'total',
      numerator: null,
      denominator: null,
      ours: null,
      diff: null,
      method: 'unknown',
    },
  ];
}

/** One unit of a metric file (transparency, digitisation, satisfaction): each metric, then the group total. */
function metricRows(file: string, r: Json): ReconcileRow[] {
  const u = unitOf(r);
  const out: ReconcileRow[] = [];
  let group: Group | 'unknown' = 'unknown';
  let total = 0;
  let allKnown = true;
  for (const m of (r.metrics as Json[]) ?? []) {
    const code = str(m.code) ?? '?';
    const ind: Indicator | undefined = indicatorOf(code);
    const portal = num(m.score);
    const numerator = num(m.numerator);
    const denominator = num(m.denominator);
    if (!ind) {
      allKnown = false;
      out.push({
        file,
        group: 'unknown',
        ...u,
        indicator: code,
        numerator,
        denominator,
        portal,
        ours: null,
        diff: null,
        method: 'unknown',
      });
      continue;
    }
    group = ind.group;
    // A rate published without its parts (e.g. electronic certified copies: ratio 100) is scored from the rate.
    const share =
      numerator === null && denominator === null && num(m.ratio) !== null ? num(m.ratio)! / 100 : null;
    let ours = points(ind, numerator, denominator, share);
    if (ind.info) ours = null;
    total += ours === null ? 0 : Math.round(ours * 100) / 100;
    out.push({
      file,
      group: ind.group,
      ...u,
      indicator: code,
      numerator,
      denominator,
      portal,
      ours,
      diff: diffOf(portal, ours),
      method: 'known',
    });
  }
  const portalTotal = num(r.totalScore);
  if (portalTotal !== null)
    out.push({
      file,
      group,
      ...u,
      indicator: 'total',
      numerator: null,
      denominator: null,
      portal: portalTotal,
      ours: allKnown ? total : null,
      diff: allKnown ? diffOf(portalTotal, Math.round(total * 100) / 100) : null,
      method: allKnown ? 'known' : 'unknown',
    });
  return out;
}

/** Every row of one portal answer (the file's parsed JSON). Throws on a shape it does not recognise. */
export function reconcile(file: string, json: unknown): ReconcileRow[] {
  const root = (json as Json)?.data ?? json;
  const d = root as Json;
  if (d && typeof d === 'object' && 'parent' in d) {
    const units = [d.parent as Json, ...((d.children as Json[]) ?? [])].filter(Boolean);
    return units.flatMap((r) => treeRow(file, r));
  }
  if (d && typeof d === 'object' && ('overview' in d || 'evaluation' in d)) {
    const units = [d.overview as Json, ...((d.evaluation as Json[]) ?? [])].filter(Boolean);
    return units.flatMap((r) => metricRows(file, r));
  }
  throw new Error(`${file}: not a QĐ 766 answer of the portal (no parent/children or overview/evaluation)`);
}

export interface ReconcileSummary {
  rows: number;
  known: number;
  agree: number;
  differ: number;
  unknown: number;
}

export function summarise(rows: ReconcileRow[]): ReconcileSummary {
  const known = rows.filter((r) => r.method === 'known');
  const agree = known.filter((r) => r.diff !== null && Math.abs(r.diff) <= TOLERANCE).length;
  return {
    rows: rows.length,
    known: known.length,
    agree,
    differ: known.length - agree,
    unknown: rows.length - known.length,
  };
}
