// Exports through app.request() on the hand-checked fixture: XLSX cells are typed and inert, CSV and Parquet
// round-trip through DuckDB, JSON is the API answer, and a 200.000-row records export streams to the end.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { listDeliveries, loadFiles } from '../../server/feeds/folder.ts';
import { fixtureApp, fixtureStore, getJson, pushHeaders, Q1 } from './helpers.ts';

let db: Db;
let app: Awaited<ReturnType<typeof fixtureApp>>['app'];
const FORMULA = '=HYPERLINK("http://x","y")';
const VIET = 'Quyết định phê duyệt kế hoạch ứng dụng công nghệ thông tin năm 2021';

beforeAll(async () => {
  db = await fixtureStore();
  const f = await fixtureApp(db);
  app = f.app;
  const csv = [
    'id,direction,agency_code,at,subject,digitally_signed',
    `X1,out,SNV,2021-03-15T08:00:00+07:00,"${FORMULA.replaceAll('"', '""')}",true`,
    `X2,out,SNV,2021-03-16T08:00:00+07:00,${VIET},false`,
    'X3,out,SNV,2021-03-17T08:00:00+07:00,-1+2,true',
  ].join('\n');
  const res = await app.request('/api/feeds/documents', {
    method: 'POST',
    body: csv,
    headers: await pushHeaders(f.auth),
  });
  expect(res.status).toBe(200);
});
afterAll(() => db.close());

const bytes = async (url: string) => {
  const res = await app.request(url);
  expect(
    res.status,
    await res
      .clone()
      .text()
      .catch(() => ''),
  ).toBe(200);
  return { res, buf: Buffer.from(await res.arrayBuffer()) };
};

async function readXlsx(buf: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  return wb;
}

/** Write a file and read it back with DuckDB: the check an analyst's notebook would do. */
async function duck<T = Record<string, unknown>>(file: string, sql: (f: string) => string): Promise<T[]> {
  const inst = await DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  try {
    return (await c.runAndReadAll(sql(`'${file}'`))).getRowObjectsJS() as T[];
  } finally {
    c.closeSync();
    inst.closeSync();
  }
}
const tmpFile = (name: string, buf: Buffer) => {
  const p = join(mkdtempSync(join(tmpdir(), 'ioc-export-test-')), name);
  writeFileSync(p, buf);
  return p;
};

describe('XLSX', () => {
  it('a breakdown has numeric cells with Vietnamese formats, a frozen header and a definitions sheet', async () => {
    const { res, buf } = await bytes(
      `/api/kpis/direction.signed_rate/export?format=xlsx&view=breakdown&by=agency&${Q1}`,
    );
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="direction.signed_rate_25_2021-01-01_2021-03-31_by-agency.xlsx"',
    );
    const api = await getJson<{ rows: { key: string; value: number | null; numerator: number }[] }>(
      app,
      `/api/kpis/direction.signed_rate/breakdown?by=agency&${Q1}`,
    );
    const wb = await readXlsx(buf);
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).getCell(1).value).toBe('Mã');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.rowCount).toBe(api.body.rows.length + 1);
    const first = api.body.rows[0];
    const row = ws.getRow(2);
    expect(row.getCell(1).value).toBe(first.key);
    expect(row.getCell(3).type).toBe(ExcelJS.ValueType.Number);
    expect(row.getCell(3).value).toBe(first.value);
    expect(row.getCell(3).numFmt).toBe('#,##0.0" %"');
    expect(row.getCell(4).value).toBe(first.numerator);
    expect(row.getCell(4).numFmt).toBe('#,##0');
    const defs = wb.getWorksheet('Định nghĩa - Definitions');
    expect(defs).toBeDefined();
    const items = new Map<string, unknown>();
    defs?.eachRow((r) => items.set(String(r.getCell(1).value), r.getCell(2).value));
    expect(items.get('Mã chỉ số')).toBe('direction.signed_rate');
    expect(items.get('Kỳ')).toBe('2021-01-01 – 2021-03-31');
    expect(String(items.get('Tử số'))).toMatch(/FROM documents/);
    expect(items.get('Nguồn dữ liệu')).toBe('documents');
    expect(items.has('Thời điểm tạo tệp')).toBe(true);
  });

  it('records: Vietnamese text is byte-exact NFC, the formula subject is an inert string, dates are dates', async () => {
    const { buf } = await bytes(`/api/kpis/direction.documents_total/export?format=xlsx&view=records&${Q1}`);
    const ws = (await readXlsx(buf)).worksheets[0];
    const headers = (ws.getRow(1).values as unknown[]).slice(1);
    const col = (name: string) => headers.indexOf(name) + 1;
    expect(col('Trích yếu')).toBeGreaterThan(0);
    const byId = new Map<string, ExcelJS.Row>();
    ws.eachRow((r, n) => {
      if (n > 1) byId.set(String(r.getCell(col('Mã')).value), r);
    });
    const subject = (id: string) => byId.get(id)?.getCell(col('Trích yếu'));
    expect(subject('X1')?.type).toBe(ExcelJS.ValueType.String);
    expect(subject('X1')?.value).toBe(FORMULA);
    expect(subject('X1')?.formula).toBeUndefined();
    expect(subject('X3')?.value).toBe('-1+2');
    expect(Buffer.from(String(subject('X2')?.value))).toEqual(Buffer.from(VIET.normalize('NFC')));
    const at = byId.get('X2')?.getCell(col('Thời điểm'));
    expect(at?.type).toBe(ExcelJS.ValueType.Date);
    // 08:00 in Vietnam is written as Vietnam wall-clock time.
    expect((at?.value as Date | undefined)?.toISOString()).toBe('2021-03-16T08:00:00.000Z');
    expect(byId.get('X1')?.getCell(col('Ký số')).value).toBe(true);
  });

  it('a KPI value: one row per period with numbers and English headers on request', async () => {
    const { buf } = await bytes(`/api/kpis/direction.documents_total/export?lang=en&${Q1}`);
    const api = await getJson<{ value: number; samePeriodLastYear: { value: number } }>(
      app,
      `/api/kpis/direction.documents_total?${Q1}`,
    );
    const wb = await readXlsx(buf);
    const ws = wb.worksheets[0];
    expect(ws.name).toBe('Data');
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual([
      'Period',
      'From',
      'To',
      'Value',
      'Numerator',
      'Denominator',
    ]);
    expect(ws.getRow(2).getCell(4).value).toBe(api.body.value);
    expect(ws.getRow(4).getCell(4).value).toBe(api.body.samePeriodLastYear.value);
    expect(ws.getRow(2).getCell(2).value).toEqual(new Date('2021-01-01T00:00:00Z'));
    expect(ws.getRow(2).getCell(2).numFmt).toBe('dd/mm/yyyy');
  });
});

