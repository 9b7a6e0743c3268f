// Pure ECharts option builders. Every number on an axis, label or tooltip goes through the formatter:
// ECharts' own number formatting knows only English separators.
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type {
  GridComponentOption,
  LegendComponentOption,
  MarkLineComponentOption,
  TooltipComponentOption,
} from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import type { Formatter, KpiUnit } from '../../common/format.ts';
import { valueKind } from '../../common/vocabulary.ts';
import { STATUS_COLORS, type Status } from '../lib/kpi.ts';

export type ChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | MarkLineComponentOption
>;

/** Canvas text needs a real family list ('inherit' is invalid there and falls back to 10px sans-serif). */
export const CHART_FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif';

export interface ChartTheme {
  text: string;
  muted: string;
  grid: string;
  current: string;
  lastYear: string;
  target: string;
  tooltipBg: string;
  fontSize: number;
}

export const LIGHT: ChartTheme = {
  text: '#1f2937',
  muted: '#5b6474',
  grid: '#e3e7ee',
  current: '#1559b7',
  lastYear: '#9aa5b5',
  target: '#d93025',
  tooltipBg: '#ffffff',
  fontSize: 12,
};

export const DARK: ChartTheme = {
  text: '#e8edf5',
  muted: '#a7b2c5',
  grid: '#2a3650',
  current: '#4fa3ff',
  lastYear: '#7d8aa3',
  target: '#ff6b5e',
  tooltipBg: '#111a2c',
  fontSize: 14,
};

/** A theme scaled for a wall: font size from the viewport so a 4K screen is readable across the room. */
export function wallTheme(viewportHeight: number): ChartTheme {
  return { ...DARK, fontSize: Math.max(12, Math.round(viewportHeight * 0.017)) };
}

type Grain = 'day' | 'month' | 'quarter' | 'year';

/** The label of a time bucket (its first day) on a trend axis. */
export function bucketLabel(fmt: Formatter, key: string | null, grain: Grain): string {
  if (!key) return '';
  if (grain === 'month') return fmt.monthShort(key);
  if (grain === 'quarter') {
    const q = Math.ceil(+key.slice(5, 7) / 3);
    return fmt.period({ kind: 'quarter', year: +key.slice(0, 4), quarter: q });
  }
  if (grain === 'year') return key.slice(0, 4);
  return fmt.lang === 'vi' ? `${key.slice(8, 10)}/${key.slice(5, 7)}` : fmt.date(key).replace(/ \d{4}$/, '');
}

export interface TrendRow {
  key: string | null;
  value: number | null;
  samePeriodLastYear: number | null;
}

export interface TrendInput {
  rows: TrendRow[];
  unit: KpiUnit;
  fmt: Formatter;
  names: { current: string; lastYear: string; target?: string };
  grain?: Grain;
  target?: number | null;
  theme?: ChartTheme;
  /** Smaller chrome for tiles. */
  compact?: boolean;
}

/** The tooltip every chart uses: themed, values through the one formatter. */
function tooltipOption(
  trigger: 'axis' | 'item',
  theme: ChartTheme,
  fs: number,
  fmt: Formatter,
  unit: KpiUnit,
) {
  return {
    trigger,
    backgroundColor: theme.tooltipBg,
    borderColor: theme.grid,
    textStyle: { color: theme.text, fontSize: fs },
    valueFormatter: (v: unknown) => fmt.kpi(typeof v === 'number' ? v : null, unit),
  };
}

/** A rate shown in percent (the formatter's rule, common/vocabulary.ts). */
export const isPercent = (unit: KpiUnit) => valueKind(unit) === 'percent';

