// Unit geometry for the API: imported boundaries where present, demo cells elsewhere. Built lazily and kept
// in memory per store; rebuilt only when the units or the boundaries change — not on every feed write, which
// bumps db.version every few seconds under live traffic.
import { todayLocal } from '../../common/vn-time.ts';
import type { Db } from '../db/index.ts';
import { buildDemoGeometry } from './demo-geometry.ts';
import {
  clipping,
  type MultiPoly,
  toGeometry,
  toMultiPoly,
  type UnitCollection,
  type UnitFeature,
  type UnitLevel,
  type UnitRow,
} from './geometry.ts';

interface Built {
  features: UnitFeature[];
  /** Every unit's ancestors (parent, grandparent, …, and for today's communes the former district's area). */
  ancestors: Map<string, Set<string>>;
  /** When each unit is in force. */
  validity: Map<string, { from: string | null; to: string | null }>;
  /**
   * A province as it was while it had districts: the union of them (approximate), drawn instead of today's outline
   * up to `until` (its districts' last day) — the former Phú Thọ, Vĩnh Phúc and Hòa Bình before 1/7/2025.
   */
  asItWas: Map<string, { until: string; feature: UnitFeature }>;
}

interface CacheEntry {
  version: number;
  key: string;
  built: Promise<Built>;
}

const cache = new WeakMap<Db, CacheEntry>();

/** Changes whenever a unit's identity, place or parent changes, or a boundary is (re)imported. */
async function fingerprint(db: Db): Promise<string> {
  const [row] = await db.query<{ u: unknown; p: unknown; b: unknown }>(
    `SELECT
       (SELECT hash(string_agg(concat_ws('|', code, name, level, parent_code, lat, lon, valid_from, valid_to), ';' ORDER BY code)) FROM units) AS u,
       (SELECT hash(string_agg(concat_ws('|', code, district_code), ';' ORDER BY code)) FROM unit_paths) AS p,
       (SELECT hash(string_agg(concat_ws('|', code, source, imported_at), ';' ORDER BY code)) FROM boundaries) AS b`,
  );
  return `${row.u}/${row.p}/${row.b}`;
}

export async function loadUnits(db: Db): Promise<UnitRow[]> {
  return db.query<UnitRow>(
    `SELECT code, name, level, parent_code AS "parentCode", lat, lon,
       strftime(valid_from, '%Y-%m-%d') AS "validFrom", strftime(valid_to, '%Y-%m-%d') AS "validTo"
     FROM units ORDER BY code`,
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
  // A former district without boundaries of its own is drawn as the union of today's communes of its area (khu vực
  // huyện cũ), marked approximate; its former communes are then placed inside it.
  const areas = new Map<string, MultiPoly[]>();
  for (const r of await db.query<{ code: string; d: string }>(
    `SELECT p.code, p.district_code AS d FROM unit_paths p JOIN units u USING (code)
     WHERE p.level = 'commune' AND p.district_code IS NOT NULL AND u.parent_code IS DISTINCT FROM p.district_code`,
  )) {
    const mp = known.get(r.code);
    if (mp) areas.set(r.d, [...(areas.get(r.d) ?? []), mp]);
  }
  const approximate = new Set<string>();
  for (const [d, parts] of areas) {
    if (known.has(d)) continue;
    const [first, ...rest] = parts;
    const merged = rest.length ? clipping.union(first, ...rest) : first;
    if (merged.length > 0) {
      known.set(d, merged);
      approximate.add(d);
    }
  }
  const features = buildDemoGeometry(units, { known });
  for (const f of features) if (approximate.has(f.properties.code)) f.properties.demo = true;
  const parentOf = new Map(units.map((u) => [u.code, u.parentCode]));
  const ancestors = new Map<string, Set<string>>();
  for (const u of units) {
    const set = new Set<string>();
    for (let p = u.parentCode; p && !set.has(p); p = parentOf.get(p) ?? null) set.add(p);
    ancestors.set(u.code, set);
  }
  // A province as it was (its districts together); a former province's units stay under it, not under the province
  // it merged into: as they were, the former provinces are a level of their own (Tỉnh cũ › Huyện › Xã).
  const asItWas = new Map<string, { until: string; feature: UnitFeature }>();
  const byCode = new Map(features.map((f) => [f.properties.code, f]));
  for (const p of units.filter((u) => u.level === 'province')) {
    const districts = units.filter((u) => u.level === 'district' && u.parentCode === p.code);
    // Only a province whose districts ended (a province with districts today is drawn as it is).
    if (districts.length === 0 || districts.some((d) => !d.validTo)) continue;
    const parts = districts
      .map((d) => byCode.get(d.code))
      .filter((f): f is UnitFeature => f !== undefined)
      .map((f) => toMultiPoly(f.geometry));
    if (parts.length === 0) continue;
    const [first, ...rest] = parts;
    const shape = rest.length ? clipping.union(first, ...rest) : first;
    const own = byCode.get(p.code);
    if (shape.length === 0 || !own) continue;
    const until = districts.map((d) => d.validTo ?? '').sort()[districts.length - 1];
    asItWas.set(p.code, {
      until,
      feature: { ...own, geometry: toGeometry(shape), properties: { ...own.properties, demo: true } },
    });
  }
  // Khu vực huyện cũ: a commune of today lies in the area of the former district most of it came from.
  for (const r of await db.query<{ code: string; d: string }>(
    `SELECT code, district_code AS d FROM unit_paths WHERE level = 'commune' AND district_code IS NOT NULL`,
  ))
    ancestors.get(r.code)?.add(r.d);
  const validity = new Map(units.map((u) => [u.code, { from: u.validFrom ?? null, to: u.validTo ?? null }]));
  return { features, ancestors, validity, asItWas };
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

/**
 * The features of one level in force on `at` (YYYY-MM-DD, the units as they were that day), optionally only those
 * under `parent` (any ancestor); null when `parent` is no unit. Without `at`, today's units.
 */
export async function getUnitFeatures(
  db: Db,
  q: { level: UnitLevel; parent?: string; at?: string },
): Promise<UnitCollection | null> {
  const { features, ancestors, validity, asItWas } = await getBuilt(db);
  const at = q.at ?? todayLocal();
  if (q.parent !== undefined && !ancestors.has(q.parent)) return null;
  const inForce = (code: string) => {
    const v = validity.get(code);
    return !v || ((!v.from || v.from <= at) && (!v.to || v.to >= at));
  };
  return {
    type: 'FeatureCollection',
    features: features
      .filter(
        (f) =>
          f.properties.level === q.level &&
          inForce(f.properties.code) &&
          (q.parent === undefined || ancestors.get(f.properties.code)?.has(q.parent)),
      )
      .map((f) => {
        const was = q.level === 'province' ? asItWas.get(f.properties.code) : undefined;
        return was && at <= was.until ? was.feature : f;
      }),
  };
}
