// Daily rollups (server/kpis/rollups.ts) answer exactly what the rows answer: every KPI, over random filters, periods,
// units, views and breakdowns, on the hand fixture and on a small generated demo (the 2025 merger: divided communes
// restated by shares, departments merged) — and the rollups stay equal to their rows through deliveries that
// replace records.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db } from '../../server/db/index.ts';
import { migrate } from '../../server/db/schema.ts';
import { generateDemo } from '../../server/demo/generate.ts';
import { parseEnv } from '../../server/env.ts';
import { listDeliveries, loadFiles } from '../../server/feeds/folder.ts';
import { loadDelivery } from '../../server/feeds/loader.ts';
import { ENDED_AT } from '../../server/kpis/dossier-states.ts';
import { type Branch, cellParts, computeCells, kpiDimensions } from '../../server/kpis/engine.ts';
import { addDays, comparisons, todayLocal } from '../../server/kpis/period.ts';
import type { Registry } from '../../server/kpis/registry.ts';
import { openRollups, rollupFor, rollupsDefined, verifyRollups } from '../../server/kpis/rollups.ts';
import type { Dimension, Filters, Kpi } from '../../server/kpis/types.ts';
import { loadReferenceIfPresent, openStore, registryFrom } from '../../server/store.ts';
import { FIXTURES, fixtureStore } from './helpers.ts';

/** A small deterministic generator (mulberry32): the same cases on every run, printed when one fails. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Pools {
  units: string[];
  agencies: string[];
  sectors: string[];
  procedures: string[];
}

async function pools(db: Db): Promise<Pools> {
  const col = async (sql: string) => (await db.query<{ v: string }>(sql)).map((r) => r.v);
  return {
    units: await col('SELECT code AS v FROM units ORDER BY code'),
    agencies: await col('SELECT code AS v FROM agencies ORDER BY code'),
    sectors: await col('SELECT DISTINCT sector AS v FROM agencies WHERE sector IS NOT NULL ORDER BY 1'),
    procedures: await col('SELECT code AS v FROM procedures ORDER BY code LIMIT 50'),
  };
}

const close = (a: number | null, b: number | null) =>
  a === b || (a !== null && b !== null && Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a)));

/** Cells as a user sees them (cellParts: a count of nothing is 0), by period and key. */
async function answer(
  db: Db,
  kpi: Kpi,
  branches: Branch[],
  filters: Filters,
  dim: Dimension | undefined,
  raw: boolean,
) {
  try {
    const cells = await computeCells(db, kpi, branches, filters, { dim, raw });
    return new Map(
      cells.map((c) => [`${c.period}|${c.key}`, cellParts(kpi, c.numerator, c.denominator)] as const),
    );
  } catch (e) {
    return (e as Error).message;
  }
}

/** Compare rolled-up and raw answers over `n` random requests; returns how many read a rollup. */
async function compareRandom(
  db: Db,
  registry: Registry,
  p: Pools,
  span: [string, string],
  n: number,
  seed: number,
) {
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const kpis = [...registry.kpis.values()].filter((k) => k.kind !== 'index');
  const days = (Date.parse(span[1]) - Date.parse(span[0])) / 86_400_000;
  let rolled = 0;
  for (let i = 0; i < n; i++) {
    const kpi = pick(kpis);
    const from = addDays(span[0], Math.floor(r() * days));
    const to = addDays(from, Math.floor(r() * 120));
    const cmp = comparisons({ from, to });
    const branches: Branch[] = (
      ['current', 'previousPeriod', 'samePeriodLastYear', 'yearToDate'] as const
    ).map((k) => ({ key: k, range: cmp[k] }));
    const filters: Filters = {};
    if (r() < 0.5) filters.unit = pick(p.units);
    if (r() < 0.25) filters.agency = pick(p.agencies);
    if (r() < 0.2) filters.sector = pick(p.sectors);
    if (r() < 0.1) filters.procedure = pick(p.procedures);
    if (r() < 0.4) filters.boundaries = 'then';
    const dims = kpiDimensions(kpi).filter((d) => !['day', 'week', 'month', 'quarter', 'year'].includes(d));
    const dim = r() < 0.5 ? pick(dims) : undefined;
    const ms = [kpi.numerator, ...(kpi.denominator ? [kpi.denominator] : [])];
    if (ms.some((m) => rollupFor(db, m, filters, { dim }))) rolled++;
    const a = await answer(db, kpi, branches, filters, dim, false);
    const b = await answer(db, kpi, branches, filters, dim, true);
    const what = `${kpi.id} ${from}..${to} ${JSON.stringify(filters)} by ${dim ?? '-'}`;
    if (typeof a === 'string' || typeof b === 'string') {
      expect(a, what).toEqual(b);
      continue;
    }
    expect([...a.keys()].sort(), what).toEqual([...b.keys()].sort());
    for (const [k, x] of a) {
      const y = b.get(k)!;
      for (const part of ['value', 'numerator', 'denominator'] as const)
        expect(close(x[part], y[part]), `${what} ${k} ${part}: rollup ${x[part]}, rows ${y[part]}`).toBe(
          true,
        );
    }
  }
  return rolled;
}

