// Records for export: the same SQL as the records page (engine.recordsSql), streamed chunk by chunk from a
// connection of its own, so a million-row download holds one DuckDB chunk at a time and never a pool connection.
import type { Db, Params, Row } from '../db/index.ts';
import { bind, normaliseValue } from '../db/index.ts';
import { recordsSql } from '../kpis/engine.ts';
import type { Range } from '../kpis/period.ts';
import { getKpiDef, getRecords, type KpiContext } from '../kpis/service.ts';
import type { Filters } from '../kpis/types.ts';

export interface RecordsRequest {
  id: string;
  range: Range;
  filters: Filters;
  part: 'numerator' | 'denominator';
  /** Rows to write at most; undefined = all of them (no silent cap). */
  limit?: number;
}

/** The records query of the records page, with LIMIT bound to the request (NULL = no limit). */
export function recordsQuery(ctx: KpiContext, r: RecordsRequest): { sql: string; params: Params } {
  const q = recordsSql(getKpiDef(ctx, r.id), r.range, r.filters, { part: r.part, scope: ctx.scope });
  return { sql: q.rowsSql, params: { ...q.params, lim: r.limit ?? null, off: 0 } };
}

/**
 * Validates the request the way the records route does (index KPIs, missing denominators): the records matching
 * (total) and those the file will hold (rows).
 */
export async function recordsCount(
  ctx: KpiContext,
  r: RecordsRequest,
): Promise<{ total: number; rows: number }> {
  const page = await getRecords(ctx, r.id, r.range, r.filters, { part: r.part, limit: 1, offset: 0 });
  return { total: page.total, rows: r.limit === undefined ? page.total : Math.min(page.total, r.limit) };
}

export interface RowStream {
  names: string[];
  types: string[];
  chunks: AsyncGenerator<Row[]>;
  /** Close the connection (idempotent): for a stream abandoned before it was read. */
  close: () => void;
}

/**
 * Stream a query on a dedicated connection: rows normalised at the store's one boundary (normaliseValue), one
 * DuckDB chunk at a time. The connection closes when the stream ends or its reader stops (return()).
 */
export async function streamQuery(db: Db, sql: string, params: Params): Promise<RowStream> {
  // A connection of the store's own tracking (not the pool, no time budget): a restore or shutdown can interrupt it,
  // and the reader stopping (the client gone) interrupts the query and closes it.
  const { conn: c, done } = await db.connect();
  let open = true;
  const close = () => {
    if (open) {
      c.interrupt();
      done();
    }
    open = false;
  };
  try {
    const result = await c.stream(sql, bind(sql, params));
    const names = result.columnNames();
    const types = result.columnTypes().map(String);
    async function* chunks(): AsyncGenerator<Row[]> {
      try {
        for await (const raw of result.yieldRowObjectJs()) {
          yield raw.map((r) => {
            const out: Row = {};
            for (let i = 0; i < names.length; i++) out[names[i]] = normaliseValue(r[names[i]], types[i]);
            return out;
          });
        }
      } finally {
        close();
      }
    }
    return { names, types, chunks: chunks(), close };
  } catch (e) {
    close();
    throw e;
  }
}
