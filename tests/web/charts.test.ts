// Chart option builders put every number through the formatter (ECharts' own formatting is English-only).
import { describe, expect, it } from 'vitest';
import { createFormatter } from '../../common/format.ts';
import { buildRankingOption, buildTrendOption, DARK, rowLabel } from '../../web/charts/options.ts';
import { STATUS_COLORS } from '../../web/lib/kpi.ts';

const vi = createFormatter('vi');
const en = createFormatter('en');
const names = { current: 'Kỳ này', lastYear: 'Cùng kỳ năm trước', target: 'Mục tiêu' };

type Fn = (...a: unknown[]) => string;
// biome-ignore lint/suspicious/noExplicitAny: reaching into a built option
const get = (o: any, path: string): any => path.split('.').reduce((x, k) => x?.[k], o);

const trendRows = [
  { key: '2021-07-01', value: 1_000_000_000, samePeriodLastYear: 800_000_000 },
  { key: '2021-08-01', value: 1_200_000_000, samePeriodLastYear: null },
  { key: '2021-09-01', value: null, samePeriodLastYear: 900_000_000 },
];

describe('buildTrendOption', () => {
  it('formats the value axis in Vietnamese', () => {
    const o = buildTrendOption({ rows: trendRows, unit: 'vnd', fmt: vi, names });
    const axis = get(o, 'yAxis.axisLabel.formatter') as Fn;
    expect(axis(1_200_000_000)).toBe('1,2 tỷ');
    expect(axis(35_600_000)).toBe('35,6 triệu');
  });

  it('formats the value axis in English', () => {
    const o = buildTrendOption({ rows: trendRows, unit: 'vnd', fmt: en, names });
    expect((get(o, 'yAxis.axisLabel.formatter') as Fn)(1_200_000_000)).toBe('1.2B');
  });

  it('formats tooltips with the KPI unit, a dash for gaps', () => {
    const o = buildTrendOption({ rows: trendRows, unit: 'percent', fmt: vi, names });
    const tip = get(o, 'tooltip.valueFormatter') as Fn;
    expect(tip(35.6)).toBe('35,6 %');
    expect(tip(null)).toBe('—');
    const money = buildTrendOption({ rows: trendRows, unit: 'vnd', fmt: vi, names });
    expect((get(money, 'tooltip.valueFormatter') as Fn)(1_234_567)).toBe('1.234.567 ₫');
  });

  it('labels months the Vietnamese way and overlays last year', () => {
    const o = buildTrendOption({ rows: trendRows, unit: 'count', fmt: vi, names });
    expect(get(o, 'xAxis.data')).toEqual(['T7/2021', 'T8/2021', 'T9/2021']);
    const series = o.series as { name: string; data: unknown[]; lineStyle: { type?: string } }[];
    const current = series.find((s) => s.name === 'Kỳ này');
    const lastYear = series.find((s) => s.name === 'Cùng kỳ năm trước');
    expect(current?.data).toEqual([1_000_000_000, 1_200_000_000, null]);
    expect(lastYear?.data).toEqual([800_000_000, null, 900_000_000]);
    expect(lastYear?.lineStyle.type).toBe('dashed');
  });

  it('labels quarters with Roman numerals', () => {
    const o = buildTrendOption({
      rows: [{ key: '2021-07-01', value: 1, samePeriodLastYear: 1 }],
      unit: 'count',
      fmt: vi,
      names,
      grain: 'quarter',
    });
    expect(get(o, 'xAxis.data')).toEqual(['Quý III/2021']);
  });

  it('draws the target as a formatted mark line', () => {
    const o = buildTrendOption({ rows: trendRows, unit: 'percent', fmt: vi, names, target: 95 });
    const series = o.series as {
      name: string;
      markLine?: { data: { yAxis: number }[]; label: { formatter: Fn } };
    }[];
    const ml = series.find((s) => s.name === 'Kỳ này')?.markLine;
    expect(ml?.data[0].yAxis).toBe(95);
    expect(ml?.label.formatter()).toBe('Mục tiêu 95 %');
    const none = buildTrendOption({ rows: trendRows, unit: 'percent', fmt: vi, names });
    expect((none.series as { markLine?: unknown }[]).every((s) => s.markLine === undefined)).toBe(true);
  });

  it('takes its font size from the theme', () => {
    const o = buildTrendOption({
      rows: trendRows,
      unit: 'count',
      fmt: vi,
      names,
      theme: { ...DARK, fontSize: 30 },
    });
    expect(get(o, 'yAxis.axisLabel.fontSize')).toBe(30);
  });
});

