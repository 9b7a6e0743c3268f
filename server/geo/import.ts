// Importing real boundaries (npm run import:boundaries): GeoJSON or TopoJSON features matched to units by
// code, else by name within the parent — names compared without diacritics, case or administrative prefix —
// and written to `boundaries` in one transaction. The matching is pure; importBoundaries does the I/O.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Feature, GeoJsonProperties, Geometry } from 'geojson';
import { feature as topoFeature } from 'topojson-client';
import type { Topology } from 'topojson-specification';
import type { Db } from '../db/index.ts';
import { loadUnits } from './features.ts';
import {
  clipping,
  type MultiPoly,
  pointInMultiPoly,
  roundMultiPoly,
  toGeometry,
  toMultiPoly,
  type UnitLevel,
  type UnitRow,
} from './geometry.ts';

export interface InputFeature {
  /** Position in the file (0-based), for the report. */
  index: number;
  properties: Record<string, unknown>;
  /** Polygons only; empty when the feature has none (a point, a line, no geometry). */
  geometry: MultiPoly;
}

export interface MatchOptions {
  level?: UnitLevel;
  codeProp?: string;
  nameProp?: string;
  parentProp?: string;
}

export interface ImportOptions extends MatchOptions {
  dryRun?: boolean;
  /** Recorded in boundaries.source; default `import:<file name>`. */
  source?: string;
}

export interface FeatureMatch {
  index: number;
  label: string;
  code: string;
  name: string;
  by: 'code' | 'name';
}

export interface FeatureMiss {
  index: number;
  label: string;
  reason: string;
}

export interface MatchReport {
  level: UnitLevel;
  props: { code: string | null; name: string | null; parent: string | null };
  /** Which of the choices above were guessed rather than given. */
  guessed: { level: boolean; code: boolean; name: boolean; parent: boolean };
  features: number;
  matched: FeatureMatch[];
  unmatched: FeatureMiss[];
  /** Units of the level that no feature matched. */
  unitsWithout: { code: string; name: string }[];
  /** Units that several features matched (their polygons are merged). */
  merged: { code: string; features: number }[];
}

export interface ImportReport extends MatchReport {
  file: string;
  format: 'geojson' | 'topojson';
  source: string;
  dryRun: boolean;
  /** Boundaries written (0 in a dry run). */
  written: number;
}

// ── Names and codes ─────────────────────────────────────────────────────────────────────────────────────

/** Administrative prefixes, already without diacritics; longest first so "thi xa" wins over "t". */
const PREFIXES = [
  'thanh pho',
  'thi tran',
  'thi xa',
  'huyen',
  'phuong',
  'quan',
  'tinh',
  'xa',
  't p',
  't x',
  't t',
  'tp',
  'tx',
  'tt',
  'h',
  'q',
  'p',
  'x',
];
const SUFFIXES = ['city', 'town', 'township', 'district', 'commune', 'ward', 'province', 'municipality'];

/** Lower-case ASCII words: diacritics dropped, đ → d, punctuation → space, numbers without leading zeros. */
function plain(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .replace(/\b0+(\d)/g, '$1');
}

function stripAffixes(t: string): string {
  let out = t;
  const prefix = PREFIXES.find((p) => out.startsWith(`${p} `) && out.length > p.length + 1);
  if (prefix) out = out.slice(prefix.length + 1);
  const suffix = SUFFIXES.find((x) => out.endsWith(` ${x}`) && out.length > x.length + 1);
  if (suffix) out = out.slice(0, -(suffix.length + 1));
  return out;
}

/**
 * A unit name as compared: no diacritics, no case, no administrative prefix (Huyện, H., Thị xã, TX, TP., Xã,
 * Phường, …) or English suffix (District, City, Town). "Huyện Thanh Sơn", "H. Thanh Sơn" → "thanh son".
 */
export function normaliseName(s: string): string {
  return stripAffixes(plain(s));
}

/**
 * Keys a name is found under, most literal first: the whole name and the name without prefix, spaces removed
 * (some sources write "ThanhSơn"). Both are kept so "Quan Hóa" (no prefix) still finds "Huyện Quan Hóa".
 */