describe('CSV', () => {
  it('starts with the BOM and round-trips through read_csv to the API values', async () => {
    const url = `/api/kpis/direction.signed_rate/export?format=csv&view=breakdown&by=agency&lang=en&${Q1}`;
    const { res, buf } = await bytes(url);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const api = await getJson<{ rows: { key: string; value: number | null; numerator: number }[] }>(
      app,
      `/api/kpis/direction.signed_rate/breakdown?by=agency&${Q1}`,
    );
    const rows = await duck<{ Code: string; Value: number | null; Numerator: number }>(
      tmpFile('b.csv', buf),
      (f) => `SELECT * FROM read_csv(${f}, header = true)`,
    );
    expect(rows.map((r) => [r.Code, r.Value === null ? null : Number(r.Value), Number(r.Numerator)])).toEqual(
      api.body.rows.map((r) => [r.key, r.value, r.numerator]),
    );
  });

  it('records: formula-looking text gets an apostrophe, Vietnamese survives, numbers stay plain', async () => {
    const { buf } = await bytes(`/api/kpis/direction.documents_total/export?format=csv&view=records&${Q1}`);
    const rows = await duck<{ Mã: string; 'Trích yếu': string | null; 'Thời điểm': Date }>(
      tmpFile('r.csv', buf),
      (f) => `SELECT * FROM read_csv(${f}, header = true, all_varchar = false)`,
    );
    const byId = new Map(rows.map((r) => [r['Mã'], r]));
    expect(byId.get('X1')?.['Trích yếu']).toBe(`'${FORMULA}`);
    expect(byId.get('X3')?.['Trích yếu']).toBe("'-1+2");
    expect(byId.get('X2')?.['Trích yếu']).toBe(VIET);
    const api = await getJson<{ total: number }>(app, `/api/kpis/direction.documents_total/records?${Q1}`);
    expect(rows).toHaveLength(api.body.total);
  });

  it('vi style: semicolons and decimal commas', async () => {
    const { buf } = await bytes(`/api/kpis/direction.signed_rate/export?format=csv&csvStyle=vi&${Q1}`);
    const text = buf.toString('utf8');
    const api = await getJson<{ value: number }>(app, `/api/kpis/direction.signed_rate?${Q1}`);
    expect(text.split('\r\n')[0]).toBe('\uFEFFKỳ;Từ ngày;Đến ngày;Giá trị;Tử số;Mẫu số');
    expect(text.split('\r\n')[1]).toContain(`;${String(api.body.value).replace('.', ',')};`);
  });
});

