// The QĐ 766 index as the national portal scores it: reconciliation with the portal's own answers, a worked score
// for one commune from a hand-made fixture (every indicator's numerator, denominator and points written out), and
// the published score beside ours.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { parseEnv } from '../../server/env.ts';
import { loadDelivery } from '../../server/feeds/loader.ts';
import { points } from '../../server/kpis/index766-method.ts';
import { reconcile, summarise } from '../../server/kpis/index766-reconcile.ts';
import { getKpi, type KpiContext } from '../../server/kpis/service.ts';
import { loadReferenceIfPresent, openStore, registryFrom } from '../../server/store.ts';
import { deliveryFile, fixtureApp } from './helpers.ts';

const PORTAL = join(import.meta.dirname, '..', '..', '..', 'shared', 'portal-766');

describe('reconciliation with the portal', () => {
  it.skipIf(!existsSync(PORTAL))(
    'agrees within 0,015 points on every known indicator of ../shared/portal-766; online is unknown',
    () => {
      const rows = readdirSync(PORTAL)
        .filter((f) => f.endsWith('.json'))
        .flatMap((f) => reconcile(f, JSON.parse(readFileSync(join(PORTAL, f), 'utf8'))));
      const s = summarise(rows);
      expect(s.differ).toBe(0);
      expect(s.known).toBeGreaterThan(3000);
      expect(new Set(rows.filter((r) => r.method === 'unknown').map((r) => r.group))).toEqual(
        new Set(['online']),
      );
    },
  );

  it('reads any period and group by its shape, and lists codes it does not know as unknown', () => {
    // A quarter's answer of two units: a progress tree and a metric file with one new code.
    const tree = {
      data: {
        parent: { departmentName: 'UBND tỉnh X', totalReceived: 400, totalOnTime: 380, totalScore: 19 },
        children: [{ departmentName: 'Sở A', level: 'PROVINCE', totalReceived: 0, totalOnTime: 0, score: 0 }],
      },
    };
    const progress = reconcile('dvc-progress-tree-quarter.json', tree);
    expect(progress.map((r) => [r.indicator, r.ours, r.diff])).toEqual([
      ['PROGRESS_ON_TIME', 19, 0],
      ['PROGRESS_ON_TIME', 0, 0],
    ]);
    const metrics = reconcile('handling-satisfaction-year.json', {
      data: {
        overview: {
          departmentName: 'UBND tỉnh X',
          totalScore: 12.5,
          metrics: [
            { code: 'PETITION_PROCESSING_ON_TIME', numerator: 0, denominator: 0, score: 6 },
            { code: 'DOSSIER_RECEIVING_SATISFACTION', numerator: 81, denominator: 100, score: 5.4 },
            { code: 'NEW_2027_METRIC', numerator: 1, denominator: 2, score: 1.1 },
          ],
        },
        evaluation: [],
      },
    });
    expect(metrics.map((r) => [r.indicator, r.ours, r.method])).toEqual([
      ['PETITION_PROCESSING_ON_TIME', 6, 'known'], // no complaints: full points
      ['DOSSIER_RECEIVING_SATISFACTION', 5.4, 'known'], // 6 × 0,81 ÷ 0,9
      ['NEW_2027_METRIC', null, 'unknown'],
      ['total', null, 'unknown'],
    ]);
  });

  it('npm run index766:check prints the portal, ours and the difference; --json gives one row per unit and indicator', async () => {
    const { execFileSync } = await import('node:child_process');
    const dir = mkdtempSync(join(tmpdir(), 'ioc-766-'));
    const file = join(dir, 'dvc-progress-tree-month.json');
    writeFileSync(
      file,
      JSON.stringify({
        data: {
          parent: { departmentName: 'UBND tỉnh X', totalReceived: 3, totalOnTime: 2, totalScore: 13.33 },
          children: [
            { departmentName: 'Sở B', level: 'PROVINCE', totalReceived: 4, totalOnTime: 1, score: 7 },
          ],
        },
      }),
    );
    const run = (args: string[]) => {
      try {
        return {
          code: 0,
          out: execFileSync('node', ['--import', 'tsx', 'server/cli/index766-check.ts', ...args], {
            encoding: 'utf8',
          }),
        };
      } catch (e) {
        const x = e as { status: number; stdout: string };
        return { code: x.status, out: x.stdout };
      }
    };
    const json = run([file, '--json']);
    const rows = JSON.parse(json.out) as {
      unit: string;
      portal: number;
      ours: number;
      diff: number;
      method: string;
    }[];
    expect(rows).toEqual([
      expect.objectContaining({ unit: 'UBND tỉnh X', portal: 13.33, method: 'known' }),
      expect.objectContaining({ unit: 'Sở B', portal: 7, ours: 5, diff: -2, method: 'known' }),
    ]);
    expect(json.code).toBe(1); // Sở B: 20 × 1/4 = 5, not 7
    const text = run([file]);
    expect(text.out).toContain('Sở B\tPROGRESS_ON_TIME\t7\t5\t-2\tđã biết');
    expect(text.out).toContain('1/2 khớp với Cổng');
  });
});

