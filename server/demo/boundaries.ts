// The demo's geometry is real: the 148 communes and the province outline of ./units-2025 (MIT, see its SOURCE.md),
// imported like any province's official boundaries (npm run import:boundaries). The former units, which have
// none, are drawn by the map from them (a former district as the union of its area's communes, marked approximate).
import { fileURLToPath } from 'node:url';
import type { Db } from '../db/index.ts';
import { importBoundaries } from '../geo/import.ts';

const file = (name: string) => fileURLToPath(new URL(`./units-2025/${name}`, import.meta.url));

/** Import the demo's boundaries unless the store has some already (a province's own import is never replaced). */
export async function importDemoBoundaries(db: Db): Promise<number> {
  const [{ n }] = await db.query<{ n: number }>('SELECT count(*) AS n FROM boundaries');
  if (n > 0) return 0;
  let written = 0;
  for (const [name, level] of [
    ['phutho-province-2025.geojson', 'province'],
    ['phutho-communes-2025.geojson', 'commune'],
  ] as const) {
    const r = await importBoundaries(db, file(name), { level, codeProp: 'code', source: `demo:${name}` });
    written += r.written;
  }
  return written;
}
