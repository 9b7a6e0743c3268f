// The fifth feed, `feedback` (phản ánh, kiến nghị — PAKN): the rules every feed follows (bad records with where
// and why, a missing column, upsert and stale, duplicate deliveries, all-or-nothing, rows of an unlogged delivery
// removed after a crash), its deadline from the working-day calendar when none is sent, its KPIs and the QĐ 766
// complaint indicators on a hand-made Q1 2026 fixture.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { parseEnv } from '../../server/env.ts';
import { loadDelivery } from '../../server/feeds/loader.ts';
import { getKpi, type KpiContext } from '../../server/kpis/service.ts';
import { loadReferenceIfPresent, openStore, registryFrom } from '../../server/store.ts';
import { deliveryFile, FIXTURES, fixtureStore } from './helpers.ts';

const HEAD =
  'id,received_at,channel,agency_code,unit_code,topic,due_at,resolved_at,status,satisfied,updated_at';
// F1 SNV answered on 10/1 before its due 19/1, satisfied. F2 SNV without a deadline: 10 working days after Monday
// 2/2/2026 are 3–6/2, 9–13/2 and (after Tết, 16–20/2) 23/2 → due 23/2 17:00; answered 25/2: late, unsatisfied.
// F3 SNV open, due 3/4: within. F4 SNV open, due 16/3: overdue at the end of Q1. F5 UBND-08001 rejected on 6/3:
// closed, neither late nor overdue.
const ROWS = [
  'F1,2026-01-05T09:00:00+07:00,national_portal,SNV,,Hồ sơ chậm,2026-01-19T17:00:00+07:00,2026-01-10T09:00:00+07:00,resolved,true,2026-01-10T09:00:00+07:00',
  'F2,2026-02-02T09:00:00+07:00,hotline,SNV,,Thái độ cán bộ,,2026-02-25T09:00:00+07:00,resolved,false,2026-02-25T09:00:00+07:00',
  'F3,2026-03-20T09:00:00+07:00,app,SNV,,Đất đai,2026-04-03T17:00:00+07:00,,processing,,2026-03-20T09:00:00+07:00',
  'F4,2026-03-02T09:00:00+07:00,letter,SNV,,Môi trường,2026-03-16T17:00:00+07:00,,processing,,2026-03-02T09:00:00+07:00',
  'F5,2026-03-05T09:00:00+07:00,in_person,UBND-08001,,Giao thông,2026-03-19T17:00:00+07:00,,rejected,,2026-03-06T09:00:00+07:00',
];
const Q1 = { from: '2026-01-01', to: '2026-03-31' };

let db: Db;
beforeEach(async () => {
  db = await fixtureStore({ feeds: false });
});
afterEach(() => db.close());

const load = (content: string, name = 'fb.csv') =>
  loadDelivery(db, {
    feed: 'feedback',
    path: deliveryFile('feedback', name, content),
    name,
    format: name.endsWith('.ndjson') ? 'ndjson' : 'csv',
    source: 'test',
  });
const count = async (sql: string) => (await db.query<{ n: number }>(sql))[0].n;

