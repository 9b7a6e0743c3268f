// Dossier states as the one-stop rules count them, on a hand-made fixture for Q1 2026 (1/1–31/3/2026, local time):
// every state and edge named in FEEDS.md v2, the one-stop table equal to the KPIs, its XLSX export, and the
// working-day calendar (Tết 2026, make-up days, swaps, an admin's corrected year).
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { loadDelivery } from '../../server/feeds/loader.ts';
import { getKpi } from '../../server/kpis/service.ts';
import { builtInYear, WorkCalendar } from '../../server/reference/calendar.ts';
import { deliveryFile, fixtureApp, fixtureStore, signedIn } from './helpers.ts';

const HEAD =
  'id,procedure_code,agency_code,unit_code,channel,received_at,due_at,completed_at,status,supplement_requested_at,supplemented_at,closed_at,updated_at';
// A1 carried over (received 20/12/2025), completed early (5/1, due 10/1).
// A2 completed on the due day (20/1 10:00, due 20/1 17:00). A3 completed late (11/2, due 10/2).
// A4 completed on 3/4/2026, after the period: in progress at its end, and overdue (due 20/3).
// A5 in progress, due 8/4: within the deadline.
// A6 waits for supplement since 1/3, past its due day 5/3: waiting, never overdue.
// A7 returned on 10/3 after its due day 25/1: closed, never late. A8 withdrawn, no closed_at: closed at updated_at 6/2.
// A9 asked for documents 7/1, supplied 9/1, still open past its due day 15/1: overdue (no longer waiting).
// A10 status supplement from a source without request times: waiting (its current status says so).
// A11 cancelled on 3/11/2025: closed before the period, not handled in it.
const ROWS = [
  'A1,1.001,SNV,08001,online,2025-12-20T08:00:00+07:00,2026-01-10T17:00:00+07:00,2026-01-05T09:00:00+07:00,completed,,,,2026-01-05T09:00:00+07:00',
  'A2,1.001,SNV,08001,online,2026-01-12T08:00:00+07:00,2026-01-20T17:00:00+07:00,2026-01-20T10:00:00+07:00,completed,,,,2026-01-20T10:00:00+07:00',
  'A3,2.001,UBND-227,,counter,2026-02-02T08:00:00+07:00,2026-02-10T17:00:00+07:00,2026-02-11T09:00:00+07:00,completed,,,,2026-02-11T09:00:00+07:00',
  'A4,3.001,UBND-08003,,counter,2026-03-02T08:00:00+07:00,2026-03-20T17:00:00+07:00,2026-04-03T09:00:00+07:00,completed,,,,2026-04-03T09:00:00+07:00',
  'A5,1.002,STP,,online,2026-03-25T08:00:00+07:00,2026-04-08T17:00:00+07:00,,processing,,,,2026-03-25T08:00:00+07:00',
  'A6,3.001,UBND-08003,,counter,2026-02-20T08:00:00+07:00,2026-03-05T17:00:00+07:00,,supplement,2026-03-01T09:00:00+07:00,,,2026-03-01T09:00:00+07:00',
  'A7,2.001,UBND-227,,counter,2026-01-15T08:00:00+07:00,2026-01-25T17:00:00+07:00,,returned,,,2026-03-10T09:00:00+07:00,2026-03-10T09:00:00+07:00',
  'A8,1.001,SNV,08001,online,2026-02-05T08:00:00+07:00,2026-02-09T17:00:00+07:00,,withdrawn,,,,2026-02-06T09:00:00+07:00',
  'A9,1.002,STP,,counter,2026-01-05T08:00:00+07:00,2026-01-15T17:00:00+07:00,,processing,2026-01-07T09:00:00+07:00,2026-01-09T09:00:00+07:00,,2026-01-09T09:00:00+07:00',
  'A10,3.001,UBND-08003,,counter,2026-03-10T08:00:00+07:00,2026-03-12T17:00:00+07:00,,supplement,,,,2026-03-11T09:00:00+07:00',
  'A11,1.001,SNV,08001,online,2025-11-01T08:00:00+07:00,2025-11-10T17:00:00+07:00,,cancelled,,,2025-11-03T09:00:00+07:00,2025-11-03T09:00:00+07:00',
];
const Q1 = { from: '2026-01-01', to: '2026-03-31' };

