// Units and agencies with dates and successors (FEEDS.md v2; issue 13 groundwork): a crosswalk must account for
// every former unit exactly once; a record whose unit or agency was not in force on its event date is mapped to
// the successor (counted in the load report) or rejected with that reason.

import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { parseEnv } from '../../server/env.ts';
import { loadDelivery } from '../../server/feeds/loader.ts';
import { openRollups } from '../../server/kpis/rollups.ts';
import { getBreakdown, getKpi } from '../../server/kpis/service.ts';
import { loadReference } from '../../server/reference/load.ts';
import { openStore, registryFrom } from '../../server/store.ts';
import { deliveryFile } from './helpers.ts';

const UNITS = [
  'code,name,level,parent_code,kind,valid_from,valid_to,lat,lon',
  '25,Phú Thọ,province,,tỉnh,,,21.3,105.2',
  '227,Thành phố Việt Trì,district,25,thành phố,,2025-06-30,21.32,105.4',
  '08001,Phường Gia Cẩm,commune,227,phường,,2025-06-30,21.33,105.41',
  '08003,Xã Tất Thắng,commune,227,xã,,2025-06-30,21.1,105.1',
  '08005,Xã Cự Đồng,commune,227,xã,,2025-06-30,21.12,105.12',
  '09001,Phường Việt Trì,commune,25,phường,2025-07-01,,21.33,105.41',
  '09002,Xã Thanh Sơn,commune,25,xã,2025-07-01,,21.12,105.12',
];
const CROSSWALK = [
  'old_code,new_code,share,weight,valid_from',
  '08001,09001,whole,,2025-07-01',
  '08003,09001,part,0.3,2025-07-01',
  '08003,09002,part,0.7,2025-07-01',
  '08005,09002,whole,,2025-07-01',
];

function referenceDir(crosswalk: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'ioc-units-'));
  const w = (name: string, lines: string[]) => writeFileSync(join(dir, name), `${lines.join('\n')}\n`);
  w('units.csv', UNITS);
  w('agencies.csv', [
    'code,name,unit_code,kind,sector,valid_from,valid_to',
    'SNV,Sở Nội vụ,25,department,noi_vu,,',
    'UBND-08001,UBND Phường Gia Cẩm,08001,commune_committee,chinh_quyen,,2025-06-30',
    'UBND-09001,UBND Phường Việt Trì,09001,commune_committee,chinh_quyen,2025-07-01,',
  ]);
  w('agency_successors.csv', ['old_code,new_code,valid_from', 'UBND-08001,UBND-09001,2025-07-01']);
  w('procedures.csv', [
    'code,name,sector,level,service_level,has_fee,synced_national',
    '1.001,A,noi_vu,commune,full_online,false,true',
  ]);
  w('indicators.csv', [
    'code,name_vi,name_en,subsystem,unit,aggregation,frequency,reporting_level,due_days,direction',
    'fires,Số vụ cháy,Fires,security,count,sum,month,commune,5,down',
  ]);
  w('unit_successors.csv', crosswalk);
  return dir;
}

let db: Db;
beforeAll(async () => {
  db = await openStore(parseEnv({ IOC_DB: ':memory:' }));
});
afterAll(() => db.close());

describe('the crosswalk accounts for each former unit exactly once', () => {
  it('loads whole units and parts whose weights add up to 1', async () => {
    await loadReference(db, referenceDir(CROSSWALK));
    const rows = await db.query<{ old_code: string; weight: number }>(
      'SELECT old_code, weight FROM unit_successors ORDER BY old_code, new_code',
    );
    expect(rows.map((r) => [r.old_code, r.weight])).toEqual([
      ['08001', 1],
      ['08003', 0.3],
      ['08003', 0.7],
      ['08005', 1],
    ]);
  });

  it('refuses a former unit left unmapped, naming it', async () => {
    const without = CROSSWALK.filter((l) => !l.startsWith('08005'));
    await expect(loadReference(db, referenceDir(without))).rejects.toThrow(
      'unit_successors.csv leaves unmapped: unit 08005 (ended before 2025-07-01)',
    );
  });

  it('refuses a unit mapped to more than all of it, naming it', async () => {
    const over = CROSSWALK.map((l) => l.replace('08003,09002,part,0.7', '08003,09002,part,0.9'));
    await expect(loadReference(db, referenceDir(over))).rejects.toThrow(
      'unit 08003 is mapped to more than all of it (120 %)',
    );
  });
});

