// What only a desk needs: tooltips (and the axis pointer they bring). The wall has no pointer, so its charts load
// without them (web/charts/echarts.ts has the rest); desk pages load this before their first chart.
import { TooltipComponent } from 'echarts/components';
import { echarts } from './echarts.ts';

echarts.use([TooltipComponent]);
