// The one ECharts host: echarts-for-react's core build bound to our trimmed echarts/core.
// The ESM build: the CommonJS lib/core arrives as {default} through Vite's interop and React cannot render it.
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { useMemo } from 'react';
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
}

export default function Chart({ option, height = 280, onClick, className, label }: ChartProps) {
  const events = useMemo(() => (onClick ? { click: (e: ChartClick) => onClick(e) } : undefined), [onClick]);
  return (
    <div className={className} role="img" aria-label={label} style={{ height, width: '100%' }}>
      <ReactEChartsCore
        echarts={echarts}
        option={option}
        notMerge
        lazyUpdate
        onEvents={events}
        style={{ height: '100%', width: '100%' }}
        opts={{ renderer: 'canvas' }}
      />
    </div>
  );
}