describe('a record names a unit or agency in force at its event date, or its successor', () => {
  it('maps former ones after the reform, rejects ones not yet in force, and counts what it mapped', async () => {
    await loadReference(db, referenceDir(CROSSWALK));
    const head = 'id,procedure_code,agency_code,unit_code,channel,received_at,due_at,status';
    const r = await loadDelivery(db, {
      feed: 'dossiers',
      path: deliveryFile(
        'dossiers',
        'merge.csv',
        [
          head,
          // A: the former commune's committee after 1/7/2025 → its successor's committee (and unit).
          'A,1.001,UBND-08001,,online,2025-08-05T09:00:00+07:00,2025-08-20T17:00:00+07:00,received',
          // B: a divided former commune after the reform → the successor with the larger part (09002, 70 %).
          'B,1.001,SNV,08003,online,2025-09-01T09:00:00+07:00,2025-09-20T17:00:00+07:00,received',
          // C: the new committee before it existed → rejected.
          'C,1.001,UBND-09001,,online,2024-03-05T09:00:00+07:00,2024-03-20T17:00:00+07:00,received',
          // D: a new commune before it existed → rejected.
          'D,1.001,SNV,09002,online,2024-03-05T09:00:00+07:00,2024-03-20T17:00:00+07:00,received',
          // E: the former commune on its last day (local time) → as it is.
          'E,1.001,UBND-08001,,online,2025-06-30T23:00:00+07:00,2025-07-10T17:00:00+07:00,received',
        ].join('\n'),
      ),
      name: 'merge.csv',
      format: 'csv',
      source: 'test',
    });
    expect(r).toMatchObject({ accepted: 3, rejected: 2, mapped: 2 });
    expect(r.errors.map((e) => [e.field, e.reason])).toEqual([
      ['agency_code', 'agency UBND-09001 not in force on 2024-03-05'],
      ['unit_code', 'unit 09002 not in force on 2024-03-05'],
    ]);
    const rows = await db.query<{ id: string; agency_code: string; unit_code: string }>(
      'SELECT id, agency_code, unit_code FROM dossiers ORDER BY id',
    );
    expect(rows).toEqual([
      { id: 'A', agency_code: 'UBND-09001', unit_code: '09001' },
      { id: 'B', agency_code: 'SNV', unit_code: '09002' },
      { id: 'E', agency_code: 'UBND-08001', unit_code: '08001' },
    ]);
  });
});

