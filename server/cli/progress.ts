// Console lines for loads: one per delivery, numbers through the product's one formatter.
import { formatNumber } from '../../common/format.ts';

import type { FolderFile } from '../feeds/folder.ts';
import type { LoadReport } from '../feeds/loader.ts';

/** Counts in the product's one formatter (625.412). */
export const fmtInt = (n: number) => formatNumber('vi', n, 0);

export function printLoadLine(f: FolderFile, r: LoadReport | { error: string }, i: number, n: number): void {
  const head = `  [${i + 1}/${n}] ${f.feed}/${f.path.split('/').pop()}`;
  if ('error' in r) {
    console.log(`${head}: REFUSED — ${r.error}`);
    return;
  }
  if (r.duplicateDelivery) {
    console.log(`${head}: already loaded`);
    return;
  }
  const rate = r.ms > 0 ? Math.round((r.records / r.ms) * 1000) : 0;
  console.log(
    `${head}: ${fmtInt(r.accepted)} accepted, ${fmtInt(r.rejected)} rejected, ${fmtInt(r.stale)} stale` +
      ` (${(r.ms / 1000).toFixed(1)} s, ${fmtInt(rate)} rows/s)${r.ignoredColumnsTotal ? `; ${r.ignoredColumnsTotal} ignored columns: ${r.ignoredColumns.join(', ')}${r.ignoredColumnsTotal > r.ignoredColumns.length ? ', …' : ''}` : ''}`,
  );
  for (const e of r.errors.slice(0, 5)) {
    console.log(
      `      ${e.line !== null ? `line ${e.line}` : `record ${e.record}`} ${e.field ?? ''} '${e.value ?? ''}': ${e.reason}`,
    );
  }
  if (r.errorsTotal > 5) console.log(`      … ${fmtInt(r.errorsTotal - 5)} more (GET /api/feeds/rejects)`);
}
