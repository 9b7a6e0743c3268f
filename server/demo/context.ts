// What every feed generator receives: one DuckDB connection, the reference data and the time frame.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DemoReference } from './reference.ts';

export interface GenContext {
  conn: DuckDBConnection;
  ref: DemoReference;
  dataDir: string;
  seed: number;
  scale: number;
  /** First and last local day generated (day numbers, see calendar.ts). */
  fromDay: number;
  toDay: number;
  /** Epoch seconds of the state the files describe: min(now, end of the last day). No event is later. */
  asOfS: number;
  progress: (step: string, done: number, total: number) => void;
  /** Run independent statements on a small pool of connections; results in job order. */
  parallel: <T>(jobs: ReadonlyArray<(conn: DuckDBConnection) => Promise<T>>) => Promise<T[]>;
}