let db: Db;
let ctx: Awaited<ReturnType<typeof fixtureApp>>['ctx'];
let app: Awaited<ReturnType<typeof fixtureApp>>['app'];
let auth: Awaited<ReturnType<typeof fixtureApp>>['auth'];

beforeAll(async () => {
  db = await fixtureStore({ feeds: false });
  const r = await loadDelivery(db, {
    feed: 'dossiers',
    path: deliveryFile('dossiers', 'states.csv', `${HEAD}\n${ROWS.join('\n')}\n`),
    name: 'states.csv',
    format: 'csv',
    source: 'test',
  });
  expect(r.rejected).toBe(0);
  ({ app, ctx, auth } = await fixtureApp(db));
});
afterAll(() => db.close());

const value = async (id: string, range = Q1) => (await getKpi(ctx, id, range, {})).value;

describe('dossier states as of the end of Q1 2026', () => {
  it('received 9 (A2–A10), carried over 1 (A1; A11 was closed before), handled 10', async () => {
    expect(await value('services.dossiers_received')).toBe(9);
    expect(await value('services.dossiers_carried_over')).toBe(1);
    expect(await value('services.dossiers_handled')).toBe(10);
  });

  it('completed 3: early A1, on the due day A2, late A3; A4 (completed after the period) is not among them', async () => {
    expect(await value('services.dossiers_completed')).toBe(3);
    expect(await value('services.completed_early')).toBe(1);
    expect(await value('services.completed_on_time')).toBe(1);
    expect(await value('services.completed_late')).toBe(1);
    const r = await getKpi(ctx, 'services.ontime_rate', Q1, {});
    expect([r.numerator, r.denominator]).toEqual([2, 3]);
  });

  it('in progress at the end: A5 within; A4 and A9 overdue; waiting A6 and A10 are never overdue', async () => {
    expect(await value('services.in_progress_within')).toBe(1);
    expect(await value('services.overdue_in_progress')).toBe(2);
    expect(await value('services.waiting_supplement')).toBe(2);
  });

  it('returned A7 and withdrawn A8 (closed at updated_at) are closed: never late, never overdue', async () => {
    expect(await value('services.dossiers_closed')).toBe(2);
    const late = await ctx.db.query<{ id: string }>(
      `SELECT id FROM dossiers WHERE status IN ('returned', 'withdrawn') AND completed_at IS NOT NULL`,
    );
    expect(late).toEqual([]);
  });

  it('the parts add up to the dossiers handled: 3 completed + 2 closed + 1 within + 2 overdue + 2 waiting = 10', async () => {
    const parts = await Promise.all(
      [
        'services.dossiers_completed',
        'services.dossiers_closed',
        'services.in_progress_within',
        'services.overdue_in_progress',
        'services.waiting_supplement',
      ].map((id) => value(id)),
    );
    expect(parts.reduce((a, b) => (a ?? 0) + (b ?? 0), 0)).toBe(10);
  });

  it('a closed period keeps its figures: in March A4 was overdue in progress; in April it is a late completion', async () => {
    const march = { from: '2026-03-01', to: '2026-03-31' };
    const april = { from: '2026-04-01', to: '2026-04-30' };
    expect(await value('services.overdue_in_progress', march)).toBe(2); // A4, A9
    expect(await value('services.completed_late', march)).toBe(0);
    expect(await value('services.completed_late', april)).toBe(1); // A4
    expect(await value('services.dossiers_carried_over', april)).toBe(5); // A4 A5 A6 A9 A10
  });

  it('processing time in working days: A1 20/12/2025 → 5/1/2026 = 9 (1/1 and 2/1 are off), A2 6, A3 7', async () => {
    // A1: 22–26/12, 29–31/12 and 5/1 = 9 (1/1 is a holiday, 2/1/2026 a swapped day off).
    // A2: 12/1 (Mon) → 20/1 (Tue): 13, 14, 15, 16, 19, 20 = 6. A3: 2/2 (Mon) → 11/2 (Wed): 3–6, 9–11 = 7.
    const v = await value('services.avg_processing_days');
    expect(v).toBeCloseTo((9 + 6 + 7) / 3, 9);
  });
});

