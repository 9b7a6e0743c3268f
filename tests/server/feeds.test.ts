// Every rule of FEEDS.md v1, on a real DuckDB: bad values, missing columns, unknown codes, upsert/stale,
// duplicate deliveries, NFD input, BOM + CRLF, all-or-nothing deliveries, and the four formats.
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { parseSql } from '../../server/feeds/fields.ts';
import { loadDelivery } from '../../server/feeds/loader.ts';
import { DeliveryError, type Format } from '../../server/feeds/stage.ts';
import { deliveryFile, fixtureStore } from './helpers.ts';

let db: Db;
beforeEach(async () => {
  db = await fixtureStore({ feeds: false });
});
afterEach(() => db.close());

const HEAD = 'id,direction,agency_code,at,digitally_signed,subject,updated_at';
const load = (
  content: string | Buffer,
  name = 'docs.csv',
  feed: 'documents' | 'dossiers' | 'payments' | 'reports' = 'documents',
) => {
  const format = name.split('.').pop() as Format;
  return loadDelivery(db, { feed, path: deliveryFile(feed, name, content), name, format, source: 'test' });
};
const count = async (sql: string) => (await db.query<{ n: number }>(sql))[0].n;

describe('values', () => {
  it('rejects each bad-value kind with line, field, value and reason, and loads the rest', async () => {
    const csv = [
      HEAD,
      'A1,out,SNV,2021-01-05T09:00:00+07:00,true,ok,',
      'A2,sideways,SNV,2021-01-05,true,enum,',
      'A3,out,SNV,31/02/2021 10:00,true,bad date,',
      'A4,out,SNV,2021-01-05,maybe,bad bool,',
      'A5,out,NOPE,2021-01-05,true,unknown code,',
      ',out,SNV,2021-01-05,true,missing id,',
      'A7,out,SNV,2099-01-01,true,future,',
      `${'X'.repeat(65)},out,SNV,2021-01-05,true,long id,`,
    ].join('\n');
    const r = await load(csv);
    expect(r).toMatchObject({ records: 8, accepted: 1, rejected: 7, stale: 0, duplicateDelivery: false });
    const e = r.errors.map((x) => [x.line, x.field, x.value, x.reason]);
    expect(e).toContainEqual([3, 'direction', 'sideways', 'not one of in, out']);
    expect(e).toContainEqual([
      4,
      'at',
      '31/02/2021 10:00',
      'not a timestamp (ISO 8601, or dd/MM/yyyy HH:mm[:ss])',
    ]);
    expect(e).toContainEqual([
      5,
      'digitally_signed',
      'maybe',
      'not a boolean (true/false, 1/0, yes/no, có/không)',
    ]);
    expect(e).toContainEqual([6, 'agency_code', 'NOPE', 'unknown agency_code NOPE']);
    expect(e).toContainEqual([7, 'id', null, 'missing value']);
    expect(e).toContainEqual([8, 'at', '2099-01-01', 'more than one day in the future']);
    expect(e.find((x) => x[0] === 9)?.[1]).toBe('id');
    // Rejects are kept in the store, where the API reads them.
    expect(await count(`SELECT count(*) AS n FROM rejects WHERE delivery_id = ${r.deliveryId}`)).toBe(7);
    expect(await count('SELECT count(*) AS n FROM documents')).toBe(1);
  });

  it('accepts Vietnamese forms: dd/MM/yyyy HH:mm as local time, có/không, 1.234.567 VND, 1.234,5 numbers', async () => {
    await load(`${HEAD}\nV1,in,SNV,05/01/2021 09:30,KHÔNG,x,\n`);
    const [d] = await db.query<{ at: string; digitally_signed: boolean }>(
      `SELECT "at", digitally_signed FROM documents`,
    );
    expect(d.at).toBe('2021-01-05T02:30:00.000Z'); // 09:30 at UTC+7
    expect(d.digitally_signed).toBe(false);
    const dossiers = [
      'id,procedure_code,agency_code,channel,received_at,due_at,status,fee_vnd',
      'H1,1.001,SNV,online,2021-01-05T08:00:00+07:00,2021-01-10T08:00:00+07:00,received,1.234.567',
      'H2,1.001,SNV,online,2021-01-05T08:00:00+07:00,2021-01-10T08:00:00+07:00,received,-5',
    ].join('\n');
    const r = await load(dossiers, 'd.csv', 'dossiers');
    expect(r.errors.map((x) => [x.field, x.value])).toEqual([['fee_vnd', '-5']]);
    expect((await db.query<{ fee_vnd: number }>('SELECT fee_vnd FROM dossiers'))[0].fee_vnd).toBe(1234567);
    const rep = await load(
      'id,indicator_code,unit_code,period,value,submitted_at\nR1,budget_revenue,25,2021-q1,"1.234,5",2021-04-01\n',
      'r.csv',
      'reports',
    );
    expect(rep.accepted).toBe(1);
    const [row] = await db.query<{ value: number; period: string; period_start: string; period_end: string }>(
      'SELECT value, period, period_start, period_end FROM reports',
    );
    expect(row).toEqual({
      value: 1234.5,
      period: '2021-Q1',
      period_start: '2021-01-01',
      period_end: '2021-03-31',
    });
  });

  it('reads dd/MM/yyyy[ HH:mm[:ss]] as the calendar allows: 19.404 forms against a reference worked out here', async () => {
    const days = ['0', '1', '01', '9', '09', '10', '28', '29', '30', '31', '32'];
    const months = ['0', '1', '01', '2', '02', '12', '13'];
    const years = ['2020', '2021', '1999'];
    const hours = ['0', '00', '7', '07', '23', '24', '25'];
    const minutes = ['00', '59', '60'];
    const seconds = ['', ':00', ':59', ':60'];
    const inMonth = (d: number, m: number, y: number) =>
      m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
    const forms: { text: string; utc: string | null }[] = [];
    for (const d of days)
      for (const m of months)
        for (const y of years)
          for (const h of hours)
            for (const mi of minutes)
              for (const s of seconds) {
                const sec = s ? +s.slice(1) : 0;
                const ok = inMonth(+d, +m, +y) && +h <= 23 && +mi <= 59 && sec <= 59;
                forms.push({
                  text: `${d}/${m}/${y} ${h}:${mi}${s}`,
                  utc: ok ? new Date(Date.UTC(+y, +m - 1, +d, +h - 7, +mi, sec)).toISOString() : null,
                });
              }
    expect(forms.length).toBe(19_404);
    const r = await load(`${HEAD}\n${forms.map((f, i) => `F${i},in,SNV,${f.text},có,x,`).join('\n')}\n`);
    const valid = forms.filter((f) => f.utc !== null).length;
    expect([r.accepted, r.rejected]).toEqual([valid, forms.length - valid]); // 3.570 valid
    const got = new Map(
      (await db.query<{ id: string; at: string }>(`SELECT id, "at" FROM documents`)).map((x) => [x.id, x.at]),
    );
    expect(forms.map((_, i) => got.get(`F${i}`) ?? null)).toEqual(forms.map((f) => f.utc));
    // Dates (dd/MM/yyyy) through the same rule.
    const dates = days.flatMap((d) => months.flatMap((m) => years.map((y) => ({ d, m, y }))));
    const parsed = await db.query<{ v: string | null }>(
      `SELECT CAST(${parseSql({ kind: 'date' }, 'r')} AS VARCHAR) AS v FROM (SELECT unnest(string_split($texts, ',')) AS r, generate_subscripts(string_split($texts, ','), 1) AS i) ORDER BY i`,
      { texts: dates.map((x) => `${x.d}/${x.m}/${x.y}`).join(',') },
    );
    expect(parsed.map((x) => x.v)).toEqual(
      dates.map(({ d, m, y }) =>
        inMonth(+d, +m, +y) ? `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}` : null,
      ),
    );
  });

  it('normalises NFD text to NFC (Office tools deliver NFD)', async () => {
    const nfd = 'Kế hoạch phát triển'.normalize('NFD');
    await load(`${HEAD}\nN1,out,SNV,2021-01-05,có,${nfd},\n`.normalize('NFD'));
    const [d] = await db.query<{ subject: string; digitally_signed: boolean }>(
      'SELECT subject, digitally_signed FROM documents',
    );
    expect(d.subject).toBe('Kế hoạch phát triển'.normalize('NFC'));
    expect(d.subject).not.toBe(nfd);
    expect(d.digitally_signed).toBe(true); // "có" in NFD is still có
  });

  it('reads a UTF-8 BOM and CRLF line ends, and reports unknown columns once', async () => {
    const csv = `\uFEFF${HEAD},colour\r\nB1,out,SNV,2021-01-05,true,Báo cáo,,red\r\nB2,in,STP,2021-01-06,false,Tờ trình,,blue\r\n`;
    const r = await load(csv);
    expect(r).toMatchObject({ accepted: 2, rejected: 0, ignoredColumns: ['colour'] });
    expect((await db.query<{ id: string }>('SELECT id FROM documents ORDER BY id')).map((x) => x.id)).toEqual(
      ['B1', 'B2'],
    );
  });

  it('reports a row with a wrong number of fields by its line and keeps line numbers of the rest right', async () => {
    const r = await load(
      `${HEAD}\nC1,out,SNV,2021-01-05,true,ok,\nC2,out,SNV\nC3,out,SNV,2021-01-05,nope,bad,\n`,
    );
    expect(r.errors.map((x) => [x.line, x.field])).toEqual([
      [3, 'at'],
      [4, 'digitally_signed'],
    ]);
    expect(r.errors[0].reason).toMatch(/malformed CSV row/);
    expect(r.accepted).toBe(1);
  });
});

