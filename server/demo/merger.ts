// The demo as it really happened: three provinces until 30 June 2025, one from 1 July 2025 (Resolution
// 202/2025/QH15). The former Phú Thọ keeps the demo's 2021 structure (13 districts, 225 demo communes: the seed
// figures are about it); Vĩnh Phúc and Hòa Bình are their real districts and communes as of 30 June 2025, and the
// merged province is the 148 real communes and wards — all from ./units-2025 (MIT, see its SOURCE.md). Departments
// merged on 1 March 2025 in each province, and the three provinces' departments into one on 1 July 2025.
// Everything here is reference data; the feed generators read it through `regionRef`.
import { readFileSync } from 'node:fs';
import { dayFromIso } from './calendar.ts';
import { hash01 } from './random.ts';
import { type DemoAgency, type DemoReference, type DemoUnit, LOCAL_SECTOR } from './reference.ts';

/** The first day of the merged departments (Kế hoạch và Đầu tư into Tài chính, …). */
export const DEPARTMENTS_MERGED = '2025-03-01';
/** The first day of the merged province and of the two-level local government. */
export const REFORM_DAY = '2025-07-01';
/** The last day of the three former provinces, their districts and their communes. */
export const LAST_FORMER_DAY = '2025-06-30';
const LAST_BEFORE_MERGED_DEPARTMENTS = '2025-02-28';

const DIR = new URL('./units-2025/', import.meta.url);

/** The files are plain CSV without quoting (checked): a split is all they need. */
function readCsv(name: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(new URL(name, DIR), 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    if (cells.length !== cols.length || line.includes('"'))
      throw new Error(`units-2025/${name}: unexpected row ${line}`);
    return Object.fromEntries(cols.map((c, i) => [c, cells[i]]));
  });
}

export interface UnitSuccessor {
  old_code: string;
  new_code: string;
  share: 'whole' | 'part';
  weight: number | '';
  valid_from: string;
}

export interface AgencySuccessor {
  old_code: string;
  new_code: string;
  valid_from: string;
}

/** The regions the feeds are generated for: who delivered what, when. */
export type RegionKey = 'pt' | 'vp' | 'hb' | 'merged';

export interface Region {
  key: RegionKey;
  /** The province unit of the region's province-level rows. */
  province: string;
  /** In file names (`documents-<tag>-2021.parquet`) and ids (`VB-<TAG>-2021-…`); empty for the former Phú Thọ. */
  tag: string;
  /**
   * Volumes relative to the former Phú Thọ (the seed figures hold exactly only for it, at scale 1). Vĩnh Phúc's and
   * Hòa Bình's are set below their populations' share so that the first start stays within two minutes.
   */
  volume: number;
  /** Prefix of the region's agency codes (`VP-SNV`). */
  agencyPrefix: string;
  /** First and last day of the region's records (ISO; the merged region runs to the generation's end). */
  from: string;
  to?: string;
}

export const REGIONS: Region[] = [
  {
    key: 'pt',
    province: '25',
    tag: '',
    volume: 1,
    agencyPrefix: '',
    from: '2020-01-01',
    to: LAST_FORMER_DAY,
  },
  {
    key: 'vp',
    province: '26',
    tag: 'vinh-phuc',
    volume: 0.35,
    agencyPrefix: 'VP-',
    from: '2020-01-01',
    to: LAST_FORMER_DAY,
  },
  {
    key: 'hb',
    province: '17',
    tag: 'hoa-binh',
    volume: 0.3,
    agencyPrefix: 'HB-',
    from: '2020-01-01',
    to: LAST_FORMER_DAY,
  },
  // The three together (documents and reported figures); its dossiers follow the national portal instead.
  { key: 'merged', province: '25', tag: 'hop-nhat', volume: 1.65, agencyPrefix: '', from: REFORM_DAY },
];

/**
 * Departments merged on 1 March 2025 (the same in each province): the former code → the merged one. Sở Nông nghiệp
 * và Môi trường and Sở Dân tộc và Tôn giáo are new codes; the others take over an existing department.
 */
