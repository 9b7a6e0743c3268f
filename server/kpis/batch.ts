// Fewer queries per page. KPI measures that read the same rows (same source table, time column, filters and
// periods) are answered by ONE query with an aggregate per measure — `count(*) FILTER (WHERE …)` — instead of one
// query each: the overview's 36 headline KPIs and the QĐ 766 components scan each fact table a few times, not
// dozens. The numbers are computeCells' (engine.ts): the same filterSql() (so role scoping stays in its one place),
// the same conditions, periods and aggregates, one row per period. Requests with a breakdown dimension are not
// merged (a key missing for one measure must stay missing): they run per KPI, concurrently.
import type { Db, Params } from '../db/index.ts';
import {
  AGG,
  type Branch,
  bindBranch,
  computeCells,
  distinctBranches,
  filterSql,
  type RawCell,
  restate,
  type Scope,
  WAGG,
} from './engine.ts';
import { type Rolled, rolledAggSql, rolledMeasure, rollupFor } from './rollups.ts';
import { SOURCE_DEFS } from './sources.ts';
import type { Dimension, Filters, Kpi, Measure } from './types.ts';

export interface CellRequest {
  kpi: Kpi;
  branches: Branch[];
  filters: Filters;
}

interface Group {
  measure: Measure; // the first: source, table, time column
  branches: Branch[];
  filters: Filters;
  /** Distinct measures (by definition) and the value each gets per period. */
  slots: Map<string, { m: Measure; rolled: Rolled | null; values?: Map<string, number | null> }>;
  done?: Promise<void>;
}

/** The cells of each request, as computeCells(db, kpi, branches, filters, { scope }) gives them; one promise each. */
export function batchCells(db: Db, reqs: CellRequest[], scope?: Scope): Promise<RawCell[]>[] {
  const groups = new Map<string, Group>();
  const plans = reqs.map((r) => {
    try {
      const ms = [r.kpi.numerator, ...(r.kpi.denominator ? [r.kpi.denominator] : [])];
      // Group counts (`per`) are not one aggregate over rows: such a KPI gets its own query.
      if (ms.some((m) => m.per)) return 'alone' as const;
      return ms.map((m) => {
        filterSql(m.source, r.filters, scope, {}); // refuses what computeCells would refuse, per request
        // A measure its daily rollup answers is grouped with the others of that rollup (rollups.ts).
        const rolled = rollupFor(db, m, r.filters, { sectorScope: !!scope?.sectors });
        const table = rolled?.table ?? m.from ?? SOURCE_DEFS[m.source].table;
        const key = JSON.stringify([m.source, table, m.time ?? null, m.timeType, r.branches, r.filters]);
        let g = groups.get(key);
        if (!g) {
          g = { measure: m, branches: r.branches, filters: r.filters, slots: new Map() };
          groups.set(key, g);
        }
        const slot = JSON.stringify([m.agg, m.expr ?? null, m.where ?? null]);
        if (!g.slots.has(slot)) g.slots.set(slot, { m, rolled });
        return { g, slot };
      });
    } catch (e) {
      return e as Error;
    }
  });
  for (const g of groups.values()) g.done = runGroup(db, g, scope);
  return reqs.map(async (r, i) => {
    const plan = plans[i];
    if (plan instanceof Error) throw plan;
    if (plan === 'alone') return computeCells(db, r.kpi, r.branches, r.filters, { scope });
    await Promise.all(plan.map((p) => p.g.done));
    const [num, den] = plan.map((p) => p.g.slots.get(p.slot)!.values!);
    return r.branches.map((b) => ({
      period: b.key,
      key: null,
      numerator: num.get(b.key) ?? null,
      denominator: den ? (den.get(b.key) ?? null) : null,
    }));
  });
}

/** Cells of several KPIs; without a dimension batched (batchCells), with one per KPI and concurrently. */
export function computeCellsBatch(
  db: Db,
  reqs: CellRequest[],
  opts: { dim?: Dimension; scope?: Scope } = {},
): Promise<RawCell[][]> {
  if (opts.dim) return Promise.all(reqs.map((r) => computeCells(db, r.kpi, r.branches, r.filters, opts)));
  return Promise.all(batchCells(db, reqs, opts.scope));
}

/**
 * The top-level conjuncts of a condition: split on AND outside parentheses, CASE … END and quoted strings. A
 * condition holding BETWEEN (whose AND is not a conjunction) stays whole; a lower-case `and` is not split on.
 */
