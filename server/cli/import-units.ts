// npm run import:units -- <folder> [--province 25] [--reference DIR] [--dry-run]: take an official list of units
// after a reform and its crosswalk, in the form of ../shared/units-2025/ (communes-2025.csv, communes-before-2025.csv,
// crosswalk-2025.csv and the new communes' GeoJSON), into the reference data: the former communes, districts and
// provinces get their last day (valid_to), the new communes are added from their first day (a reused national code
// becomes a second version), and unit_successors.csv says which former units make up each new one — a divided
// commune by weights from the new communes' areas unless the crosswalk gives them. It prints what matched, what
// was new and what was left unmapped, so the next reform is a data change, not a code change. The reference is
// then loaded as usual (next start, or npm run load).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseEnv } from '../env.ts';

const USAGE = `usage: npm run import:units -- <folder> [--province 25] [--reference data/reference] [--dry-run]
  <folder>      communes-2025.csv (code,name,kind,valid_from), communes-before-2025.csv
                (code,name,district_code,district,province_code,province,valid_to), crosswalk-2025.csv
                (new_code,…,old_code,…,share[,weight]) and optionally a GeoJSON of the new communes (code, areaKm2)
  --province    code of the province the new communes belong to (default: the province in units.csv)
  --reference   the reference folder to update (default: $IOC_DATA_DIR/reference)
  --dry-run     report, write nothing`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    province: { type: 'string' },
    reference: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help || positionals.length !== 1) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}
const src = resolve(positionals[0]);
const refDir = resolve(values.reference ?? join(parseEnv(process.env).IOC_DATA_DIR, 'reference'));
const pick = (re: RegExp) => readdirSync(src).find((f) => re.test(f));
const files = {
  fresh: pick(/^communes-\d{4}\.csv$/),
  former: pick(/^communes-before-\d{4}\.csv$/),
  crosswalk: pick(/^crosswalk-\d{4}\.csv$/),
  geo: pick(/communes-\d{4}\.geojson$/),
};
for (const [k, f] of Object.entries(files))
  if (!f && k !== 'geo') {
    console.error(
      `${src}: no ${k === 'fresh' ? 'communes-YYYY.csv' : k === 'former' ? 'communes-before-YYYY.csv' : 'crosswalk-YYYY.csv'}`,
    );
    process.exit(2);
  }
if (!existsSync(join(refDir, 'units.csv'))) {
  console.error(`${refDir}/units.csv not found: the import updates an existing unit list`);
  process.exit(2);
}

/** Areas and rough centres of the new communes, from their boundaries. */
function geometryFacts(): { code: string; area: number | null; lat: number | null; lon: number | null }[] {
  if (!files.geo) return [];
  const fc = JSON.parse(readFileSync(join(src, files.geo), 'utf8')) as {
    features: { properties: Record<string, unknown>; geometry: { type: string; coordinates: unknown } }[];
  };
  return fc.features.map((f) => {
    const pts: number[][] = [];
    const walk = (x: unknown) => {
      if (Array.isArray(x) && typeof x[0] === 'number') pts.push(x as number[]);
      else if (Array.isArray(x)) for (const y of x) walk(y);
    };
    walk(f.geometry?.coordinates);
    const avg = (i: number) => (pts.length ? pts.reduce((s, p) => s + p[i], 0) / pts.length : null);
    return {
      code: String(f.properties.code ?? f.properties.ma ?? ''),
      area: typeof f.properties.areaKm2 === 'number' ? f.properties.areaKm2 : null,
      lat: avg(1),
      lon: avg(0),
    };
  });
}

const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;
const inst = await DuckDBInstance.create(':memory:');
const c = await inst.connect();
const q = async <T>(sql: string) => (await c.runAndReadAll(sql)).getRowObjectsJS() as T[];
const csv = (f: string) => `read_csv(${lit(f)}, all_varchar = true, header = true)`;
await c.run(`CREATE TABLE cur AS SELECT * FROM ${csv(join(refDir, 'units.csv'))}`);
await c.run(`CREATE TABLE fresh AS SELECT * FROM ${csv(join(src, files.fresh!))}`);
await c.run(`CREATE TABLE former AS SELECT * FROM ${csv(join(src, files.former!))}`);
await c.run(`CREATE TABLE cw AS SELECT * FROM ${csv(join(src, files.crosswalk!))}`);
const geo = geometryFacts();
await c.run('CREATE TABLE geo (code VARCHAR, area DOUBLE, lat DOUBLE, lon DOUBLE)');
if (geo.length)
  await c.run(
    `INSERT INTO geo VALUES ${geo.map((g) => `(${lit(g.code)}, ${g.area ?? 'NULL'}, ${g.lat ?? 'NULL'}, ${g.lon ?? 'NULL'})`).join(', ')}`,
  );