describe('daily rollups on the hand fixture', () => {
  let db: Db;
  let registry: Registry;
  beforeAll(async () => {
    db = await fixtureStore();
    registry = await registryFrom(db);
  });
  afterAll(() => db.close());

  it('are built for the flow measures of documents, dossiers and payments, and equal their rows', async () => {
    const tables = rollupsDefined().map((r) => r.table);
    expect(tables).toEqual(
      expect.arrayContaining([
        'rollup_documents_at',
        'rollup_documents_due_at',
        'rollup_dossiers_received_at',
        'rollup_dossiers_completed_at',
        'rollup_payments_paid_at',
      ]),
    );
    const v = await verifyRollups(db);
    expect(v.map((x) => x.table).sort()).toEqual([...tables].sort());
    for (const x of v) {
      expect(x.rows, x.table).toBeGreaterThan(0);
      expect(x.differences, `${x.table}: ${JSON.stringify(x.sample)}`).toBe(0);
    }
  });

  it('answer every KPI as the rows do over 300 random requests', async () => {
    const rolled = await compareRandom(db, registry, await pools(db), ['2020-06-01', '2021-06-30'], 300, 766);
    expect(rolled).toBeGreaterThan(60);
  });

  it('follow a delivery that replaces records (the replaced versions subtracted) and one of new records', async () => {
    const kpi = registry.kpis.get('services.dossiers_received')!;
    const q = { key: 'q', range: { from: '2021-01-01', to: '2021-03-31' } };
    const before = (await computeCells(db, kpi, [q], {}, { raw: true }))[0].numerator!;
    const [one] = await db.query<Record<string, string | null>>(
      `SELECT id, procedure_code, agency_code, unit_code, channel, CAST(received_at AS VARCHAR) AS received_at,
         CAST(due_at AS VARCHAR) AS due_at FROM dossiers
       WHERE received_at >= TIMESTAMPTZ '2021-01-05' AND received_at < TIMESTAMPTZ '2021-03-01' ORDER BY id LIMIT 1`,
    );
    const dir = mkdtempSync(join(tmpdir(), 'ioc-rollup-'));
    const file = join(dir, 'dossiers-update.csv');
    // The record moves to April (out of Q1) with a newer version; a new record lands in Q1.
    writeFileSync(
      file,
      [
        'id,procedure_code,agency_code,unit_code,channel,received_at,due_at,status,updated_at',
        `${one.id},${one.procedure_code},${one.agency_code},${one.unit_code ?? ''},online,2021-04-02T09:00:00+07:00,2021-04-20T17:00:00+07:00,received,2021-04-02T09:00:00+07:00`,
        `ROLLUP-NEW-1,${one.procedure_code},${one.agency_code},${one.unit_code ?? ''},online,2021-02-02T09:00:00+07:00,2021-02-20T17:00:00+07:00,received,2021-02-02T09:00:00+07:00`,
      ].join('\n'),
    );
    const rep = await loadDelivery(db, {
      feed: 'dossiers',
      path: file,
      name: 'dossiers-update.csv',
      format: 'csv',
      source: 'test',
    });
    expect(rep.accepted, JSON.stringify(rep.errors)).toBe(2);
    const rolledNow = (await computeCells(db, kpi, [q], {}))[0].numerator;
    const rawNow = (await computeCells(db, kpi, [q], {}, { raw: true }))[0].numerator;
    expect(rawNow).toBe(before); // one left Q1, one arrived
    expect(rolledNow).toBe(rawNow);
    for (const x of await verifyRollups(db)) expect(x.differences, x.table).toBe(0);
    // What the loader stores with each dossier (when it left the desk) is the rule's, replaced versions included.
    const [{ n }] = await db.query<{ n: number }>(
      `SELECT count(*) AS n FROM dossiers s WHERE s.ended_at IS DISTINCT FROM ${ENDED_AT}`,
    );
    expect(n).toBe(0);
    expect(
      (await db.query<{ n: number }>('SELECT count(*) AS n FROM dossiers WHERE ended_at IS NOT NULL'))[0].n,
    ).toBeGreaterThan(0);
  });
});

