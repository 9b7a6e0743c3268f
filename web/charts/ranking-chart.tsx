// Units or agencies ranked by a KPI; a click drills into the clicked one.
import { useCallback, useMemo } from 'react';
import type { KpiUnit } from '../../common/format.ts';
import { useI18n } from '../lib/i18n.ts';
import Chart, { type ChartClick } from './chart.tsx';
import { buildRankingOption, type ChartTheme, type RankingRow } from './options.ts';

export interface RankingChartProps {
  rows: RankingRow[];
  unit: KpiUnit;
  selected?: string | null;
  onSelect?: (key: string | null) => void;
  theme?: ChartTheme;
  height?: number | string;
  limit?: number;
  label?: string;
  pngFilename?: string;
  pngTitle?: string;
  /** Name of the null key (default: province level). */
  nullLabel?: string;
}

export default function RankingChart({
  rows,
  unit,
  selected,
  onSelect,
  theme,
  height,
  limit,
  label,
  pngFilename,
  pngTitle,
  nullLabel,
}: RankingChartProps) {
  const { fmt, t } = useI18n();
  const option = useMemo(
    () =>
      buildRankingOption({
        rows,
        unit,
        fmt,
        provinceLabel: nullLabel ?? t('unit.province'),
        selected,
        theme,
        limit,
      }),
    [rows, unit, fmt, t, selected, theme, limit, nullLabel],
  );
  const onClick = useCallback((e: ChartClick) => onSelect?.(e.name === '' ? null : e.name), [onSelect]);
  return (
    <Chart
      option={option}
      height={height}
      onClick={onSelect ? onClick : undefined}
      label={label}
      pngFilename={pngFilename}
      pngTitle={pngTitle}
    />
  );
}
