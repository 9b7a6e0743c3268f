// Unit geometry for the API: imported boundaries where present, demo cells elsewhere. Built lazily and kept
// in memory per store; rebuilt only when the units or the boundaries change — not on every feed write, which
// bumps db.version every few seconds under live traffic.
import type { Db } from '../db/index.ts';
import { buildDemoGeometry } from './demo-geometry.ts';
import {
  type MultiPoly,
  toMultiPoly,
  type UnitCollection,
  type UnitFeature,
  type UnitLevel,
  type UnitRow,
} from './geometry.ts';

interface Built {
  features: UnitFeature[];
  /** Every unit's ancestors (parent, grandparent, …). */
  ancestors: Map<string, Set<string>>;
}

interface CacheEntry {
  version: number;
  key: string;
  built: Promise<Built>;
}

const cache = new WeakMap<Db, CacheEntry>();

/** Changes whenever a unit's identity, place or parent changes, or a boundary is (re)imported. */
async function fingerprint(db: Db): Promise<string> {
  const [row] = await db.query<{ u: unknown; b: unknown }>(
    `SELECT
       (SELECT hash(string_agg(concat_ws('|', code, name, level, parent_code, lat, lon), ';' ORDER BY code)) FROM units) AS u,
       (SELECT hash(string_agg(concat_ws('|', code, source, imported_at), ';' ORDER BY code)) FROM boundaries) AS b`,
  );
  return `${row.u}/${row.b}`;
}

export async function loadUnits(db: Db): Promise<UnitRow[]> {
  return db.query<UnitRow>(
    `SELECT code, name, level, parent_code AS "parentCode", lat, lon FROM units ORDER BY code`,
  );
}

async function build(db: Db): Promise<Built> {
  const units = await loadUnits(db);
  const rows = await db.query<{ code: string; geojson: string }>(
    'SELECT code, geojson FROM boundaries ORDER BY code',
  );
  const known = new Map<string, MultiPoly>();
  for (const r of rows) {
    const mp = toMultiPoly(JSON.parse(r.geojson));
    if (mp.length > 0) known.set(r.code, mp);
  }
  const features = buildDemoGeometry(units, { known });
  const parentOf = new Map(units.map((u) => [u.code, u.parentCode]));
  const ancestors = new Map<string, Set<string>>();
  for (const u of units) {
    const set = new Set<string>();
    for (let p = u.parentCode; p && !set.has(p); p = parentOf.get(p) ?? null) set.add(p);
    ancestors.set(u.code, set);
  }
  return { features, ancestors };
}

async function getBuilt(db: Db): Promise<Built> {
  const hit = cache.get(db);
  if (hit && hit.version === db.version) return hit.built;
  const version = db.version;
  const key = await fingerprint(db);
  const current = cache.get(db);
  if (current && current.key === key) {
    current.version = Math.max(current.version, version);
    return current.built;
  }
  const entry: CacheEntry = { version, key, built: build(db) };
  cache.set(db, entry);
  entry.built.catch(() => {
    if (cache.get(db) === entry) cache.delete(db);
  });
  return entry.built;
}

/** The features of one level, optionally only those under `parent` (any ancestor); null when `parent` is no unit. */
export async function getUnitFeatures(
  db: Db,
  q: { level: UnitLevel; parent?: string },
): Promise<UnitCollection | null> {
  const { features, ancestors } = await getBuilt(db);
  if (q.parent !== undefined && !ancestors.has(q.parent)) return null;
  return {
    type: 'FeatureCollection',
    features: features.filter(
      (f) =>
        f.properties.level === q.level &&
        (q.parent === undefined || ancestors.get(f.properties.code)?.has(q.parent)),
    ),
  };
}
