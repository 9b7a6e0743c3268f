// KPI values on the hand-checked fixture (tests/fixtures): one test per kind of KPI.
// Q1 2021 = 2021-01-01…2021-03-31 (local dates, UTC+7); the expected numbers are worked out in the comments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import type { KpiContext } from '../../server/kpis/service.ts';
import { getBreakdown, getKpi, getRecords } from '../../server/kpis/service.ts';
import { registryFrom } from '../../server/store.ts';
import { fixtureStore } from './helpers.ts';

let db: Db;
let ctx: KpiContext;
const q1 = { from: '2021-01-01', to: '2021-03-31' };

beforeAll(async () => {
  db = await fixtureStore();
  ctx = { db, registry: await registryFrom(db) };
});
afterAll(() => db.close());

describe('count (flow)', () => {
  it('documents_total counts local dates: D07 at 31/3 17:30Z is 1/4 00:30 local and falls outside', async () => {
    // Q1 2021: D01 D02 D03 D04 D05 D06 D11 = 7; Q1 2020: D08 D09 = 2; Q4 2020: D10 = 1.
    const a = await getKpi(ctx, 'direction.documents_total', q1, {});
    expect(a.value).toBe(7);
    expect(a.samePeriodLastYear).toMatchObject({ from: '2020-01-01', to: '2020-03-31', value: 2 });
    expect(a.previousPeriod).toMatchObject({ from: '2020-10-01', to: '2020-12-31', value: 1 });
    expect(a.yearToDate.value).toBe(7);
    expect(a.change).toBe(250); // (7 − 2) ÷ 2
  });

  it('filters by unit subtree: district 227 has UBND-227 (D05) and UBND-08001 (D06)', async () => {
    expect((await getKpi(ctx, 'direction.documents_total', q1, { unit: '227' })).value).toBe(2);
    expect((await getKpi(ctx, 'direction.documents_total', q1, { unit: '08001' })).value).toBe(1);
    expect((await getKpi(ctx, 'direction.national_axis_outgoing', q1, {})).value).toBe(2); // D01, D06
  });
});

describe('ratio', () => {
  it('signed_rate = signed outgoing ÷ outgoing = 2 ÷ 3 (D01, D06 of D01 D02 D06)', async () => {
    const a = await getKpi(ctx, 'direction.signed_rate', q1, {});
    expect(a.numerator).toBe(2);
    expect(a.denominator).toBe(3);
    expect(a.value).toBeCloseTo(66.667, 2);
    expect(a.status).toBe('bad'); // below the warning threshold 90
  });

  it('services.ontime_rate = completed on time ÷ completed in range = S1, S5 of S1 S2 S5', async () => {
    const a = await getKpi(ctx, 'services.ontime_rate', q1, {});
    expect([a.numerator, a.denominator]).toEqual([2, 3]);
    expect(a.target).toBe(95);
  });

  it('agencies_active_rate (with signed e-documents) by district: 227 has 1 of 2, 238 has 0 of 2', async () => {
    // Signed documents in Q1: D01 (SNV), D06 (UBND-08001). UBND-227's D05 is unsigned; STP's D04 too.
    const b = await getBreakdown(ctx, 'direction.agencies_active_rate', q1, {}, 'district');
    const by = Object.fromEntries(b.rows.map((r) => [r.key, r]));
    expect(by['227']).toMatchObject({ numerator: 1, denominator: 2, value: 50 });
    expect(by['238']).toMatchObject({ numerator: 0, denominator: 2, value: 0, status: 'bad' });
    expect((await getKpi(ctx, 'direction.agencies_active_rate', q1, {})).value).toBeCloseTo(33.333, 2); // 2 of 6
  });

  it('avg_processing_days in working days = (3 + 6 + 10) ÷ 3 for S1 S2 S5', async () => {
    // S1 5/1 (Tue) → 10/1 (Sun): 6, 7, 8/1 = 3. S2 1/2 (Mon) → 12/2/2021: 2–5/2 and 8–9/2 = 6 (10–12/2 is Tết).
    // S5 20/12/2020 (Sun) → 4/1/2021 (Mon): 21–25/12, 28–31/12 and 4/1 = 10 (1/1 is a holiday).
    expect((await getKpi(ctx, 'services.avg_processing_days', q1, {})).value).toBeCloseTo(19 / 3, 6);
  });
});

