// Geometry plumbing shared by the demo cells, the import and the API: unit feature types, GeoJSON ⇄
// polygon-clipping conversion, coordinate rounding, point-in-polygon.
import { createRequire } from 'node:module';
import type { MultiPolygon as GeoMultiPolygon, Geometry, Polygon as GeoPolygon } from 'geojson';
import type * as Clipping from 'polygon-clipping';

/** polygon-clipping ships CommonJS whose typings declare named exports Node's ESM loader cannot see. */
export const clipping = createRequire(import.meta.url)('polygon-clipping') as typeof Clipping;

export type Pair = Clipping.Pair;
export type Ring = Clipping.Ring;
export type Poly = Clipping.Polygon;
export type MultiPoly = Clipping.MultiPolygon;

export const LEVELS = ['province', 'district', 'commune'] as const;
export type UnitLevel = (typeof LEVELS)[number];

/** What every unit feature says about itself; `demo` marks generated (approximate) geometry. */
export interface UnitFeatureProps {
  code: string;
  name: string;
  level: UnitLevel;
  parentCode: string | null;
  demo: boolean;
}
export type UnitGeometry = GeoPolygon | GeoMultiPolygon;
export interface UnitFeature {
  type: 'Feature';
  geometry: UnitGeometry;
  properties: UnitFeatureProps;
}
export interface UnitCollection {
  type: 'FeatureCollection';
  features: UnitFeature[];
}

/** A unit as the geometry code needs it (rows of `units`, camel-cased). */
export interface UnitRow {
  code: string;
  name: string;
  level: UnitLevel;
  parentCode: string | null;
  lat: number | null;
  lon: number | null;
  /** In force from / until (YYYY-MM-DD; null: from the beginning / still). */
  validFrom?: string | null;
  validTo?: string | null;
}

/** The polygons of any GeoJSON geometry (points and lines have none). */
export function toMultiPoly(g: Geometry | null | undefined): MultiPoly {
  if (!g) return [];
  switch (g.type) {
    case 'Polygon':
      return [g.coordinates as Poly];
    case 'MultiPolygon':
      return g.coordinates as MultiPoly;
    case 'GeometryCollection':
      return g.geometries.flatMap((x) => toMultiPoly(x));
    default:
      return [];
  }
}

/** A Polygon when there is one part, a MultiPolygon otherwise. */
export function toGeometry(mp: MultiPoly): UnitGeometry {
  return mp.length === 1
    ? { type: 'Polygon', coordinates: mp[0] }
    : { type: 'MultiPolygon', coordinates: mp };
}

const round = (v: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

/**
 * Coordinates rounded (5 decimals ≈ 1 m), repeated vertices dropped, rings that collapse dropped and
 * holes of a dropped outer ring with it. Keeps responses small without visible change.
 */
export function roundMultiPoly(mp: MultiPoly, digits = 5): MultiPoly {
  const out: MultiPoly = [];
  for (const poly of mp) {
    const rings: Ring[] = [];
    for (const [i, ring] of poly.entries()) {
      const r: Ring = [];
      for (const [x, y] of ring) {
        const p: Pair = [round(x, digits), round(y, digits)];
        const last = r[r.length - 1];
        if (!last || last[0] !== p[0] || last[1] !== p[1]) r.push(p);
      }
      const first = r[0];
      const end = r[r.length - 1];
      if (first && (first[0] !== end[0] || first[1] !== end[1])) r.push([first[0], first[1]]);
      if (r.length >= 4) rings.push(r);
      else if (i === 0) break;
    }
    if (rings.length > 0) out.push(rings);
  }
  return out;
}

/** [minX, minY, maxX, maxY] of a set of polygons, or null when empty. */
export function bboxOf(mp: MultiPoly): [number, number, number, number] | null {
  let b: [number, number, number, number] | null = null;
  for (const poly of mp) {
    for (const [x, y] of poly[0] ?? []) {
      if (!b) b = [x, y, x, y];
      else b = [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)];
    }
  }
  return b;
}

function inRing(x: number, y: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Even-odd point-in-polygon, holes respected. */
export function pointInMultiPoly(x: number, y: number, mp: MultiPoly): boolean {
  return mp.some(
    (poly) => poly.length > 0 && inRing(x, y, poly[0]) && !poly.slice(1).some((h) => inRing(x, y, h)),
  );
}

/** Shoelace area in square degrees (for ordering and sanity checks, not for reporting). */
export function areaOf(mp: MultiPoly): number {
  const ringArea = (r: Ring) => {
    let a = 0;
    for (let i = 0, j = r.length - 1; i < r.length; j = i++) a += (r[j][0] - r[i][0]) * (r[j][1] + r[i][1]);
    return Math.abs(a / 2);
  };
  return mp.reduce(
    (s, poly) => s + (poly[0] ? ringArea(poly[0]) : 0) - poly.slice(1).reduce((h, r) => h + ringArea(r), 0),
    0,
  );
}
