// Export of any view (a KPI answer, a breakdown or trend, the records) as XLSX, CSV, Parquet or JSON. The numbers
// come from the service functions the routes call (getKpi, getBreakdown, the records SQL): nothing is recomputed.
import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import type { Db, Row } from '../db/index.ts';
import { QueryError } from '../kpis/engine.ts';
import type { Range } from '../kpis/period.ts';
import { getBreakdown, getKpi, getKpiDef, type KpiContext } from '../kpis/service.ts';
import type { Dimension, Filters } from '../kpis/types.ts';
import { type CsvStyle, csvHeader, csvRows } from './csv.ts';
import { definitionRows } from './definitions.ts';
import { exportFilename } from './filename.ts';
import { parquetOfQuery, parquetOfRows } from './parquet.ts';
import { recordsCount, recordsQuery, streamQuery } from './records.ts';
import { breakdownTable, type Lang, recordColumns, type Table, valueTable } from './table.ts';
import { writeXlsx } from './xlsx.ts';

export type ExportFormat = 'xlsx' | 'csv' | 'parquet' | 'json';
export type ExportView = 'value' | 'breakdown' | 'records';

export interface ExportRequest {
  id: string;
  range: Range;
  filters: Filters;
  format: ExportFormat;
  view: ExportView;
  by?: Dimension;
  part: 'numerator' | 'denominator';
  /** Records only: at most this many rows, written into the filename and X-Row-Limit. Omitted: all rows. */
  limit?: number;
  lang: Lang;
  csvStyle: CsvStyle;
  /** The CSV formula guard (default on); `off` for scripts that read the cells as data. */
  csvGuard?: 'on' | 'off';
}

const CONTENT_TYPE: Record<ExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
  json: 'application/json; charset=utf-8',
};

async function provinceCode(db: Db): Promise<string> {
  const r = await db.query<{ code: string }>(`SELECT code FROM units WHERE level = 'province' LIMIT 1`);
  return r[0]?.code ?? 'province';
}

const enc = new TextEncoder();

/** A web stream pulling chunks on demand: the reader's pace sets the pace, so memory stays flat. */
function pullStream(
  head: string,
  chunks: AsyncIterator<Row[]>,
  encode: (rows: Row[], first: boolean) => string,
  tail: string,
  onCancel: () => void,
): ReadableStream<Uint8Array> {
  let first = true;
  return new ReadableStream<Uint8Array>({
    start(ctrl) {
      if (head) ctrl.enqueue(enc.encode(head));
    },
    async pull(ctrl) {
      const n = await chunks.next();
      if (n.done) {
        if (tail) ctrl.enqueue(enc.encode(tail));
        ctrl.close();
        return;
      }
      if (n.value.length === 0) return;
      ctrl.enqueue(enc.encode(encode(n.value, first)));
      first = false;
    },
    async cancel() {
      await chunks.return?.();
      onCancel();
    },
  });
}

/** The XLSX writer producing into a Node stream handed to the response as a web stream. */
function xlsxStream(table: Table, defs: ReturnType<typeof definitionRows>, lang: Lang, done: () => void) {
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  writeXlsx(out, table, defs, lang)
    .then(async () => {
      if (!out.writableFinished) await once(out, 'finish').catch(() => undefined);
    })
    .catch((e) => out.destroy(e instanceof Error ? e : new Error(String(e))))
    .finally(done);
  return Readable.toWeb(out) as ReadableStream<Uint8Array>;
}

