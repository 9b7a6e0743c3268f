// npm run import:boundaries -- <file> [--level district|commune] [--code-prop P | --name-prop P] [--parent-prop P]
// [--dry-run]: match a GeoJSON/TopoJSON file's features to units and store their geometry, printing the report.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Db } from '../db/index.ts';
import { parseEnv } from '../env.ts';
import { LEVELS, type UnitLevel } from '../geo/geometry.ts';
import { type ImportReport, importBoundaries } from '../geo/import.ts';
import { loadReferenceIfPresent, openStore } from '../store.ts';

const USAGE = `usage: npm run import:boundaries -- <file.geojson|file.topojson> [options]
  --level district|commune|province   unit level of the features (default: the level that matches best)
  --code-prop P                        property holding the unit code (GSO code)
  --name-prop P                        property holding the unit name (matched within the parent)
  --parent-prop P                      property holding the parent's code or name
  --dry-run                            match and report, write nothing
Without --code-prop/--name-prop the properties are guessed from common names (ma_huyen, ten_xa, NAME_2, …).`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    level: { type: 'string' },
    'code-prop': { type: 'string' },
    'name-prop': { type: 'string' },
    'parent-prop': { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help || positionals.length !== 1) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 1);
}
if (values.level !== undefined && !LEVELS.includes(values.level as UnitLevel)) {
  console.error(`--level must be one of ${LEVELS.join(', ')}`);
  process.exit(1);
}

const MAX_LIST = 25;
function list<T>(title: string, items: T[], line: (x: T) => string): void {
  console.log(`  ${title}: ${items.length}`);
  for (const x of items.slice(0, MAX_LIST)) console.log(`    ${line(x)}`);
  if (items.length > MAX_LIST) console.log(`    … and ${items.length - MAX_LIST} more`);
}

function print(r: ImportReport): void {
  const how = (v: string | null, guessed: boolean) =>
    v === null ? (guessed ? 'none found' : 'not used') : `${v}${guessed ? ' (guessed)' : ''}`;
  console.log(`${r.file}: ${r.format}, ${r.features} features`);
  console.log(
    `  level ${how(r.level, r.guessed.level)}; code property ${how(r.props.code, r.guessed.code)}; ` +
      `name property ${how(r.props.name, r.guessed.name)}; parent property ${how(r.props.parent, r.guessed.parent)}`,
  );
  const byCode = r.matched.filter((m) => m.by === 'code').length;
  console.log(
    `  matched features: ${r.matched.length} (${byCode} by code, ${r.matched.length - byCode} by name)`,
  );
  for (const m of r.merged) console.log(`    ${m.features} features merged into unit ${m.code}`);
  list('unmatched features', r.unmatched, (m) => `#${m.index} ${m.label}: ${m.reason}`);
  list(`${r.level} units left without a feature`, r.unitsWithout, (u) => `${u.code} ${u.name}`);
  console.log(
    r.dryRun ? '  dry run: nothing written' : `  wrote ${r.written} boundaries (source ${r.source})`,
  );
}

const env = parseEnv();
let db: Db;
try {
  db = await openStore(env);
} catch (e) {
  const msg = e instanceof Error ? e.message : String(e);
  // DuckDB lets one process hold the store file: the running server must be stopped first.
  console.error(
    `cannot open the store: ${msg}${/lock/i.test(msg) ? '\n  (is the server running? stop it, import, start it again)' : ''}`,
  );
  process.exit(1);
}
let code = 0;
try {
  await loadReferenceIfPresent(db, resolve(env.IOC_DATA_DIR));
  const report = await importBoundaries(db, resolve(positionals[0]), {
    level: values.level as UnitLevel | undefined,
    codeProp: values['code-prop'],
    nameProp: values['name-prop'],
    parentProp: values['parent-prop'],
    dryRun: values['dry-run'],
  });
  print(report);
  if (report.matched.length === 0) code = 2;
  else if (!report.dryRun) await db.checkpoint();
} catch (e) {
  console.error(`import failed: ${e instanceof Error ? e.message : String(e)}`);
  code = 1;
} finally {
  db.close();
}
process.exit(code);
