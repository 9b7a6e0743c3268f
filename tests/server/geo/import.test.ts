// Boundary import: name and code normalisation, property guessing, matching within the parent, the write,
// and — when ../shared/geo exists (CI) — the real Phú Thọ district and commune files.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../server/db/index.ts';
import { buildDemoGeometry } from '../../../server/geo/demo-geometry.ts';
import { getUnitFeatures } from '../../../server/geo/features.ts';
import { toMultiPoly, type UnitRow } from '../../../server/geo/geometry.ts';
import {
  type InputFeature,
  importBoundaries,
  matchFeatures,
  nameKeys,
  normaliseCode,
  normaliseName,
  readFeatures,
} from '../../../server/geo/import.ts';
import { DISTRICTS_13, emptyStore, featureBox, insertUnits, PROVINCE, SHARED_GEO } from './helpers.ts';

const sameName = (a: string, b: string) => nameKeys(a).some((k) => nameKeys(b).includes(k));

describe('normaliseName', () => {
  it.each([
    ['Huyện Thanh Sơn', 'thanh son'],
    ['H. Thanh Sơn', 'thanh son'],
    ['thanh son', 'thanh son'],
    ['Thị xã Phú Thọ', 'phu tho'],
    ['TX Phú Thọ', 'phu tho'],
    ['T.X. Phú Thọ', 'phu tho'],
    ['TP. Việt Trì', 'viet tri'],
    ['Thành phố Việt Trì', 'viet tri'],
    ['Viet Tri City', 'viet tri'],
    ['Huyện Đoan Hùng', 'doan hung'],
    ['ĐOAN HÙNG', 'doan hung'],
    ['Hạ Hoà', 'ha hoa'],
    ['Hạ Hòa', 'ha hoa'],
    ['Thanh Thuỷ', 'thanh thuy'],
    ['Thị trấn Hưng Hoá', 'hung hoa'],
    ['TT. Hưng Hóa', 'hung hoa'],
    ['Phường 01', '1'],
    ['P. 1', '1'],
    ['Xã Sông Lô', 'song lo'],
    ['  Xã  Tất   Thắng ', 'tat thang'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseName(input)).toBe(expected);
  });

  it('compares names with or without prefix and spaces', () => {
    expect(sameName('Huyện Thanh Sơn', 'H. Thanh Sơn')).toBe(true);
    expect(sameName('Thị xã Phú Thọ', 'TX Phú Thọ')).toBe(true);
    expect(sameName('Huyện Đoan Hùng', 'ĐoanHùng')).toBe(true);
    // A name that starts like a prefix ("Quan") still matches its unit.
    expect(sameName('Huyện Quan Hóa', 'Quan Hoá')).toBe(true);
    expect(sameName('Huyện Thanh Sơn', 'Huyện Tân Sơn')).toBe(false);
    expect(sameName('Huyện Thanh Ba', 'Huyện Thanh Sơn')).toBe(false);
  });
});

describe('normaliseCode', () => {
  it.each([
    ['238', '238'],
    [238, '238'],
    ['VN238', '238'],
    ['08001', '8001'],
    [' 8001 ', '8001'],
    ['VNM.50.1_1', 'vnm.50.1_1'],
    ['', null],
    [null, null],
  ])('%s → %s', (input, expected) => {
    expect(normaliseCode(input)).toBe(expected);
  });
});

const UNITS: UnitRow[] = [PROVINCE, ...DISTRICTS_13];
const DEMO = buildDemoGeometry(UNITS);
const districtCell = (code: string) => toMultiPoly(DEMO.find((f) => f.properties.code === code)!.geometry);
const feature = (
  index: number,
  properties: Record<string, unknown>,
  geometry = districtCell('227'),
): InputFeature => ({
  index,
  properties,
  geometry,
});

