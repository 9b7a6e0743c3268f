// Demo geometry: one feature per unit, cells inside the real outline, covering it without overlap, stable.
import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../server/db/index.ts';
import { buildDemoGeometry, provinceOutline } from '../../../server/geo/demo-geometry.ts';
import { loadUnits } from '../../../server/geo/features.ts';
import { areaOf, bboxOf, clipping, type MultiPoly, type UnitRow } from '../../../server/geo/geometry.ts';
import { DISTRICTS_13, featureBox, fixtureStore, PROVINCE, polys } from './helpers.ts';

const outline = provinceOutline();
const [ox0, oy0, ox1, oy1] = bboxOf(outline)!;
const EPS = 1e-5;

function insideOutlineBox(box: [number, number, number, number]) {
  return box[0] >= ox0 - EPS && box[1] >= oy0 - EPS && box[2] <= ox1 + EPS && box[3] <= oy1 + EPS;
}

/** Communes spread around each of the 13 districts, as the demo reference places them. */
function communesAround(districts: UnitRow[], perDistrict: number): UnitRow[] {
  return districts.flatMap((d, di) =>
    Array.from({ length: perDistrict }, (_, k) => {
      const r = 0.075 * Math.sqrt((k + 0.5) / perDistrict);
      const a = k * 2.399963 + di;
      return {
        code: `${d.code}${String(k).padStart(2, '0')}`,
        name: `Xã ${d.code}-${k}`,
        level: 'commune' as const,
        parentCode: d.code,
        lat: d.lat! + r * Math.sin(a),
        lon: d.lon! + r * Math.cos(a),
      };
    }),
  );
}

describe('province outline', () => {
  it('is the Natural Earth VN-PT polygon around Việt Trì', () => {
    expect(outline.length).toBeGreaterThan(0);
    expect(ox0).toBeGreaterThan(104.5);
    expect(ox1).toBeLessThan(105.6);
    expect(oy0).toBeGreaterThan(20.8);
    expect(oy1).toBeLessThan(21.8);
    // ≈ 3 500 km² ≈ 0.32 square degrees at 21° N.
    expect(areaOf(outline)).toBeGreaterThan(0.25);
    expect(areaOf(outline)).toBeLessThan(0.4);
  });
});

describe('demo geometry from the reference fixture', () => {
  let db: Db;
  afterAll(() => db?.close());

  it('gives every unit a non-empty feature inside the outline', async () => {
    db = await fixtureStore();
    const units = await loadUnits(db);
    const features = buildDemoGeometry(units);
    expect(features.map((f) => [f.properties.level, f.properties.code])).toEqual([
      ['province', '25'],
      ['district', '227'],
      ['district', '238'],
      ['commune', '08001'],
      ['commune', '08002'],
      ['commune', '08003'],
    ]);
    for (const f of features) {
      expect(areaOf(polys(f)), f.properties.code).toBeGreaterThan(0);
      expect(insideOutlineBox(featureBox(f)), f.properties.code).toBe(true);
      expect(f.properties.demo).toBe(true);
    }
    expect(features[3].properties).toEqual({
      code: '08001',
      name: 'Phường Gia Cẩm',
      level: 'commune',
      parentCode: '227',
      demo: true,
    });
    // Two districts split the province between them.
    const districtArea = areaOf(polys(features[1])) + areaOf(polys(features[2]));
    expect(districtArea / areaOf(outline)).toBeCloseTo(1, 2);
  });
});

