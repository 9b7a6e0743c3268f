// The one shape every export writer reads: typed columns with headers in the UI language, and rows arriving in
// chunks (a whole answer in one chunk, or a records stream chunk by chunk). Writers never see a KPI.
import { hasMessage, translate } from '../../common/messages.ts';
import { type Lang, valueKind } from '../../common/vocabulary.ts';
import type { Row } from '../db/index.ts';
import type { BreakdownAnswer } from '../kpis/service.ts';
import type { KpiAnswer } from '../kpis/types.ts';
import { TIME_DIMENSIONS } from '../kpis/types.ts';

export type { Lang };

/**
 * How a column is written: numbers stay numbers (the kind picks the display format), dates become dates in XLSX and
 * ISO text in CSV, everything else is text.
 */
export type ColumnKind = 'text' | 'integer' | 'decimal' | 'percent' | 'vnd' | 'boolean' | 'date' | 'datetime';

export interface Column {
  key: string;
  header: string;
  kind: ColumnKind;
}

export interface Table {
  columns: Column[];
  chunks: AsyncIterable<Row[]>;
}

const L = (lang: Lang, vi: string, en: string) => (lang === 'vi' ? vi : en);

async function* once(rows: Row[]): AsyncIterable<Row[]> {
  yield rows;
}

const PERIODS = {
  current: ['Kỳ đang xem', 'Selected period'],
  previousPeriod: ['Kỳ trước', 'Previous period'],
  samePeriodLastYear: ['Cùng kỳ năm trước', 'Same period last year'],
  yearToDate: ['Lũy kế từ đầu năm', 'Year to date'],
} as const;

/** A KPI answer as a table: one row per period the card shows (the period itself and its comparisons). */
export function valueTable(a: KpiAnswer, lang: Lang): Table {
  const vk = valueKind(a.unit);
  const partKind: ColumnKind = vk === 'percent' || vk === 'integer' ? 'integer' : vk;
  const cur = { from: a.from, to: a.to, value: a.value, numerator: a.numerator, denominator: a.denominator };
  const rows = (Object.keys(PERIODS) as (keyof typeof PERIODS)[]).map((k) => {
    const p = k === 'current' ? cur : a[k];
    return {
      period: L(lang, PERIODS[k][0], PERIODS[k][1]),
      from: p.from,
      to: p.to,
      value: p.value,
      numerator: p.numerator,
      denominator: p.denominator,
    };
  });
  return {
    columns: [
      { key: 'period', header: L(lang, 'Kỳ', 'Period'), kind: 'text' },
      { key: 'from', header: L(lang, 'Từ ngày', 'From'), kind: 'date' },
      { key: 'to', header: L(lang, 'Đến ngày', 'To'), kind: 'date' },
      { key: 'value', header: L(lang, 'Giá trị', 'Value'), kind: vk },
      { key: 'numerator', header: L(lang, 'Tử số', 'Numerator'), kind: partKind },
      { key: 'denominator', header: L(lang, 'Mẫu số', 'Denominator'), kind: partKind },
    ],
    chunks: once(rows),
  };
}

const STATUS: Record<string, [string, string]> = {
  good: ['Đạt', 'Good'],
  warning: ['Cảnh báo', 'Warning'],
  bad: ['Không đạt', 'Bad'],
  none: ['Không đánh giá', 'Not assessed'],
};

/** A breakdown (a ranking, or a trend when `by` is a time grain) as a table, in the order the view shows. */
export function breakdownTable(
  a: BreakdownAnswer,
  lang: Lang,
  /** Status in words (spreadsheets); false keeps the API's codes (Parquet). */
  words = true,
): Table {
  const vk = valueKind(a.unit);
  const partKind: ColumnKind = vk === 'percent' || vk === 'integer' ? 'integer' : vk;
  const time = (TIME_DIMENSIONS as readonly string[]).includes(a.by);
  const columns: Column[] = [
    time
      ? { key: 'key', header: L(lang, 'Kỳ bắt đầu', 'Period start'), kind: 'date' }
      : { key: 'key', header: L(lang, 'Mã', 'Code'), kind: 'text' },
    ...(time ? [] : [{ key: 'label', header: L(lang, 'Tên', 'Name'), kind: 'text' as const }]),
    { key: 'value', header: L(lang, 'Giá trị', 'Value'), kind: vk },
    { key: 'numerator', header: L(lang, 'Tử số', 'Numerator'), kind: partKind },
    { key: 'denominator', header: L(lang, 'Mẫu số', 'Denominator'), kind: partKind },
    { key: 'samePeriodLastYear', header: L(lang, 'Cùng kỳ năm trước', 'Same period last year'), kind: vk },
    ...(vk === 'percent'
      ? [
          {
            key: 'changePoints',
            header: L(lang, 'Thay đổi so với cùng kỳ (điểm %)', 'Change vs last year (points)'),
            kind: 'decimal' as const,
          },
        ]
      : []),
    {
      key: 'change',
      header: L(lang, 'Thay đổi so với cùng kỳ (%)', 'Change vs last year (%)'),
      kind: 'percent',
    },
    { key: 'status', header: L(lang, 'Đánh giá', 'Status'), kind: 'text' },
  ];
  // The records of no unit of that level follow the ranked units, labelled.
  const all = a.outside ? [...a.rows, a.outside] : a.rows;
  const rows = words
    ? all.map((r) => ({ ...r, status: STATUS[r.status]?.[lang === 'vi' ? 0 : 1] ?? r.status }))
    : all;
  return { columns, chunks: once(rows) };
}

const MONEY = new Set(['amount_vnd', 'fee_vnd']);

/** Column kinds of a records query from DuckDB's column types; headers are the UI's column labels. */
export function recordColumns(names: string[], types: string[], lang: Lang): Column[] {
  return names.map((name, i) => {
    const t = types[i];
    let kind: ColumnKind = 'text';
    if (MONEY.has(name)) kind = 'vnd';
    else if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/.test(t))
      kind = 'integer';
    else if (/^(FLOAT|DOUBLE|DECIMAL)/.test(t)) kind = 'decimal';
    else if (t === 'BOOLEAN') kind = 'boolean';
    else if (t === 'DATE') kind = 'date';
    else if (t.startsWith('TIMESTAMP')) kind = 'datetime';
    const key = `col.${name}`;
    return { key: name, header: hasMessage(key) ? translate(lang, key) : name, kind };
  });
}
