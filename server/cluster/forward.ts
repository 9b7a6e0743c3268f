// A reader's way to the writer: requests that change something (pushes, admin changes, sign-in and sign-out), GETs
// that write (the single sign-on callback) or need the writer's disk (backups), and requests whose credentials the
// reader's snapshot does not know yet (a session opened since) go to the writer as they came; its answer goes back.
// Nothing is applied on a reader, so nothing is lost or half-applied: the writer applies it or the client is told
// to send it again.
import type { Context, MiddlewareHandler } from 'hono';
import { proxy } from 'hono/proxy';
import { clientAddress } from '../auth/service.ts';

/** Marks a request a reader forwarded: a writer never forwards, so nothing loops. */
export const FORWARDED_BY = 'x-ioc-forwarded-by';
/** The proof that a note comes from a process of the cluster (all of them hold IOC_SECRET). */
export const CLUSTER_KEY = 'x-ioc-cluster-key';

/** Requests a reader never answers itself. */
export function forWriter(method: string, path: string): boolean {
  if (!['GET', 'HEAD', 'OPTIONS'].includes(method)) return true;
  return path.startsWith('/api/auth/oidc/') || path.startsWith('/api/ops/');
}

/** Send this request to the writer and answer with its answer (503 with where to send it when there is none). */
export async function toWriter(c: Context, writerUrl: string | undefined, trustProxy: boolean) {
  if (!writerUrl)
    return c.json(
      { error: 'this server is a read replica: send changes to the writer (IOC_WRITER_URL is not set here)' },
      503,
    );
  const url = new URL(c.req.path, writerUrl);
  url.search = new URL(c.req.url).search;
  const headers = new Headers(c.req.raw.headers);
  const incoming = new URL(c.req.url);
  headers.delete('host');
  headers.set(FORWARDED_BY, 'reader');
  // What the writer needs to judge the request as the client sent it: address, original host and scheme.
  const prior = trustProxy ? headers.get('x-forwarded-for') : null;
  const addr = clientAddress(c, trustProxy);
  headers.set('x-forwarded-for', prior ? `${prior}, ${addr}` : addr);
  if (!trustProxy || !headers.has('x-forwarded-host'))
    headers.set('x-forwarded-host', c.req.header('host') ?? incoming.host);
  if (!trustProxy || !headers.has('x-forwarded-proto'))
    headers.set('x-forwarded-proto', incoming.protocol.replace(':', ''));
  try {
    const res = await proxy(url, { raw: c.req.raw, headers });
    // Said in the answer, for whoever reads the logs or debugs a cluster: the writer answered this one.
    res.headers.set('x-ioc-answered-by', 'writer');
    return res;
  } catch {
    return c.json({ error: 'the writer did not answer: nothing was applied, send it again' }, 503, {
      'Retry-After': '5',
    });
  }
}

/** A reader's first middleware: what only the writer may do goes there. */
export function forwardWrites(writerUrl: string | undefined, trustProxy: boolean): MiddlewareHandler {
  return async (c, next) => {
    if (forWriter(c.req.method, c.req.path)) return toWriter(c, writerUrl, trustProxy);
    return next();
  };
}