describe("daily rollups kept by what a delivery's transaction sees", () => {
  it('a delivery keeps the rollups the store holds even when its handle has not looked at them yet (a build committed a moment before)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ioc-rollup-seen-'));
    const path = join(dir, 'ioc.duckdb');
    const first = await openStore(parseEnv({ IOC_DB: path }));
    await loadReferenceIfPresent(first, FIXTURES);
    await loadFiles(first, listDeliveries([join(FIXTURES, 'feeds')]).files);
    first.close();
    // Another handle on the same store, opened without looking at its rollups: the delivery's transaction reads
    // rollup_meta, not what this process remembers.
    const db = await Db.open({ path });
    try {
      await migrate(db);
      const file = join(dir, 'documents-late.csv');
      writeFileSync(
        file,
        [
          'id,direction,agency_code,at,doc_type,subject,digitally_signed,via_national_axis,is_task,due_at,completed_at,updated_at',
          'LATE-1,out,SNV,2021-02-11T09:00:00+07:00,công văn,V/v,true,false,,,,',
          'LATE-2,in,SNV,2021-02-12T09:00:00+07:00,công văn,V/v,false,false,,,,',
        ].join('\n'),
      );
      const rep = await loadDelivery(db, {
        feed: 'documents',
        path: file,
        name: 'documents-late.csv',
        format: 'csv',
        source: 'test',
      });
      expect(rep.accepted).toBe(2);
      expect(await openRollups(db)).toEqual([]); // nothing to build: the store's rollups are this code's
      const checks = await verifyRollups(db);
      expect(checks.length).toBe(rollupsDefined().length);
      for (const x of checks) expect(x.differences, `${x.table}: ${JSON.stringify(x.sample)}`).toBe(0);
    } finally {
      db.close();
    }
  });
});

describe('daily rollups on a small generated demo (the 2025 merger)', () => {
  let db: Db;
  let registry: Registry;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ioc-rollup-demo-'));
    await generateDemo({ dataDir: dir, scale: 0.01, from: '2024-07-01' });
    db = await openStore(parseEnv({ IOC_DB: ':memory:' }));
    await loadReferenceIfPresent(db, dir);
    const res = await loadFiles(db, listDeliveries([join(dir, 'feeds')]).files);
    expect(res.failures).toEqual([]);
    registry = await registryFrom(db);
  }, 180_000);
  afterAll(() => db?.close());

  it('equal their rows, and answer every KPI as the rows do over 150 random requests across the reform', async () => {
    for (const x of await verifyRollups(db)) expect(x.differences, x.table).toBe(0);
    const rolled = await compareRandom(
      db,
      registry,
      await pools(db),
      ['2024-07-01', addDays(todayLocal(), -30)],
      150,
      2025,
    );
    expect(rolled).toBeGreaterThan(15);
  }, 180_000);
});