export function nameKeys(s: string): string[] {
  const t = plain(s);
  const keys = [t, stripAffixes(t)].map((k) => k.replace(/ /g, '')).filter((k) => k.length > 0);
  return [...new Set(keys)];
}

/** A code as compared: trimmed, a short letter prefix (VN227) and leading zeros dropped, lower case. */
export function normaliseCode(v: unknown): string | null {
  if (typeof v !== 'string' && typeof v !== 'number') return null;
  const s = String(v).trim();
  if (s === '') return null;
  const m = /^[A-Za-z]{0,3}[-_.]?0*(\d+)$/.exec(s);
  return m ? m[1] : s.toLowerCase();
}

const text = (v: unknown): string | null =>
  typeof v === 'string' ? (v.trim() === '' ? null : v.trim()) : typeof v === 'number' ? String(v) : null;

// ── Reading ─────────────────────────────────────────────────────────────────────────────────────────────

/** Features of a GeoJSON (FeatureCollection, Feature or bare geometry) or TopoJSON (every object) document. */
export function readFeatures(doc: unknown): { format: 'geojson' | 'topojson'; features: InputFeature[] } {
  if (!doc || typeof doc !== 'object' || !('type' in doc))
    throw new Error('not GeoJSON or TopoJSON: no "type"');
  const d = doc as { type: string };
  let raw: Feature<Geometry | null, GeoJsonProperties>[];
  let format: 'geojson' | 'topojson' = 'geojson';
  if (d.type === 'Topology') {
    format = 'topojson';
    const topo = doc as Topology;
    raw = Object.values(topo.objects ?? {}).flatMap((o) => {
      const f = topoFeature(topo, o) as
        | Feature<Geometry | null>
        | { type: 'FeatureCollection'; features: Feature<Geometry | null>[] };
      return f.type === 'FeatureCollection' ? f.features : [f];
    });
  } else if (d.type === 'FeatureCollection') {
    raw = (doc as { features?: Feature<Geometry | null>[] }).features ?? [];
  } else if (d.type === 'Feature') {
    raw = [doc as Feature<Geometry | null>];
  } else {
    raw = [{ type: 'Feature', properties: {}, geometry: doc as Geometry }];
  }
  const features = raw.map((f, index) => {
    // A Feature's own id (outside properties) is a code candidate like any property.
    const properties: Record<string, unknown> = { ...(f?.properties ?? {}) };
    if (f?.id !== undefined && !('id' in properties)) properties.id = f.id;
    return { index, properties, geometry: toMultiPoly(f?.geometry) };
  });
  checkLonLat(features);
  return { format, features };
}

/** Boundaries must be WGS84 longitude/latitude; projected files (VN-2000, UTM) are refused with the fix. */
function checkLonLat(features: InputFeature[]): void {
  for (const f of features) {
    for (const poly of f.geometry) {
      for (const [x, y] of poly[0] ?? []) {
        if (!Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x) > 180 || Math.abs(y) > 90) {
          throw new Error(
            `feature ${f.index} has coordinate (${x}, ${y}): not longitude/latitude (WGS84). ` +
              'Reproject first, e.g. ogr2ogr -t_srs EPSG:4326 out.geojson in.shp',
          );
        }
      }
    }
  }
}

// ── Guessing properties ─────────────────────────────────────────────────────────────────────────────────

const PARENT_LEVEL: Record<UnitLevel, UnitLevel | null> = {
  province: null,
  district: 'province',
  commune: 'district',
};