describe('the one-stop table', () => {
  it('by agency: each column equals its KPI for that agency, and the total row equals the province', async () => {
    const res = await app.request('/api/services/one-stop?from=2026-01-01&to=2026-03-31&by=agency');
    expect(res.status).toBe(200);
    const t = (await res.json()) as {
      rows: Record<string, number | string | null>[];
      total: Record<string, number | null>;
      rules: { vi: string }[];
    };
    expect(t.total).toMatchObject({
      handled: 10,
      carried_over: 1,
      received: 9,
      completed: 3,
      early: 1,
      on_time: 1,
      late: 1,
      in_progress_within: 1,
      in_progress_overdue: 2,
      waiting: 2,
      closed: 2,
    });
    expect(t.total.ontime_rate).toBeCloseTo(200 / 3, 9);
    const snv = t.rows.find((r) => r.key === 'SNV')!;
    // SNV: A1 (carried over, early), A2 (on time), A8 (withdrawn) → handled 3.
    expect(snv).toMatchObject({
      label: 'Sở Nội vụ',
      handled: 3,
      carried_over: 1,
      early: 1,
      on_time: 1,
      closed: 1,
    });
    const k = await getKpi(ctx, 'services.waiting_supplement', Q1, { agency: 'UBND-08003' });
    expect(t.rows.find((r) => r.key === 'UBND-08003')?.waiting).toBe(k.value);
    expect(t.rules.map((r) => r.vi)).toEqual(['Nghị định 118/2025/NĐ-CP']);
  });

  it('by commune, the dossiers of no commune form a labelled row of their own', async () => {
    const t = (await (
      await app.request('/api/services/one-stop?from=2026-01-01&to=2026-03-31&by=commune')
    ).json()) as { rows: { key: string | null; label: string; handled: number }[] };
    const none = t.rows.find((r) => r.key === null)!;
    expect(none.label).toBe('Cấp tỉnh — không thuộc xã');
    // No commune: STP (A5, A9) and UBND-227 (A3, A7) → 4.
    expect(none.handled).toBe(4);
  });

  it('a period across 1/7/2025 names both one-stop rules', async () => {
    const t = (await (await app.request('/api/services/one-stop?from=2025-01-01&to=2025-12-31')).json()) as {
      rules: { from: string }[];
    };
    expect(t.rules.map((r) => r.from)).toEqual(['2018-06-21', '2025-07-01']);
  });

  it('the XLSX export opens with the same numbers and defines every column', async () => {
    const user = await signedIn(auth, ['leader']);
    const res = await app.request(
      '/api/services/one-stop/export?from=2026-01-01&to=2026-03-31&by=agency&format=xlsx',
      { headers: user.headers },
    );
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await res.arrayBuffer()) as ArrayBuffer);
    const ws = wb.worksheets[0];
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 5)).toEqual([
      'Mã',
      'Cơ quan',
      'Tổng số phải giải quyết',
      'Kỳ trước chuyển qua',
      'Tiếp nhận trong kỳ',
    ]);
    const last = ws.getRow(ws.rowCount).values as unknown[];
    expect(last[2]).toBe('Tổng cộng');
    expect(last.slice(3, 14)).toEqual([10, 1, 9, 3, 1, 1, 1, 1, 2, 2, 2]);
    expect(last[14]).toBeCloseTo(66.7, 9);
    const defs = wb.worksheets[1];
    const labels = [];
    for (let i = 2; i <= defs.rowCount; i++) labels.push(String(defs.getRow(i).getCell(1).value));
    expect(labels).toContain('Chờ bổ sung');
    expect(labels).toContain('Quy định áp dụng');
  });

  it('reading needs read; the export needs export', async () => {
    const leader = await signedIn(auth, ['department_head'], { sectors: ['tu_phap'] });
    const res = await app.request('/api/services/one-stop/export?from=2026-01-01&to=2026-03-31', {
      headers: leader.headers,
    });
    expect(res.status).toBe(403);
  });
});

