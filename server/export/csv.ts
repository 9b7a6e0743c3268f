// CSV for machines and Excel alike: UTF-8 with BOM (Excel then shows diacritics), `.` decimals and no thousands
// separators, comma-separated; `vi` style is `;`-separated with `,` decimals. Text that Excel would read as a
// formula gets a leading apostrophe; numbers are never touched.
import type { Row } from '../db/index.ts';
import type { Column } from './table.ts';

export type CsvStyle = 'standard' | 'vi';

export const BOM = '\uFEFF';

/** Text Excel treats as a formula (or DDE) when it starts a cell. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A feed string made inert for spreadsheets: a leading `'` before =, +, -, @, tab or CR. */
export function neutralise(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

export function csvCell(v: unknown, col: Column, style: CsvStyle): string {
  const sep = style === 'vi' ? ';' : ',';
  if (v === null || v === undefined) return '';
  let s: string;
  if (typeof v === 'number') s = style === 'vi' ? String(v).replace('.', ',') : String(v);
  else if (typeof v === 'boolean') s = v ? 'true' : 'false';
  else if (typeof v === 'string')
    s = col.kind === 'date' || col.kind === 'datetime' ? v : neutralise(v.normalize('NFC'));
  else s = neutralise(JSON.stringify(v));
  return s.includes(sep) || s.includes('"') || s.includes('\n') || s.includes('\r')
    ? `"${s.replaceAll('"', '""')}"`
    : s;
}

export function csvHeader(columns: Column[], style: CsvStyle): string {
  const sep = style === 'vi' ? ';' : ',';
  return `${BOM}${columns.map((c) => csvCell(c.header, { ...c, kind: 'text' }, style)).join(sep)}\r\n`;
}

export function csvRows(rows: Row[], columns: Column[], style: CsvStyle): string {
  const sep = style === 'vi' ? ';' : ',';
  let out = '';
  for (const r of rows) out += `${columns.map((c) => csvCell(r[c.key], c, style)).join(sep)}\r\n`;
  return out;
}
