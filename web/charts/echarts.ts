// ECharts with only the parts the IOC draws: lines, bars, grid, legend, mark lines, canvas (tooltips: interactive.ts).
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, BarChart, GridComponent, LegendComponent, MarkLineComponent, CanvasRenderer]);

export { echarts };