const curCols = (await q<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE cur)`)).map(
  (r) => r.column_name,
);
for (const col of ['valid_from', 'valid_to', 'lat', 'lon', 'kind', 'parent_code'])
  if (!curCols.includes(col)) await c.run(`ALTER TABLE cur ADD COLUMN ${col} VARCHAR`);
const province =
  values.province ??
  (await q<{ code: string }>(`SELECT code FROM cur WHERE level = 'province' LIMIT 1`))[0]?.code;
if (!province) {
  console.error('no province in units.csv: give --province');
  process.exit(2);
}
const reform = (await q<{ d: string }>(`SELECT min(valid_from) AS d FROM fresh`))[0].d;
const weightCol = (await q<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE cw)`)).some(
  (r) => r.column_name === 'weight',
);

// The report: which former communes the current list already had, which units are new, what is left unmapped.
const matched = await q<{ code: string }>(
  `SELECT f.code FROM former f JOIN cur ON cur.code = f.code AND cur.level = 'commune' ORDER BY 1`,
);
const newFormer = await q<{ code: string; name: string }>(
  `SELECT code, name FROM former WHERE code NOT IN (SELECT code FROM cur WHERE level = 'commune') ORDER BY 1`,
);
const unmappedFormer = await q<{ code: string; name: string }>(
  `SELECT code, name FROM former WHERE code NOT IN (SELECT old_code FROM cw) ORDER BY 1`,
);
const unmappedCurrent = await q<{ code: string; name: string }>(
  `SELECT code, name FROM cur WHERE level = 'commune' AND coalesce(valid_to, '') = ''
     AND coalesce(valid_from, '0001-01-01') < ${lit(reform)}
     AND code NOT IN (SELECT old_code FROM cw) AND code NOT IN (SELECT code FROM fresh) ORDER BY 1`,
);
const divided = await q<{ old_code: string; new_code: string; weight: number }>(
  `SELECT old_code, new_code,
     ${weightCol ? 'coalesce(TRY_CAST(weight AS DOUBLE),' : '('} g.area / sum(g.area) OVER (PARTITION BY old_code)) AS weight
   FROM cw LEFT JOIN geo g ON g.code = cw.new_code WHERE share = 'part' ORDER BY 1, 2`,
);

const kindOf = (name: string) =>
  `CASE WHEN ${name} LIKE 'Phường %' THEN 'phường' WHEN ${name} LIKE 'Thị trấn %' THEN 'thị trấn'
        WHEN ${name} LIKE 'Xã %' THEN 'xã' WHEN ${name} LIKE 'Thành phố %' THEN 'thành phố'
        WHEN ${name} LIKE 'Thị xã %' THEN 'thị xã' WHEN ${name} LIKE 'Huyện %' THEN 'huyện' ELSE NULL END`;