describe('deliveries', () => {
  it('refuses a delivery with a missing required column whole, naming the column, and logs the failure', async () => {
    await expect(load('id,direction,agency_code,digitally_signed\nM1,out,SNV,true\n')).rejects.toThrow(
      'missing column at',
    );
    expect(await count('SELECT count(*) AS n FROM documents')).toBe(0);
    expect(
      await count(
        `SELECT count(*) AS n FROM deliveries WHERE status = 'failed' AND error = 'missing column at'`,
      ),
    ).toBe(1);
  });

  it('treats the same content twice as a duplicate delivery (no-op)', async () => {
    const csv = `${HEAD}\nU1,out,SNV,2021-01-05,true,x,\n`;
    expect((await load(csv)).accepted).toBe(1);
    const again = await load(csv, 'renamed.csv');
    expect(again).toMatchObject({ duplicateDelivery: true, accepted: 0 });
    expect(await count('SELECT count(*) AS n FROM documents')).toBe(1);
  });

  it('upserts by id: newer or equal updated_at replaces, older is counted stale', async () => {
    await load(`${HEAD}\nU1,out,SNV,2021-01-05,true,v2,2021-02-01T00:00:00Z\n`);
    const older = await load(`${HEAD}\nU1,out,SNV,2021-01-05,true,v1,2021-01-15T00:00:00Z\n`);
    expect(older).toMatchObject({ accepted: 0, stale: 1 });
    const newer = await load(
      `${HEAD}\nU1,out,SNV,2021-01-05,true,v3,2021-03-01T00:00:00Z\nU1,out,SNV,2021-01-05,true,v3b,2021-02-20T00:00:00Z\n`,
    );
    expect(newer).toMatchObject({ accepted: 1, stale: 1 }); // the older line of the same delivery is stale too
    const rows = await db.query<{ subject: string }>('SELECT subject FROM documents');
    expect(rows).toEqual([{ subject: 'v3' }]);
    // Neither has updated_at: the later delivery wins.
    await load(`${HEAD}\nW1,out,SNV,2021-01-05,true,first,\n`);
    await load(`${HEAD}\nW1,out,SNV,2021-01-05,true,second,\n`);
    expect(
      (await db.query<{ subject: string }>(`SELECT subject FROM documents WHERE id = 'W1'`))[0].subject,
    ).toBe('second');
    // Only the stored one has updated_at: the incoming version without it is stale; the other way round, it replaces.
    expect(await load(`${HEAD}\nU1,out,SNV,2021-01-05,true,no-time,\n`)).toMatchObject({
      accepted: 0,
      stale: 1,
    });
    expect(await load(`${HEAD}\nW1,out,SNV,2021-01-05,true,third,2021-04-01T00:00:00Z\n`)).toMatchObject({
      accepted: 1,
      stale: 0,
    });
    const all = await db.query<{ id: string; subject: string }>(
      `SELECT id, subject FROM documents ORDER BY id`,
    );
    expect(all).toEqual([
      { id: 'U1', subject: 'v3' },
      { id: 'W1', subject: 'third' },
    ]);
  });

  it('is all-or-nothing: a failure inside the transaction leaves nothing behind', async () => {
    // Break the loader mid-delivery: the rejects insert, which runs after the feed rows are written, now fails.
    await db.exec('DROP TABLE rejects; CREATE TABLE rejects (only_one_column INTEGER)');
    const csv = `${HEAD}\nT1,out,SNV,2021-01-05,true,ok,\nT2,out,SNV,2021-01-05,maybe,bad,\n`;
    await expect(load(csv)).rejects.toThrow();
    expect(await count('SELECT count(*) AS n FROM documents')).toBe(0);
    expect(await count('SELECT count(*) AS n FROM deliveries')).toBe(0);
  });

  it('refuses an unreadable body with a clear message', async () => {
    await expect(load('{"id": "x", ', 'bad.json')).rejects.toBeInstanceOf(DeliveryError);
    await expect(load('[1, 2]', 'nums.json')).rejects.toThrow('not objects');
  });
});