describe('records of no commune', () => {
  it('are labelled and kept beside the commune ranking, not in it: 6 of the 7 documents of Q1 (departments, UBND-227)', async () => {
    const b = await getBreakdown(ctx, 'direction.documents_total', q1, {}, 'commune');
    expect(b.rows.every((r) => r.key !== null)).toBe(true);
    expect(b.rows.find((r) => r.key === '08001')?.value).toBe(1); // D06
    expect(b.outside).toMatchObject({ key: null, label: 'Cấp tỉnh — không thuộc xã', value: 6 });
    const { breakdownTable } = await import('../../server/export/table.ts');
    const rows: Record<string, unknown>[] = [];
    for await (const c of breakdownTable(b, 'vi').chunks) rows.push(...c);
    expect(rows.at(-1)).toMatchObject({ label: 'Cấp tỉnh — không thuộc xã', value: 6 });
  });
});

describe('stock at range end', () => {
  it('overdue_in_progress at 31/3/2021: S3 (due 5/3, open); S4 is due 10/4', async () => {
    const a = await getKpi(ctx, 'services.overdue_in_progress', q1, {});
    expect(a.value).toBe(1);
    const r = await getRecords(
      ctx,
      'services.overdue_in_progress',
      q1,
      {},
      { part: 'numerator', limit: 10, offset: 0 },
    );
    expect(r.rows.map((x) => x.id)).toEqual(['S3']);
  });

  it('communes with online payment: 08001 by end of Q1 (P2 is counter, P3 is April), 2 of 3 by end of Q2', async () => {
    const q = await getKpi(ctx, 'payments.communes_with_online_payment', q1, {});
    expect([q.value, q.numerator, q.denominator]).toEqual([1, 1, 3]);
    const h = await getKpi(
      ctx,
      'payments.communes_with_online_payment',
      { from: '2021-04-01', to: '2021-06-30' },
      {},
    );
    expect(h.value).toBe(2);
  });

  it('incoming_overdue at 31/3: D05 only (D04 was completed late but before the end)', async () => {
    expect((await getKpi(ctx, 'direction.incoming_overdue', q1, {})).value).toBe(1);
  });
});

describe('reported value', () => {
  it('signatures_issued (last): the latest month by the range end → 180 for Q1, 150 for Jan–Feb', async () => {
    expect((await getKpi(ctx, 'digital.signatures_issued', q1, {})).value).toBe(180);
    expect(
      (await getKpi(ctx, 'digital.signatures_issued', { from: '2021-01-01', to: '2021-02-28' }, {})).value,
    ).toBe(150);
  });

  it('traffic_accidents (sum over districts and months): 5+3+4+2+1 = 15; Thanh Sơn alone 3 (T5 given as "1,0")', async () => {
    expect((await getKpi(ctx, 'security.traffic_accidents', q1, {})).value).toBe(15);
    expect((await getKpi(ctx, 'security.traffic_accidents', q1, { unit: '238' })).value).toBe(3);
  });

  it('budget_revenue against the annual plan: 300 of 1000 after 3 months of 12 is on track', async () => {
    const a = await getKpi(ctx, 'economy.budget_revenue', q1, {});
    expect(a.value).toBe(300);
    expect(a.target).toBe(1000);
    expect(a.targetProgress).toBeCloseTo(0.3, 6);
    expect(a.status).toBe('good'); // 0.3 ≥ 3/12
  });
});