/** GADM-like district features (no code we know, names without prefix, spelled variously). */
const GADM_NAMES: Record<string, string> = {
  '227': 'Việt Trì',
  '228': 'TX Phú Thọ',
  '230': 'ĐoanHùng',
  '231': 'Hạ Hòa',
  '232': 'Thanh Ba',
  '233': 'Phù Ninh',
  '234': 'Yên Lập',
  '235': 'Cẩm Khê',
  '236': 'Tam Nông',
  '237': 'Lâm Thao',
  '238': 'H. Thanh Sơn',
  '239': 'Thanh Thủy',
  '240': 'Tân Sơn',
};
const gadm = (): InputFeature[] =>
  DISTRICTS_13.map((d, i) =>
    feature(
      i,
      { GID_2: `VNM.50.${i + 1}_1`, NAME_1: 'Phú Thọ', NAME_2: GADM_NAMES[d.code], TYPE_2: 'Huyện' },
      districtCell(d.code),
    ),
  );

describe('matchFeatures', () => {
  it('guesses level and properties and matches all 13 districts by name', () => {
    const features = [
      ...gadm(),
      feature(13, { GID_2: 'VNM.62.1_1', NAME_1: 'Yên Bái', NAME_2: 'Trấn Yên' }),
      { index: 14, properties: { NAME_1: 'Phú Thọ', NAME_2: 'Điểm' }, geometry: [] },
    ];
    const { report, geometries } = matchFeatures(features, UNITS);
    expect(report.level).toBe('district');
    expect(report.props).toEqual({ code: null, name: 'NAME_2', parent: 'NAME_1' });
    expect(report.guessed).toEqual({ level: true, code: true, name: true, parent: true });
    expect(report.matched).toHaveLength(13);
    expect(report.matched.every((m) => m.by === 'name')).toBe(true);
    expect(new Map(report.matched.map((m) => [m.index, m.code]))).toEqual(
      new Map(DISTRICTS_13.map((d, i) => [i, d.code])),
    );
    expect(report.unmatched).toEqual([
      { index: 13, label: 'Trấn Yên', reason: 'parent "Yên Bái" is not a unit' },
      { index: 14, label: 'Điểm', reason: 'no polygon geometry' },
    ]);
    expect(report.unitsWithout).toEqual([]);
    expect(geometries.size).toBe(13);
  });

  it('matches by code first, then by name', () => {
    const features = [
      feature(0, { ma_huyen: '238', ten_huyen: 'Tên sai' }),
      feature(1, { ma_huyen: '', ten_huyen: 'Huyện Tam Nông' }),
      feature(2, { ma_huyen: '999', ten_huyen: 'Không có' }),
    ];
    const { report } = matchFeatures(features, UNITS, { level: 'district' });
    expect(report.props).toEqual({ code: 'ma_huyen', name: 'ten_huyen', parent: null });
    expect(report.matched.map((m) => [m.code, m.by])).toEqual([
      ['238', 'code'],
      ['236', 'name'],
    ]);
    expect(report.unmatched).toEqual([
      { index: 2, label: '999 Không có', reason: 'no unit named "Không có"' },
    ]);
    expect(report.unitsWithout.map((u) => u.code)).toHaveLength(11);
  });

  it('uses only the properties the user names', () => {
    const features = [feature(0, { ma_huyen: '238', ten: 'Huyện Tam Nông' })];
    const { report } = matchFeatures(features, UNITS, { level: 'district', nameProp: 'TEN' });
    expect(report.props).toEqual({ code: null, name: 'ten', parent: null });
    expect(report.matched.map((m) => m.code)).toEqual(['236']);
    expect(() => matchFeatures(features, UNITS, { codeProp: 'ma_xa' })).toThrow(
      /no feature has a property "ma_xa"/,
    );
  });

  it('tells communes of the same name apart by parent, else by where the unit lies', () => {
    const units: UnitRow[] = [
      ...UNITS,
      { code: '08100', name: 'Xã Tiên Phong', level: 'commune', parentCode: '227', lat: 21.32, lon: 105.4 },
      { code: '08200', name: 'Xã Tiên Phong', level: 'commune', parentCode: '238', lat: 21.15, lon: 105.18 },
      { code: '08300', name: 'Xã Hương Cần', level: 'commune', parentCode: '238', lat: 21.16, lon: 105.2 },
    ];
    const withParent = matchFeatures(
      [
        feature(0, { ten_xa: 'Tiên Phong', ten_huyen: 'Huyện Thanh Sơn' }),
        feature(1, { ten_xa: 'X. Tiên Phong', ten_huyen: 'TP Việt Trì' }),
        feature(2, { ten_xa: 'Hương Cần', ten_huyen: 'Việt Trì' }),
      ],
      units,
    );
    expect(withParent.report.level).toBe('commune');
    expect(withParent.report.props.parent).toBe('ten_huyen');
    expect(withParent.report.matched.map((m) => m.code)).toEqual(['08200', '08100']);
    expect(withParent.report.unmatched.map((m) => m.reason)).toEqual([
      'no unit named "Hương Cần" in Việt Trì',
    ]);

    const noParent = matchFeatures(
      [
        feature(0, { ten_xa: 'Tiên Phong' }, districtCell('238')),
        feature(1, { ten_xa: 'Tiên Phong' }, districtCell('230')),
      ],
      units,
      { level: 'commune' },
    );
    expect(noParent.report.matched.map((m) => m.code)).toEqual(['08200']);
    expect(noParent.report.unmatched[0].reason).toBe('2 units named "Tiên Phong": give --parent-prop');
  });

  it('merges several features of one unit', () => {
    const { report, geometries } = matchFeatures(
      [
        feature(0, { ma_huyen: '227' }, districtCell('227')),
        feature(1, { ma_huyen: '227' }, districtCell('237')),
      ],
      UNITS,
      { level: 'district' },
    );
    expect(report.merged).toEqual([{ code: '227', features: 2 }]);
    expect(geometries.get('227')).toHaveLength(1);
  });
});

