// Rows the API answers straight from the store (reference lists, administration): one shape for the server's
// queries and the web's tables, so the typed client needs no cast.

export interface UnitRow {
  code: string;
  name: string;
  level: 'province' | 'district' | 'commune';
  parentCode: string | null;
  kind: string | null;
  lat: number | null;
  lon: number | null;
  validFrom: string | null;
  validTo: string | null;
}

export interface AgencyRow {
  code: string;
  name: string;
  unitCode: string;
  kind: string;
  sector: string | null;
}

export interface UserRow {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  /** The scope assignment as JSON text (common/vocabulary.ts ScopeAssignment), null when none. */
  scope: string | null;
  disabled: boolean;
  oidcSubject: string | null;
}

export interface RoleRow {
  name: string;
  permissions: string[];
  scoped: boolean;
  description: string | null;
}

export interface DeviceRow {
  id: string;
  name: string;
  playlist: string;
  scope: string | null;
  createdBy: string | null;
  createdAt: string;
  revokedAt: string | null;
  lastSeenAt: string | null;
}

export interface SourceRow {
  id: string;
  name: string;
  feeds: string[];
  createdBy: string | null;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  actorKind: string;
  action: string;
  target: string | null;
  outcome: 'ok' | 'denied' | 'failed';
  ip: string | null;
  detail: string | null;
  prevHash: string;
  hash: string;
}
