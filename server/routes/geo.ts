// Geometry routes: unit shapes for the offline map (imported boundaries, else approximate demo cells).
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app.ts';
import { getUnitFeatures } from '../geo/features.ts';
import { LEVELS } from '../geo/geometry.ts';
import { ScopeError } from '../kpis/engine.ts';
import { GeoAnswer } from './responses.ts';
import { route } from './route.ts';
import { validate } from './validate.ts';

export const GeoUnitsQuery = z.object({
  level: z.enum(LEVELS),
  parent: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,32}$/, 'expected a unit code')
    .optional(),
  /** The units in force on this day (as they were); default today's. */
  at: z.iso.date().optional(),
});

const units = route({
  method: 'get',
  path: '/api/geo/units',
  response: GeoAnswer,
  need: 'read',
  summary: 'Unit shapes as GeoJSON',
  tag: 'geo',
  query: GeoUnitsQuery,
  errors: { 404: 'Unknown parent unit' },
});

export const geoRoutes = new Hono<AppEnv>().get(
  units.path,
  units.guard,
  validate('query', GeoUnitsQuery),
  async (c) => {
    const q = c.req.valid('query');
    // A unit-scoped principal draws only inside its subtree: the parent must be one of its units.
    const scope = c.var.ctx.scope;
    if (scope?.unitSet && q.level !== 'province' && !(q.parent && scope.unitSet.has(q.parent)))
      throw new ScopeError(`outside your scope: map of ${q.parent ?? 'the province'}`);
    const collection = await getUnitFeatures(c.var.ctx.db, q);
    if (!collection) return c.json({ error: `unknown unit ${q.parent}` }, 404);
    c.header('Cache-Control', 'public, max-age=300');
    return c.json(collection);
  },
);
