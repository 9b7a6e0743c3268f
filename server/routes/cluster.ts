// What readers send the writer instead of writing themselves: audit lines and wall devices' last contact. Only a
// process holding the cluster's IOC_SECRET can send one (the key is derived from it); a reader forwards this route
// to the writer like every other POST.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app.ts';
import { audit } from '../auth/audit.ts';
import { safeEqual } from '../auth/crypto.ts';
import { CLUSTER_KEY } from '../cluster/forward.ts';
import { route } from './route.ts';
import { validate } from './validate.ts';

const Note = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('audit'),
    entry: z.object({
      actor: z.string().max(300),
      actorKind: z.string().max(40),
      action: z.string().max(100),
      target: z.string().max(1000).nullish(),
      outcome: z.enum(['ok', 'denied', 'failed']),
      ip: z.string().max(100).nullish(),
      detail: z.record(z.string(), z.unknown()).optional(),
    }),
  }),
  z.object({ kind: z.literal('device-seen'), id: z.string().max(64) }),
]);

const R = {
  note: route({
    method: 'post',
    path: '/api/cluster/notes',
    need: 'public',
    summary: 'A reader’s audit line or device contact, written by the writer (cluster key required)',
    tag: 'system',
    json: Note,
    errors: { 404: 'not a cluster member’s request (missing or wrong key)' },
  }),
};

export const clusterRoutes = new Hono<AppEnv>().post(
  R.note.path,
  R.note.guard,
  validate('json', Note),
  async (c) => {
    // Refused as if the route did not exist: the key is the cluster's, not a credential to be guessed at.
    if (!safeEqual(c.req.header(CLUSTER_KEY) ?? '', c.var.auth.clusterKey))
      return c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404);
    const n = c.req.valid('json');
    if (n.kind === 'audit') await audit(c.var.ctx.db, n.entry);
    else await c.var.auth.accounts.deviceSeen(n.id);
    return c.json({ ok: true });
  },
);