export const DEPARTMENT_MERGERS: Record<string, string> = {
  SKHDT: 'STC',
  STTTT: 'SKHCN',
  SGTVT: 'SXD',
  STNMT: 'SNNMT',
  SNNPTNT: 'SNNMT',
  SLDTBXH: 'SNV',
  BDT: 'SDTTG',
};
export const NEW_DEPARTMENTS = [
  { code: 'SNNMT', name: 'Sở Nông nghiệp và Môi trường', sector: 'nong_nghiep', docWeight: 40 },
  { code: 'SDTTG', name: 'Sở Dân tộc và Tôn giáo', sector: 'dan_toc', docWeight: 8 },
];

const FORMER_PROVINCES: Record<string, { name: string; lat: number; lon: number }> = {
  '26': { name: 'Tỉnh Vĩnh Phúc', lat: 21.36, lon: 105.55 },
  '17': { name: 'Tỉnh Hoà Bình', lat: 20.73, lon: 105.35 },
};

const kindOf = (name: string): string => {
  for (const k of ['Thành phố', 'Thị xã', 'Huyện', 'Phường', 'Thị trấn', 'Xã'])
    if (name.startsWith(`${k} `)) return k.toLocaleLowerCase('vi');
  return '';
};

/** "Thành phố Việt Trì" → "UBND thành phố Việt Trì". */
export const committeeName = (u: { name: string; kind: string }) =>
  `UBND ${u.name.slice(0, u.kind.length).toLocaleLowerCase('vi')}${u.name.slice(u.kind.length)}`;

/** Centre of a GeoJSON geometry's vertices (enough to place a label or a former commune near it). */
function centre(coords: unknown): [number, number] {
  let sx = 0;
  let sy = 0;
  let n = 0;
  const walk = (x: unknown) => {
    if (Array.isArray(x) && typeof x[0] === 'number') {
      sx += x[0] as number;
      sy += x[1] as number;
      n++;
    } else if (Array.isArray(x)) for (const y of x) walk(y);
  };
  walk(coords);
  return [Math.round((sy / n) * 10_000) / 10_000, Math.round((sx / n) * 10_000) / 10_000];
}

export interface MergerReference {
  /** Vĩnh Phúc, Hòa Bình and their units until 30/6/2025; the 148 communes from 1/7/2025. */
  units: DemoUnit[];
  unitSuccessors: UnitSuccessor[];
  /** The new communes' volume and on-time share on the national portal in August 2026 (calibration). */
  portal: Map<string, { received: number; onTime: number }>;
}

/**
 * The merged province's units and successors. `ptCommunes` are the demo's former Phú Thọ communes (with their
 * districts): each is given, whole, to one of the new communes made from its district's real former communes.
 */