describe('same period last year', () => {
  it('budget_revenue 2021-Q1 300 vs 2020-Q1 250 → +20 %', async () => {
    const a = await getKpi(ctx, 'economy.budget_revenue', q1, {});
    expect(a.samePeriodLastYear.value).toBe(250);
    expect(a.change).toBeCloseTo(20, 9);
  });

  it('a monthly trend carries last year beside each month', async () => {
    const b = await getBreakdown(
      ctx,
      'direction.documents_total',
      { from: '2020-01-01', to: '2021-03-31' },
      {},
      'month',
    );
    const feb21 = b.rows.find((r) => r.key === '2021-02-01');
    expect(feb21).toMatchObject({ value: 1, samePeriodLastYear: 1 }); // D02 vs D08
    expect(b.rows).toHaveLength(15);
  });
});

describe('reporting compliance', () => {
  // NĐ 09/2019 cut-offs: a month's figures close on its 14th, due 10 working days later; a quarter's on the 14th of
  // its last month, due 15 working days later. Jan 2021: 14/1 → 28/1. Feb: 14/2 (Sunday, inside Tết 10–16/2) → 17,
  // 18, 19, 22–26/2, 1, 2/3 → 2/3. Mar: 14/3 → 26/3. 2020-Q4: 14/12/2020 → 15–18, 21–25, 28–31/12, 4, 5/1 → 5/1/2021
  // (1/1 is a holiday). 2021-Q1: 14/3 → 2/4 (Q2).
  it('expected with due in Q1 2021: 3 signatures + 3 × 2 traffic + 1 budget (2020-Q4) = 10; 1 on time, 5 missing', async () => {
    const ontime = await getKpi(ctx, 'reporting.ontime_rate', q1, {});
    // On time: R2 (28/2 ≤ 2/3) only; R1 5/2, T1 3/2, T4 9/2 are after 28/1; T2 3/3 after 2/3; R3, T3, T5 after 26/3.
    expect([ontime.numerator, ontime.denominator]).toEqual([1, 10]);
    // Not submitted by 1/4: 238 Feb and budget 2020-Q4 (never), R3 (20/4), T3 (3/4), T5 (9/4).
    expect((await getKpi(ctx, 'reporting.missing', q1, {})).value).toBe(5);
  });

  it('a month is expected once its cut-off (the 14th) has passed, with its figures window and working-day due', async () => {
    const rows = await db.query<Record<string, string>>(
      `SELECT strftime(figures_from, '%Y-%m-%d') AS f, strftime(figures_to, '%Y-%m-%d') AS t,
         strftime(due_at + INTERVAL 7 HOUR, '%Y-%m-%d %H:%M') AS due
       FROM report_compliance WHERE indicator_code = 'signatures_issued' AND period_start = DATE '2021-02-01'`,
    );
    expect(rows).toEqual([{ f: '2021-01-15', t: '2021-02-14', due: '2021-03-03 00:00' }]);
  });
});

describe("QĐ 766 group score (the portal's method)", () => {
  it('progress = 20 × on time ÷ handled, carry-over included: S5 (received 20/12/2020, completed 4/1) counts; S2 late and S3 overdue do not → 20 × 3 ÷ 5', async () => {
    const a = await getKpi(ctx, 'index766.progress', q1, {});
    expect(a.value).toBeCloseTo(12, 9);
    const p = a.index766?.components.find((c) => c.id === 'PROGRESS_ON_TIME');
    expect(p).toMatchObject({ numerator: 3, denominator: 5, points: 12, lost: 8 });
  });

  it('online = 12 × online dossiers of fully-online procedures ÷ their dossiers: S1 (1.001, online) of S1 → 12', async () => {
    const a = await getKpi(ctx, 'index766.online', q1, {});
    expect(a.value).toBeCloseTo(12, 9);
    // The publication indicators are not in our feeds: no data, outside the partial total.
    expect(a.index766?.noData).toContain('PUBLISH_ON_TIME');
  });
});
