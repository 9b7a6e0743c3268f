// The "Định nghĩa - Definitions" sheet: what the numbers are, from the registry record itself (formula parts,
// source feeds), and what was asked (filters, period, view, row limit) with the as-of and generation times.
import { indexFormula } from '../kpis/index766.ts';
import { type Kpi, KpiSchema, type Measure } from '../kpis/types.ts';
import type { DefinitionRow } from './xlsx.ts';

export interface DefinitionInput {
  kpi: Kpi;
  lang: 'vi' | 'en';
  from: string;
  to: string;
  filters: Record<string, string>;
  view: string;
  asOf: string | null;
  generatedAt: Date;
  rows: number;
  limit?: number;
}

/** A measure as an analyst reads it: agg(expr) FROM source WHERE … over the time column. */
export function describeMeasure(m: Measure): string {
  const parts = [`${m.agg}(${m.expr ?? '*'})`, `FROM ${m.from ? `(${m.from.trim()})` : m.source}`];
  if (m.where) parts.push(`WHERE ${m.where.trim()}`);
  if (m.time) parts.push(`[${m.time} ∈ period]`);
  return parts.join(' ');
}

export function definitionRows(d: DefinitionInput): DefinitionRow[] {
  const vi = d.lang === 'vi';
  const L = (a: string, b: string) => (vi ? a : b);
  const k = d.kpi;
  const filters = Object.entries(d.filters)
    .map(([f, v]) => `${f}=${v}`)
    .join('; ');
  if (k.kind === 'index') return indexDefinitionRows(d);
  const formula = k.denominator
    ? k.show === 'numerator'
      ? L('Tử số (trên mẫu số)', 'Numerator (of the denominator)')
      : `${L('Tử số', 'Numerator')} ÷ ${L('Mẫu số', 'Denominator')}${k.scale !== 1 ? ` × ${k.scale}` : ''}`
    : L('Tử số', 'Numerator');
  return [
    { label: L('Mã chỉ số', 'KPI id'), value: k.id },
    { label: L('Tên chỉ số', 'Name'), value: k.name[d.lang] },
    ...(k.description ? [{ label: L('Mô tả', 'Description'), value: k.description[d.lang] }] : []),
    { label: L('Đơn vị tính', 'Unit'), value: k.unit },
    {
      label: L('Chiều tốt', 'Better when'),
      value: k.direction === 'up' ? L('Cao hơn', 'Higher') : L('Thấp hơn', 'Lower'),
    },
    { label: L('Công thức', 'Formula'), value: formula },
    { label: L('Tử số', 'Numerator'), value: describeMeasure(k.numerator) },
    ...(k.denominator ? [{ label: L('Mẫu số', 'Denominator'), value: describeMeasure(k.denominator) }] : []),
    ...(k.target !== undefined ? [{ label: L('Chỉ tiêu', 'Target'), value: k.target }] : []),
    { label: L('Nguồn dữ liệu', 'Source feeds'), value: k.feeds.join(', ') },
    { label: L('Bộ lọc', 'Filters'), value: filters || L('(không)', '(none)') },
    { label: L('Kỳ', 'Period'), value: `${d.from} – ${d.to}` },
    { label: L('Dạng xem', 'View'), value: d.view },
    { label: L('Số dòng', 'Rows'), value: d.rows },
    {
      label: L('Giới hạn số dòng', 'Row limit'),
      value: d.limit ?? L('Không giới hạn (toàn bộ)', 'None (all rows)'),
    },
    { label: L('Số liệu đến', 'Data as of'), value: d.asOf ?? '—' },
    { label: L('Thời điểm tạo tệp', 'Generated at'), value: d.generatedAt.toISOString() },
  ];
}

/** A QĐ 766 record: its method and each indicator's numerator, denominator and points. */
function indexDefinitionRows(d: DefinitionInput): DefinitionRow[] {
  const vi = d.lang === 'vi';
  const L = (a: string, b: string) => (vi ? a : b);
  const f = indexFormula(d.kpi.id);
  return [
    { label: L('Mã chỉ số', 'KPI id'), value: d.kpi.id },
    { label: L('Tên chỉ số', 'Name'), value: d.kpi.name[d.lang] },
    { label: L('Phương pháp', 'Method'), value: f.method },
    { label: L('Điểm mỗi chỉ tiêu', 'Points per indicator'), value: f.points },
    ...f.components.flatMap((c) => [
      {
        label: `${c.name[d.lang]} (${c.max} ${L('điểm', 'points')}, ${L('đủ điểm từ', 'full at')} ${c.fullAt * 100} %)`,
        value: `${c.numerator ? describeMeasure(KpiSchema.shape.numerator.parse(c.numerator)) : '—'} ÷ ${
          c.denominator ? describeMeasure(KpiSchema.shape.numerator.parse(c.denominator)) : '—'
        }`,
      },
    ]),
    ...f.noData.map((n) => ({
      label: `${n.name[d.lang]} (${n.max} ${L('điểm', 'points')})`,
      value: L('Chưa có dữ liệu (ngoài tổng điểm)', 'No data (outside the partial total)'),
    })),
    {
      label: L('Bộ lọc', 'Filters'),
      value:
        Object.entries(d.filters)
          .map(([k, v]) => `${k}=${v}`)
          .join('; ') || L('(không)', '(none)'),
    },
    { label: L('Kỳ', 'Period'), value: `${d.from} – ${d.to}` },
    { label: L('Dạng xem', 'View'), value: d.view },
    { label: L('Số dòng', 'Rows'), value: d.rows },
  ];
}
