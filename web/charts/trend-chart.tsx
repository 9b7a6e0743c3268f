// Trend of a KPI by month against the same months last year (breakdown rows carry samePeriodLastYear).
import { useMemo } from 'react';
import type { KpiUnit } from '../../common/format.ts';
import { useI18n } from '../lib/i18n.ts';
import Chart from './chart.tsx';
import { buildTrendOption, type ChartTheme, type TrendRow } from './options.ts';

export interface TrendChartProps {
  rows: TrendRow[];
  unit: KpiUnit;
  grain?: 'day' | 'month' | 'quarter' | 'year';
  target?: number | null;
  theme?: ChartTheme;
  height?: number | string;
  compact?: boolean;
  label?: string;
  pngFilename?: string;
  pngTitle?: string;
}

export default function TrendChart({
  rows,
  unit,
  grain,
  target,
  theme,
  height,
  compact,
  label,
  pngFilename,
  pngTitle,
}: TrendChartProps) {
  const { fmt, t } = useI18n();
  const option = useMemo(
    () =>
      buildTrendOption({
        rows,
        unit,
        fmt,
        grain,
        target,
        theme,
        compact,
        names: { current: t('trend.current'), lastYear: t('trend.lastYear'), target: t('kpi.target') },
      }),
    [rows, unit, fmt, grain, target, theme, compact, t],
  );
  return (
    <Chart option={option} height={height} label={label} pngFilename={pngFilename} pngTitle={pngTitle} />
  );
}
