// JSON answers on the wire: a strong ETag from the bytes (a wall polling every 30 s gets 304 until the data
// changes), `Cache-Control: no-cache` (always revalidated, never served stale from a browser cache), and gzip for
// answers of 1 KB and more when the client accepts it — the compressed bytes kept by ETag, so the same answer is
// compressed once however many walls ask. Downloads (exports) stream past untouched.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Context, MiddlewareHandler } from 'hono';

const MIN_GZIP = 1024;
/** Compressed answers kept (by ETag), and their bytes at most: the newest stay. */
const KEEP = 256;
const KEEP_BYTES = 64 * 1024 * 1024;

export interface WireOptions {
  skip: (path: string) => boolean;
  /**
   * The key of an answer that may be served again without running its route: it must hold everything the answer
   * depends on (the data version, the minute, who asks with what permissions and scope, the URL); undefined when the
   * answer must be computed each time.
   */
  answerKey?: (c: Context) => string | undefined;
}

interface Kept {
  body: Buffer;
  tag: string;
  headers: [string, string][];
}

export function jsonWire(opts: WireOptions): MiddlewareHandler {
  const gz = new Map<string, Buffer>();
  // Whole answers by key (the newest KEEP): a wall polling every 30 s is answered from here, no route run.
  const answers = new Map<string, Kept>();
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
  const send = (c: Context, body: Buffer, tag: string, headers: Headers) => {
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
    // A view of the kept bytes, not a copy (an overview is 48 KB; walls ask for it thousands of times).
    const bytes = new Uint8Array(out.buffer as ArrayBuffer, out.byteOffset, out.length);
    c.res = new Response(c.req.method === 'HEAD' ? null : bytes, { status: 200, headers });
  };
  return async (c, next) => {
    if (opts.skip(c.req.path) || !['GET', 'HEAD'].includes(c.req.method)) return next();
    const key = c.req.method === 'GET' ? opts.answerKey?.(c) : undefined;
    const hit = key ? answers.get(key) : undefined;
    if (hit) {
      send(c, hit.body, hit.tag, new Headers(hit.headers));
      return;
    }
    await next();
    const res = c.res;
    if (res.status !== 200 || !res.body || res.headers.has('Content-Encoding')) return;
    if (!(res.headers.get('Content-Type') ?? '').startsWith('application/json')) return;
    const body = Buffer.from(await res.arrayBuffer());
    const tag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    const headers = new Headers(res.headers);
    // Not kept: cookies and anything else particular to this response's principal.
    if (key && !headers.has('Set-Cookie')) {
      answers.delete(key);
      answers.set(key, { body, tag, headers: [...headers.entries()] });
      while (answers.size > KEEP) answers.delete(answers.keys().next().value as string);
    }
    send(c, body, tag, headers);
  };
}