describe('the working-day calendar', () => {
  it('Tết 2026 (16–20/2) is computed from the lunar calendar; Giỗ Tổ on Sunday 26/4 is taken on 27/4', () => {
    const y = builtInYear(2026);
    const off = new Set(y.filter((r) => r.kind !== 'working_day').map((r) => r.date));
    for (const d of ['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20'])
      expect(off.has(d)).toBe(true);
    expect(y.find((r) => r.date === '2026-04-26')?.kind).toBe('holiday');
    expect(y.find((r) => r.date === '2026-04-27')?.kind).toBe('day_off_in_lieu');
    expect(off.has('2026-01-02')).toBe(true);
    expect(off.has('2026-08-31')).toBe(true);
    expect(off.has('2026-09-01')).toBe(true); // the second National Day holiday of 2026
    expect(y.find((r) => r.date === '2026-08-22')?.kind).toBe('working_day');
  });

  it('a dossier received on 12/2/2026 with 3 working days is due on 24/2, after Tết (JS and SQL agree)', async () => {
    const cal = new WorkCalendar(builtInYear(2026));
    expect(cal.addWorkingDays('2026-02-12', 3)).toBe('2026-02-24');
    const r = await db.query<{ d: string }>(
      `SELECT strftime(w2.day, '%Y-%m-%d') AS d FROM workdays w1 JOIN workdays w2 ON w2.working AND w2.seq = w1.seq + 3
       WHERE w1.day = DATE '2026-02-12'`,
    );
    expect(r[0].d).toBe('2026-02-24');
    expect(cal.isWorking('2026-08-22')).toBe(true); // a Saturday worked by the swap
  });

  it('GET /api/calendar/2026 lists the year and counts its working days', async () => {
    const res = await app.request('/api/calendar/2026');
    const body = (await res.json()) as { workingDays: number; rows: unknown[]; source: string[] };
    // 261 weekdays in 2026, minus 13 weekday days off (1/1, 2/1, 16–20/2, 27/4, 30/4, 1/5, 31/8, 1/9, 2/9), plus 22/8.
    expect(body.workingDays).toBe(261 - 13 + 1);
    expect(body.source).toEqual(['built-in']);
  });

  it('an admin corrects a year; day counts follow at once; a bad row is refused with the reason', async () => {
    const admin = await signedIn(auth, ['admin']);
    const put = (rows: unknown) =>
      app.request('/api/admin/calendar/2026', {
        method: 'PUT',
        headers: { ...admin.headers, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' },
        body: JSON.stringify({ rows }),
      });
    const bad = await put([{ date: '2026-03-03', kind: 'working_day', name: 'x' }]);
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: string }).error).toMatch(/2026-03-03 is a weekday/);
    const before = await value('services.avg_processing_days');
    // 2026 without its days off except a new holiday on 13/1: A2 now takes 5 working days, A1 10.
    const ok = await put([{ date: '2026-01-13', kind: 'holiday', name: 'Ngày nghỉ thử' }]);
    expect(ok.status).toBe(200);
    const after = await value('services.avg_processing_days');
    expect(before).toBeCloseTo((9 + 6 + 7) / 3, 9);
    // A1: 22–26/12, 29–31/12, 1/1, 2/1 and 5/1 → 11; A2: 14, 15, 16, 19, 20 → 5; A3 unchanged 7.
    expect(after).toBeCloseTo((11 + 5 + 7) / 3, 9);
    const audit = await db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE action = 'calendar.update'`,
    );
    expect(audit).toHaveLength(1);
  });
});
