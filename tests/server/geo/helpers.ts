// Stores for the geometry tests: the tiny reference fixture, or the 13 real districts of Phú Thọ (GSO codes).
import { join } from 'node:path';
import { Hono } from 'hono';
import type { AppEnv } from '../../../server/app.ts';
import type { Db } from '../../../server/db/index.ts';
import { parseEnv } from '../../../server/env.ts';
import {
  bboxOf,
  type MultiPoly,
  toMultiPoly,
  type UnitFeature,
  type UnitRow,
} from '../../../server/geo/geometry.ts';
import { loadReference } from '../../../server/reference/load.ts';
import { geoRoutes } from '../../../server/routes/geo.ts';
import { openStore } from '../../../server/store.ts';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const SHARED_GEO = join(ROOT, '..', 'shared', 'geo');

export async function emptyStore(): Promise<Db> {
  return openStore(parseEnv({ IOC_DB: ':memory:' }));
}

/** The reference fixture: province 25, districts 227 and 238, communes 08001–08003. */
export async function fixtureStore(): Promise<Db> {
  const db = await emptyStore();
  await loadReference(db, join(ROOT, 'tests', 'fixtures', 'reference'));
  return db;
}

/** The 13 districts of Phú Thọ (2008–2025) with their GSO codes and approximate centres. */
export const DISTRICTS_13: UnitRow[] = [
  ['227', 'Thành phố Việt Trì', 21.322, 105.402],
  ['228', 'Thị xã Phú Thọ', 21.404, 105.226],
  ['230', 'Huyện Đoan Hùng', 21.621, 105.183],
  ['231', 'Huyện Hạ Hoà', 21.568, 105.003],
  ['232', 'Huyện Thanh Ba', 21.483, 105.152],
  ['233', 'Huyện Phù Ninh', 21.452, 105.298],
  ['234', 'Huyện Yên Lập', 21.331, 105.021],
  ['235', 'Huyện Cẩm Khê', 21.399, 105.101],
  ['236', 'Huyện Tam Nông', 21.302, 105.249],
  ['237', 'Huyện Lâm Thao', 21.318, 105.309],
  ['238', 'Huyện Thanh Sơn', 21.152, 105.181],
  ['239', 'Huyện Thanh Thuỷ', 21.122, 105.281],
  ['240', 'Huyện Tân Sơn', 21.148, 104.979],
].map(([code, name, lat, lon]) => ({
  code: String(code),
  name: String(name),
  level: 'district',
  parentCode: '25',
  lat: Number(lat),
  lon: Number(lon),
}));

export const PROVINCE: UnitRow = {
  code: '25',
  name: 'Tỉnh Phú Thọ',
  level: 'province',
  parentCode: null,
  lat: 21.33,
  lon: 105.15,
};

/** Units written straight into `units` (the geometry needs nothing else). */
export async function insertUnits(db: Db, units: UnitRow[]): Promise<void> {
  await db.transaction(async (tx) => {
    for (const u of units) {
      await tx.run(
        'INSERT INTO units (code, name, level, parent_code, lat, lon) VALUES ($c, $n, $l, $p, $lat, $lon)',
        {
          c: u.code,
          n: u.name,
          l: u.level,
          p: u.parentCode,
          lat: u.lat,
          lon: u.lon,
        },
      );
    }
  });
}

/** The geo routes mounted as app.ts mounts its routes, over a real store. */
export function geoApp(db: Db) {
  return new Hono<AppEnv>()
    .use('*', async (c, next) => {
      c.set('ctx', { db, registry: undefined as never, archiveDir: '', startedAt: new Date() });
      // The route checks its permission: a reader.
      c.set('principal', {
        kind: 'demo',
        id: null,
        name: 'test',
        displayName: 'test',
        roles: ['leader'],
        permissions: new Set(['read']),
        viaCookie: false,
      });
      await next();
    })
    .route('/', geoRoutes);
}

export const polys = (f: UnitFeature): MultiPoly => toMultiPoly(f.geometry);

export function featureBox(f: UnitFeature): [number, number, number, number] {
  const b = bboxOf(polys(f));
  if (!b) throw new Error(`feature ${f.properties.code} has no polygon`);
  return b;
}