describe('successions in a chain', () => {
  it('a record follows the successors to the one in force on its day (1/3/2025, then 1/7/2025)', async () => {
    const dir = referenceDir(CROSSWALK);
    // Vĩnh Phúc's labour department went into its Sở Nội vụ on 1/3/2025, which went into Phú Thọ's on 1/7/2025.
    appendFileSync(
      join(dir, 'agencies.csv'),
      'VP-SLDTBXH,Sở LĐTBXH tỉnh Vĩnh Phúc,25,department,lao_dong,,2025-02-28\nVP-SNV,Sở Nội vụ tỉnh Vĩnh Phúc,25,department,noi_vu,,2025-06-30\n',
    );
    appendFileSync(
      join(dir, 'agency_successors.csv'),
      'VP-SLDTBXH,VP-SNV,2025-03-01\nVP-SNV,SNV,2025-07-01\n',
    );
    await loadReference(db, dir);
    const head = 'id,procedure_code,agency_code,unit_code,channel,received_at,due_at,status';
    const r = await loadDelivery(db, {
      feed: 'dossiers',
      path: deliveryFile(
        'dossiers',
        'chain.csv',
        [
          head,
          'CH1,1.001,VP-SLDTBXH,,online,2025-08-05T09:00:00+07:00,2025-08-20T17:00:00+07:00,received',
          'CH2,1.001,VP-SLDTBXH,,online,2025-04-02T09:00:00+07:00,2025-04-20T17:00:00+07:00,received',
          'CH3,1.001,VP-SLDTBXH,,online,2025-02-10T09:00:00+07:00,2025-02-20T17:00:00+07:00,received',
        ].join('\n'),
      ),
      name: 'chain.csv',
      format: 'csv',
      source: 'test',
    });
    expect(r).toMatchObject({ accepted: 3, rejected: 0, mapped: 2 });
    const rows = await db.query<{ id: string; agency_code: string }>(
      `SELECT id, agency_code FROM dossiers WHERE id LIKE 'CH%' ORDER BY id`,
    );
    expect(rows.map((x) => x.agency_code)).toEqual(['SNV', 'VP-SNV', 'VP-SLDTBXH']);
  });
});

describe('denominators count the units and agencies in force at the period end', () => {
  it('communes: 3 former ones in 2024, the 2 new ones in 2026 — never both; agencies likewise', async () => {
    await loadReference(db, referenceDir(CROSSWALK));
    const ctx = { db, registry: await registryFrom(db) };
    const den = async (id: string, from: string, to: string) =>
      (await getKpi(ctx, id, { from, to }, {})).denominator;
    expect(await den('payments.communes_payment_opened', '2024-01-01', '2024-12-31')).toBe(3);
    expect(await den('payments.communes_payment_opened', '2026-01-01', '2026-06-30')).toBe(2);
    // A year across the reform counts the units in force on its last day.
    expect(await den('payments.communes_payment_opened', '2025-01-01', '2025-12-31')).toBe(2);
    expect(await den('direction.agencies_active_rate', '2024-01-01', '2024-12-31')).toBe(2); // SNV, UBND-08001
    expect(await den('direction.agencies_active_rate', '2026-01-01', '2026-06-30')).toBe(2); // SNV, UBND-09001
  });
});

describe('expected reports come from the reporting units in force at each cut-off', () => {
  it('2025: January–June from the 3 former communes, July–December from the 2 new ones = 30', async () => {
    await loadReference(db, referenceDir(CROSSWALK));
    const r = await loadDelivery(db, {
      feed: 'reports',
      path: deliveryFile(
        'reports',
        'r.csv',
        'id,indicator_code,unit_code,period,value,submitted_at\nR1,fires,08001,2025-01,2,2025-01-20T09:00:00+07:00\n',
      ),
      name: 'r.csv',
      format: 'csv',
      source: 'test',
    });
    expect(r.accepted).toBe(1);
    const rows = await db.query<{ half: string; n: number }>(
      `SELECT CASE WHEN month(period_start) <= 6 THEN 'H1' ELSE 'H2' END AS half, count(*) AS n,
         count(DISTINCT unit_code) AS units
       FROM report_compliance WHERE indicator_code = 'fires' AND year(period_start) = 2025 GROUP BY ALL ORDER BY half`,
    );
    expect(rows).toEqual([
      { half: 'H1', n: 18, units: 3 },
      { half: 'H2', n: 12, units: 2 },
    ]);
  });
});

