// Batched KPI queries (server/kpis/batch.ts) give exactly the per-KPI engine's cells, and the overview exactly the
// per-KPI answers, on the hand-checked fixture.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { batchCells, computeCellsBatch, conjuncts } from '../../server/kpis/batch.ts';
import { type Branch, computeCells } from '../../server/kpis/engine.ts';
import { comparisons } from '../../server/kpis/period.ts';
import { getKpi, getSubsystems, type KpiContext } from '../../server/kpis/service.ts';
import { registryFrom } from '../../server/store.ts';
import { fixtureStore } from './helpers.ts';

let db: Db;
let ctx: KpiContext;
const q1 = { from: '2021-01-01', to: '2021-03-31' };
const cmp = comparisons(q1);
const branches: Branch[] = (['current', 'previousPeriod', 'samePeriodLastYear', 'yearToDate'] as const).map(
  (k) => ({ key: k, range: cmp[k] }),
);
const byPeriod = (cells: { period: string }[]) => [...cells].sort((a, b) => a.period.localeCompare(b.period));

beforeAll(async () => {
  db = await fixtureStore();
  ctx = { db, registry: await registryFrom(db) };
});
afterAll(() => db.close());

describe('batched cells', () => {
  for (const filters of [{}, { unit: '227' }, { agency: 'SNV' }]) {
    it(`every non-index KPI, batched together, equals its own query (${JSON.stringify(filters)})`, async () => {
      const kpis = [...ctx.registry.kpis.values()].filter((k) => k.kind !== 'index');
      const usable = [];
      for (const kpi of kpis) {
        const one = await computeCells(db, kpi, branches, filters).catch(() => undefined);
        if (one) usable.push({ kpi, one });
      }
      expect(usable.length).toBeGreaterThan(10);
      const batched = await Promise.all(
        batchCells(
          db,
          usable.map((u) => ({ kpi: u.kpi, branches, filters })),
        ),
      );
      usable.forEach((u, i) => {
        expect(byPeriod(batched[i]), u.kpi.id).toEqual(byPeriod(u.one));
      });
    });
  }

  it('a period of the same range as another (Q1 and its year to date) is asked once and answered for both', async () => {
    expect(cmp.yearToDate).toEqual(cmp.current);
    for (const id of ['services.ontime_rate', 'services.overdue_in_progress', 'direction.signed_rate']) {
      const kpi = ctx.registry.kpis.get(id)!;
      const alone = await computeCells(db, kpi, [branches[3]], {});
      const together = await computeCells(db, kpi, branches, {});
      const [batched] = await Promise.all(batchCells(db, [{ kpi, branches, filters: {} }]));
      expect(alone.length, id).toBe(1);
      for (const cells of [together, batched])
        expect(
          cells.filter((c) => c.period === 'yearToDate').map((c) => ({ ...c })),
          id,
        ).toEqual(alone);
      expect(together.find((c) => c.period === 'current')?.numerator, id).toBe(alone[0].numerator);
    }
  });

  it('conditions split into their top-level conjuncts (not inside parentheses, CASE … END or quotes)', () => {
    expect(
      conjuncts(
        "s.received_at < {end} AND (s.ended_at IS NULL OR s.ended_at >= {start}) AND (CASE WHEN s.x AND s.y THEN 1 END) = 1 AND s.note = 'A AND B'",
      ),
    ).toEqual([
      's.received_at < {end}',
      '(s.ended_at IS NULL OR s.ended_at >= {start})',
      '(CASE WHEN s.x AND s.y THEN 1 END) = 1',
      "s.note = 'A AND B'",
    ]);
    expect(conjuncts('s.a BETWEEN 1 AND 2 AND s.b')).toEqual(['s.a BETWEEN 1 AND 2 AND s.b']);
  });

  it('a request the engine refuses is refused alone, the others still answered', async () => {
    const ok = ctx.registry.kpis.get('direction.documents_total')!;
    const bad = ctx.registry.kpis.get('services.procedures_total')!; // agency filter does not apply to procedures
    const [a, b] = batchCells(db, [
      { kpi: ok, branches, filters: { agency: 'SNV' } },
      { kpi: bad, branches, filters: { agency: 'SNV' } },
    ]);
    await expect(b).rejects.toThrow(/does not apply/);
    expect(byPeriod(await a)).toEqual(byPeriod(await computeCells(db, ok, branches, { agency: 'SNV' })));
  });

  it('with a dimension, cells are the per-KPI ones', async () => {
    const kpi = ctx.registry.kpis.get('services.ontime_rate')!;
    const [cells] = await computeCellsBatch(db, [{ kpi, branches, filters: {} }], { dim: 'district' });
    expect(cells).toEqual(await computeCells(db, kpi, branches, {}, { dim: 'district' }));
  });
});

describe('overview', () => {
  it('getSubsystems (batched) answers exactly what getKpi answers one by one', async () => {
    const subs = await getSubsystems(ctx, q1, {});
    db.baseVersion++; // the answers below are computed afresh, one query (or 766 component) at a time
    let n = 0;
    for (const s of subs)
      for (const h of s.headline) {
        const alone = await getKpi(ctx, h.id, q1, {});
        expect(alone).not.toBe(h);
        expect(h, h.id).toEqual(alone);
        n++;
      }
    expect(n).toBe(subs.reduce((s, x) => s + x.headline.length, 0));
    expect(n).toBeGreaterThan(10); // the fixture has some of the reported indicators
  });
});
