// createApp(): middleware, error handler and the route chain. Routes get the store and registry via c.var.ctx.

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { timeout } from 'hono/timeout';
import type { Principal } from './auth/principal.ts';
import { Auth } from './auth/service.ts';
import { CLUSTER_KEY, forwardWrites, toWriter } from './cluster/forward.ts';
import { type Db, QueryTimeoutError, StoreClosedError, StoreMemoryError } from './db/index.ts';
import type { Env } from './env.ts';
import { FEED_NAMES } from './feeds/specs.ts';
import { DeliveryError } from './feeds/stage.ts';
import { QueryError, type Scope, ScopeError } from './kpis/engine.ts';
import type { Registry } from './kpis/registry.ts';
import { NotFoundError } from './kpis/service.ts';
import { adminRoutes } from './routes/admin.ts';
import { authRoutes } from './routes/auth.ts';
import { clusterRoutes } from './routes/cluster.ts';
import { docsRoutes } from './routes/docs.ts';
import { feedRoutes } from './routes/feeds.ts';
import { geoRoutes } from './routes/geo.ts';
import { kpiRoutes } from './routes/kpis.ts';
import { oidcRoutes } from './routes/oidc.ts';
import { opsRoutes } from './routes/ops.ts';
import { referenceRoutes } from './routes/reference.ts';
import { undeclared } from './routes/route.ts';
import { serviceRoutes } from './routes/services.ts';
import { systemRoutes } from './routes/system.ts';
import { jsonWire } from './routes/wire.ts';

export interface AppContext {
  db: Db;
  registry: Registry;
  archiveDir: string;
  scope?: Scope;
  startedAt: Date;
  /** The access layer; created by createApp when not given (tests), with a per-process secret. */
  auth?: Auth;
  /** The snapshot a reader serves, or the newest a writer published (health says which). */
  snapshot?: () => { sequence: number; createdAt: string } | undefined;
}

export type AppEnv = {
  Variables: {
    ctx: AppContext;
    env: Env;
    auth: Auth;
    principal: Principal;
    /** Credentials were presented and are not valid: only public routes answer (as to a visitor). */
    staleCredentials?: boolean;
  };
};

export interface AppOptions {
  /** Built web app to serve (dist/web); omitted in API-only tests. */
  webDir?: string;
}

const BODILESS = new Set(['GET', 'HEAD', 'OPTIONS']);
const smallBody = bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.json({ error: 'body too large' }, 413) });