describe('formats', () => {
  const rows = [
    {
      id: 'F1',
      direction: 'out',
      agency_code: 'SNV',
      at: '2021-01-05T09:00:00+07:00',
      digitally_signed: true,
    },
    { id: 'F2', direction: 'in', agency_code: 'STP', at: '2021-01-06 10:00', digitally_signed: 'không' },
  ];
  it('loads NDJSON and a JSON array alike', async () => {
    expect((await load(rows.map((r) => JSON.stringify(r)).join('\n'), 'd.ndjson')).accepted).toBe(2);
    const other = rows.map((r) => ({ ...r, id: `${r.id}j` }));
    expect((await load(JSON.stringify(other), 'd.json')).accepted).toBe(2);
    expect(await count(`SELECT count(*) AS n FROM documents WHERE NOT digitally_signed`)).toBe(2);
  });

  it('loads Parquet with typed columns (TIMESTAMPTZ, BOOLEAN) and text ones', async () => {
    const path = deliveryFile('documents', 'd.parquet', '');
    const inst = await DuckDBInstance.create(':memory:');
    const c = await inst.connect();
    await c.run(`SET TimeZone = 'UTC'`);
    await c.run(`COPY (SELECT 'P' || i AS id, CASE WHEN i % 2 = 0 THEN 'out' ELSE 'in' END AS direction, 'SNV' AS agency_code,
        TIMESTAMPTZ '2021-01-05 02:00:00+00' + to_hours(i) AS "at", i % 3 = 0 AS digitally_signed, '1' AS is_task
      FROM range(10) t(i)) TO '${path}' (FORMAT parquet)`);
    c.closeSync();
    const r = await loadDelivery(db, {
      feed: 'documents',
      path,
      name: 'd.parquet',
      format: 'parquet',
      source: 'test',
    });
    expect(r).toMatchObject({ accepted: 10, rejected: 0 });
    expect(await count('SELECT count(*) AS n FROM documents WHERE is_task AND digitally_signed')).toBe(4); // i = 0, 3, 6, 9
  });

  it('Parquet read once with its row numbers: a bad record by its row, an id twice (the newer wins), a typed NULL where a value is required', async () => {
    const path = deliveryFile('documents', 'dup.parquet', '');
    const inst = await DuckDBInstance.create(':memory:');
    const c = await inst.connect();
    await c.run(`SET TimeZone = 'UTC'`);
    // Rows 1–6: Q0, Q1, Q2 (agency unknown), Q1 again updated later, Q4 without its time, Q5.
    await c.run(`COPY (SELECT * FROM (VALUES
        ('Q0', 'in', 'SNV', TIMESTAMPTZ '2021-02-01 02:00:00+00', TIMESTAMPTZ '2021-02-01 02:00:00+00', 'a'),
        ('Q1', 'in', 'SNV', TIMESTAMPTZ '2021-02-01 03:00:00+00', TIMESTAMPTZ '2021-02-01 03:00:00+00', 'old'),
        ('Q2', 'out', 'NOPE', TIMESTAMPTZ '2021-02-01 04:00:00+00', TIMESTAMPTZ '2021-02-01 04:00:00+00', 'b'),
        ('Q1', 'in', 'SNV', TIMESTAMPTZ '2021-02-01 03:00:00+00', TIMESTAMPTZ '2021-02-02 03:00:00+00', 'new'),
        ('Q4', 'in', 'SNV', NULL, NULL, 'c'),
        ('Q5', 'out', 'STP', TIMESTAMPTZ '2021-02-01 05:00:00+00', TIMESTAMPTZ '2021-02-01 05:00:00+00', 'd')
      ) t(id, direction, agency_code, "at", updated_at, subject), (SELECT true AS digitally_signed)) TO '${path}' (FORMAT parquet)`);
    c.closeSync();
    const r = await loadDelivery(db, {
      feed: 'documents',
      path,
      name: 'dup.parquet',
      format: 'parquet',
      source: 'test',
    });
    expect(r).toMatchObject({ records: 6, accepted: 3, rejected: 2, stale: 1 });
    expect(r.errors.map((e) => [e.record, e.field, e.reason])).toEqual([
      [3, 'agency_code', 'unknown agency_code NOPE'],
      [5, 'at', 'missing value'],
    ]);
    const q1 = await db.query<{ subject: string }>(`SELECT subject FROM documents WHERE id = 'Q1'`);
    expect(q1).toEqual([{ subject: 'new' }]);
  });
});