export function buildMerger(ptCommunes: readonly DemoUnit[]): MergerReference {
  const fresh = readCsv('communes-2025.csv');
  const former = readCsv('communes-before-2025.csv');
  const crosswalk = readCsv('crosswalk-2025.csv');
  const geo = JSON.parse(readFileSync(new URL('phutho-communes-2025.geojson', DIR), 'utf8')) as {
    features: { properties: { code: string; areaKm2: number }; geometry: { coordinates: unknown } }[];
  };
  const place = new Map(geo.features.map((f) => [f.properties.code, centre(f.geometry.coordinates)]));
  const area = new Map(geo.features.map((f) => [f.properties.code, f.properties.areaKm2]));
  const portal = new Map(
    readCsv('portal-2026-08-communes.csv').map((r) => [
      r.code,
      { received: Number(r.received), onTime: Number(r.on_time) },
    ]),
  );
  const units: DemoUnit[] = [];
  const unitSuccessors: UnitSuccessor[] = [];

  // The former provinces merged into Phú Thọ, their districts and communes (Phú Thọ's own are the demo's).
  for (const [code, p] of Object.entries(FORMER_PROVINCES)) {
    units.push({
      code,
      name: p.name,
      level: 'province',
      parent_code: '',
      kind: 'tỉnh',
      valid_from: '1997-01-01',
      valid_to: LAST_FORMER_DAY,
      lat: p.lat,
      lon: p.lon,
      district: '',
      weight: 0,
    });
  }
  const others = former.filter((r) => r.province_code in FORMER_PROVINCES);
  const successorsOf = new Map<string, string[]>();
  for (const r of crosswalk)
    successorsOf.set(r.old_code, [...(successorsOf.get(r.old_code) ?? []), r.new_code]);
  const districts = new Map<string, { name: string; province: string; points: [number, number][] }>();
  for (const r of others) {
    const home = successorsOf.get(r.code)?.[0];
    const at = home ? place.get(home) : undefined;
    if (!at) throw new Error(`units-2025: former commune ${r.code} has no successor with a boundary`);
    // Near its successor's centre, a little apart from its siblings.
    const lat = Math.round((at[0] + (hash01('former', r.code, 'lat') - 0.5) * 0.03) * 10_000) / 10_000;
    const lon = Math.round((at[1] + (hash01('former', r.code, 'lon') - 0.5) * 0.03) * 10_000) / 10_000;
    const kind = kindOf(r.name);
    const h = hash01('former', r.code, 'weight');
    units.push({
      code: r.code,
      name: r.name,
      level: 'commune',
      parent_code: r.district_code,
      kind,
      valid_from: '2008-08-01',
      valid_to: LAST_FORMER_DAY,
      lat,
      lon,
      district: r.district_code,
      weight: kind === 'phường' ? 1.7 + 0.6 * h : kind === 'thị trấn' ? 1.5 + 0.5 * h : 0.55 + 0.9 * h,
    });
    const d = districts.get(r.district_code) ?? { name: r.district, province: r.province_code, points: [] };
    d.points.push([lat, lon]);
    districts.set(r.district_code, d);
  }
  for (const [code, d] of districts) {
    const mean = (i: 0 | 1) =>
      Math.round((d.points.reduce((s, p) => s + p[i], 0) / d.points.length) * 10_000) / 10_000;
    units.push({
      code,
      name: d.name,
      level: 'district',
      parent_code: d.province,
      kind: kindOf(d.name),
      valid_from: '2008-08-01',
      valid_to: LAST_FORMER_DAY,
      lat: mean(0),
      lon: mean(1),
      district: code,
      weight: 0,
    });
  }
  // The 148 communes and wards, weighted by their dossiers on the portal (the median where it has none).
  const received = [...portal.values()].map((p) => p.received).sort((a, b) => a - b);
  const median = received[Math.floor(received.length / 2)] ?? 1;
  for (const r of fresh) {
    const at = place.get(r.code);
    if (!at) throw new Error(`units-2025: commune ${r.code} has no boundary`);
    const kind = r.kind === 'phuong' ? 'phường' : 'xã';
    units.push({
      code: r.code,
      name: r.name,
      level: 'commune',
      parent_code: '25',
      kind,
      valid_from: r.valid_from,
      valid_to: '',
      lat: at[0],
      lon: at[1],
      district: r.code,
      weight: (portal.get(r.code)?.received ?? median) / median,
    });
  }

  // Successors: the real crosswalk for Vĩnh Phúc and Hòa Bình (a divided commune by the new communes' areas) …
  for (const r of crosswalk) {
    if (!(r.old_province_code in FORMER_PROVINCES)) continue;
    const parts = successorsOf.get(r.old_code) ?? [];
    const total = parts.reduce((s, c) => s + (area.get(c) ?? 0), 0);
    unitSuccessors.push({
      old_code: r.old_code,
      new_code: r.new_code,
      share: r.share === 'part' ? 'part' : 'whole',
      weight: r.share === 'part' ? Math.round(((area.get(r.new_code) ?? 0) / total) * 10_000) / 10_000 : '',
      valid_from: REFORM_DAY,
    });
  }
  // … the demo's Phú Thọ communes dealt, whole, over the new communes their district's real communes went to
  // (each new commune to the district most of its former communes came from) …
  const homeVotes = new Map<string, Map<string, number>>();
  for (const r of crosswalk) {
    if (r.old_province_code !== '25') continue;
    const votes = homeVotes.get(r.new_code) ?? new Map<string, number>();
    votes.set(r.old_district_code, (votes.get(r.old_district_code) ?? 0) + 1);
    homeVotes.set(r.new_code, votes);
  }
  const areaOf = new Map<string, string[]>();
  for (const [code, votes] of [...homeVotes].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const home = [...votes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
    areaOf.set(home, [...(areaOf.get(home) ?? []), code]);
  }
  const dealt = new Map<string, number>();
  for (const c of ptCommunes) {
    const targets = areaOf.get(c.district);
    if (!targets?.length) throw new Error(`units-2025: no new commune for district ${c.district}`);
    const k = dealt.get(c.district) ?? 0;
    dealt.set(c.district, k + 1);
    unitSuccessors.push({
      old_code: c.code,
      new_code: targets[k % targets.length],
      share: 'whole',
      weight: '',
      valid_from: REFORM_DAY,
    });
  }
  // … and the districts and former provinces dissolve into the province (their own records count for it).
  const allDistricts = new Set([...districts.keys(), ...ptCommunes.map((c) => c.district)]);
  for (const code of [...allDistricts, ...Object.keys(FORMER_PROVINCES)])
    unitSuccessors.push({
      old_code: code,
      new_code: '25',
      share: 'whole',
      weight: '',
      valid_from: REFORM_DAY,
    });
  return { units, unitSuccessors, portal };
}

/**
 * Agencies of the merged story, with their dates, and their successors: each province's departments merged on
 * 1/3/2025; Vĩnh Phúc's and Hòa Bình's departments into Phú Thọ's on 1/7/2025; district People's Committees into
 * the committee of the new commune most of the district went to; commune committees into their successor's.
 */
export function mergerAgencies(
  units: readonly DemoUnit[],
  unitSuccessors: readonly UnitSuccessor[],
  departments: readonly { code: string; name: string; sector: string; docWeight: number }[],
  lateDocs: ReadonlySet<string>,
): { agencies: DemoAgency[]; agencySuccessors: AgencySuccessor[] } {
  const agencies: DemoAgency[] = [];
  const agencySuccessors: AgencySuccessor[] = [];
  const provinceName = new Map(units.filter((u) => u.level === 'province').map((u) => [u.code, u.name]));
  for (const region of REGIONS.filter((r) => r.key !== 'merged')) {
    const p = region.agencyPrefix;
    const suffix = p ? ` ${provinceName.get(region.province)?.replace('Tỉnh', 'tỉnh')}` : '';
    for (const d of [...departments, ...NEW_DEPARTMENTS]) {
      const isNew = NEW_DEPARTMENTS.some((n) => n.code === d.code);
      const merged = DEPARTMENT_MERGERS[d.code];
      agencies.push({
        code: `${p}${d.code}`,
        name: `${d.name}${suffix}`,
        unit_code: region.province,
        kind: 'department',
        sector: d.sector,
        docWeight: isNew ? 0 : d.docWeight * region.volume,
        lateDocs: !p && lateDocs.has(d.code),
        valid_from: isNew ? DEPARTMENTS_MERGED : '',
        valid_to: merged ? LAST_BEFORE_MERGED_DEPARTMENTS : p ? LAST_FORMER_DAY : '',
      });
      if (merged)
        agencySuccessors.push({
          old_code: `${p}${d.code}`,
          new_code: `${p}${merged}`,
          valid_from: DEPARTMENTS_MERGED,
        });
      else if (p)
        agencySuccessors.push({ old_code: `${p}${d.code}`, new_code: d.code, valid_from: REFORM_DAY });
    }
  }
  // People's Committees: every district and commune, former and new.
  const byOld = new Map<string, UnitSuccessor[]>();
  for (const s of unitSuccessors) byOld.set(s.old_code, [...(byOld.get(s.old_code) ?? []), s]);
  // The former province (region) a district or a former commune belonged to; a district's code is unique.
  const districts = new Map(units.filter((u) => u.level === 'district').map((u) => [u.code, u]));
  const regionOf = (u: DemoUnit) => {
    const province = u.level === 'district' ? u.parent_code : districts.get(u.district)?.parent_code;
    return REGIONS.find((r) => r.key !== 'merged' && r.province === province);
  };
  const committeeOf = (u: DemoUnit) => `${u.valid_to ? (regionOf(u)?.agencyPrefix ?? '') : ''}UBND-${u.code}`;
  // A district's committee goes to the new commune that took most of its communes.
  const districtHeir = new Map<string, string>();
  for (const d of districts.values()) {
    const votes = new Map<string, number>();
    for (const c of units.filter((u) => u.level === 'commune' && u.parent_code === d.code))
      for (const s of byOld.get(c.code) ?? [])
        votes.set(s.new_code, (votes.get(s.new_code) ?? 0) + (Number(s.weight) || 1));
    const heir = [...votes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
    if (heir) districtHeir.set(d.code, heir);
  }
  for (const u of units) {
    if (u.level === 'province') continue;
    const former = Boolean(u.valid_to);
    const h = hash01('phu-tho-2021', 'doc-weight', u.code);
    const code = committeeOf(u);
    agencies.push({
      code,
      name: committeeName(u),
      unit_code: u.code,
      kind: u.level === 'district' ? 'district_committee' : 'commune_committee',
      sector: LOCAL_SECTOR,
      docWeight:
        (u.level === 'district' ? (u.code === '227' ? 20 : 14) : former ? 0.85 + 0.7 * h : 1.5 * u.weight) *
        (former ? (regionOf(u)?.volume ?? 1) : 1),
      lateDocs: lateDocs.has(code),
      valid_from: u.valid_from && u.valid_from > '2008-08-01' ? u.valid_from : '',
      valid_to: u.valid_to,
    });
    if (!former) continue;
    const heir =
      u.level === 'district'
        ? districtHeir.get(u.code)
        : [...(byOld.get(u.code) ?? [])].sort((a, b) => (Number(b.weight) || 1) - (Number(a.weight) || 1))[0]
            ?.new_code;
    if (!heir) throw new Error(`no successor committee for ${code}`);
    agencySuccessors.push({ old_code: code, new_code: `UBND-${heir}`, valid_from: REFORM_DAY });
  }
  return { agencies, agencySuccessors };
}

/** The part of the reference a region's feeds are generated from: its units and agencies, the shared catalogue. */
export function regionRef(ref: DemoReference, region: Region): DemoReference {
  const former = region.key !== 'merged';
  const unitIn = (u: DemoUnit): boolean => {
    if (region.key === 'merged') return u.level === 'province' ? u.code === '25' : !u.valid_to;
    if (u.level === 'province') return u.code === region.province;
    if (!u.valid_to) return false;
    const district = u.level === 'district' ? u : ref.units.find((x) => x.code === u.district);
    return district?.parent_code === region.province;
  };
  const units = ref.units.filter(unitIn);
  const codes = new Set(units.map((u) => u.code));
  // The agencies of the region's units (its departments sit at its province): a former region's up to the reform,
  // the merged province's those of today.
  const agencies = ref.agencies.filter(
    (a) => codes.has(a.unit_code) && (former ? a.valid_from < REFORM_DAY : !a.valid_to),
  );
  return { ...ref, units, agencies };
}

/** The agency that stood for `code` on `day` (ISO): the successors taken in order of their first day. */
export function agencyOn(successors: readonly AgencySuccessor[], code: string, day: string): string {
  let current = code;
  for (let hops = 0; hops < 10; hops++) {
    const next = successors.find((s) => s.old_code === current && s.valid_from <= day);
    if (!next) return current;
    current = next.new_code;
  }
  throw new Error(`agency successors of ${code} run in a circle`);
}

/**
 * SQL: the agency code `codeSql` stands for on local day number `daySql`, for the successions that happen inside
 * [fromIso, toIso] among `codes` (a record drawn for a department merged on 1/3/2025 goes to the merged one).
 */
export function agencyOnSql(
  successors: readonly AgencySuccessor[],
  codes: ReadonlySet<string>,
  codeSql: string,
  daySql: string,
  fromIso: string,
  toIso: string,
): string {
  const changes = successors.filter(
    (s) => codes.has(s.old_code) && s.valid_from > fromIso && s.valid_from <= toIso,
  );
  if (!changes.length) return codeSql;
  const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;
  return `CASE ${changes
    .map(
      (s) =>
        `WHEN ${codeSql} = ${lit(s.old_code)} AND ${daySql} >= ${dayFromIso(s.valid_from)} THEN ${lit(agencyOn(successors, s.old_code, s.valid_from))}`,
    )
    .join(' ')} ELSE ${codeSql} END`;
}

/** A feed file of a region and year: the former Phú Thọ's keep the plain names, the merged 2025 is `2025h2`. */
export function feedFileName(feed: string, region: Region, year: number, ext = 'parquet'): string {
  const reformYear = Number(REFORM_DAY.slice(0, 4));
  if (region.key === 'merged') return `${feed}-${year === reformYear ? `${year}h2` : year}.${ext}`;
  return `${feed}-${region.tag ? `${region.tag}-` : ''}${year}.${ext}`;
}

/** The prefix of a region's record ids (`HS-VP-2021-…`); the merged province continues Phú Thọ's numbering. */
export const idTag = (region: Region): string =>
  region.key === 'vp' ? 'VP-' : region.key === 'hb' ? 'HB-' : '';
