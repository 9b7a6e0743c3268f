// Status colour of a KPI value: thresholds when the registry gives them, else the target; by direction.

import { valueKind } from '../../common/vocabulary.ts';
import type { Kpi, Status } from './types.ts';

/**
 * good / warning / bad by the KPI's direction (down = lower is better). `expectedShare` pro-rates an annual
 * plan for flows summed over the year (8 months in: 8/12 of the plan is on track).
 */
export function statusOf(kpi: Kpi, value: number | null, target: number | null, expectedShare = 1): Status {
  if (value === null) return 'none';
  const up = kpi.direction === 'up';
  if (kpi.thresholds && target === (kpi.target ?? null)) {
    const { good, warning } = kpi.thresholds;
    if (up) return value >= good ? 'good' : value >= warning ? 'warning' : 'bad';
    return value <= good ? 'good' : value <= warning ? 'warning' : 'bad';
  }
  if (target === null || target === 0) return 'none';
  const ratio = value / (target * expectedShare);
  if (up) return ratio >= 1 ? 'good' : ratio >= 0.9 ? 'warning' : 'bad';
  return ratio <= 1 ? 'good' : ratio <= 1.1 ? 'warning' : 'bad';
}

/**
 * The change of a percentage in percentage points (95,1 → 98,7 is +3,6 points); null for other units, whose
 * change is relative (changePct).
 */
export function changePoints(unit: string, value: number | null, base: number | null): number | null {
  if (valueKind(unit) !== 'percent' || value === null || base === null) return null;
  return value - base;
}

/** Relative change in percent; null when there is no base to compare with. */
export function changePct(value: number | null, base: number | null): number | null {
  if (value === null || base === null || base === 0) return null;
  return ((value - base) / Math.abs(base)) * 100;
}