describe('readFeatures', () => {
  it('reads TopoJSON objects', () => {
    const topo = {
      type: 'Topology',
      arcs: [
        [
          [105.3, 21.3],
          [105.3, 21.4],
        ],
        [
          [105.3, 21.4],
          [105.2, 21.4],
          [105.2, 21.3],
          [105.3, 21.3],
        ],
        [
          [105.3, 21.3],
          [105.4, 21.3],
          [105.4, 21.4],
          [105.3, 21.4],
        ],
      ],
      objects: {
        districts: {
          type: 'GeometryCollection',
          geometries: [
            { type: 'Polygon', arcs: [[0, 1]], properties: { ma_huyen: '236' } },
            { type: 'Polygon', arcs: [[2, -1]], properties: { ma_huyen: '237' } },
          ],
        },
      },
    };
    const { format, features } = readFeatures(topo);
    expect(format).toBe('topojson');
    expect(features.map((f) => f.properties.ma_huyen)).toEqual(['236', '237']);
    expect(features[1].geometry[0][0]).toEqual([
      [105.3, 21.3],
      [105.4, 21.3],
      [105.4, 21.4],
      [105.3, 21.4],
      [105.3, 21.3],
    ]);
  });

  it('refuses projected coordinates', () => {
    const doc = {
      type: 'Feature',
      properties: {},
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [583000, 2350000],
            [584000, 2350000],
            [584000, 2351000],
            [583000, 2350000],
          ],
        ],
      },
    };
    expect(() => readFeatures(doc)).toThrow(/not longitude\/latitude/);
  });
});

