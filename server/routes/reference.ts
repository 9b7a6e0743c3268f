// Reference routes: the unit hierarchy and the agencies, for filters, labels and the map.
import { Hono } from 'hono';
import type { AgencyRow, UnitRow } from '../../common/rows.ts';
import type { AppEnv } from '../app.ts';
import { AgenciesAnswer, UnitsAnswer } from './responses.ts';
import { route } from './route.ts';

const R = {
  // Also for admins: the scope pickers list units and agencies.
  units: route({
    method: 'get',
    path: '/api/units',
    response: UnitsAnswer,
    need: 'read|admin',
    summary: 'Administrative units',
    tag: 'reference',
  }),
  agencies: route({
    method: 'get',
    path: '/api/agencies',
    response: AgenciesAnswer,
    need: 'read|admin',
    summary: 'Agencies',
    tag: 'reference',
  }),
};

export const referenceRoutes = new Hono<AppEnv>()
  .get(R.units.path, R.units.guard, async (c) =>
    c.json({
      units: await c.var.ctx.db.query<UnitRow>(
        `SELECT u.code, u.name, u.level, u.parent_code AS "parentCode", u.kind, u.lat, u.lon,
           CAST(u.valid_from AS VARCHAR) AS "validFrom", CAST(u.valid_to AS VARCHAR) AS "validTo"
         FROM units u ORDER BY CASE u.level WHEN 'province' THEN 0 WHEN 'district' THEN 1 ELSE 2 END, u.code`,
      ),
    }),
  )
  .get(R.agencies.path, R.agencies.guard, async (c) =>
    c.json({
      agencies: await c.var.ctx.db.query<AgencyRow>(
        `SELECT code, name, unit_code AS "unitCode", kind, sector FROM agencies ORDER BY kind, code`,
      ),
    }),
  );