/** Common property names, most specific first; compared case-insensitively. */
const CANDIDATES: Record<UnitLevel, { code: string[]; name: string[]; parent: string[] }> = {
  province: {
    code: ['ma_tinh', 'matinh', 'province_code', 'adm1_pcode', 'code', 'ma', 'ma_dvhc', 'gid_1'],
    name: ['ten_tinh', 'tentinh', 'province', 'province_name', 'adm1_vi', 'name_1', 'adm1_en', 'ten', 'name'],
    parent: [],
  },
  district: {
    code: ['ma_huyen', 'mahuyen', 'ma_qh', 'district_code', 'adm2_pcode', 'code', 'ma', 'ma_dvhc', 'gid_2'],
    name: [
      'ten_huyen',
      'tenhuyen',
      'ten_qh',
      'district',
      'district_name',
      'adm2_vi',
      'name_2',
      'adm2_en',
      'ten',
      'name',
    ],
    parent: [
      'ma_tinh',
      'matinh',
      'ten_tinh',
      'tentinh',
      'province',
      'adm1_pcode',
      'adm1_vi',
      'name_1',
      'adm1_en',
      'gid_1',
    ],
  },
  commune: {
    code: [
      'ma_xa',
      'maxa',
      'ma_px',
      'commune_code',
      'ward_code',
      'adm3_pcode',
      'code',
      'ma',
      'ma_dvhc',
      'gid_3',
    ],
    name: [
      'ten_xa',
      'tenxa',
      'ten_px',
      'commune',
      'ward',
      'commune_name',
      'adm3_vi',
      'name_3',
      'adm3_en',
      'ten',
      'name',
    ],
    parent: [
      'ma_huyen',
      'mahuyen',
      'ten_huyen',
      'tenhuyen',
      'district',
      'adm2_pcode',
      'adm2_vi',
      'name_2',
      'adm2_en',
      'gid_2',
    ],
  },
};

/** The units of one level, indexed for matching by code and by name. */
class UnitIndex {
  readonly byCode = new Map<string, UnitRow>();
  readonly byName = new Map<string, UnitRow[]>();
  constructor(readonly units: UnitRow[]) {
    for (const u of units) {
      const c = normaliseCode(u.code);
      if (c) this.byCode.set(c, u);
      for (const k of nameKeys(u.name)) this.byName.set(k, [...(this.byName.get(k) ?? []), u]);
    }
  }
  code(v: unknown): UnitRow | undefined {
    const c = normaliseCode(v);
    return c ? this.byCode.get(c) : undefined;
  }
  /** Units with the name, trying the feature's most literal key first. */
  name(v: unknown): UnitRow[] {
    const s = text(v);
    if (!s) return [];
    for (const k of nameKeys(s)) {
      const hit = this.byName.get(k);
      if (hit) return hit;
    }
    return [];
  }
  /** A unit by code or, when unique, by name. */
  resolve(v: unknown): UnitRow | undefined {
    const byName = this.name(v);
    return this.code(v) ?? (byName.length === 1 ? byName[0] : undefined);
  }
}

/** The feature's key for a property named case-insensitively, or undefined. */
function propKeys(features: InputFeature[]): Map<string, string> {
  const keys = new Map<string, string>();
  for (const f of features)
    for (const k of Object.keys(f.properties)) if (!keys.has(k.toLowerCase())) keys.set(k.toLowerCase(), k);
  return keys;
}

/**
 * The property that serves a role best: the one whose values hit the most units (ties go to the more common
 * name); when none hits, the first common name present so the report can still show labels. `hit` returns
 * the unit a value names: codes and names score by distinct units — the province column ("Phú Thọ") names
 * the Thị xã Phú Thọ in every row, but only one unit — parents by features.
 */
function bestProp(
  features: InputFeature[],
  keys: Map<string, string>,
  candidates: string[],
  hit: (v: unknown) => UnitRow | undefined,
  distinct: boolean,
): string | null {
  const ordered = [
    ...candidates.map((c) => keys.get(c)).filter((k): k is string => k !== undefined),
    ...[...keys.values()].filter((k) => !candidates.includes(k.toLowerCase())),
  ];
  let best: string | null = null;
  let bestScore = 0;
  for (const k of ordered) {
    const units = features.map((f) => hit(f.properties[k])).filter((u) => u !== undefined);
    const score = distinct ? new Set(units).size : units.length;
    if (score > bestScore) {
      best = k;
      bestScore = score;
    }
  }
  return best ?? ordered.find((k) => candidates.includes(k.toLowerCase())) ?? null;
}

/**
 * A guessed parent property must name a known parent for most features: a feature whose parent is named but
 * not found is left unmatched, so a stray column that happens to hit once would do harm.
 */
