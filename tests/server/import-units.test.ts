// npm run import:units on the real merged province (../shared/units-2025): the reference it writes loads, with the
// 148 communes in force from 1/7/2025, the 479 former ones before, reused codes as two versions, and a record of a
// former commune after the reform mapped to its successor.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { parseEnv } from '../../server/env.ts';
import { loadDelivery } from '../../server/feeds/loader.ts';
import { getUnitFeatures } from '../../server/geo/features.ts';
import { importBoundaries } from '../../server/geo/import.ts';
import { historyNote } from '../../server/kpis/history.ts';
import { loadReference } from '../../server/reference/load.ts';
import { openStore } from '../../server/store.ts';
import { deliveryFile } from './helpers.ts';

const SHARED = join(import.meta.dirname, '..', '..', '..', 'shared', 'units-2025');

describe.skipIf(!existsSync(SHARED))('import:units on the merged Phú Thọ', () => {
  let db: Db;
  let dir: string;
  let out: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ioc-import-units-'));
    const w = (name: string, text: string) => writeFileSync(join(dir, name), text);
    w(
      'units.csv',
      'code,name,level,parent_code,kind,valid_from,valid_to,lat,lon\n25,Tỉnh Phú Thọ,province,,tỉnh,,,21.3,105.2\n',
    );
    w('agencies.csv', 'code,name,unit_code,kind,sector\nSNV,Sở Nội vụ,25,department,noi_vu\n');
    w(
      'procedures.csv',
      'code,name,sector,level,service_level,has_fee,synced_national\n1.001,A,noi_vu,commune,full_online,false,true\n',
    );
    w(
      'indicators.csv',
      'code,name_vi,name_en,subsystem,unit,aggregation,frequency,reporting_level,due_days,direction\n',
    );
    out = execFileSync(
      'node',
      ['--import', 'tsx', 'server/cli/import-units.ts', SHARED, '--reference', dir],
      {
        encoding: 'utf8',
      },
    );
    db = await openStore(parseEnv({ IOC_DB: ':memory:' }));
    await loadReference(db, dir);
  });
  afterAll(() => db?.close());

  it('reports what matched, what is new, the divided communes and nothing unmapped', () => {
    expect(out).toContain('479 former communes → 148 communes (province 25)');
    expect(out).toContain('New: 479 former communes the list did not have, 148 new communes from 2025-07-01');
    expect(out).toMatch(/04891 → 04891 67\.8 %/);
    expect(out).toContain('Left unmapped: none.');
    // 482 crosswalk rows, and each former district and province (Vĩnh Phúc 26, Hòa Bình 17) into the province.
    const rows = readFileSync(join(dir, 'unit_successors.csv'), 'utf8').trim().split('\n').slice(1);
    const districts = new Set(
      readFileSync(join(SHARED, 'communes-before-2025.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[2]),
    );
    expect(rows).toHaveLength(482 + districts.size + 2);
    expect(rows).toContain('26,25,whole,,2025-07-01');
  });

  it('loads: 148 communes in force in 2026, 479 in 2024 (Phú Thọ 207, Vĩnh Phúc 121, Hòa Bình 151), each former one mapped once', async () => {
    const inForce = async (day: string) =>
      (
        await db.query<{ n: number }>(
          `SELECT count(*) AS n FROM units WHERE level = 'commune'
           AND coalesce(valid_from, DATE '0001-01-01') <= DATE '${day}' AND coalesce(valid_to, DATE '9999-12-31') >= DATE '${day}'`,
        )
      )[0].n;
    expect(await inForce('2026-01-01')).toBe(148);
    expect(await inForce('2024-06-01')).toBe(479);
    const byProvince = await db.query<{ p: string; n: number }>(
      `SELECT province_code AS p, count(*) AS n FROM unit_paths JOIN units USING (code)
       WHERE units.level = 'commune' AND units.valid_to IS NOT NULL GROUP BY 1 ORDER BY 1`,
    );
    expect(byProvince).toEqual([
      { p: '17', n: 151 },
      { p: '25', n: 207 },
      { p: '26', n: 121 },
    ]);
    const weights = await db.query<{ bad: number }>(
      `SELECT count(*) AS bad FROM (SELECT old_code, sum(weight) AS w FROM unit_successors GROUP BY 1) WHERE abs(w - 1) > 1e-9`,
    );
    expect(weights[0].bad).toBe(0);
  });

  it('a dossier of a former commune after the reform counts for its successor; before it, for the former one', async () => {
    // 04813 Xã Yên Mông became part of 04792 Phường Tân Hoà; 04792 itself was the former Phường Tân Hòa.
    const r = await loadDelivery(db, {
      feed: 'dossiers',
      path: deliveryFile(
        'dossiers',
        'd.csv',
        [
          'id,procedure_code,agency_code,unit_code,channel,received_at,due_at,status',
          'Y1,1.001,SNV,04813,online,2025-09-02T09:00:00+07:00,2025-09-20T17:00:00+07:00,received',
          'Y0,1.001,SNV,04813,online,2024-09-03T09:00:00+07:00,2024-09-20T17:00:00+07:00,received',
          'T0,1.001,SNV,04792,online,2024-09-03T09:00:00+07:00,2024-09-20T17:00:00+07:00,received',
        ].join('\n'),
      ),
      name: 'd.csv',
      format: 'csv',
      source: 'test',
    });
    expect(r).toMatchObject({ accepted: 3, rejected: 0, mapped: 1 });
    const rows = await db.query<{ id: string; unit_code: string }>(
      'SELECT id, unit_code FROM dossiers ORDER BY id',
    );
    expect(rows).toEqual([
      { id: 'T0', unit_code: '04792.20250630' },
      { id: 'Y0', unit_code: '04813' },
      { id: 'Y1', unit_code: '04792' },
    ]);
  });

  it('a Parquet delivery naming a reused code before the reform is stored under the former version (not re-read from the file)', async () => {
    const path = deliveryFile('dossiers', 'reused.parquet', '');
    const inst = await DuckDBInstance.create(':memory:');
    const c = await inst.connect();
    await c.run(`COPY (SELECT 'RP' || i AS id, '1.001' AS procedure_code, 'SNV' AS agency_code, '04792' AS unit_code,
        'online' AS channel, TIMESTAMPTZ '2024-10-01 02:00:00+00' + to_days(CAST(i * 400 AS INTEGER)) AS received_at,
        TIMESTAMPTZ '2024-10-20 10:00:00+00' + to_days(CAST(i * 400 AS INTEGER)) AS due_at, 'received' AS status
      FROM range(2) t(i)) TO '${path}' (FORMAT parquet)`);
    c.closeSync();
    inst.closeSync();
    const r = await loadDelivery(db, {
      feed: 'dossiers',
      path,
      name: 'reused.parquet',
      format: 'parquet',
      source: 'test',
    });
    expect(r).toMatchObject({ accepted: 2, rejected: 0 });
    const rows = await db.query<{ id: string; unit_code: string }>(
      `SELECT id, unit_code FROM dossiers WHERE id LIKE 'RP%' ORDER BY id`,
    );
    // RP0 on 1/10/2024: the former Phường Tân Hòa; RP1 on 5/11/2025: today's Phường Tân Hoà.
    expect(rows).toEqual([
      { id: 'RP0', unit_code: '04792.20250630' },
      { id: 'RP1', unit_code: '04792' },
    ]);
  });

  it('each of the 148 communes belongs to a former district’s area (khu vực huyện cũ): 32 areas', async () => {
    const [r] = await db.query<{ without: number; areas: number; communes: number }>(
      `SELECT count(*) FILTER (WHERE p.district_code IS NULL) AS without, count(DISTINCT p.district_code) AS areas,
         count(*) AS communes
       FROM unit_paths p JOIN units u USING (code) WHERE p.level = 'commune' AND u.valid_from = DATE '2025-07-01'`,
    );
    expect(r).toEqual({ without: 0, areas: 32, communes: 148 });
    // Every former district (13 + 9 + 10) is the area of at least two of today's communes.
    const [d] = await db.query<{ districts: number; empty: number }>(
      `SELECT count(*) AS districts, count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM unit_paths c JOIN units n USING (code)
         WHERE c.district_code = u.code AND n.valid_from = DATE '2025-07-01')) AS empty
       FROM units u WHERE u.level = 'district'`,
    );
    expect(d).toEqual({ districts: 32, empty: 0 });
  });

  it('a comparison across 1/7/2025 says what last year was: 3 former provinces for the province, the former communes of a new one', async () => {
    const q3 = { from: '2026-07-01', to: '2026-09-30' };
    // Q3 2026 against Q3 2025: both under today's units (last year's period starts on the reform's first day).
    expect(await historyNote(db, {}, '2025-07-01', q3)).toBeNull();
    const q2 = { from: '2025-07-01', to: '2025-09-30' };
    expect(await historyNote(db, {}, '2024-07-01', q2)).toEqual({
      reform: '2025-07-01',
      view: 'current',
      formerUnits: 3,
      formerLevel: 'province',
    });
    // Phường Tân Hoà (04792 from 1/7/2025): the former Phường Tân Hòa, Xã Yên Mông and the others of the crosswalk.
    const former = (
      await db.query<{ n: number }>(`SELECT count(*) AS n FROM unit_successors WHERE new_code = '04792'`)
    )[0].n;
    expect(former).toBeGreaterThan(1);
    expect(
      (await historyNote(db, { unit: '04792', boundaries: 'then' }, '2024-07-01', q2))?.formerUnits,
    ).toBe(former);
  });

  it('the map: today’s 148 real communes; as they were in 2024, the 32 former districts dissolved from them (approximate)', async () => {
    await importBoundaries(db, join(SHARED, 'phutho-communes-2025.geojson'), { level: 'commune' });
    const today = await getUnitFeatures(db, { level: 'commune' });
    expect(today?.features.length).toBe(148);
    expect(today?.features.filter((f) => f.properties.demo).length).toBe(0);
    // 2024, as they were: the three former provinces, each the union of its districts (approximate) …
    const provinces = await getUnitFeatures(db, { level: 'province', at: '2024-12-31' });
    expect(provinces?.features.map((f) => f.properties.code).sort()).toEqual(['17', '25', '26']);
    expect(provinces?.features.every((f) => f.properties.demo)).toBe(true);
    // … today the province is its real outline again, not the union of former districts.
    const today25 = await getUnitFeatures(db, { level: 'province' });
    expect(today25?.features.map((f) => f.properties.code)).toEqual(['25']);
    // … and their 32 districts dissolved from today's communes: 13 of them the former Phú Thọ's.
    const then = await getUnitFeatures(db, { level: 'district', at: '2024-12-31' });
    expect(then?.features.length).toBe(32);
    expect(then?.features.every((f) => f.properties.demo)).toBe(true);
    const ptThen = await getUnitFeatures(db, { level: 'district', parent: '25', at: '2024-12-31' });
    expect(ptThen?.features.length).toBe(13);
    // A former district's area today: its communes (Việt Trì, 227).
    const area = await getUnitFeatures(db, { level: 'commune', parent: '227' });
    expect(area?.features.length).toBeGreaterThan(0);
    expect(area?.features.every((f) => !f.properties.demo)).toBe(true);
  });
});
