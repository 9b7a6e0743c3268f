// A KPI's value as tiles and cards show it: compact only when the full number would not fit; "153 / 225" for
// KPIs shown as a count of a whole.
import type { KpiUnit } from '../../common/format.ts';
import { useI18n } from '../lib/i18n.ts';

export interface KpiValueProps {
  value: number | null;
  unit: KpiUnit;
  /** The whole a count is shown against (payments.communes_with_online_payment: 153 / 225). */
  of?: number | null;
  className?: string;
}

/** Compact above ten million: 12.345.678.900 ₫ does not fit a tile, 625.412 does. */
export const needsCompact = (v: number | null) => v !== null && Math.abs(v) >= 1e7;

export function KpiValue({ value, unit, of, className }: KpiValueProps) {
  const { fmt } = useI18n();
  const text = fmt.kpi(value, unit, { compact: needsCompact(value) });
  return (
    <span className={`kpi-value ${className ?? ''}`} data-value={value ?? ''}>
      {text}
      {of !== null && of !== undefined && unit === 'count' && (
        <span className="kpi-of"> / {fmt.number(of)}</span>
      )}
    </span>
  );
}
