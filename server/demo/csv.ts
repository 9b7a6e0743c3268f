// Minimal RFC 4180 writer for the small demo CSVs (reference data, reports): header row, comma,
// LF line ends, quotes only where needed, text normalised to NFC.

export type CsvValue = string | number | boolean | null | undefined;

function cell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`non-finite number in CSV: ${value}`);
    return String(value);
  }
  const text = value.normalize('NFC');
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Render rows as CSV with exactly `columns`, in that order. */
export function toCsv<T extends object>(columns: readonly (keyof T & string)[], rows: readonly T[]): string {
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((c) => cell(row[c] as CsvValue)).join(','));
  return `${lines.join('\n')}\n`;
}