/** Build the download for a view. Errors before the first byte (bad KPI, bad filter) throw as the routes do. */
export async function exportView(ctx: KpiContext, q: ExportRequest): Promise<Response> {
  const kpi = getKpiDef(ctx, q.id);
  if (q.view === 'breakdown' && !q.by) throw new QueryError('view=breakdown needs by');
  if (q.view !== 'records' && q.limit !== undefined)
    throw new QueryError('limit applies to view=records only');
  const [answer, unitCode] = await Promise.all([
    getKpi(ctx, q.id, q.range, q.filters),
    q.filters.unit ?? provinceCode(ctx.db),
  ]);
  const extra = [
    ...Object.entries(q.filters)
      .filter(([k]) => k !== 'unit')
      .map(([k, v]) => `${k}-${v}`),
    ...(q.view === 'breakdown' ? [`by-${q.by}`] : q.view === 'records' ? [`records-${q.part}`] : []),
    ...(q.limit !== undefined ? [`limit-${q.limit}`] : []),
  ];
  const filename = exportFilename({
    id: q.id,
    unit: unitCode,
    from: q.range.from,
    to: q.range.to,
    extra,
    ext: q.format,
  });
  const headers: Record<string, string> = {
    'Content-Type': CONTENT_TYPE[q.format],
    'Content-Disposition': `attachment; filename="${filename}"`,
    'Cache-Control': 'no-store',
  };
  if (q.limit !== undefined) headers['X-Row-Limit'] = String(q.limit);
  const defs = (rows: number) =>
    definitionRows({
      kpi,
      lang: q.lang,
      from: q.range.from,
      to: q.range.to,
      filters: q.filters as Record<string, string>,
      view:
        q.view === 'breakdown'
          ? `breakdown by ${q.by}`
          : q.view === 'records'
            ? `records (${q.part})`
            : 'value',
      asOf: answer.asOf,
      generatedAt: new Date(),
      rows,
      limit: q.limit,
    });

  const csvOpts = { guard: q.csvGuard !== 'off' };
  // Parquet carries what the file is, as key-value metadata: the definition, the period and the filters.
  const meta: Record<string, string> = {
    'ioc.kpi': kpi.id,
    'ioc.name': kpi.name.vi,
    'ioc.unit': kpi.unit,
    'ioc.definition': JSON.stringify({
      numerator: kpi.numerator,
      denominator: kpi.denominator ?? null,
      scale: kpi.scale,
    }),
    'ioc.view':
      q.view === 'breakdown' ? `breakdown:${q.by}` : q.view === 'records' ? `records:${q.part}` : 'value',
    'ioc.from': q.range.from,
    'ioc.to': q.range.to,
    'ioc.filters': JSON.stringify(q.filters),
    'ioc.asOf': answer.asOf ?? '',
  };
  if (q.view !== 'records') {
    const bd = q.view === 'breakdown' ? await getBreakdown(ctx, q.id, q.range, q.filters, q.by!) : undefined;
    const table = bd ? breakdownTable(bd, q.lang, q.format !== 'parquet') : valueTable(answer, q.lang);
    const rows: Row[] = [];
    for await (const c of table.chunks) rows.push(...c);
    headers['X-Row-Count'] = String(rows.length);
    if (q.format === 'json') return new Response(JSON.stringify(bd ?? answer), { headers });
    const again = {
      ...table,
      chunks: (async function* () {
        yield rows;
      })(),
    };
    if (q.format === 'parquet')
      return new Response(await parquetOfRows(ctx.db, table.columns, rows, meta), { headers });
    if (q.format === 'csv')
      return new Response(
        csvHeader(table.columns, q.csvStyle) + csvRows(rows, table.columns, q.csvStyle, csvOpts),
        { headers },
      );
    return new Response(
      xlsxStream(again, defs(rows.length), q.lang, () => undefined),
      { headers },
    );
  }

  const req = { id: q.id, range: q.range, filters: q.filters, part: q.part, limit: q.limit };
  const count = await recordsCount(ctx, req);
  const { sql, params } = recordsQuery(ctx, req);
  headers['X-Row-Count'] = String(count.rows);
  if (q.format === 'parquet')
    return new Response(await parquetOfQuery(ctx.db, sql, params, meta), { headers });
  const rs = await streamQuery(ctx.db, sql, params);
  const columns = recordColumns(rs.names, rs.types, q.lang);
  const it = rs.chunks[Symbol.asyncIterator]();
  if (q.format === 'csv') {
    const body = pullStream(
      csvHeader(columns, q.csvStyle),
      it,
      (rows) => csvRows(rows, columns, q.csvStyle, csvOpts),
      '',
      rs.close,
    );
    return new Response(body, { headers });
  }
  if (q.format === 'json') {
    // The records route's answer shape, with every row instead of one page.
    const head = JSON.stringify({
      id: q.id,
      part: q.part,
      from: q.range.from,
      to: q.range.to,
      filters: q.filters,
      total: count.total,
      limit: q.limit ?? null,
      offset: 0,
    });
    const body = pullStream(
      `${head.slice(0, -1)},"rows":[`,
      it,
      (rows, first) => (first ? '' : ',') + rows.map((r) => JSON.stringify(r)).join(','),
      ']}',
      rs.close,
    );
    return new Response(body, { headers });
  }
  return new Response(xlsxStream({ columns, chunks: rs.chunks }, defs(count.rows), q.lang, rs.close), {
    headers,
  });
}
