// Health (for load balancers: GET and HEAD) and the web app's configuration. Public.
import { Hono } from 'hono';
import type { AppEnv } from '../app.ts';
import { ConfigAnswer, HealthAnswer } from './responses.ts';
import { route } from './route.ts';

const R = {
  health: route({
    method: 'get',
    path: '/api/health',
    need: 'public',
    summary: 'Server status, DuckDB version, KPI count (HEAD for load balancers)',
    tag: 'system',
    response: HealthAnswer,
  }),
  config: route({
    method: 'get',
    path: '/api/config',
    need: 'public',
    summary: 'Map tile URL, mode and sign-in options for the web app',
    tag: 'system',
    response: ConfigAnswer,
  }),
};

export const systemRoutes = new Hono<AppEnv>()
  .get(R.health.path, R.health.guard, (c) =>
    c.json({
      status: 'ok',
      version: c.var.ctx.db.version,
      startedAt: c.var.ctx.startedAt.toISOString(),
      kpis: c.var.ctx.registry.kpis.size,
      role: c.var.env.IOC_ROLE,
      snapshot: c.var.ctx.snapshot?.() ?? null,
    }),
  )
  .get(R.config.path, R.config.guard, (c) =>
    c.json({
      tileUrl: c.var.env.IOC_TILE_URL ?? null,
      demo: c.var.env.IOC_MODE === 'demo',
      mode: c.var.env.IOC_MODE,
      oidc: !!c.var.env.IOC_OIDC_ISSUER,
    }),
  );
