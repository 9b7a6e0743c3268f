// GET /api/geo/units through app.request() over the reference fixture in a real in-memory DuckDB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../server/db/index.ts';
import { getUnitFeatures } from '../../../server/geo/features.ts';
import type { UnitCollection } from '../../../server/geo/geometry.ts';
import { fixtureStore, geoApp } from './helpers.ts';

describe('GET /api/geo/units', () => {
  let db: Db;
  let app: ReturnType<typeof geoApp>;
  beforeAll(async () => {
    db = await fixtureStore();
    app = geoApp(db);
  });
  afterAll(() => db?.close());

  const get = async (q: string) => {
    const res = await app.request(`/api/geo/units?${q}`);
    return { res, body: (await res.json()) as UnitCollection & { error?: string } };
  };

  it('answers a FeatureCollection of a level, cacheable, with demo geometry marked', async () => {
    const { res, body } = await get('level=district');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(body.type).toBe('FeatureCollection');
    expect(body.features.map((f) => f.properties)).toEqual([
      { code: '227', name: 'Thành phố Việt Trì', level: 'district', parentCode: '25', demo: true },
      { code: '238', name: 'Huyện Thanh Sơn', level: 'district', parentCode: '25', demo: true },
    ]);
    expect(JSON.stringify(body)).not.toMatch(/\.\d{6,}/);
  });

  it('filters by any ancestor', async () => {
    expect((await get('level=province')).body.features.map((f) => f.properties.code)).toEqual(['25']);
    expect((await get('level=commune&parent=227')).body.features.map((f) => f.properties.code)).toEqual([
      '08001',
      '08002',
    ]);
    expect((await get('level=commune&parent=25')).body.features).toHaveLength(3);
    expect((await get('level=district&parent=227')).body.features).toHaveLength(0);
  });

  it('refuses a bad level and an unknown parent', async () => {
    const bad = await get('level=village');
    expect(bad.res.status).toBe(400);
    expect(bad.body.error).toMatch(/level/);
    expect((await get('parent=227')).res.status).toBe(400);
    const unknown = await get('level=commune&parent=999');
    expect(unknown.res.status).toBe(404);
    expect(unknown.body.error).toBe('unknown unit 999');
  });

  it('serves imported boundaries once written, without rebuilding for unrelated writes', async () => {
    // A feed write bumps db.version; the cells are not rebuilt (the very same feature objects come back).
    const before = (await getUnitFeatures(db, { level: 'district' }))!.features[0];
    await db.transaction((tx) => tx.run(`CREATE TABLE IF NOT EXISTS scratch_geo (x INTEGER)`));
    expect((await getUnitFeatures(db, { level: 'district' }))!.features[0]).toBe(before);

    const square = {
      type: 'Polygon',
      coordinates: [
        [
          [105.1, 21.1],
          [105.2, 21.1],
          [105.2, 21.2],
          [105.1, 21.2],
          [105.1, 21.1],
        ],
      ],
    };
    await db.transaction((tx) =>
      tx.run(`INSERT INTO boundaries VALUES ('238', 'district', $g, 'import:test', now())`, {
        g: JSON.stringify(square),
      }),
    );
    const after = await get('level=district');
    const ts = after.body.features.find((f) => f.properties.code === '238')!;
    expect(ts.properties.demo).toBe(false);
    expect(ts.geometry).toEqual(square);
    expect(after.body.features.find((f) => f.properties.code === '227')!.properties.demo).toBe(true);
  });
});
