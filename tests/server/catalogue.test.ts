// The procedure catalogue with history (FEEDS.md v2: a procedure has one row per version, with valid_from and
// valid_to) and the dated commune attribute payment_enabled_from: counts by year are queries over the versions in
// force on the period's last day, and labels follow the date their rule changed (NĐ 42/2022, 1/8/2022).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { parseEnv } from '../../server/env.ts';
import { getKpi, type KpiContext } from '../../server/kpis/service.ts';
import { loadReference } from '../../server/reference/load.ts';
import { openStore, registryFrom } from '../../server/store.ts';
import { FIXTURES } from './helpers.ts';

let db: Db;
let ctx: KpiContext;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ioc-catalogue-'));
  mkdirSync(dir, { recursive: true });
  for (const f of ['agencies', 'indicators', 'targets'])
    writeFileSync(
      join(dir, `${f}.csv`),
      (await import('node:fs')).readFileSync(join(FIXTURES, 'reference', `${f}.csv`)),
    );
  writeFileSync(
    join(dir, 'units.csv'),
    [
      'code,name,level,parent_code,kind,valid_from,valid_to,lat,lon,payment_enabled_from',
      '25,Phú Thọ,province,,tỉnh,2008-08-01,,21.3,105.2,',
      '227,Thành phố Việt Trì,district,25,thành phố,2008-08-01,,21.32,105.4,',
      '238,Huyện Thanh Sơn,district,25,huyện,2008-08-01,,21.15,105.18,',
      '08001,Phường Gia Cẩm,commune,227,phường,2008-08-01,,21.33,105.41,2020-05-04',
      '08003,Xã Tất Thắng,commune,238,xã,2008-08-01,,21.1,105.1,2021-09-15',
      '08005,Xã Cự Đồng,commune,238,xã,2008-08-01,,21.12,105.12,',
    ].join('\n'),
  );
  // 1.001 synchronised from 1/3/2021; 1.002 moved from partial to full online on 1/8/2022; 3.001 retired end 2021.
  writeFileSync(
    join(dir, 'procedures.csv'),
    [
      'code,name,sector,level,service_level,has_fee,synced_national,valid_from,valid_to',
      '1.001,Cấp giấy phép hoạt động,noi_vu,province,full_online,true,false,,2021-02-28',
      '1.001,Cấp giấy phép hoạt động,noi_vu,province,full_online,true,true,2021-03-01,',
      '1.002,Cấp phiếu lý lịch tư pháp,tu_phap,province,partial_online,false,true,,2022-07-31',
      '1.002,Cấp phiếu lý lịch tư pháp,tu_phap,province,full_online,false,true,2022-08-01,',
      '2.001,Chứng thực bản sao,tu_phap,district,partial_online,true,false,,',
      '3.001,Đăng ký khai sinh,tu_phap,commune,information,false,false,,2021-12-31',
    ].join('\n'),
  );
  db = await openStore(parseEnv({ IOC_DB: ':memory:' }));
  await loadReference(db, dir);
  ctx = { db, registry: await registryFrom(db) };
});
afterAll(() => db.close());

const v = async (id: string, from: string, to: string) => (await getKpi(ctx, id, { from, to }, {})).value;

describe('the catalogue as it stood at the end of each period', () => {
  it('synchronised procedures: 1 at 31/8/2021 (1.002), 2 at 31/12/2021; the change on 2020 is a query', async () => {
    const a = await getKpi(
      ctx,
      'services.procedures_synced_national',
      { from: '2021-01-01', to: '2021-08-31' },
      {},
    );
    expect(a.value).toBe(2); // 1.001 from 1/3/2021 and 1.002
    expect(a.samePeriodLastYear.value).toBe(1); // 31/8/2020: 1.002 only
    expect(a.change).toBe(100);
  });

  it('procedures in force: 4 in 2021, 3 from 2022 (3.001 retired); each code counted once', async () => {
    expect(await v('services.procedures_total', '2021-01-01', '2021-12-31')).toBe(4);
    expect(await v('services.procedures_total', '2022-01-01', '2022-12-31')).toBe(3);
  });

  it('fully online: 1 until July 2022, 2 from August; the labels follow the date (mức độ 4 → toàn trình)', async () => {
    const before = await getKpi(
      ctx,
      'services.procedures_full_online',
      { from: '2022-07-01', to: '2022-07-31' },
      {},
    );
    const after = await getKpi(
      ctx,
      'services.procedures_full_online',
      { from: '2022-08-01', to: '2022-08-31' },
      {},
    );
    expect([before.value, after.value]).toEqual([1, 2]);
    expect(before.name.vi).toBe('DVC trực tuyến mức độ 4');
    expect(after.name.vi).toBe('DVC trực tuyến toàn trình');
    const partial = await getKpi(
      ctx,
      'services.procedures_partial_online',
      { from: '2021-01-01', to: '2021-12-31' },
      {},
    );
    expect(partial.name.vi).toBe('DVC trực tuyến mức độ 3');
  });

  it('one row per code stays for the feeds: the version in force today', async () => {
    const rows = await db.query<{ code: string; service_level: string }>(
      `SELECT code, service_level FROM procedures ORDER BY code`,
    );
    expect(rows.map((r) => r.code)).toEqual(['1.001', '1.002', '2.001', '3.001']);
    expect(rows.find((r) => r.code === '1.002')?.service_level).toBe('full_online');
  });

  it('refuses two versions of a procedure from the same day, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ioc-catalogue-bad-'));
    for (const f of ['units', 'agencies', 'indicators'])
      writeFileSync(
        join(dir, `${f}.csv`),
        (await import('node:fs')).readFileSync(join(FIXTURES, 'reference', `${f}.csv`)),
      );
    writeFileSync(
      join(dir, 'procedures.csv'),
      'code,name,sector,level,service_level,has_fee,synced_national,valid_from\n1.001,A,x,province,full_online,true,true,2021-03-01\n1.001,A,x,province,full_online,true,false,2021-03-01\n',
    );
    await expect(loadReference(db, dir)).rejects.toThrow('procedures.csv repeats 1.001 from 2021-03-01');
  });
});

describe('communes that opened online payment (a dated attribute) and communes where a payment happened', () => {
  it('opened: 1 of 3 communes at 31/8/2021, 2 of 3 at 30/9/2021', async () => {
    const a = await getKpi(
      ctx,
      'payments.communes_payment_opened',
      { from: '2021-01-01', to: '2021-08-31' },
      {},
    );
    expect([a.numerator, a.denominator]).toEqual([1, 3]);
    expect(await v('payments.communes_payment_opened', '2021-09-01', '2021-09-30')).toBe(2);
    // Without any payment delivered, no commune has had a payment happen.
    expect(await v('payments.communes_with_online_payment', '2021-01-01', '2021-08-31')).toBe(0);
  });
});