export function conjuncts(sql: string): string[] {
  if (/\bBETWEEN\b/i.test(sql)) return [sql.trim()];
  // Keywords in capitals, as the registry writes them (a placeholder such as {end} is not END).
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (const t of sql.matchAll(/'(?:[^']|'')*'|\(|\)|\bCASE\b|\bEND\b|\bAND\b/g)) {
    const w = t[0];
    if (w === '(' || w === 'CASE') depth++;
    else if (w === ')' || w === 'END') depth--;
    else if (w === 'AND' && depth === 0) {
      out.push(sql.slice(from, t.index).trim());
      from = t.index + t[0].length;
    }
  }
  out.push(sql.slice(from).trim());
  return out.filter((c) => c.length > 0);
}

/**
 * One query for a group: per period, one aggregate per measure over the rows of the group's source and period.
 * The conditions every measure of the group shares go into the WHERE clause, so the rest is evaluated only on the
 * rows they keep (the index's handled-dossier measures all start with "handled in the period": a year's rows out
 * of every dossier since 2020). Periods of the same range are asked once.
 */
async function runGroup(db: Db, g: Group, scope: Scope | undefined): Promise<void> {
  const params: Params = {};
  const m0 = g.measure;
  const f = filterSql(m0.source, g.filters, scope, params);
  const wrap = restate(m0.source, g.filters);
  const slots = [...g.slots.values()];
  // A group is one table: every slot of a rolled-up group is a column of the same rollup.
  const rolled = slots[0].rolled;
  const base = rolled?.table ?? m0.from ?? SOURCE_DEFS[m0.source].table;
  const table = wrap ? wrap(base) : base;
  const own = slots.map(({ m }) => (m.where && !rolled ? conjuncts(m.where) : []));
  const shared = own[0].filter((c) => own.every((cs) => cs.includes(c)));
  const { distinct, answeredBy } = distinctBranches(g.branches);
  const parts = distinct.map((b, i) => {
    const { p, sub, timeWhere } = bindBranch(rolled ? rolledMeasure(m0) : m0, b, i, params);
    const where = [...f.where, ...timeWhere, ...shared.map((c) => `(${c})`)];
    const aggs = slots.map(({ m }, j) => {
      const mine = slots[j].rolled;
      if (mine) return `${rolledAggSql(m, mine.column, !!wrap)} AS v${j}`;
      const rest = own[j].filter((c) => !shared.includes(c));
      const filter = rest.length ? ` FILTER (WHERE ${rest.map((c) => `(${c})`).join(' AND ')})` : '';
      if (wrap) return `${WAGG[m.agg](m.expr ?? '*', filter)} AS v${j}`;
      const agg = AGG[m.agg](m.expr ?? '*');
      return `${agg}${filter} AS v${j}`;
    });
    return sub(`SELECT $${p}k AS period, ${aggs.join(', ')}
      FROM ${table} s ${[...f.joins].join(' ')}
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`);
  });
  const rows = await db.query<Record<string, number | string | null>>(parts.join('\nUNION ALL\n'), params);
  const byPeriod = new Map(rows.map((r) => [String(r.period), r]));
  slots.forEach((s, j) => {
    s.values = new Map(
      g.branches.map((b) => [
        b.key,
        (byPeriod.get(answeredBy.get(b.key)!)?.[`v${j}`] ?? null) as number | null,
      ]),
    );
  });
}

/**
 * Collects the cell requests made while a page's answers are being built (one turn of the event loop) and answers
 * them with batchCells; also computes a shared part of several answers once (`once`). One per page request.
 */
export class CellBatcher {
  private queue: { req: CellRequest; resolve: (c: RawCell[]) => void; reject: (e: unknown) => void }[] = [];
  private memo = new Map<string, Promise<unknown>>();

  constructor(
    private readonly db: Db,
    private readonly scope: Scope | undefined,
  ) {}

  /** computeCells(db, kpi, branches, filters, opts), batched with the other requests of this turn. */
  cells(kpi: Kpi, branches: Branch[], filters: Filters, opts: { dim?: Dimension; scope?: Scope } = {}) {
    if (opts.dim || opts.scope !== this.scope) return computeCells(this.db, kpi, branches, filters, opts);
    return new Promise<RawCell[]>((resolve, reject) => {
      if (this.queue.length === 0) setImmediate(() => this.flush());
      this.queue.push({ req: { kpi, branches, filters }, resolve, reject });
    });
  }

  once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = make();
      this.memo.set(key, p);
    }
    return p;
  }

  private flush(): void {
    const q = this.queue;
    this.queue = [];
    batchCells(
      this.db,
      q.map((x) => x.req),
      this.scope,
    ).forEach((p, i) => {
      p.then(q[i].resolve, q[i].reject);
    });
  }
}
