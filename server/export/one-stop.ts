// The one-stop report table as a download: XLSX (the table, then each column's definition from the registry) or
// CSV. The numbers are oneStopTable()'s, the ones the page shows.
import { PassThrough, Readable } from 'node:stream';
import type { Row } from '../db/index.ts';
import { ONE_STOP_COLUMNS, type OneStopBy, oneStopTable } from '../kpis/one-stop.ts';
import type { Range } from '../kpis/period.ts';
import type { KpiContext } from '../kpis/service.ts';
import type { Filters } from '../kpis/types.ts';
import { type CsvStyle, csvHeader, csvRows } from './csv.ts';
import { describeMeasure } from './definitions.ts';
import { exportFilename } from './filename.ts';
import type { Column, Lang, Table } from './table.ts';
import { type DefinitionRow, writeXlsx } from './xlsx.ts';

export interface OneStopExportRequest {
  range: Range;
  filters: Filters;
  by: OneStopBy;
  format: 'xlsx' | 'csv';
  lang: Lang;
  csvStyle: CsvStyle;
}

const BY: Record<OneStopBy, [string, string]> = {
  agency: ['Cơ quan', 'Agency'],
  commune: ['Xã/phường', 'Commune'],
  district: ['Huyện (cũ)', 'District (former)'],
  sector: ['Lĩnh vực', 'Sector'],
  procedure: ['Thủ tục', 'Procedure'],
};

export async function oneStopExport(ctx: KpiContext, q: OneStopExportRequest): Promise<Response> {
  const a = await oneStopTable(ctx, q.range, q.filters, q.by);
  const vi = q.lang === 'vi';
  const columns: Column[] = [
    { key: 'key', header: vi ? 'Mã' : 'Code', kind: 'text' },
    { key: 'label', header: BY[q.by][vi ? 0 : 1], kind: 'text' },
    ...a.columns.map(
      (c): Column => ({
        key: c.key,
        header: vi ? c.vi : c.en,
        kind: c.key === 'ontime_rate' ? 'decimal' : 'integer',
      }),
    ),
  ];
  const totalLabel = vi ? 'Tổng cộng' : 'Total';
  const rows: Row[] = [...a.rows, { ...a.total, key: '', label: totalLabel }].map((r) => ({
    ...r,
    ontime_rate: r.ontime_rate === null ? null : Math.round(r.ontime_rate * 10) / 10,
  }));
  const filename = exportFilename({
    id: 'services.one_stop',
    unit: q.filters.unit ?? 'province',
    from: q.range.from,
    to: q.range.to,
    extra: [
      `by-${q.by}`,
      ...Object.entries(q.filters)
        .filter(([k]) => k !== 'unit')
        .map(([k, v]) => `${k}-${v}`),
    ],
    ext: q.format,
  });
  const headers: Record<string, string> = {
    'Content-Disposition': `attachment; filename="${filename}"`,
    'Cache-Control': 'no-store',
    'X-Row-Count': String(rows.length),
  };
  if (q.format === 'csv') {
    headers['Content-Type'] = 'text/csv; charset=utf-8';
    return new Response(csvHeader(columns, q.csvStyle) + csvRows(rows, columns, q.csvStyle), { headers });
  }
  headers['Content-Type'] = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const L = (x: string, y: string) => (vi ? x : y);
  const defs: DefinitionRow[] = [
    { label: L('Bảng', 'Table'), value: L('Tình hình giải quyết hồ sơ TTHC', 'One-stop dossier report') },
    { label: L('Kỳ', 'Period'), value: `${a.from} – ${a.to}` },
    { label: L('Theo', 'By'), value: BY[q.by][vi ? 0 : 1] },
    {
      label: L('Bộ lọc', 'Filters'),
      value:
        Object.entries(q.filters)
          .map(([k, v]) => `${k}=${v}`)
          .join('; ') || L('(không)', '(none)'),
    },
    {
      label: L('Quy định áp dụng', 'Rules applied'),
      value: a.rules.map((r) => `${r[q.lang]} (${r.from})`).join('; '),
    },
    ...ONE_STOP_COLUMNS.map((c) => {
      const kpi = ctx.registry.kpis.get(c.kpi);
      return {
        label: vi ? c.vi : c.en,
        value: `${c.kpi}: ${kpi?.description?.[q.lang] ?? kpi?.name[q.lang] ?? ''} — ${describeMeasure({ source: 'dossiers', agg: 'count', where: c.where, timeType: 'timestamptz' })}`,
      };
    }),
    {
      label: L('Tỷ lệ đúng hạn (%)', 'On-time rate (%)'),
      value: L('(Trước hạn + Đúng hạn) ÷ Đã giải quyết × 100', '(Early + On the due day) ÷ Completed × 100'),
    },
    { label: L('Thời điểm tạo tệp', 'Generated at'), value: new Date().toISOString() },
  ];
  const out = new PassThrough();
  const table: Table = {
    columns,
    chunks: (async function* () {
      yield rows;
    })(),
  };
  writeXlsx(out, table, defs, q.lang).catch((e) =>
    out.destroy(e instanceof Error ? e : new Error(String(e))),
  );
  return new Response(Readable.toWeb(out) as ReadableStream<Uint8Array>, { headers });
}
