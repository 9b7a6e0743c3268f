// Pure helpers over the unit features of /api/geo/units: codes, short label names, bounds, hover text.
import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';

/** The unit code of a feature ('' when it has none). */
export function codeOf(f: Feature | undefined): string {
  const c = f?.properties?.code;
  return typeof c === 'string' || typeof c === 'number' ? String(c) : '';
}

export function nameOf(f: Feature | undefined): string {
  const n = f?.properties?.name;
  return typeof n === 'string' ? n : codeOf(f);
}

const PREFIX = /^(Tỉnh|Thành phố|Thị xã|Thị trấn|Huyện|Quận|Phường|Xã|TP\.?|TX\.?|TT\.?)\s+/u;

/** A map label: the name without its administrative prefix ("Huyện Thanh Sơn" → "Thanh Sơn"). */
export function shortName(name: string): string {
  const s = name.trim().replace(PREFIX, '');
  return s.length > 0 ? s : name.trim();
}

/** Whether any feature carries generated (approximate) demo geometry. */
export function hasDemo(fc: FeatureCollection): boolean {
  return fc.features.some((f) => f.properties?.demo === true);
}

function eachPosition(g: Geometry | null, fn: (p: Position) => void): void {
  if (!g) return;
  switch (g.type) {
    case 'Point':
      fn(g.coordinates);
      break;
    case 'MultiPoint':
    case 'LineString':
      g.coordinates.forEach(fn);
      break;
    case 'MultiLineString':
    case 'Polygon':
      for (const r of g.coordinates) r.forEach(fn);
      break;
    case 'MultiPolygon':
      for (const poly of g.coordinates) for (const r of poly) r.forEach(fn);
      break;
    case 'GeometryCollection':
      for (const x of g.geometries) eachPosition(x, fn);
      break;
  }
}

/** [[south, west], [north, east]] of the features (Leaflet's order), or null when there is nothing to show. */
export function boundsOf(fc: FeatureCollection): [[number, number], [number, number]] | null {
  let s = Number.POSITIVE_INFINITY;
  let w = Number.POSITIVE_INFINITY;
  let n = Number.NEGATIVE_INFINITY;
  let e = Number.NEGATIVE_INFINITY;
  for (const f of fc.features) {
    eachPosition(f.geometry, ([x, y]) => {
      if (y < s) s = y;
      if (y > n) n = y;
      if (x < w) w = x;
      if (x > e) e = x;
    });
  }
  return Number.isFinite(s)
    ? [
        [s, w],
        [n, e],
      ]
    : null;
}

/** The hover line: "Thanh Sơn: 35,6 %", or the no-data label. */
export function hoverText(
  name: string,
  value: number | null | undefined,
  format: (v: number | null) => string,
  noData: string,
): string {
  const has = typeof value === 'number' && Number.isFinite(value);
  return `${shortName(name)}: ${has ? format(value) : noData}`;
}
