// The wall's trend: this year's line against last year's (dashed) and the target, drawn by uPlot (about 20 KB gzip
// against ECharts' 180): a wall has no pointer, so it needs no tooltips, zoom or interaction, and its JavaScript stays
// small. Desk pages keep ECharts (trend-chart.tsx). Every number on an axis goes through the one formatter.
import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { KpiUnit } from '../../common/format.ts';
import { useI18n } from '../lib/i18n.ts';
import { bucketLabel, CHART_FONT, type ChartTheme, isPercent, type TrendRow } from './options.ts';

export interface WallTrendProps {
  rows: TrendRow[];
  unit: KpiUnit;
  grain?: 'day' | 'month' | 'quarter' | 'year';
  target?: number | null;
  theme: ChartTheme;
  label?: string;
}

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** The value scale: rates where they move (never above 100 %), counts from 0; the target always in view. */
export function valueRange(
  values: (number | null)[],
  unit: KpiUnit,
  target?: number | null,
): [number, number] {
  const xs = [...values, target].filter(finite);
  if (xs.length === 0) return [0, 1];
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  if (isPercent(unit)) {
    const pad = Math.max(1, (hi - lo) * 0.1);
    const top = hi > 100 ? hi + pad : Math.min(100, Math.ceil(hi + pad));
    return [Math.max(0, Math.floor(lo - pad)), top];
  }
  const base = Math.min(0, lo);
  return [base, hi === base ? base + 1 : hi + (hi - base) * 0.08];
}

export default function WallTrend({ rows, unit, grain = 'month', target, theme, label }: WallTrendProps) {
  const { fmt, t } = useI18n();
  const host = useRef<HTMLDivElement>(null);
  const labels = useMemo(() => rows.map((r) => bucketLabel(fmt, r.key, grain)), [rows, fmt, grain]);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const fs = theme.fontSize;
    const k = fs / 12;
    const font = `${fs}px ${CHART_FONT}`;
    const current = rows.map((r) => r.value);
    const lastYear = rows.map((r) => r.samePeriodLastYear);
    const range = valueRange([...current, ...lastYear], unit, target);
    const axisLabels = (vals: number[]) => vals.map((v) => fmt.axis(v, unit));
    const opts: uPlot.Options = {
      width: Math.max(1, el.clientWidth),
      height: Math.max(1, el.clientHeight),
      // Room on the right for the last month's label (centred on its point) and above for the target's.
      padding: [fs * 0.6, fs * 2.2, 0, 0],
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false }, y: { range: () => range } },
      series: [
        {},
        {
          stroke: theme.lastYear,
          width: 2 * k,
          dash: [6 * k, 4 * k],
          points: { show: false },
        },
        {
          stroke: theme.current,
          width: 3 * k,
          points: { show: true, size: 6 * k, fill: theme.current, stroke: theme.current },
        },
      ],
      axes: [
        {
          stroke: theme.muted,
          font,
          size: fs * 2,
          gap: 4 * k,
          space: fs * 4.5,
          incrs: [1, 2, 3, 4, 6, 12, 24, 48],
          grid: { show: false },
          ticks: { show: false },
          values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? (labels[v] ?? '') : '')),
        },
        {
          stroke: theme.muted,
          font,
          gap: 6 * k,
          size: (_u, values) =>
            Math.ceil(Math.max(2, ...(values ?? []).map((v) => String(v).length)) * fs * 0.62 + 10 * k),
          space: fs * 2.6,
          grid: { stroke: theme.grid, width: 1 },
          ticks: { show: false },
          values: (_u, splits) => axisLabels(splits),
        },
      ],
      hooks: {
        draw: [
          (u) => {
            if (!finite(target)) return;
            const ctx = u.ctx;
            const y = u.valToPos(target, 'y', true);
            const r = uPlot.pxRatio;
            ctx.save();
            ctx.strokeStyle = theme.target;
            ctx.lineWidth = 1.5 * k * r;
            ctx.setLineDash([6 * k * r, 4 * k * r]);
            ctx.beginPath();
            ctx.moveTo(u.bbox.left, y);
            ctx.lineTo(u.bbox.left + u.bbox.width, y);
            ctx.stroke();
            ctx.fillStyle = theme.target;
            ctx.font = `${fs * r}px ${CHART_FONT}`;
            ctx.textAlign = 'right';
            ctx.textBaseline = 'bottom';
            ctx.fillText(
              `${t('kpi.target')} ${fmt.kpi(target, unit, { compact: true })}`,
              u.bbox.left + u.bbox.width,
              y - 4 * k * r,
            );
            ctx.restore();
          },
        ],
      },
    };
    const plot = new uPlot(
      opts,
      [rows.map((_, i) => i), lastYear as (number | null)[], current as (number | null)[]],
      el,
    );
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(1, el.clientWidth), height: Math.max(1, el.clientHeight) }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [rows, unit, target, theme, labels, fmt, t]);
  return (
    <div className="wall-trend-chart" role="img" aria-label={label}>
      <div className="wall-trend-legend" style={{ fontSize: theme.fontSize }}>
        <span>
          <i className="swatch" style={{ borderTopColor: theme.current }} /> {t('trend.current')}
        </span>
        <span>
          <i className="swatch dashed" style={{ borderTopColor: theme.lastYear }} /> {t('trend.lastYear')}
        </span>
      </div>
      <div className="wall-trend-plot" ref={host} />
    </div>
  );
}