function guessParent(
  features: InputFeature[],
  keys: Map<string, string>,
  candidates: string[],
  parents: UnitIndex,
  taken: (string | null)[],
): string | null {
  if (parents.units.length === 0) return null;
  const free = new Map([...keys].filter(([, k]) => !taken.includes(k)));
  const best = bestProp(features, free, candidates, (v) => parents.resolve(v), false);
  if (!best) return null;
  const hits = features.filter((f) => parents.resolve(f.properties[best])).length;
  return hits * 2 >= features.length ? best : null;
}

function requireProp(keys: Map<string, string>, prop: string | undefined, role: string): string | null {
  if (prop === undefined) return null;
  const k = keys.get(prop.toLowerCase());
  if (!k)
    throw new Error(
      `no feature has a property "${prop}" (--${role}-prop); properties: ${[...keys.values()].join(', ')}`,
    );
  return k;
}

// ── Matching ────────────────────────────────────────────────────────────────────────────────────────────

function labelOf(f: InputFeature, props: MatchReport['props']): string {
  const name = props.name ? text(f.properties[props.name]) : null;
  const code = props.code ? text(f.properties[props.code]) : null;
  return [code, name].filter(Boolean).join(' ') || `#${f.index}`;
}

/** Match at one level with the given or guessed properties. */
function matchAtLevel(
  features: InputFeature[],
  units: UnitRow[],
  level: UnitLevel,
  opts: MatchOptions,
): {
  report: Omit<MatchReport, 'guessed'> & { guessedProps: Omit<MatchReport['guessed'], 'level'> };
  geometries: Map<string, MultiPoly>;
} {
  const keys = propKeys(features);
  const own = new UnitIndex(units.filter((u) => u.level === level));
  const parentLevel = PARENT_LEVEL[level];
  const parents = new UnitIndex(parentLevel ? units.filter((u) => u.level === parentLevel) : []);
  const cand = CANDIDATES[level];
  const userChose = opts.codeProp !== undefined || opts.nameProp !== undefined;

  const code = userChose
    ? requireProp(keys, opts.codeProp, 'code')
    : bestProp(features, keys, cand.code, (v) => own.code(v), true);
  const name = userChose
    ? requireProp(keys, opts.nameProp, 'name')
    : bestProp(
        features,
        keys,
        cand.name,
        (v) => (own.name(v).length === 1 ? own.name(v)[0] : undefined),
        true,
      );
  const parent =
    opts.parentProp !== undefined
      ? requireProp(keys, opts.parentProp, 'parent')
      : guessParent(features, keys, cand.parent, parents, [code, name]);
  // A guessed code property that matches nothing is noise in the report.
  const codeProp = code && !userChose && !features.some((f) => own.code(f.properties[code])) ? null : code;
  const props = { code: codeProp, name, parent };

  const matched: FeatureMatch[] = [];
  const unmatched: FeatureMiss[] = [];
  const parts = new Map<string, MultiPoly[]>();
  for (const f of features) {
    const label = labelOf(f, props);
    if (f.geometry.length === 0) {
      unmatched.push({ index: f.index, label, reason: 'no polygon geometry' });
      continue;
    }
    const found = matchOne(f, props, own, parents);
    if ('reason' in found) {
      unmatched.push({ index: f.index, label, reason: found.reason });
      continue;
    }
    matched.push({ index: f.index, label, code: found.unit.code, name: found.unit.name, by: found.by });
    parts.set(found.unit.code, [...(parts.get(found.unit.code) ?? []), f.geometry]);
  }

  const geometries = new Map<string, MultiPoly>();
  const merged: MatchReport['merged'] = [];
  for (const [c, list] of parts) {
    geometries.set(c, roundMultiPoly(list.length === 1 ? list[0] : mergeParts(list)));
    if (list.length > 1) merged.push({ code: c, features: list.length });
  }
  const unitsWithout = own.units
    .filter((u) => !parts.has(u.code))
    .map((u) => ({ code: u.code, name: u.name }));
  return {
    report: {
      level,
      props,
      guessedProps: {
        code: !userChose,
        name: !userChose,
        parent: opts.parentProp === undefined && parentLevel !== null,
      },
      features: features.length,
      matched,
      unmatched,
      unitsWithout,
      merged,
    },
    geometries,
  };
}