describe('the feedback feed follows the feed rules', () => {
  it('rejects each bad record with line, field, value and reason, and loads the rest', async () => {
    const r = await load(
      [
        HEAD,
        ROWS[0],
        'B1,2026-01-05T09:00:00+07:00,fax,SNV,,x,,,received,,', // channel outside the list
        'B2,2026-01-05T09:00:00+07:00,hotline,XYZ,,x,,,received,,', // unknown agency
        'B3,,hotline,SNV,,x,,,received,,', // no received_at
        'B4,2026-01-05T09:00:00+07:00,hotline,,,x,,,received,,', // neither agency nor unit
        'B5,2026-01-05T09:00:00+07:00,hotline,SNV,,x,,2026-13-01,resolved,,', // not a timestamp
      ].join('\n'),
    );
    expect(r).toMatchObject({ accepted: 1, rejected: 5 });
    const rejects = await db.query<{ line: number; field: string; value: string | null; reason: string }>(
      'SELECT line, field, value, reason FROM rejects ORDER BY line',
    );
    expect(rejects.map((x) => [x.line, x.field])).toEqual([
      [3, 'channel'],
      [4, 'agency_code'],
      [5, 'received_at'],
      [6, 'agency_code'],
      [7, 'resolved_at'],
    ]);
    expect(rejects[1].reason).toBe('unknown agency_code XYZ');
    expect(rejects[3].reason).toBe('agency_code or unit_code is required');
  });

  it('refuses a delivery without a required column, naming it', async () => {
    await expect(load('id,received_at,channel,agency_code\nX1,2026-01-05,hotline,SNV\n')).rejects.toThrow(
      'missing column status',
    );
    expect(await count('SELECT count(*) AS n FROM feedback')).toBe(0);
  });

  it('upserts by id (an older version is stale) and loads the same content once', async () => {
    const v2 = `${HEAD}\n${ROWS[3].replace(',processing,,2026-03-02T09:00:00+07:00', ',resolved,true,2026-03-10T09:00:00+07:00').replace(',,resolved', ',2026-03-10T09:00:00+07:00,resolved')}\n`;
    expect(await load(v2)).toMatchObject({ accepted: 1 });
    expect(await load(`${HEAD}\n${ROWS[3]}\n`, 'older.csv')).toMatchObject({ accepted: 0, stale: 1 });
    expect(await load(v2, 'again.csv')).toMatchObject({ duplicateDelivery: true, accepted: 0 });
    const rows = await db.query<{ status: string }>('SELECT status FROM feedback');
    expect(rows).toEqual([{ status: 'resolved' }]);
  });

  it('is all-or-nothing, and rows of a delivery never logged are gone after a crash', async () => {
    await db.exec('DROP TABLE rejects; CREATE TABLE rejects (only_one_column INTEGER)');
    await expect(load(`${HEAD}\n${ROWS[0]}\nB1,x,fax,SNV,,x,,,received,,\n`)).rejects.toThrow();
    expect(await count('SELECT count(*) AS n FROM feedback')).toBe(0);

    const dir = mkdtempSync(join(tmpdir(), 'ioc-fb-crash-'));
    const env = parseEnv({ IOC_DB: join(dir, 'ioc.duckdb') });
    const store = await openStore(env);
    await loadReferenceIfPresent(store, FIXTURES);
    const file = join(dir, 'feeds', 'feedback', 'a.csv');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${HEAD}\n${ROWS[0]}\n`);
    await loadDelivery(store, { feed: 'feedback', path: file, name: 'a.csv', format: 'csv', source: 'test' });
    await store.exec(
      `INSERT INTO feedback SELECT * REPLACE ('Z' || id AS id, 999 AS delivery_id) FROM feedback`,
    );
    store.close();
    const again = await openStore(env);
    expect((await again.query<{ id: string }>('SELECT id FROM feedback')).map((r) => r.id)).toEqual(['F1']);
    again.close();
  });
});

describe('feedback KPIs and the QĐ 766 complaint indicators (Q1 2026)', () => {
  let ctx: KpiContext;
  beforeEach(async () => {
    expect(await load(`${HEAD}\n${ROWS.join('\n')}\n`)).toMatchObject({ accepted: 5, rejected: 0 });
    ctx = { db, registry: await registryFrom(db) };
  });

  it('a missing deadline is 10 working days after receipt by the calendar: F2 (2/2/2026) is due 23/2, after Tết', async () => {
    const r = await db.query<{ due: string }>(
      `SELECT strftime(due + INTERVAL 7 HOUR, '%Y-%m-%d %H:%M') AS due FROM feedback_due WHERE id = 'F2'`,
    );
    expect(r[0].due).toBe('2026-02-23 17:00');
  });

  it('received 5; on time 3 of 5 (F1, F3, F5); overdue at the end 1 (F4); satisfied 1 of 5', async () => {
    expect((await getKpi(ctx, 'services.feedback_received', Q1, {})).value).toBe(5);
    const ontime = await getKpi(ctx, 'services.feedback_ontime_rate', Q1, {});
    expect([ontime.numerator, ontime.denominator]).toEqual([3, 5]);
    expect((await getKpi(ctx, 'services.feedback_overdue', Q1, {})).value).toBe(1);
    const sat = await getKpi(ctx, 'services.feedback_satisfaction_rate', Q1, {});
    expect([sat.numerator, sat.denominator]).toEqual([1, 5]);
  });

  it('766 for Sở Nội vụ: on time 6 × 2/4 = 3, satisfaction 6 × 1/4 = 1,5; Sở Tư pháp had no feedback: 6 and 6', async () => {
    const snv = await getKpi(ctx, 'index766.satisfaction', Q1, { agency: 'SNV' });
    const part = (id: string) => snv.index766?.components.find((c) => c.id === id);
    expect(part('PETITION_PROCESSING_ON_TIME')).toMatchObject({ numerator: 2, denominator: 4, points: 3 });
    expect(part('PETITION_HANDLING_SATISFACTION')).toMatchObject({
      numerator: 1,
      denominator: 4,
      points: 1.5,
    });
    // No dossiers of SNV in Q1 2026: dossier satisfaction earns 0 (the portal's rule for that indicator).
    expect(snv.value).toBeCloseTo(0 + 3 + 1.5, 9);
    const stp = await getKpi(ctx, 'index766.satisfaction', Q1, { agency: 'STP' });
    expect(stp.index766?.components.find((c) => c.id === 'PETITION_PROCESSING_ON_TIME')).toMatchObject({
      denominator: 0,
      points: 6,
      lost: 0,
    });
    expect(stp.value).toBeCloseTo(12, 9);
  });

  it('a store that never received feedback has no data for the complaint indicators (not full points)', async () => {
    const empty = await fixtureStore({ feeds: false });
    try {
      const a = await getKpi(
        { db: empty, registry: await registryFrom(empty) },
        'index766.satisfaction',
        Q1,
        {},
      );
      expect(a.index766?.noData).toEqual(expect.arrayContaining(['PETITION_PROCESSING_ON_TIME']));
      expect(a.index766?.components.some((c) => c.id.startsWith('PETITION'))).toBe(false);
    } finally {
      empty.close();
    }
  });
});