describe('buildRankingOption', () => {
  const rows = [
    { key: '227', label: 'Thành phố Việt Trì', value: 97.2, status: 'good' as const },
    { key: null, label: null, value: 91.5, status: 'warning' as const },
    { key: '238', label: 'Huyện Thanh Sơn', value: 78.04, status: 'bad' as const },
    { key: '239', label: 'Huyện Tân Sơn', value: null, status: 'none' as const },
  ];

  it('names the province-level row and keeps the server order, best on top', () => {
    const o = buildRankingOption({ rows, unit: 'percent', fmt: vi, provinceLabel: 'Cấp tỉnh' });
    expect(get(o, 'yAxis.data')).toEqual([
      'Thành phố Việt Trì',
      'Cấp tỉnh',
      'Huyện Thanh Sơn',
      'Huyện Tân Sơn',
    ]);
    expect(get(o, 'yAxis.inverse')).toBe(true);
  });

  it('formats bar labels and the axis with the formatter', () => {
    const o = buildRankingOption({ rows, unit: 'percent', fmt: vi, provinceLabel: 'Cấp tỉnh' });
    const series = (
      o.series as {
        label: { formatter: Fn };
        data: { value?: number; name: string; itemStyle: { color: string; opacity: number } }[];
      }[]
    )[0];
    expect(series.label.formatter({ value: 78.04 })).toBe('78 %');
    expect(series.label.formatter({ value: undefined })).toBe('—');
    expect((get(o, 'xAxis.axisLabel.formatter') as Fn)(50)).toBe('50 %');
    const money = buildRankingOption({ rows, unit: 'vnd', fmt: vi, provinceLabel: 'Cấp tỉnh' });
    expect((get(money, 'xAxis.axisLabel.formatter') as Fn)(1_200_000_000)).toBe('1,2 tỷ');
  });

  it('colours bars by status and carries the unit code for drill-down', () => {
    const o = buildRankingOption({
      rows,
      unit: 'percent',
      fmt: vi,
      provinceLabel: 'Cấp tỉnh',
      selected: '238',
    });
    const data = (
      o.series as {
        data: { name: string; value?: number; itemStyle: { color: string; opacity: number } }[];
      }[]
    )[0].data;
    expect(data.map((d) => d.name)).toEqual(['227', '', '238', '239']);
    expect(data[2].itemStyle.color).toBe(STATUS_COLORS.bad);
    expect(data[0].itemStyle.color).toBe(STATUS_COLORS.good);
    expect(data[2].itemStyle.opacity).toBe(1);
    expect(data[0].itemStyle.opacity).toBeLessThan(1);
    expect(data[3].value).toBeUndefined();
  });

  it('keeps the best and the worst when there are too many', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({
      key: String(i),
      label: `X${i}`,
      value: 40 - i,
      status: 'good' as const,
    }));
    const o = buildRankingOption({
      rows: many,
      unit: 'count',
      fmt: vi,
      provinceLabel: 'Cấp tỉnh',
      limit: 10,
    });
    const labels = get(o, 'yAxis.data') as string[];
    expect(labels).toHaveLength(10);
    expect(labels[0]).toBe('X0');
    expect(labels.at(-1)).toBe('X39');
  });

  it('rowLabel falls back to the key', () => {
    expect(rowLabel({ key: 'A1', label: null }, 'Cấp tỉnh')).toBe('A1');
    expect(rowLabel({ key: null, label: null }, 'Province level')).toBe('Province level');
  });
});

describe('buildRankingOption selection', () => {
  it('never takes the null key (province level) for the selection', () => {
    const rows = [
      { key: '227', label: 'Thành phố Việt Trì', value: 97.2, status: 'good' as const },
      { key: null, label: null, value: 91.5, status: 'warning' as const },
    ];
    const o = buildRankingOption({
      rows,
      unit: 'percent',
      fmt: createFormatter('vi'),
      provinceLabel: 'Cấp tỉnh',
      selected: null,
    });
    const data = (o.series as { data: { itemStyle: { opacity: number; borderWidth: number } }[] }[])[0].data;
    expect(data.map((d) => d.itemStyle.borderWidth)).toEqual([0, 0]);
    expect(data.map((d) => d.itemStyle.opacity)).toEqual([1, 1]);
  });
});
