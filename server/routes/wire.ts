// JSON answers on the wire: a strong ETag from the bytes (a wall polling every 30 s gets 304 until the data
// changes), `Cache-Control: no-cache` (always revalidated, never served stale from a browser cache), and gzip for
// answers of 1 KB and more when the client accepts it — the compressed bytes kept by ETag, so the same answer is
// compressed once however many walls ask. Downloads (exports) stream past untouched.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';

const MIN_GZIP = 1024;
/** Compressed answers kept (by ETag), and their bytes at most: the newest stay. */
const KEEP = 256;
const KEEP_BYTES = 64 * 1024 * 1024;

export function jsonWire(opts: { skip: (path: string) => boolean }): MiddlewareHandler {
  const gz = new Map<string, Buffer>();
  let gzBytes = 0;
  const remember = (tag: string, b: Buffer) => {
    gz.set(tag, b);
    gzBytes += b.length;
    for (const [k, v] of gz) {
      if (gz.size <= KEEP && gzBytes <= KEEP_BYTES) break;
      gz.delete(k);
      gzBytes -= v.length;
    }
  };
  return async (c, next) => {
    await next();
    if (opts.skip(c.req.path) || !['GET', 'HEAD'].includes(c.req.method)) return;
    const res = c.res;
    if (res.status !== 200 || !res.body || res.headers.has('Content-Encoding')) return;
    if (!(res.headers.get('Content-Type') ?? '').startsWith('application/json')) return;
    const body = Buffer.from(await res.arrayBuffer());
    const tag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    const headers = new Headers(res.headers);
    headers.set('ETag', tag);
    if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-cache');
    headers.append('Vary', 'Accept-Encoding');
    const match = c.req.header('If-None-Match');
    if (match?.split(',').some((t) => t.trim().replace(/^W\//, '') === tag)) {
      headers.delete('Content-Length');
      c.res = new Response(null, { status: 304, headers });
      return;
    }
    let out: Buffer = body;
    if (body.length >= MIN_GZIP && /\bgzip\b/.test(c.req.header('Accept-Encoding') ?? '')) {
      let z = gz.get(tag);
      if (!z) {
        z = gzipSync(body, { level: 6 });
        remember(tag, z);
      }
      out = z;
      headers.set('Content-Encoding', 'gzip');
    }
    headers.set('Content-Length', String(out.length));
    c.res = new Response(new Uint8Array(out), { status: 200, headers });
  };
}