/** The trend line of a KPI by time bucket, with the same buckets last year dashed behind it. */
export function buildTrendOption({
  rows,
  unit,
  fmt,
  names,
  grain = 'month',
  target,
  theme = LIGHT,
  compact,
}: TrendInput): ChartOption {
  const fs = theme.fontSize;
  // Strokes, marks and gutters grow with the text (a 4K wall has three times the pixels of a laptop).
  const k = fs / 12;
  const categories = rows.map((r) => bucketLabel(fmt, r.key, grain));
  const hasTarget = target !== null && target !== undefined;
  const current: LineSeriesOption = {
    type: 'line',
    name: names.current,
    data: rows.map((r) => r.value),
    symbolSize: (compact ? 4 : 6) * k,
    lineStyle: { width: (compact ? 2 : 3) * k, color: theme.current },
    itemStyle: { color: theme.current },
    connectNulls: false,
    z: 3,
    markLine: hasTarget
      ? {
          silent: true,
          symbol: 'none',
          lineStyle: { type: 'dashed', color: theme.target, width: 1.5 * k },
          label: {
            formatter: () => `${names.target ?? ''} ${fmt.kpi(target, unit, { compact: true })}`.trim(),
            color: theme.target,
            fontSize: fs,
            position: 'insideEndTop',
          },
          data: [{ yAxis: target }],
        }
      : undefined,
  };
  const lastYear: LineSeriesOption = {
    type: 'line',
    name: names.lastYear,
    data: rows.map((r) => r.samePeriodLastYear),
    symbol: 'none',
    lineStyle: { width: 2 * k, type: 'dashed', color: theme.lastYear },
    itemStyle: { color: theme.lastYear },
    z: 2,
  };
  return {
    animationDuration: 400,
    textStyle: { fontFamily: CHART_FONT, color: theme.text, fontSize: fs },
    grid: { left: 8 * k, right: 16 * k, top: (compact ? 24 : 36) * k, bottom: 4 * k, containLabel: true },
    legend: {
      show: !compact,
      top: 0,
      left: 0,
      itemWidth: 18 * k,
      itemHeight: 10 * k,
      textStyle: { color: theme.muted, fontSize: fs },
      data: [names.current, names.lastYear],
    },
    tooltip: tooltipOption('axis', theme, fs, fmt, unit),
    xAxis: {
      type: 'category',
      data: categories,
      boundaryGap: false,
      axisLine: { lineStyle: { color: theme.grid } },
      axisTick: { show: false },
      axisLabel: { color: theme.muted, fontSize: fs, hideOverlap: true },
    },
    yAxis: {
      type: 'value',
      // Rates live near the top of their scale; show where they move, never above 100 %.
      scale: isPercent(unit),
      // Whole percents at least: a flat 86,3 % line must not get ten identical "86,3 %" ticks.
      minInterval: isPercent(unit) ? 1 : undefined,
      max: isPercent(unit)
        ? (e: { max: number }) => (e.max > 100 ? undefined : Math.min(100, Math.ceil(e.max)))
        : undefined,
      splitLine: { lineStyle: { color: theme.grid } },
      axisLabel: { color: theme.muted, fontSize: fs, formatter: (v: number) => fmt.axis(v, unit) },
    },
    series: [lastYear, current],
  };
}

export interface RankingRow {
  key: string | null;
  label: string | null;
  value: number | null;
  status: Status;
}

export interface RankingInput {
  rows: RankingRow[];
  unit: KpiUnit;
  fmt: Formatter;
  /** Label of the null key under district/commune: agencies at province level. */
  provinceLabel: string;
  selected?: string | null;
  theme?: ChartTheme;
  /** At most this many bars (the best and the worst stay visible: rows come sorted). */
  limit?: number;
}

/** Label of a breakdown row: its name, or "Cấp tỉnh" for the province-level (null) key. */
export function rowLabel(row: { key: string | null; label: string | null }, provinceLabel: string): string {
  return row.key === null ? provinceLabel : (row.label ?? row.key);
}

/** The rows a ranking shows: all of them, or the best and the worst halves when there are more than `limit`. */
export function rankingShown<T>(rows: T[], limit: number): T[] {
  return rows.length > limit
    ? [...rows.slice(0, Math.ceil(limit / 2)), ...rows.slice(-Math.floor(limit / 2))]
    : rows;
}

/** Horizontal bars, best at the top, each coloured by its status; the selected unit stands out. */
export function buildRankingOption({
  rows,
  unit,
  fmt,
  provinceLabel,
  selected,
  theme = LIGHT,
  limit = 30,
}: RankingInput): ChartOption {
  const fs = theme.fontSize;
  const k = fs / 12;
  const shown = rankingShown(rows, limit);
  // A null `selected` means none: the null key (province-level agencies) is never the selection.
  const dim = selected !== undefined && selected !== null;
  const isSelected = (key: string | null) => dim && key === selected;
  const bars: BarSeriesOption = {
    type: 'bar',
    barMaxWidth: 26 * k,
    data: shown.map((r) => ({
      value: r.value ?? undefined,
      name: r.key ?? '',
      itemStyle: {
        color: STATUS_COLORS[r.status],
        opacity: dim && !isSelected(r.key) ? 0.45 : 1,
        borderColor: isSelected(r.key) ? theme.text : undefined,
        borderWidth: isSelected(r.key) ? 2 * k : 0,
      },
    })),
    label: {
      show: true,
      position: 'right',
      color: theme.text,
      fontSize: fs,
      formatter: (p) => fmt.kpi(typeof p.value === 'number' ? p.value : null, unit, { compact: true }),
    },
    cursor: 'pointer',
  };
  return {
    animationDuration: 300,
    textStyle: { fontFamily: CHART_FONT, color: theme.text, fontSize: fs },
    grid: { left: 8 * k, right: 72 * k, top: 4 * k, bottom: 4 * k, containLabel: true },
    tooltip: tooltipOption('item', theme, fs, fmt, unit),
    xAxis: {
      type: 'value',
      scale: false,
      splitLine: { lineStyle: { color: theme.grid } },
      axisLabel: {
        color: theme.muted,
        fontSize: fs,
        formatter: (v: number) => fmt.axis(v, unit),
        hideOverlap: true,
      },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: shown.map((r) => rowLabel(r, provinceLabel)),
      axisTick: { show: false },
      axisLine: { lineStyle: { color: theme.grid } },
      axisLabel: { color: theme.text, fontSize: fs, width: 150 * k, overflow: 'truncate' },
    },
    series: [bars],
  };
}
