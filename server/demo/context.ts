// What every feed generator receives: one DuckDB connection, the reference data of one region and its time frame.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Region } from './merger.ts';
import type { DemoReference } from './reference.ts';

export interface GenContext {
  conn: DuckDBConnection;
  /** The region's part of the reference (its units and agencies; the shared catalogue), successors included. */
  ref: DemoReference;
  /** Who delivers these records (the former Phú Thọ, Vĩnh Phúc, Hòa Bình, or the merged province). */
  region: Region;
  /** Where a region's record numbering starts per year (the merged province continues Phú Thọ's 2025 numbers). */
  seqStart: Map<string, Map<number, number>>;
  /** Row numbers of this region start here, so regions draw independent random numbers. */
  rowBase: number;
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