describe('demo geometry of the 13 districts', () => {
  const units = [PROVINCE, ...DISTRICTS_13, ...communesAround(DISTRICTS_13, 12)];
  const features = buildDemoGeometry(units);
  const districts = features.filter((f) => f.properties.level === 'district');

  it('gives 1 province and 13 districts, each non-empty and inside the outline box', () => {
    expect(features.filter((f) => f.properties.level === 'province')).toHaveLength(1);
    expect(districts).toHaveLength(13);
    expect(features.filter((f) => f.properties.level === 'commune')).toHaveLength(13 * 12);
    for (const f of features) {
      expect(areaOf(polys(f)), f.properties.code).toBeGreaterThan(0);
      expect(insideOutlineBox(featureBox(f)), f.properties.code).toBe(true);
    }
  });

  it('tiles the outline with districts, and each district with its communes', () => {
    const sum = (fs: typeof features) => fs.reduce((s, f) => s + areaOf(polys(f)), 0);
    expect(sum(districts) / areaOf(outline)).toBeCloseTo(1, 2);
    const union = clipping.union(polys(districts[0]), ...districts.slice(1).map(polys));
    expect(areaOf(union) / areaOf(outline)).toBeCloseTo(1, 2);
    for (const d of districts) {
      const communes = features.filter((f) => f.properties.parentCode === d.properties.code);
      expect(sum(communes) / areaOf(polys(d)), d.properties.code).toBeCloseTo(1, 2);
    }
  });

  it('puts each district centre in its own cell', () => {
    const cellOf = new Map(districts.map((f) => [f.properties.code, polys(f)]));
    for (const d of DISTRICTS_13) {
      const pt: MultiPoly = [
        [
          [
            [d.lon! - 1e-4, d.lat! - 1e-4],
            [d.lon! + 1e-4, d.lat! - 1e-4],
            [d.lon! + 1e-4, d.lat! + 1e-4],
            [d.lon! - 1e-4, d.lat! + 1e-4],
            [d.lon! - 1e-4, d.lat! - 1e-4],
          ],
        ],
      ];
      expect(areaOf(clipping.intersection(pt, cellOf.get(d.code)!)), d.code).toBeGreaterThan(0);
    }
  });

  it('is deterministic and rounded to 5 decimals', () => {
    const again = buildDemoGeometry([...units].reverse());
    expect(JSON.stringify(again)).toBe(JSON.stringify(features));
    const coords = JSON.stringify(features.map((f) => f.geometry.coordinates));
    expect(coords).not.toMatch(/\.\d{6,}/);
  });
});

describe('demo geometry edge cases', () => {
  it('still gives a cell to units placed outside the outline, without a place, or on the same point', () => {
    const units: UnitRow[] = [
      PROVINCE,
      ...DISTRICTS_13.slice(0, 3),
      { code: '999', name: 'Huyện Ngoài', level: 'district', parentCode: '25', lat: 21.3, lon: 106.5 },
      { code: '998', name: 'Huyện Không Toạ Độ', level: 'district', parentCode: '25', lat: null, lon: null },
      { code: '90001', name: 'Xã A', level: 'commune', parentCode: '227', lat: 21.33, lon: 105.4 },
      { code: '90002', name: 'Xã B', level: 'commune', parentCode: '227', lat: 21.33, lon: 105.4 },
      { code: '90003', name: 'Xã Xa', level: 'commune', parentCode: '227', lat: 23, lon: 108 },
      { code: '90004', name: 'Xã Mồ Côi', level: 'commune', parentCode: 'nope', lat: 21.2, lon: 105.1 },
    ];
    const features = buildDemoGeometry(units);
    expect(features).toHaveLength(units.length);
    for (const f of features) expect(areaOf(polys(f)), f.properties.code).toBeGreaterThan(0);
    const a = polys(features.find((f) => f.properties.code === '90001')!);
    const b = polys(features.find((f) => f.properties.code === '90002')!);
    expect(areaOf(clipping.intersection(a, b))).toBeLessThan(1e-9);
  });

  it('uses known geometry as is and keeps demo children inside it', () => {
    const square: MultiPoly = [
      [
        [
          [105.3, 21.25],
          [105.45, 21.25],
          [105.45, 21.4],
          [105.3, 21.4],
          [105.3, 21.25],
        ],
      ],
    ];
    const units = [PROVINCE, ...DISTRICTS_13, ...communesAround(DISTRICTS_13, 4)];
    const features = buildDemoGeometry(units, { known: new Map([['227', square]]) });
    const vt = features.find((f) => f.properties.code === '227')!;
    expect(vt.properties.demo).toBe(false);
    expect(vt.geometry).toEqual({ type: 'Polygon', coordinates: square[0] });
    for (const f of features.filter((x) => x.properties.parentCode === '227')) {
      const [x0, y0, x1, y1] = featureBox(f);
      expect([x0 >= 105.3 - EPS, y0 >= 21.25 - EPS, x1 <= 105.45 + EPS, y1 <= 21.4 + EPS]).toEqual([
        true,
        true,
        true,
        true,
      ]);
    }
    // Demo neighbours keep out of the known district.
    const others = features.filter((f) => f.properties.level === 'district' && f.properties.code !== '227');
    for (const f of others)
      expect(areaOf(clipping.intersection(polys(f), square)), f.properties.code).toBeLessThan(1e-9);
  });
});
