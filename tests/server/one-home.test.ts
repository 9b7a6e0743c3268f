// One meaning per concept (issue 10): an instant is the same Vietnam-clock instant in CSV, XLSX and Parquet; a
// percentage is a percent cell in XLSX and changes in points; a running period ends today in the API as on the
// web; Parquet carries codes, integer types and its own description; the 766 records publish their method; the
// CSV formula guard has a switch; and no server module imports from web/.
// Fixture: documents D01 … at 2021-01-04T08:00+07:00 (tests/fixtures/feeds/documents), SNV agency.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayLocal } from '../../common/vn-time.ts';
import type { Db } from '../../server/db/index.ts';
import { valueTable } from '../../server/export/table.ts';
import { writeXlsx } from '../../server/export/xlsx.ts';
import type { KpiAnswer } from '../../server/kpis/types.ts';
import { fixtureApp, fixtureStore, getJson, pushHeaders, Q1 } from './helpers.ts';

let db: Db;
let app: Awaited<ReturnType<typeof fixtureApp>>['app'];
beforeAll(async () => {
  db = await fixtureStore();
  const f = await fixtureApp(db);
  app = f.app;
  const csv = [
    'id,direction,agency_code,at,subject,digitally_signed',
    'T1,out,SNV,2021-03-15T23:30:05+07:00,"=1+1",true',
  ].join('\n');
  const res = await app.request('/api/feeds/documents', {
    method: 'POST',
    body: csv,
    headers: await pushHeaders(f.auth),
  });
  expect(res.status).toBe(200);
});
afterAll(() => db.close());

const download = async (url: string) => {
  const res = await app.request(url);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
};

async function duck<T>(buf: Buffer, sql: (f: string) => string): Promise<T[]> {
  const file = join(mkdtempSync(join(tmpdir(), 'ioc-onehome-')), 'x.parquet');
  writeFileSync(file, buf);
  const inst = await DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  try {
    return (await c.runAndReadAll(sql(`'${file}'`))).getRowObjectsJS() as T[];
  } finally {
    c.closeSync();
    inst.closeSync();
  }
}

const RECORDS = `/api/kpis/direction.documents_total/export?view=records&${Q1}`;

describe('one instant in every format', () => {
  it('CSV, XLSX and Parquet give 15/03/2021 23:30:05 on the Vietnam clock', async () => {
    const csv = (await download(`${RECORDS}&format=csv`)).toString('utf8');
    const line = csv.split('\r\n').find((l) => l.startsWith('T1,'));
    expect(line).toContain('2021-03-15T23:30:05.000+07:00');
    const vi = (await download(`${RECORDS}&format=csv&csvStyle=vi`)).toString('utf8');
    expect(vi.split('\r\n').find((l) => l.startsWith('T1;'))).toContain('15/03/2021 23:30');

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await download(`${RECORDS}&format=xlsx`)) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    const headers = (ws.getRow(1).values as unknown[]).slice(1);
    let cell: ExcelJS.Cell | undefined;
    ws.eachRow((r, n) => {
      if (n > 1 && r.getCell(headers.indexOf('Mã') + 1).value === 'T1')
        cell = r.getCell(headers.indexOf('Thời điểm') + 1);
    });
    // XLSX has no zones: the cell holds the Vietnam wall clock.
    expect((cell?.value as Date | undefined)?.toISOString()).toBe('2021-03-15T23:30:05.000Z');

    const pq = await duck<{ at: string }>(
      await download(`${RECORDS}&format=parquet`),
      (f) =>
        `SELECT strftime(timezone('Asia/Ho_Chi_Minh', "at"), '%Y-%m-%d %H:%M:%S') AS at FROM read_parquet(${f}) WHERE id = 'T1'`,
    );
    expect(pq).toEqual([{ at: '2021-03-15 23:30:05' }]);
  });

  it('the CSV formula guard is on by default and off on request', async () => {
    const on = (await download(`${RECORDS}&format=csv`)).toString('utf8');
    expect(on.split('\r\n').find((l) => l.startsWith('T1,'))).toContain(",'=1+1");
    const off = (await download(`${RECORDS}&format=csv&csvGuard=off`)).toString('utf8');
    const line = off.split('\r\n').find((l) => l.startsWith('T1,')) ?? '';
    expect(line).toContain(',=1+1');
    expect(line).not.toContain("'=1+1");
  });
});