describe('Parquet and JSON', () => {
  it('records Parquet round-trips through DuckDB', async () => {
    const { buf } = await bytes(
      `/api/kpis/direction.documents_total/export?format=parquet&view=records&${Q1}`,
    );
    const rows = await duck<{ id: string; subject: string | null }>(
      tmpFile('r.parquet', buf),
      (f) => `SELECT id, subject FROM read_parquet(${f}) ORDER BY id`,
    );
    const api = await getJson<{ rows: { id: string; subject: string | null }[] }>(
      app,
      `/api/kpis/direction.documents_total/records?limit=1000&${Q1}`,
    );
    expect(rows).toEqual(
      api.body.rows.map((r) => ({ id: r.id, subject: r.subject })).sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
    expect(rows.find((r) => r.id === 'X1')?.subject).toBe(FORMULA);
  });

  it('breakdown Parquet holds the API numbers', async () => {
    const { buf } = await bytes(
      `/api/kpis/direction.signed_rate/export?format=parquet&view=breakdown&by=agency&${Q1}`,
    );
    const rows = await duck<{ key: string; value: number | null }>(
      tmpFile('b.parquet', buf),
      (f) => `SELECT key, value FROM read_parquet(${f})`,
    );
    const api = await getJson<{ rows: { key: string; value: number | null }[] }>(
      app,
      `/api/kpis/direction.signed_rate/breakdown?by=agency&${Q1}`,
    );
    expect(rows).toEqual(api.body.rows.map((r) => ({ key: r.key, value: r.value })));
  });

  it('JSON equals the API answer (value, breakdown, a page of records)', async () => {
    const pairs = [
      [`/api/kpis/direction.signed_rate?${Q1}`, `/api/kpis/direction.signed_rate/export?format=json&${Q1}`],
      [
        `/api/kpis/direction.signed_rate/breakdown?by=month&${Q1}`,
        `/api/kpis/direction.signed_rate/export?format=json&view=breakdown&by=month&${Q1}`,
      ],
      [
        `/api/kpis/direction.documents_total/records?limit=3&${Q1}`,
        `/api/kpis/direction.documents_total/export?format=json&view=records&limit=3&${Q1}`,
      ],
    ];
    for (const [api, exp] of pairs) {
      const a = await getJson(app, api);
      const e = await getJson(app, exp);
      expect(e.status).toBe(200);
      expect(e.body).toEqual(a.body);
    }
  });

  it('an explicit limit is in the filename and X-Row-Limit; bad requests answer 400', async () => {
    const res = await app.request(
      `/api/kpis/direction.documents_total/export?format=csv&view=records&limit=2&${Q1}`,
    );
    expect(res.headers.get('x-row-limit')).toBe('2');
    expect(res.headers.get('content-disposition')).toContain('_records-numerator_limit-2.csv');
    expect((await res.text()).trim().split('\r\n')).toHaveLength(3);
    expect((await app.request(`/api/kpis/direction.signed_rate/export?view=breakdown&${Q1}`)).status).toBe(
      400,
    );
    expect((await app.request(`/api/kpis/direction.signed_rate/export?format=pdf&${Q1}`)).status).toBe(400);
    expect((await app.request(`/api/kpis/nope.nope/export?${Q1}`)).status).toBe(404);
  });
});

describe('streaming', () => {
  // Minutes of streaming: left to `npm test`, out of the fast inner loop (`npm run test:unit`).
  it.skipIf(process.env.IOC_TEST_FAST === '1')(
    'a 200.000-row records export completes with every row',
    { timeout: 120_000 },
    async () => {
      const store = await fixtureStore();
      const dir = mkdtempSync(join(tmpdir(), 'ioc-big-'));
      mkdirSync(join(dir, 'documents'));
      const inst = await DuckDBInstance.create(':memory:');
      const c = await inst.connect();
      await c.run(`COPY (SELECT 'B' || i AS id, 'out' AS direction, 'SNV' AS agency_code,
        strftime(TIMESTAMP '2021-01-01 08:00' + to_seconds(i * 30), '%Y-%m-%dT%H:%M:%S+07:00') AS "at",
        'Văn bản số ' || i AS subject, i % 2 = 0 AS digitally_signed
      FROM range(200000) t(i)) TO '${join(dir, 'documents', 'big.csv')}' (HEADER, DELIMITER ',')`);
      c.closeSync();
      inst.closeSync();
      const loaded = await loadFiles(store, listDeliveries([dir]).files);
      expect(loaded.failures).toEqual([]);
      const a = (await fixtureApp(store)).app;
      const url = '/api/kpis/direction.documents_total/export?view=records&from=2021-01-01&to=2021-03-31';
      const csv = await a.request(`${url}&format=csv`);
      let lines = 0;
      const reader = csv.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const b of value) if (b === 10) lines++;
      }
      const total = (
        await getJson<{ total: number }>(
          a,
          `/api/kpis/direction.documents_total/records?from=2021-01-01&to=2021-03-31`,
        )
      ).body.total;
      expect(total).toBeGreaterThan(200_000);
      expect(lines - 1).toBe(total);
      const xlsx = await a.request(`${url}&format=xlsx`);
      const wb = await readXlsx(Buffer.from(await xlsx.arrayBuffer()));
      expect(wb.worksheets[0].rowCount - 1).toBe(total);
      store.close();
    },
  );
});