export function createApp(ctx: AppContext, env: Env, opts: AppOptions = {}) {
  const tileOrigin = env.IOC_TILE_URL
    ? new URL(env.IOC_TILE_URL.replace(/\{[a-z]\}/g, 'a')).origin
    : undefined;
  const auth =
    ctx.auth ?? new Auth(ctx.db, env, { secret: env.IOC_SECRET ?? randomBytes(32).toString('base64url') });
  const readDeadline =
    env.IOC_REQUEST_TIMEOUT_MS > 0
      ? timeout(
          env.IOC_REQUEST_TIMEOUT_MS,
          () =>
            new HTTPException(503, { res: Response.json({ error: 'request timed out' }, { status: 503 }) }),
        )
      : undefined;
  const reader = env.IOC_ROLE === 'reader';
  if (reader) {
    const writer = env.IOC_WRITER_URL;
    auth.cluster = {
      unknownCredentials: (c) => toWriter(c, writer, env.IOC_TRUST_PROXY),
      note: async (n) => {
        if (!writer) return;
        // A note that cannot be delivered is logged here rather than failing the reader's answer.
        await fetch(new URL('/api/cluster/notes', writer), {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', [CLUSTER_KEY]: auth.clusterKey },
          body: JSON.stringify(n),
          signal: AbortSignal.timeout(5000),
        })
          .then((r) => {
            if (!r.ok) console.error(`cluster note refused by the writer: ${r.status}`);
          })
          .catch((e) => console.error(`cluster note not delivered: ${(e as Error).message}`));
      },
    };
    auth.accounts.deviceSeen = (id) => auth.cluster?.note({ kind: 'device-seen', id }) ?? Promise.resolve();
  }
  const wire = jsonWire({
    skip: (path) => path.endsWith('/export'),
    answerKey: (c) => {
      const p = c.var.principal;
      if (!p || c.var.staleCredentials || !KEPT_ANSWERS.test(c.req.path)) return undefined;
      const scope = p.scope
        ? JSON.stringify([p.scope.units ?? null, p.scope.sectors ?? null, p.scope.subsystems ?? null])
        : 'all';
      return [
        c.var.ctx.db.versionOf(FEED_NAMES),
        Math.floor(Date.now() / 60_000), // staleness follows the clock by the minute
        p.kind === 'anonymous' ? 'anonymous' : [...p.permissions].sort().join(','),
        scope,
        c.req.url,
      ].join('|');
    },
  });
  const api = new Hono<AppEnv>()
    .route('/', systemRoutes)
    .route('/', authRoutes)
    .route('/', clusterRoutes)
    .route('/', oidcRoutes)
    .route('/', adminRoutes)
    .route('/', kpiRoutes)
    .route('/', serviceRoutes)
    .route('/', feedRoutes)
    .route('/', referenceRoutes)
    .route('/', geoRoutes)
    .route('/', docsRoutes)
    .route('/', opsRoutes);

  const app = new Hono<AppEnv>()
    .use('*', async (c, next) => {
      c.set('ctx', ctx);
      c.set('env', env);
      c.set('auth', auth);
      await next();
    })
    // A reader (IOC_ROLE=reader) sends what changes something to the writer before anything else runs here.
    .use('/api/*', reader ? forwardWrites(env.IOC_WRITER_URL, env.IOC_TRUST_PROXY) : (_c, next) => next())
    .use(
      '*',
      secureHeaders({
        contentSecurityPolicy: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:', ...(tileOrigin ? [tileOrigin] : [])],
          connectSrc: ["'self'"],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
        },
      }),
    )
    // Bodies: a delivery may be large (IOC_MAX_BODY, checked by its route); every other request is small. A read has
    // no body to limit: asking for one builds the whole Fetch Request from Node's (~12 % of a cached answer's CPU).
    .use('/api/*', (c, next) =>
      BODILESS.has(c.req.method) || c.req.path.startsWith('/api/feeds/') ? next() : smallBody(c, next),
    )
    // A read answers within IOC_REQUEST_TIMEOUT_MS or gets 503 (its queries run on under their own budget, and
    // what they compute is cached for the next request). Exports stream for as long as the client reads.
    .use('/api/*', (c, next) =>
      readDeadline && c.req.method === 'GET' && !c.req.path.endsWith('/export')
        ? readDeadline(c, next)
        : next(),
    )
    .use('/api/*', auth.middleware())
    // JSON answers: an ETag (a wall that polls gets 304 while the figures stay the same), revalidated every time,
    // gzip from 1 KB, and the figures' answers kept by data version, minute, permissions and scope, so the next
    // asker with the same rights gets the same bytes without a route run (routes/wire.ts). Downloads untouched.
    .use('/api/*', wire)
    .route('/', api);

  // Every /api route carries its declaration (permission, schemas, description): refuse to serve one without.
  const missing = undeclared(app.routes);
  if (missing.length)
    throw new Error(`routes without a declaration (server/routes/route.ts): ${missing.join(', ')}`);

  app.notFound((c) =>
    c.req.path.startsWith('/api') ? c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404) : spa(c),
  );
  app.onError(async (err, c) => {
    if (err instanceof ScopeError) {
      const p = c.var.principal;
      await auth
        .auditOnce(c, `scope|${p?.kind}|${p?.id}|${c.req.path}`, {
          action: 'access.denied',
          target: `${c.req.method} ${c.req.path}`,
          outcome: 'denied',
          detail: { reason: err.message, query: c.req.query() },
        })
        .catch(() => undefined);
      return c.json({ error: err.message }, 403);
    }
    if (err instanceof HTTPException) return err.res ?? c.json({ error: err.message }, err.status);
    if (err instanceof QueryTimeoutError || err instanceof StoreClosedError)
      return c.json({ error: err.message }, 503);
    // DuckDB out of its memory limit anywhere (a load's join, a query): logged for the operator, 503 to the caller.
    if (err instanceof StoreMemoryError) {
      console.error(
        `[${new Date().toISOString()}] ${c.req.method} ${c.req.path}: ${String(err.cause).split('\n')[0]}`,
      );
      return c.json({ error: err.message }, 503);
    }
    if (err instanceof QueryError) return c.json({ error: err.message }, 400);
    if (err instanceof NotFoundError) return c.json({ error: err.message }, 404);
    if (err instanceof DeliveryError) return c.json({ error: err.message }, err.status);
    // Internals stay in the server log; the client gets a status and a plain message.
    console.error(`[${new Date().toISOString()}] ${c.req.method} ${c.req.path}:`, err);
    return c.json({ error: 'internal error' }, 500);
  });

  const webDir = opts.webDir;
  async function spa(c: import('hono').Context) {
    if (!webDir || !existsSync(join(webDir, 'index.html')))
      return c.text('web app not built: run npm run build', 404);
    // Read each time (it is small): after a rebuild a running wall must get the new chunk names.
    c.header('Cache-Control', 'no-cache');
    return c.html(await readFile(join(webDir, 'index.html'), 'utf8'));
  }
  if (webDir) {
    app.use(
      '/assets/*',
      serveStatic({
        root: webDir,
        // The build writes .br and .gz beside each text asset (vite.config.ts): sent by Accept-Encoding.
        precompressed: true,
        onFound: (_p, c) => c.header('Cache-Control', 'public, max-age=31536000, immutable'),
      }),
    );
    // A missing asset is a 404, never index.html (the browser would refuse it as a script or style).
    app.get('/assets/*', (c) => c.text('not found', 404));
    app.use('*', serveStatic({ root: webDir, precompressed: true }));
    // Client-side routes get the app; an unknown /api path stays a JSON 404.
    app.get('*', (c, next) => (c.req.path === '/api' || c.req.path.startsWith('/api/') ? next() : spa(c)));
  }
  return app;
}

export type AppType = ReturnType<typeof createApp>;

/** Answers that depend only on the data, the minute, the URL and the asker's permissions and scope. */
const KEPT_ANSWERS =
  /^\/api\/(subsystems|index766|services\/one-stop|calendar\/[0-9]{4}|units|agencies|geo\/units|kpis(\/[a-z0-9_]+\.[a-z0-9_]+(\/(breakdown|records))?)?)$/;