describe('percentages', () => {
  it("a '%' indicator's value is a percent-formatted XLSX cell", async () => {
    const answer = {
      from: '2021-01-01',
      to: '2021-03-31',
      unit: '%',
      value: 35.6,
      numerator: null,
      denominator: null,
      previousPeriod: { from: '2020-10-01', to: '2020-12-31', value: 30, numerator: null, denominator: null },
      samePeriodLastYear: {
        from: '2020-01-01',
        to: '2020-03-31',
        value: 31,
        numerator: null,
        denominator: null,
      },
      yearToDate: { from: '2021-01-01', to: '2021-03-31', value: 35.6, numerator: null, denominator: null },
    } as unknown as KpiAnswer;
    const { PassThrough } = await import('node:stream');
    const out = new PassThrough();
    const parts: Buffer[] = [];
    out.on('data', (b: Buffer) => parts.push(b));
    await writeXlsx(out, valueTable(answer, 'vi'), [], 'vi');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.concat(parts) as unknown as ArrayBuffer);
    const c = wb.worksheets[0].getRow(2).getCell(4);
    expect(c.value).toBe(35.6);
    expect(c.numFmt).toBe('#,##0.0" %"');
  });

  it('the change of a percentage is given in points beside the relative change', async () => {
    const r = await getJson<{
      unit: string;
      value: number | null;
      samePeriodLastYear: { value: number | null };
      change: number | null;
      changePoints: number | null;
    }>(app, `/api/kpis/direction.signed_rate?${Q1}`);
    expect(r.body.unit).toBe('percent');
    const ly = r.body.samePeriodLastYear.value;
    if (r.body.value !== null && ly !== null) expect(r.body.changePoints).toBeCloseTo(r.body.value - ly, 9);
    else expect(r.body.changePoints).toBeNull();
    const count = await getJson<{ changePoints: number | null }>(
      app,
      `/api/kpis/direction.documents_total?${Q1}`,
    );
    expect(count.body.changePoints).toBeNull();
  });
});

describe('a running period', () => {
  it('the API cuts a month still running at today and says so', async () => {
    const today = todayLocal();
    const monthEnd = `${today.slice(0, 7)}-${String(new Date(Date.UTC(+today.slice(0, 4), +today.slice(5, 7), 0)).getUTCDate()).padStart(2, '0')}`;
    const r = await getJson<{
      from: string;
      to: string;
      requestedTo?: string;
      samePeriodLastYear: { to: string };
    }>(app, `/api/kpis/direction.documents_total?from=${today.slice(0, 7)}-01&to=${monthEnd}`);
    expect(r.status).toBe(200);
    expect(r.body.to).toBe(today);
    expect(r.body.samePeriodLastYear.to.slice(5)).toBe(today.slice(5));
    if (monthEnd !== today) expect(r.body.requestedTo).toBe(monthEnd);
    // A closed period is answered as asked, with no note.
    const q1 = await getJson<{ to: string; requestedTo?: string }>(
      app,
      `/api/kpis/direction.documents_total?${Q1}`,
    );
    expect(q1.body.to).toBe('2021-03-31');
    expect(q1.body.requestedTo).toBeUndefined();
  });
});

describe('Parquet', () => {
  it('breakdowns carry status codes, integer counts and their description as metadata', async () => {
    const buf = await download(
      `/api/kpis/direction.signed_rate/export?format=parquet&view=breakdown&by=agency&${Q1}`,
    );
    const rows = await duck<{ status: string; t: string }>(
      buf,
      (f) => `SELECT status, typeof(numerator) AS t FROM read_parquet(${f})`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(['good', 'warning', 'bad', 'none']).toContain(r.status);
      expect(r.t).toBe('BIGINT');
    }
    const meta = await duck<{ k: string; v: string }>(
      buf,
      (f) =>
        `SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata(${f}) WHERE decode(key) LIKE 'ioc.%'`,
    );
    const m = new Map(meta.map((x) => [x.k, x.v]));
    expect(m.get('ioc.kpi')).toBe('direction.signed_rate');
    expect(m.get('ioc.from')).toBe('2021-01-01');
    expect(m.get('ioc.to')).toBe('2021-03-31');
    expect(m.get('ioc.view')).toBe('breakdown:agency');
    expect(JSON.parse(m.get('ioc.definition') ?? '{}').numerator.source).toBe('documents');
  });
});

describe('the registry', () => {
  it('the 766 records publish their method, not a placeholder measure', async () => {
    const r = await getJson<{
      kpis: {
        id: string;
        formula: {
          numerator: unknown;
          index?: { method: string; components: { id: string; max: number }[]; noData: { max: number }[] };
        };
      }[];
    }>(app, '/api/kpis');
    const total = r.body.kpis.find((k) => k.id === 'index766.total');
    expect(total?.formula.numerator).toBeNull();
    const pts =
      (total?.formula.index?.components.reduce((s, c) => s + c.max, 0) ?? 0) +
      (total?.formula.index?.noData.reduce((s, c) => s + c.max, 0) ?? 0);
    expect(pts).toBe(100);
    const progress = r.body.kpis.find((k) => k.id === 'index766.progress');
    expect(progress?.formula.index?.components.map((c) => c.id)).toContain('PROGRESS_ON_TIME');
    expect(progress?.formula.index?.components.every((c) => c.max > 0)).toBe(true);
  });
});

describe('layout', () => {
  it('no module under server/ imports from web/, and common/ imports neither React nor Node', () => {
    const root = join(import.meta.dirname, '..', '..');
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => {
        const p = join(dir, n);
        return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') || p.endsWith('.tsx') ? [p] : [];
      });
    const imports = (p: string) => [...readFileSync(p, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    for (const f of files(join(root, 'server')))
      for (const i of imports(f))
        expect(i.includes('/web/') || i.startsWith('web/'), `${f} → ${i}`).toBe(false);
    for (const f of files(join(root, 'common')))
      for (const i of imports(f)) expect(/^(react|node:|hono|@duckdb)/.test(i), `${f} → ${i}`).toBe(false);
  });
});
