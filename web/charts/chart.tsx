// The one ECharts host: echarts-for-react's core build bound to our trimmed echarts/core.
// The ESM build: the CommonJS lib/core arrives as {default} through Vite's interop and React cannot render it.
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { useMemo, useRef } from 'react';
import { echarts } from './echarts.ts';
import type { ChartOption } from './options.ts';

export interface ChartClick {
  name: string;
  dataIndex: number;
  value: unknown;
}

export interface ChartProps {
  option: ChartOption;
  height?: number | string;
  onClick?: (e: ChartClick) => void;
  className?: string;
  /** Label for screen readers: the chart's canvas says nothing by itself. */
  label?: string;
  /** Offer a PNG download (ECharts' own image export) under this file name; omitted on the wall. */
  pngFilename?: string;
  pngTitle?: string;
}

/** Save the chart as it is drawn, at twice the pixels, on white (a transparent PNG looks broken in slides). */
export function downloadPng(chart: { getDataURL(o: object): string } | undefined, filename: string): void {
  if (!chart) return;
  const a = document.createElement('a');
  a.href = chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' });
  a.download = filename.endsWith('.png') ? filename : `${filename}.png`;
  a.click();
}

export default function Chart({
  option,
  height = 280,
  onClick,
  className,
  label,
  pngFilename,
  pngTitle,
}: ChartProps) {
  const ref = useRef<ReactEChartsCore>(null);
  const events = useMemo(() => (onClick ? { click: (e: ChartClick) => onClick(e) } : undefined), [onClick]);
  return (
    <div className={`chart-host ${className ?? ''}`} style={{ height, width: '100%', position: 'relative' }}>
      {pngFilename && (
        <button
          type="button"
          className="chart-png small"
          title={pngTitle}
          onClick={() => downloadPng(ref.current?.getEchartsInstance(), pngFilename)}
        >
          PNG
        </button>
      )}
      <div role="img" aria-label={label} style={{ height: '100%', width: '100%' }}>
        <ReactEChartsCore
          ref={ref}
          echarts={echarts}
          option={option}
          notMerge
          lazyUpdate
          onEvents={events}
          style={{ height: '100%', width: '100%' }}
          opts={{ renderer: 'canvas' }}
        />
      </div>
    </div>
  );
}