const cols = ['code', 'name', 'level', 'parent_code', 'kind', 'valid_from', 'valid_to', 'lat', 'lon'];
const extra = curCols.filter((x) => !cols.includes(x));
const pad = extra.map((x) => `NULL AS ${x}`).join(', ');
await c.run(`CREATE TABLE out AS
  -- the current list, the former units given their last day
  SELECT cur.code, cur.name, cur.level, cur.parent_code, cur.kind, cur.valid_from,
    CASE WHEN coalesce(cur.valid_to, '') <> '' THEN cur.valid_to
         WHEN cur.level = 'commune' AND cur.code IN (SELECT code FROM former)
           AND coalesce(cur.valid_from, '0001-01-01') < ${lit(reform)} THEN (SELECT max(valid_to) FROM former)
         WHEN cur.level = 'district' AND cur.code IN (SELECT district_code FROM former) THEN (SELECT max(valid_to) FROM former)
         WHEN cur.level = 'province' AND cur.code <> ${lit(province)} AND cur.code IN (SELECT province_code FROM former)
           THEN (SELECT max(valid_to) FROM former)
         ELSE cur.valid_to END AS valid_to,
    cur.lat, cur.lon${extra.map((x) => `, cur.${x}`).join('')}
  FROM cur
  UNION ALL -- former provinces, districts and communes the list did not have
  SELECT DISTINCT province_code, province, 'province', NULL, 'tỉnh', NULL, valid_to, NULL, NULL${pad ? `, ${pad}` : ''}
  FROM former WHERE province_code <> ${lit(province)} AND province_code NOT IN (SELECT code FROM cur)
  UNION ALL
  SELECT district_code, any_value(district), 'district', any_value(province_code), ${kindOf('any_value(district)')}, NULL,
    max(valid_to), NULL, NULL${pad ? `, ${pad}` : ''}
  FROM former WHERE district_code NOT IN (SELECT code FROM cur WHERE level = 'district') GROUP BY district_code
  UNION ALL
  SELECT code, name, 'commune', district_code, ${kindOf('name')}, NULL, valid_to, NULL, NULL${pad ? `, ${pad}` : ''}
  FROM former WHERE code NOT IN (SELECT code FROM cur WHERE level = 'commune')
  UNION ALL -- the new communes, from their first day (a reused code is a second version)
  SELECT f.code, f.name, 'commune', ${lit(province)}, CASE f.kind WHEN 'xa' THEN 'xã' WHEN 'phuong' THEN 'phường' ELSE f.kind END,
    f.valid_from, NULL, CAST(round(g.lat, 5) AS VARCHAR), CAST(round(g.lon, 5) AS VARCHAR)${pad ? `, ${pad}` : ''}
  FROM fresh f LEFT JOIN geo g ON g.code = f.code
  WHERE NOT EXISTS (SELECT 1 FROM cur WHERE cur.code = f.code AND cur.valid_from = f.valid_from)`);
await c.run(`CREATE TABLE successors AS
  SELECT old_code, new_code, share,
    CASE WHEN share = 'part' THEN ${weightCol ? 'coalesce(TRY_CAST(cw.weight AS DOUBLE), ' : '('}g.area / sum(g.area) OVER (PARTITION BY old_code)) END AS weight,
    ${lit(reform)} AS valid_from
  FROM cw LEFT JOIN geo g ON g.code = cw.new_code
  UNION ALL -- the former districts and provinces dissolve into the province (their own records count for it)
  SELECT DISTINCT district_code, ${lit(province)}, 'whole', NULL, ${lit(reform)} FROM former
  UNION ALL
  SELECT DISTINCT province_code, ${lit(province)}, 'whole', NULL, ${lit(reform)} FROM former
  WHERE province_code <> ${lit(province)}
  ORDER BY 2, 1`);

const counts = (
  await q<{ n: number; f: number }>(
    `SELECT (SELECT count(*) FROM fresh) AS n, (SELECT count(*) FROM former) AS f`,
  )
)[0];
console.log(
  `Reform of ${reform}: ${counts.f} former communes → ${counts.n} communes (province ${province}).`,
);
console.log(
  `Matched in the current list: ${matched.length} former communes${
    matched.length
      ? ` (${matched
          .slice(0, 5)
          .map((m) => m.code)
          .join(', ')}${matched.length > 5 ? ', …' : ''})`
      : ''
  }.`,
);
console.log(
  `New: ${newFormer.length} former communes the list did not have, ${counts.n} new communes from ${reform}.`,
);
console.log(
  `Divided between new communes (weights from the new communes' areas unless given): ${divided.map((d) => `${d.old_code} → ${d.new_code} ${(d.weight * 100).toFixed(1)} %`).join('; ') || 'none'}.`,
);
const unmapped = [...unmappedFormer, ...unmappedCurrent];
console.log(
  unmapped.length
    ? `Left unmapped (no successor; the load will refuse it): ${unmapped.map((u) => `${u.code} ${u.name}`).join(', ')}`
    : 'Left unmapped: none.',
);
if (values['dry-run']) {
  console.log('Dry run: nothing written.');
} else {
  const header = [...cols, ...extra];
  await c.run(
    `COPY (SELECT ${header.join(', ')} FROM out ORDER BY level, code, valid_from NULLS FIRST) TO ${lit(join(refDir, 'units.csv'))} (HEADER, DELIMITER ',')`,
  );
  await c.run(`COPY successors TO ${lit(join(refDir, 'unit_successors.csv'))} (HEADER, DELIMITER ',')`);
  console.log(
    `Written: ${join(refDir, 'units.csv')}, ${join(refDir, 'unit_successors.csv')}. Load them with the next start or npm run load.`,
  );
}
c.closeSync();
inst.closeSync();
process.exit(unmapped.length ? 1 : 0);