describe('importBoundaries', () => {
  let db: Db;
  let dir: string;
  beforeAll(async () => {
    db = await emptyStore();
    await insertUnits(db, [
      ...UNITS,
      { code: '08001', name: 'Phường Gia Cẩm', level: 'commune', parentCode: '227', lat: 21.33, lon: 105.41 },
      { code: '08002', name: 'Xã Sông Lô', level: 'commune', parentCode: '227', lat: 21.3, lon: 105.42 },
    ]);
    dir = mkdtempSync(join(tmpdir(), 'ioc-geo-'));
  });
  afterAll(() => db?.close());

  it('writes nothing in a dry run, then the matched boundaries in one go', async () => {
    const vt: [number, number][][] = [
      [
        [105.35, 21.28],
        [105.45, 21.28],
        [105.45, 21.36],
        [105.35, 21.36],
        [105.35, 21.28],
      ],
    ];
    const file = join(dir, 'vt.geojson');
    writeFileSync(
      file,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { code: '227', name: 'Việt Trì' },
            geometry: { type: 'Polygon', coordinates: vt },
          },
        ],
      }),
    );
    const dry = await importBoundaries(db, file, { dryRun: true });
    expect([dry.level, dry.matched.length, dry.written, dry.dryRun]).toEqual(['district', 1, 0, true]);
    expect((await db.query('SELECT * FROM boundaries')).length).toBe(0);

    const version = db.version;
    const done = await importBoundaries(db, file);
    expect(done.written).toBe(1);
    expect(db.version).toBe(version + 1);
    expect(await db.query('SELECT code, level, source FROM boundaries')).toEqual([
      { code: '227', level: 'district', source: 'import:vt.geojson' },
    ]);

    const districts = await getUnitFeatures(db, { level: 'district' });
    const imported = districts!.features.find((f) => f.properties.code === '227')!;
    expect(imported.properties.demo).toBe(false);
    expect(imported.geometry).toEqual({ type: 'Polygon', coordinates: vt });
    expect(districts!.features.filter((f) => f.properties.demo)).toHaveLength(12);
    const communes = await getUnitFeatures(db, { level: 'commune', parent: '227' });
    expect(communes!.features).toHaveLength(2);
    for (const f of communes!.features) {
      const [x0, y0, x1, y1] = featureBox(f);
      expect(x0 >= 105.35 && y0 >= 21.28 && x1 <= 105.45 && y1 <= 21.36).toBe(true);
    }
  });
});

const DISTRICTS_FILE = join(SHARED_GEO, 'phutho-districts.geojson');
const COMMUNES_FILE = join(SHARED_GEO, 'phutho-communes.geojson');

describe.skipIf(!existsSync(DISTRICTS_FILE))('import of the real Phú Thọ districts (../shared/geo)', () => {
  let db: Db;
  beforeAll(async () => {
    db = await emptyStore();
    await insertUnits(db, UNITS);
  });
  afterAll(() => db?.close());

  it('matches all 13 districts', async () => {
    const report = await importBoundaries(db, DISTRICTS_FILE, { dryRun: true });
    console.log('districts:', report.props, report.unmatched.slice(0, 10));
    expect(report.level).toBe('district');
    expect(new Set(report.matched.map((m) => m.code))).toEqual(new Set(DISTRICTS_13.map((d) => d.code)));
    expect(report.unitsWithout).toEqual([]);
    expect(report.matched.length + report.unmatched.length).toBe(report.features);

    const written = await importBoundaries(db, DISTRICTS_FILE);
    expect(written.written).toBe(13);
    const fc = await getUnitFeatures(db, { level: 'district' });
    expect(fc!.features.every((f) => !f.properties.demo)).toBe(true);
  });
});

describe.skipIf(!existsSync(COMMUNES_FILE))('import of the real Phú Thọ communes (../shared/geo)', () => {
  let db: Db;
  beforeAll(async () => {
    db = await emptyStore();
    await insertUnits(db, [
      ...UNITS,
      { code: '07906', name: 'Phường Gia Cẩm', level: 'commune', parentCode: '227', lat: 21.32, lon: 105.4 },
      {
        code: '07909',
        name: 'Phường Tiên Cát',
        level: 'commune',
        parentCode: '227',
        lat: 21.31,
        lon: 105.41,
      },
    ]);
  });
  afterAll(() => db?.close());

  it('reports consistent counts', async () => {
    const report = await importBoundaries(db, COMMUNES_FILE, { level: 'commune', dryRun: true });
    console.log(
      'communes:',
      report.props,
      `${report.matched.length} matched, ${report.unmatched.length} unmatched`,
    );
    expect(report.features).toBeGreaterThan(0);
    expect(report.matched.length + report.unmatched.length).toBe(report.features);
    const matchedUnits = new Set(report.matched.map((m) => m.code));
    expect(matchedUnits.size + report.unitsWithout.length).toBe(2);
    for (const m of report.unmatched) expect(m.reason.length).toBeGreaterThan(0);
  });
});
