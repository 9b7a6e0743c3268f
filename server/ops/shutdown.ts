// Graceful shutdown on SIGTERM/SIGINT: stop accepting, let requests and deliveries in flight finish (bounded), past
// the bound interrupt them (a delivery rolls back, as after a crash but without recovery work), stop the live demo
// traffic, checkpoint, close DuckDB, exit 0. A second signal exits at once.
import type { ServerType } from '@hono/node-server';
import type { Db } from '../db/index.ts';

export interface Running {
  server?: ServerType;
  db?: Db;
  stopLive?: () => void;
  /** A writer's snapshot publisher or a reader's follower (IOC_ROLE). */
  stopCluster?: () => void | Promise<void>;
}

export interface Shutdown {
  /** Aborted on the first signal: start-up loading stops before its next file. */
  readonly signal: AbortSignal;
  readonly stopping: boolean;
}

type HttpServer = ServerType & { closeIdleConnections?: () => void; closeAllConnections?: () => void };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/** Install the handlers; `running()` says what is up at the moment of the signal (start-up fills it in). */
export function installShutdown(
  running: () => Running,
  opts: { graceMs?: number; log?: (s: string) => void } = {},
): Shutdown {
  const graceMs = opts.graceMs ?? 30_000;
  const log = opts.log ?? ((s: string) => console.log(s));
  const abort = new AbortController();
  let stopping = false;

  const stop = async (sig: string) => {
    if (stopping) {
      log(`${sig} again: exiting now (DuckDB recovers from its log at the next start)`);
      process.exit(1);
    }
    stopping = true;
    abort.abort();
    const deadline = Date.now() + graceMs;
    const { server, db, stopLive, stopCluster } = running();
    log(`${sig}: finishing the requests and deliveries in flight (at most ${graceMs / 1000} s)…`);
    stopLive?.();
    await stopCluster?.();
    let clean = true;
    if (server) {
      const s = server as HttpServer;
      const closed = new Promise<void>((r) => s.close(() => r()));
      s.closeIdleConnections?.();
      clean = await Promise.race([closed.then(() => true), sleep(deadline - Date.now()).then(() => false)]);
      if (!clean) {
        // Past the bound: the statements still running are interrupted, their requests answer with an error.
        db?.interruptAll();
        await Promise.race([closed, sleep(2000)]);
        s.closeAllConnections?.();
      }
    }
    if (db) {
      const dbClean = await db.shutdown(Math.max(0, deadline - Date.now())).catch((e) => {
        log(`closing the store: ${(e as Error).message}`);
        return false;
      });
      clean &&= dbClean;
    }
    log(clean ? 'Stopped cleanly.' : 'Stopped: work still running at the bound was rolled back.');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  return {
    signal: abort.signal,
    get stopping() {
      return stopping;
    },
  };
}
