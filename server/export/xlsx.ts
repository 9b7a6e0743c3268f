// XLSX through exceljs' streaming WorkbookWriter: real numeric cells whose number format gives the Vietnamese
// display (Excel localises the separators), dates as dates on the Vietnam clock, a frozen header row, column
// widths, and a second sheet with the definitions. Strings are written as strings: never a formula.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { vnWallClock } from '../../common/vn-time.ts';
import type { Row } from '../db/index.ts';
import type { Column, ColumnKind, Table } from './table.ts';

/** Excel sheet names may not contain / \ ? * [ ] : — so the definitions sheet uses a dash. */
export const DATA_SHEET = { vi: 'Dữ liệu', en: 'Data' } as const;
export const DEFINITIONS_SHEET = 'Định nghĩa - Definitions';

const NUM_FMT: Partial<Record<ColumnKind, string>> = {
  integer: '#,##0',
  decimal: '#,##0.0',
  percent: '#,##0.0" %"',
  vnd: '#,##0" ₫"',
  date: 'dd/mm/yyyy',
  datetime: 'dd/mm/yyyy hh:mm',
};

const WIDTH: Record<ColumnKind, number> = {
  text: 24,
  integer: 12,
  decimal: 12,
  percent: 12,
  vnd: 16,
  boolean: 10,
  date: 12,
  datetime: 17,
};

/** Vietnam is UTC+7 all year: Excel has no time zones, so instants are written as Vietnam wall-clock time. */

function cellValue(v: unknown, kind: ColumnKind): ExcelJS.CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    if (kind === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return new Date(`${v}T00:00:00Z`);
    if (kind === 'datetime') {
      const t = Date.parse(v);
      if (!Number.isNaN(t)) return vnWallClock(t);
    }
    // A plain string value: exceljs writes it as text (inline), so "=HYPERLINK(...)" stays inert.
    return v.normalize('NFC');
  }
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

export interface DefinitionRow {
  label: string;
  value: string | number | null;
}

async function drained(out: Writable): Promise<void> {
  if (out.writableNeedDrain) await once(out, 'drain');
}

type LegacyWritable = Writable & { _writableState?: { length: number; needDrain: boolean } };

/**
 * exceljs' sheet buffer (StreamBuf) writes into the zip entry without heeding backpressure, so rows would pile
 * up as uncompressed XML while deflate lags (1 GB for a million rows). Its target is a readable-stream v2
 * Writable without `writableNeedDrain`: wait on its internal state until deflate has caught up.
 */
async function sheetDrained(ws: unknown): Promise<void> {
  const pipes = (ws as { stream?: { pipes?: LegacyWritable[] } }).stream?.pipes ?? [];
  for (const p of pipes) {
    const st = p._writableState;
    if (st && st.length > 0 && st.needDrain) await once(p, 'drain');
  }
}

/**
 * Write a table and its definitions as one workbook to `out`, chunk by chunk; waits for the reader between chunks
 * so memory stays flat however many rows arrive.
 */
export async function writeXlsx(
  out: Writable,
  table: Table,
  definitions: DefinitionRow[],
  lang: 'vi' | 'en',
): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  wb.creator = 'IOC Phú Thọ';
  const ws = wb.addWorksheet(DATA_SHEET[lang], { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = table.columns.map((c: Column) => ({
    header: c.header,
    key: c.key,
    width: Math.max(WIDTH[c.kind], Math.min(40, c.header.length + 2)),
    style: NUM_FMT[c.kind] ? { numFmt: NUM_FMT[c.kind] } : {},
  }));
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.commit();
  for await (const chunk of table.chunks) {
    for (const r of chunk as Row[]) ws.addRow(table.columns.map((c) => cellValue(r[c.key], c.kind))).commit();
    await sheetDrained(ws);
    await drained(out);
  }
  ws.commit();

  const defs = wb.addWorksheet(DEFINITIONS_SHEET);
  defs.columns = [
    { header: lang === 'vi' ? 'Mục' : 'Item', key: 'label', width: 32 },
    { header: lang === 'vi' ? 'Nội dung' : 'Content', key: 'value', width: 90 },
  ];
  defs.getRow(1).font = { bold: true };
  for (const d of definitions) defs.addRow([d.label, d.value]).commit();
  defs.commit();
  await wb.commit();
}
