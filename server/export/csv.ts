// CSV for machines and Excel alike: UTF-8 with BOM (Excel then shows diacritics), `.` decimals and no thousands
// separators, comma-separated; `vi` style is `;`-separated with `,` decimals. Text that Excel would read as a
// formula gets a leading apostrophe; numbers are never touched.
import { vnIso, vnWallClock } from '../../common/vn-time.ts';
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

/**
 * An instant on the Vietnam clock, as XLSX shows it: ISO 8601 with its offset (`2026-11-26T14:05:09.000+07:00`), or
 * in the `vi` style `26/11/2026 14:05`.
 */
export function csvInstant(v: string | Date, style: CsvStyle): string {
  const t = new Date(v);
  if (Number.isNaN(t.getTime())) return String(v);
  if (style !== 'vi') return vnIso(t);
  const w = vnWallClock(t).toISOString();
  return `${w.slice(8, 10)}/${w.slice(5, 7)}/${w.slice(0, 4)} ${w.slice(11, 16)}`;
}

export interface CsvOptions {
  /** The spreadsheet formula guard (a leading `'`); on unless a script asks `csvGuard=off`. */
  guard?: boolean;
}

export function csvCell(v: unknown, col: Column, style: CsvStyle, opts: CsvOptions = {}): string {
  const sep = style === 'vi' ? ';' : ',';
  if (v === null || v === undefined) return '';
  const inert = opts.guard === false ? (x: string) => x : neutralise;
  let s: string;
  if (typeof v === 'number') s = style === 'vi' ? String(v).replace('.', ',') : String(v);
  else if (typeof v === 'boolean') s = v ? 'true' : 'false';
  else if (col.kind === 'datetime' && (typeof v === 'string' || v instanceof Date)) s = csvInstant(v, style);
  else if (typeof v === 'string') s = col.kind === 'date' ? v : inert(v.normalize('NFC'));
  else s = inert(JSON.stringify(v));
  return s.includes(sep) || s.includes('"') || s.includes('\n') || s.includes('\r')
    ? `"${s.replaceAll('"', '""')}"`
    : s;
}

export function csvHeader(columns: Column[], style: CsvStyle): string {
  const sep = style === 'vi' ? ';' : ',';
  return `${BOM}${columns.map((c) => csvCell(c.header, { ...c, kind: 'text' }, style)).join(sep)}\r\n`;
}

export function csvRows(rows: Row[], columns: Column[], style: CsvStyle, opts: CsvOptions = {}): string {
  const sep = style === 'vi' ? ';' : ',';
  let out = '';
  for (const r of rows) out += `${columns.map((c) => csvCell(r[c.key], c, style, opts)).join(sep)}\r\n`;
  return out;
}
