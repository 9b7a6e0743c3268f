// Who is asking: a signed-in user, a wall device, a feed source, the console (ops token) or the demo visitor;
// what they may do (permissions from their roles) and what they may see (their scope, resolved for the engine).
import { z } from 'zod';
import {
  PERMISSIONS,
  type Permission,
  type ScopeAssignment as ScopeAssignmentShape,
} from '../../common/vocabulary.ts';
import type { Db } from '../db/index.ts';
import type { Scope } from '../kpis/engine.ts';

export { PERMISSIONS, type Permission };

const code = z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/);
/** A scope as assigned to a user or a device (common/vocabulary.ts), validated. */
export const ScopeAssignment = z
  .object({
    units: z.array(code).max(200).optional(),
    sectors: z.array(code).max(100).optional(),
    subsystems: z.array(code).max(50).optional(),
  })
  .strict() satisfies z.ZodType<ScopeAssignmentShape>;
export type ScopeAssignment = ScopeAssignmentShape;

export interface Principal {
  kind: 'user' | 'device' | 'source' | 'ops' | 'demo' | 'anonymous';
  /** users.id / devices.id / feed_sources.id; null for demo, ops and anonymous. */
  id: string | null;
  /** Shown in the audit log: user name, device or source name. */
  name: string;
  displayName: string;
  roles: string[];
  permissions: ReadonlySet<Permission>;
  /** Undefined: sees everything. */
  scope?: Scope;
  assignment?: ScopeAssignment;
  /** Feed sources: the feeds they may push. */
  feeds?: string[];
  /** Cookie-authenticated principals must echo this in X-CSRF-Token on state-changing requests. */
  csrf?: string;
  sessionId?: string;
  viaCookie: boolean;
  /** Wall devices: their playlist (the wall URL's query). */
  playlist?: string;
}

export function anonymous(): Principal {
  return {
    kind: 'anonymous',
    id: null,
    name: 'anonymous',
    displayName: 'anonymous',
    roles: [],
    permissions: new Set(),
    viaCookie: false,
  };
}

export function can(p: Principal, perm: Permission): boolean {
  return p.permissions.has(perm);
}

import type { RoleRow } from '../../common/rows.ts';

export type { RoleRow };

/** Permissions of a set of roles, and whether the user's scope limits them (only if every role is scoped). */
export function rolePermissions(
  roles: string[],
  table: ReadonlyMap<string, RoleRow>,
): { permissions: Set<Permission>; scoped: boolean } {
  const permissions = new Set<Permission>();
  let scoped = roles.length > 0;
  for (const r of roles) {
    const row = table.get(r);
    if (!row) continue;
    for (const p of row.permissions)
      if ((PERMISSIONS as readonly string[]).includes(p)) permissions.add(p as Permission);
    // A user holding any unscoped reading role (e.g. leader) reads unscoped.
    if (!row.scoped && row.permissions.includes('read')) scoped = false;
  }
  if (!permissions.has('read')) scoped = false;
  return { permissions, scoped };
}

/**
 * The engine's Scope for an assignment: unit subtrees expanded to every unit and agency inside them, so a
 * request naming a unit or agency outside can be refused before any SQL runs. A scoped role without an
 * assignment sees nothing (fail closed): an empty unit list.
 */
export async function resolveScope(db: Db, a: ScopeAssignment | undefined): Promise<Scope> {
  const units = a?.units ?? (a?.sectors || a?.subsystems ? undefined : []);
  const scope: Scope = { units, sectors: a?.sectors, subsystems: a?.subsystems };
  if (units) {
    const rows = units.length
      ? await db.query<{ code: string }>(
          `WITH roots AS (SELECT unnest(CAST(json_extract_string($u, '$[*]') AS VARCHAR[])) AS code)
           SELECT code FROM unit_paths
           WHERE province_code IN (SELECT code FROM roots) OR district_code IN (SELECT code FROM roots)
              OR commune_code IN (SELECT code FROM roots)`,
          { u: JSON.stringify(units) },
        )
      : [];
    scope.unitSet = new Set(rows.map((r) => r.code));
  }
  if (units || a?.sectors) {
    const ag = await db.query<{ code: string; unit_code: string; sector: string | null }>(
      'SELECT code, unit_code, sector FROM agencies',
    );
    scope.agencySet = new Set(
      ag
        .filter((r) => !scope.unitSet || scope.unitSet.has(r.unit_code))
        .filter((r) => !a?.sectors || (r.sector !== null && a.sectors.includes(r.sector)))
        .map((r) => r.code),
    );
  }
  return scope;
}

export function parseAssignment(json: string | null | undefined): ScopeAssignment | undefined {
  if (!json) return undefined;
  const r = ScopeAssignment.safeParse(JSON.parse(json));
  return r.success ? r.data : { units: [] };
}