describe('a worked score for one commune (Q3 2026, Xã 08001)', () => {
  let db: Db;
  let ctx: KpiContext;
  let app: Awaited<ReturnType<typeof fixtureApp>>['app'];
  const Q3 = { from: '2026-07-01', to: '2026-09-30' };

  beforeAll(async () => {
    const ref = mkdtempSync(join(tmpdir(), 'ioc-766-ref-'));
    mkdirSync(join(ref, 'reference'));
    const w = (name: string, lines: string[]) =>
      writeFileSync(join(ref, 'reference', name), `${lines.join('\n')}\n`);
    w('units.csv', [
      'code,name,level,parent_code,kind,valid_from,valid_to,lat,lon',
      '25,Phú Thọ,province,,tỉnh,2008-08-01,,21.3,105.2',
      '227,Thành phố Việt Trì,district,25,thành phố,2008-08-01,,21.32,105.4',
      '08001,Phường Gia Cẩm,commune,227,phường,2008-08-01,,21.33,105.41',
    ]);
    w('agencies.csv', [
      'code,name,unit_code,kind,sector',
      'SNV,Sở Nội vụ,25,department,noi_vu',
      'UBND-08001,UBND Phường Gia Cẩm,08001,commune_committee,chinh_quyen',
    ]);
    // Five fee procedures, all fully online; one free, partly online.
    w('procedures.csv', [
      'code,name,sector,level,service_level,has_fee,synced_national',
      ...[1, 2, 3, 4, 5].map((i) => `P${i},Thủ tục ${i},chinh_quyen,commune,full_online,true,true`),
      'P6,Thủ tục 6,chinh_quyen,commune,partial_online,false,true',
    ]);
    w('indicators.csv', [
      'code,name_vi,name_en,subsystem,unit,aggregation,frequency,reporting_level,due_days,direction',
      'portal_score,Điểm 766 Cổng công bố,Published 766 score,index766,score,last,month,province,5,up',
      'portal_rank,Hạng 766,766 rank,index766,rank,last,month,province,5,down',
    ]);
    db = await openStore(parseEnv({ IOC_DB: ':memory:' }));
    await loadReferenceIfPresent(db, ref);
    const push = async (feed: 'dossiers' | 'feedback' | 'reports', lines: string[]) => {
      const r = await loadDelivery(db, {
        feed,
        path: deliveryFile(feed, `${feed}.csv`, `${lines.join('\n')}\n`),
        name: `${feed}.csv`,
        format: 'csv',
        source: 'test',
      });
      expect(r.rejected).toBe(0);
    };
    const H =
      'id,procedure_code,agency_code,channel,received_at,due_at,completed_at,status,result_digitized,components_digitized,reused_data,fee_vnd,paid_online,synced_national,satisfaction';
    const d = (id: string, p: string, ch: string, recv: string, due: string, done: string, rest: string) =>
      `${id},${p},UBND-08001,${ch},${recv}T08:00:00+07:00,${due}T17:00:00+07:00,${done ? `${done}T10:00:00+07:00` : ''},${done ? 'completed' : 'processing'},${rest}`;
    await push('dossiers', [
      H,
      d('C0', 'P1', 'online', '2026-05-01', '2026-05-12', '2026-05-10', 'true,true,false,50000,true,true,'), // ended before Q3
      d(
        'C1',
        'P1',
        'online',
        '2026-06-20',
        '2026-07-03',
        '2026-07-02',
        'true,true,false,50000,true,true,satisfied',
      ), // carried over, on time
      d(
        'C2',
        'P2',
        'online',
        '2026-07-06',
        '2026-07-15',
        '2026-07-20',
        'true,false,false,50000,true,true,unsatisfied',
      ), // late
      d(
        'C3',
        'P3',
        'online',
        '2026-08-03',
        '2026-08-12',
        '2026-08-10',
        'true,true,true,50000,true,false,satisfied',
      ),
      d('C4', 'P4', 'online', '2026-09-01', '2026-10-05', '', ',false,false,50000,true,true,'), // open, within
      d('C5', 'P5', 'counter', '2026-09-10', '2026-09-18', '2026-09-17', 'true,true,false,50000,true,true,'),
      d('C6', 'P6', 'counter', '2026-09-14', '2026-09-21', '2026-09-15', 'false,false,false,,false,true,'),
    ]);
    // Feedback exists in the province (to Sở Nội vụ), none about the commune: its complaint indicators are full.
    await push('feedback', [
      'id,received_at,channel,agency_code,due_at,resolved_at,status,satisfied',
      'F1,2026-07-10T09:00:00+07:00,hotline,SNV,2026-07-24T17:00:00+07:00,2026-07-12T09:00:00+07:00,resolved,true',
    ]);
    await push('reports', [
      'id,indicator_code,unit_code,period,value,submitted_at',
      'PS9,portal_score,25,2026-09,70.5,2026-10-02T09:00:00+07:00',
      'PR9,portal_rank,25,2026-09,5,2026-10-02T09:00:00+07:00',
    ]);
    ctx = { db, registry: await registryFrom(db) };
    app = (await fixtureApp(db)).app;
  });
  afterAll(() => db.close());

  // Handled in Q3: C1 (carried over) + C2–C6 = 6. Received in Q3: C2–C6 = 5.
  const expected: Record<string, [number, number, number]> = {
    // on time = handled − C2 (completed late): 20 × 5/6
    PROGRESS_ON_TIME: [5, 6, (20 * 5) / 6],
    // online dossiers of fully-online procedures received: C2, C3, C4 of C2–C5 → 12 × 3/4
    ONLINE_SERVICE: [3, 4, 9],
    // fee dossiers paid online: C2–C5 of C2–C5 → 6
    PAYMENT_DOSSIERS: [4, 4, 6],
    // fee procedures with an online payment: P2–P5 of the 5 fee procedures = 80 % → min(2; 2,5 × 0,8) = 2
    PAYMENT_PROCEDURES_PAID_ONLINE: [4, 5, 2],
    // fee procedures whose dossiers carry fee data: P2–P5 of 5 → 2
    PAYMENT_PROCEDURES_WITH_FEE_DATA: [4, 5, 2],
    // electronic results: C2, C3, C5 of 5 → 6 × 0,6 (linear)
    ORIGINAL_RESULT_AVAILABLE: [3, 5, 3.6],
    // digitised dossiers: C3, C5 of 5 → 4 × 0,4
    SO_HOA_GIAY_TO_GIAI_QUYET: [2, 5, 1.6],
    // reused data: C3 of 5 → 2 × 0,2 ÷ 0,8
    REUSED_DIGITIZED_DATA: [1, 5, 0.5],
    // synchronised: C2, C4, C5, C6 of 5 → 6 × 0,8
    DOSSIER_SYNC: [4, 5, 4.8],
    // handled on time and not unsatisfied: C1, C3, C4, C5, C6 of 6 → 6 × (5/6) ÷ 0,9
    DOSSIER_RECEIVING_SATISFACTION: [5, 6, (6 * (5 / 6)) / 0.9],
    // no feedback about the commune: full points
    PETITION_PROCESSING_ON_TIME: [0, 0, 6],
    PETITION_HANDLING_SATISFACTION: [0, 0, 6],
  };

  it('every indicator: numerator, denominator and points as worked out above', async () => {
    const a = await getKpi(ctx, 'index766.total', Q3, { unit: '08001' });
    const got = Object.fromEntries(
      (a.index766?.components ?? []).map((c) => [c.id, [c.numerator, c.denominator, c.points]]),
    );
    for (const [id, [num, den, pts]] of Object.entries(expected)) {
      expect(got[id]?.slice(0, 2), id).toEqual([num, den]);
      expect(got[id]?.[2], id).toBeCloseTo(pts, 9);
    }
    const total = Object.values(expected).reduce((s, [, , p]) => s + p, 0);
    expect(a.value).toBeCloseTo(total, 9); // 63,72
    expect(a.index766?.maxAvailable).toBe(78); // 100 − publication (12) − 4 digitisation indicators (10)
    // The largest loss comes first: progress loses 3,33.
    expect(a.index766?.components[0]).toMatchObject({ id: 'PROGRESS_ON_TIME' });
    expect(points({ max: 2, fullAt: 0.8, zero: 'zero' }, 4, 5)).toBe(2);
  });

  it('the 766 answer puts the portal’s published score beside ours, with the difference flagged beyond 3 points', async () => {
    const res = await app.request('/api/index766?from=2026-07-01&to=2026-09-30&by=commune');
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      overall: { total: number };
      published: { score: number; rank: number; difference: number; flagged: boolean };
    };
    expect(body.published).toMatchObject({ score: 70.5, rank: 5, flagged: true });
    expect(body.published.difference).toBeCloseTo(body.overall.total - 70.5, 9);
  });
});
