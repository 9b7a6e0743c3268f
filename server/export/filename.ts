// Download names an analyst can file away: KPI, unit, period (and view) in ASCII only, e.g.
// direction.documents_total_25_2021-01-01_2021-08-31.xlsx.
export interface FilenameParts {
  id: string;
  unit: string;
  from: string;
  to: string;
  /** Extra parts: by-commune, records-numerator, agency-SNV, limit-1000. */
  extra?: string[];
  ext: string;
}

/** Strip diacritics (đ → d) and anything outside [A-Za-z0-9._-]. */
export function asciiSafe(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '');
}

export function exportFilename(p: FilenameParts): string {
  return `${[p.id, p.unit, p.from, p.to, ...(p.extra ?? [])].map(asciiSafe).filter(Boolean).join('_')}.${p.ext}`;
}