function mergeParts(list: MultiPoly[]): MultiPoly {
  try {
    return clipping.union(list[0], ...list.slice(1));
  } catch {
    return list.flat();
  }
}

function matchOne(
  f: InputFeature,
  props: MatchReport['props'],
  own: UnitIndex,
  parents: UnitIndex,
): { unit: UnitRow; by: 'code' | 'name' } | { reason: string } {
  if (props.code) {
    const u = own.code(f.properties[props.code]);
    if (u) return { unit: u, by: 'code' };
  }
  const name = props.name ? text(f.properties[props.name]) : null;
  if (!name) return { reason: props.code ? 'code matches no unit and no name to try' : 'no code or name' };
  let candidates = own.name(name);
  const parentValue = props.parent ? text(f.properties[props.parent]) : null;
  if (parentValue) {
    const p = parents.resolve(parentValue);
    if (!p) return { reason: `parent "${parentValue}" is not a unit` };
    candidates = candidates.filter((u) => u.parentCode === p.code);
  }
  if (candidates.length === 0)
    return { reason: `no unit named "${name}"${parentValue ? ` in ${parentValue}` : ''}` };
  if (candidates.length === 1) return { unit: candidates[0], by: 'name' };
  // Same name in several parents (common for communes) and no parent given: the unit whose point lies inside.
  const inside = candidates.filter(
    (u) => u.lat !== null && u.lon !== null && pointInMultiPoly(u.lon, u.lat, f.geometry),
  );
  if (inside.length === 1) return { unit: inside[0], by: 'name' };
  return { reason: `${candidates.length} units named "${name}": give --parent-prop` };
}

/**
 * Match features to units. Without a level, every level is tried; the best matches many distinct units with
 * few features piling onto one (a commune file read as districts matches every feature, but to 13 units).
 * Ties go to the level whose unit count is nearest the feature count.
 */
export function matchFeatures(
  features: InputFeature[],
  units: UnitRow[],
  opts: MatchOptions = {},
): { report: MatchReport; geometries: Map<string, MultiPoly> } {
  const levels: UnitLevel[] = opts.level ? [opts.level] : ['district', 'commune', 'province'];
  const tries = levels.map((level) => ({ level, ...matchAtLevel(features, units, level, opts) }));
  const count = (level: UnitLevel) => units.filter((u) => u.level === level).length;
  const score = (r: { matched: FeatureMatch[] }) =>
    2 * new Set(r.matched.map((m) => m.code)).size - r.matched.length;
  tries.sort(
    (a, b) =>
      score(b.report) - score(a.report) ||
      Math.abs(count(a.level) - features.length) - Math.abs(count(b.level) - features.length),
  );
  const { report, geometries } = tries[0];
  const { guessedProps, ...rest } = report;
  return { report: { ...rest, guessed: { level: !opts.level, ...guessedProps } }, geometries };
}

/** Read a GeoJSON/TopoJSON file, match it to the units in `db`, and (unless dryRun) write the matches. */
export async function importBoundaries(
  db: Db,
  file: string,
  opts: ImportOptions = {},
): Promise<ImportReport> {
  const doc = JSON.parse(await readFile(file, 'utf8')) as unknown;
  const { format, features } = readFeatures(doc);
  const units = await loadUnits(db);
  if (units.length === 0) throw new Error('no units in the store: load the reference data first');
  const { report, geometries } = matchFeatures(features, units, opts);
  const source = opts.source ?? `import:${basename(file)}`;
  const dryRun = opts.dryRun ?? false;
  if (!dryRun && geometries.size > 0) {
    await db.transaction(async (tx) => {
      for (const [code, mp] of geometries) {
        await tx.run(`INSERT OR REPLACE INTO boundaries VALUES ($code, $level, $geojson, $source, now())`, {
          code,
          level: report.level,
          geojson: JSON.stringify(toGeometry(mp)),
          source,
        });
      }
    });
  }
  return { ...report, file, format, source, dryRun, written: dryRun ? 0 : geometries.size };
}