describe('a national code reused by a reform is two versions', () => {
  // The new Phường Việt Trì keeps the code of the former Phường Gia Cẩm (08001), as the real reform did.
  const REUSED_UNITS = [
    'code,name,level,parent_code,kind,valid_from,valid_to,lat,lon',
    '25,Phú Thọ,province,,tỉnh,,,21.3,105.2',
    '227,Thành phố Việt Trì,district,25,thành phố,,2025-06-30,21.32,105.4',
    '08001,Phường Gia Cẩm,commune,227,phường,,2025-06-30,21.33,105.41',
    '08003,Xã Tất Thắng,commune,227,xã,,2025-06-30,21.1,105.1',
    '08001,Phường Việt Trì,commune,25,phường,2025-07-01,,21.33,105.41',
  ];
  const reusedDir = (units: string[]) => {
    const dir = referenceDir([
      'old_code,new_code,share,weight,valid_from',
      '08001,08001,whole,,2025-07-01',
      '08003,08001,whole,,2025-07-01',
    ]);
    writeFileSync(join(dir, 'units.csv'), `${units.join('\n')}\n`);
    writeFileSync(
      join(dir, 'agencies.csv'),
      'code,name,unit_code,kind,sector,valid_from,valid_to\nSNV,Sở Nội vụ,25,department,noi_vu,,\nUBND-GC,UBND Phường Gia Cẩm,08001,commune_committee,chinh_quyen,,2025-06-30\nUBND-VT,UBND Phường Việt Trì,08001,commune_committee,chinh_quyen,2025-07-01,\n',
    );
    writeFileSync(
      join(dir, 'agency_successors.csv'),
      'old_code,new_code,valid_from\nUBND-GC,UBND-VT,2025-07-01\n',
    );
    return dir;
  };

  it('keeps the code for today’s version, stores the former one apart, and resolves parents, agencies and the crosswalk by date', async () => {
    await loadReference(db, reusedDir(REUSED_UNITS));
    const units = await db.query<{ code: string; national_code: string; parent_code: string | null }>(
      `SELECT code, national_code, parent_code FROM units WHERE national_code = '08001' ORDER BY code`,
    );
    expect(units).toEqual([
      { code: '08001', national_code: '08001', parent_code: '25' },
      { code: '08001.20250630', national_code: '08001', parent_code: '227' },
    ]);
    const agencies = await db.query<{ code: string; unit_code: string }>(
      `SELECT code, unit_code FROM agencies WHERE code LIKE 'UBND-%' ORDER BY code`,
    );
    expect(agencies).toEqual([
      { code: 'UBND-GC', unit_code: '08001.20250630' },
      { code: 'UBND-VT', unit_code: '08001' },
    ]);
    const cw = await db.query<{ old_code: string; new_code: string }>(
      'SELECT old_code, new_code FROM unit_successors ORDER BY old_code',
    );
    expect(cw).toEqual([
      { old_code: '08001.20250630', new_code: '08001' },
      { old_code: '08003', new_code: '08001' },
    ]);
  });

  it('a record spelling 08001 is the former ward in 2024 and the new one in 2026', async () => {
    await loadReference(db, reusedDir(REUSED_UNITS));
    const head = 'id,procedure_code,agency_code,unit_code,channel,received_at,due_at,status';
    const r = await loadDelivery(db, {
      feed: 'dossiers',
      path: deliveryFile(
        'dossiers',
        'reuse.csv',
        [
          head,
          'R24,1.001,SNV,08001,online,2024-05-06T09:00:00+07:00,2024-05-20T17:00:00+07:00,received',
          'R26,1.001,SNV,08001,online,2026-05-06T09:00:00+07:00,2026-05-20T17:00:00+07:00,received',
        ].join('\n'),
      ),
      name: 'reuse.csv',
      format: 'csv',
      source: 'test',
    });
    expect(r).toMatchObject({ accepted: 2, rejected: 0, mapped: 0 });
    const rows = await db.query<{ id: string; unit_code: string }>(
      `SELECT id, unit_code FROM dossiers WHERE id LIKE 'R2%' ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: 'R24', unit_code: '08001.20250630' },
      { id: 'R26', unit_code: '08001' },
    ]);
  });

  it('refuses versions of one code that overlap', async () => {
    const overlapping = REUSED_UNITS.map((l) =>
      l.replace(
        '08001,Phường Việt Trì,commune,25,phường,2025-07-01',
        '08001,Phường Việt Trì,commune,25,phường,2025-06-01',
      ),
    );
    await expect(loadReference(db, reusedDir(overlapping))).rejects.toThrow('versions of 08001 overlap');
  });
});

describe('two views of history: current (restated to today’s units) and then (as they were)', () => {
  // 2024: P1 in 08001 (→ 09001), P2 in 08003 (divided: 30 % → 09001, 70 % → 09002), P3 in 08005 (→ 09002),
  // P4 at the province (no commune).
  let ctx: { db: Db; registry: Awaited<ReturnType<typeof registryFrom>> };
  const Y24 = { from: '2024-01-01', to: '2024-12-31' };
  beforeAll(async () => {
    await loadReference(db, referenceDir(CROSSWALK));
    await db.exec(`DELETE FROM dossiers`);
    await openRollups(db, { rebuild: true }); // rows changed by hand, not by a delivery
    const head = 'id,procedure_code,agency_code,unit_code,channel,received_at,due_at,status';
    const r = await loadDelivery(db, {
      feed: 'dossiers',
      path: deliveryFile(
        'dossiers',
        'views.csv',
        [
          head,
          'P1,1.001,SNV,08001,online,2024-04-01T09:00:00+07:00,2024-04-10T17:00:00+07:00,received',
          'P2,1.001,SNV,08003,online,2024-05-02T09:00:00+07:00,2024-05-10T17:00:00+07:00,received',
          'P3,1.001,SNV,08005,online,2024-06-03T09:00:00+07:00,2024-06-10T17:00:00+07:00,received',
          'P4,1.001,SNV,,online,2024-07-01T09:00:00+07:00,2024-07-10T17:00:00+07:00,received',
        ].join('\n'),
      ),
      name: 'views.csv',
      format: 'csv',
      source: 'test',
    });
    expect(r.accepted).toBe(4);
    ctx = { db, registry: await registryFrom(db) };
  });

  it('current: the 2024 breakdown shows today’s communes, the divided one by its shares; every record counts once', async () => {
    const b = await getBreakdown(ctx, 'services.dossiers_received', Y24, {}, 'commune');
    expect(b.rows.map((r) => [r.key, r.value])).toEqual([
      ['09002', 1.7],
      ['09001', 1.3],
    ]);
    expect(b.outside?.value).toBe(1); // P4, at the province
    const sum = b.rows.reduce((s, r) => s + (r.value ?? 0), 0) + (b.outside?.value ?? 0);
    expect(sum).toBeCloseTo(4, 9);
    expect((await getKpi(ctx, 'services.dossiers_received', Y24, { unit: '09001' })).value).toBeCloseTo(
      1.3,
      9,
    );
  });

  it('then: the former communes as they were; the province is the same in both views', async () => {
    const then = { boundaries: 'then' as const };
    const b = await getBreakdown(ctx, 'services.dossiers_received', Y24, then, 'commune');
    expect(b.rows.map((r) => [r.key, r.value]).sort()).toEqual([
      ['08001', 1],
      ['08003', 1],
      ['08005', 1],
    ]);
    expect((await getKpi(ctx, 'services.dossiers_received', Y24, { ...then, unit: '09001' })).value).toBe(0);
    for (const f of [{}, then])
      expect((await getKpi(ctx, 'services.dossiers_received', Y24, { ...f, unit: '25' })).value).toBe(4);
  });

  it('khu vực huyện cũ: today’s communes group into the former district they came from, in both views', async () => {
    // 09001 and 09002 were made of communes of 227 (Việt Trì): both are its area today.
    const cur = await getBreakdown(ctx, 'services.dossiers_received', Y24, {}, 'district');
    expect(cur.rows.map((r) => [r.key, r.label, r.value])).toEqual([
      ['227', 'Khu vực Thành phố Việt Trì (cũ)', 3],
    ]);
    expect(cur.outside?.value).toBe(1);
    const then = await getBreakdown(
      ctx,
      'services.dossiers_received',
      Y24,
      { boundaries: 'then' },
      'district',
    );
    expect(then.rows.map((r) => [r.key, r.label, r.value])).toEqual([['227', 'Thành phố Việt Trì', 3]]);
    // A filter on the former district takes today's communes of its area.
    expect((await getKpi(ctx, 'services.dossiers_received', Y24, { unit: '227' })).value).toBe(3);
  });

  it('a comparison across the reform says so: Q3 2025 against Q3 2024 counts 2 former communes for 09001', async () => {
    const Q3 = { from: '2025-07-01', to: '2025-09-30' };
    const k = await getKpi(ctx, 'services.dossiers_received', Q3, { unit: '09001' });
    // 08001 whole and 08003 in part made 09001 (new on 1/7/2025): last year's figure is theirs, restated.
    expect(k.history).toEqual({
      reform: '2025-07-01',
      view: 'current',
      formerUnits: 2,
      formerLevel: 'commune',
    });
    expect(k.samePeriodLastYear.value).toBe(0); // P1 (April) and P2 (May) are outside Q3 2024
    // The province existed before: itself, with no other province merged into it in this fixture.
    const p = await getKpi(ctx, 'services.dossiers_received', Q3, { boundaries: 'then' });
    expect(p.history).toEqual({
      reform: '2025-07-01',
      view: 'then',
      formerUnits: 1,
      formerLevel: 'province',
    });
    // 2024 against 2023: no reform between them.
    expect((await getKpi(ctx, 'services.dossiers_received', Y24, {})).history).toBeNull();
  });

  it("agencies: a former committee's records rank under today's in the current view, under its own as they were", async () => {
    const head = 'id,procedure_code,agency_code,unit_code,channel,received_at,due_at,status';
    await loadDelivery(db, {
      feed: 'dossiers',
      path: deliveryFile(
        'dossiers',
        'agency.csv',
        [
          head,
          'P5,1.001,UBND-08001,,online,2024-08-01T09:00:00+07:00,2024-08-10T17:00:00+07:00,received',
        ].join('\n'),
      ),
      name: 'agency.csv',
      format: 'csv',
      source: 'test',
    });
    try {
      const by = async (f: { boundaries?: 'then' }) =>
        (await getBreakdown(ctx, 'services.dossiers_received', Y24, f, 'agency')).rows.map((r) => [
          r.key,
          r.value,
        ]);
      expect(await by({})).toEqual([
        ['SNV', 4],
        ['UBND-09001', 1],
      ]);
      expect(await by({ boundaries: 'then' })).toEqual([
        ['SNV', 4],
        ['UBND-08001', 1],
      ]);
      // A filter on today's committee takes its predecessor's records in the current view only.
      expect((await getKpi(ctx, 'services.dossiers_received', Y24, { agency: 'UBND-09001' })).value).toBe(1);
      expect(
        (await getKpi(ctx, 'services.dossiers_received', Y24, { agency: 'UBND-09001', boundaries: 'then' }))
          .value,
      ).toBe(0);
    } finally {
      await db.exec(`DELETE FROM dossiers WHERE id = 'P5'`);
      await openRollups(db, { rebuild: true });
    }
  });

  it('the view travels in the URL: /api/kpis/:id/breakdown?boundaries=then', async () => {
    const { fixtureApp } = await import('./helpers.ts');
    const { app } = await fixtureApp(db);
    const res = await app.request(
      '/api/kpis/services.dossiers_received/breakdown?from=2024-01-01&to=2024-12-31&by=commune&boundaries=then',
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { filters: Record<string, string>; rows: { key: string }[] };
    expect(body.filters).toEqual({ boundaries: 'then' });
    expect(body.rows.map((r) => r.key).sort()).toEqual(['08001', '08003', '08005']);
  });
});
