// npm run index766:check -- <portal files or folders …> [--json] [--all]: the monthly reconciliation of the QĐ 766
// score with the national public-service portal. Reads the portal's answers (any group, any period), scores each
// unit's published parameters with our method and prints, per unit and indicator, the portal's points, ours and
// the difference; indicators whose method the portal does not publish are listed as unknown. Exit 1 when a known
// indicator differs by more than 0,015 points (the portal's rounding), 2 when a file cannot be read.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatNumber } from '../../common/format.ts';
import { type ReconcileRow, reconcile, summarise, TOLERANCE } from '../kpis/index766-reconcile.ts';

const USAGE = `usage: npm run index766:check -- <file.json | folder> … [--json] [--all]
  --json   one JSON row per unit and indicator: file, group, unit, code, level, indicator, numerator,
           denominator, portal, ours, diff, method (known | unknown)
  --all    print every row (default: the differences, the unknown ones and a summary per group)`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: 'boolean', default: false },
    all: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help || positionals.length === 0) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}

const files = positionals.flatMap((p) =>
  statSync(p).isDirectory()
    ? readdirSync(p)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => join(p, f))
    : [p],
);
const rows: ReconcileRow[] = [];
let failed = false;
for (const f of files) {
  try {
    rows.push(...reconcile(basename(f), JSON.parse(readFileSync(f, 'utf8'))));
  } catch (e) {
    failed = true;
    console.error(e instanceof Error ? e.message : String(e));
  }
}

const s = summarise(rows);
if (values.json) {
  process.stdout.write(`${JSON.stringify(rows, null, 1)}\n`);
} else {
  const v = (x: number | null) => (x === null ? '—' : formatNumber('vi', x, 2));
  const off = (r: ReconcileRow) => r.method === 'known' && (r.diff === null || Math.abs(r.diff) > TOLERANCE);
  const shown = values.all ? rows : rows.filter((r) => off(r) || r.method === 'unknown');
  const groups = [...new Set(rows.map((r) => `${r.file} (${r.group})`))];
  for (const g of groups) {
    const inG = rows.filter((r) => `${r.file} (${r.group})` === g);
    const gs = summarise(inG);
    console.log(
      `${g}: ${gs.known} chỉ tiêu có công thức, ${gs.agree} khớp (±${formatNumber('vi', TOLERANCE, 3)}), ${gs.differ} lệch; ${gs.unknown} chưa rõ cách tính`,
    );
  }
  if (shown.length > 0) {
    console.log('');
    console.log(['Đơn vị', 'Chỉ tiêu', 'Cổng', 'Ta tính', 'Chênh', 'Cách tính'].join('\t'));
    for (const r of shown)
      console.log(
        [
          r.unit,
          r.indicator,
          v(r.portal),
          v(r.ours),
          v(r.diff),
          r.method === 'known' ? 'đã biết' : 'chưa công bố',
        ].join('\t'),
      );
  }
  console.log('');
  console.log(
    `${s.rows} dòng: ${s.agree}/${s.known} khớp với Cổng trong ±${formatNumber('vi', TOLERANCE, 3)} điểm, ${s.differ} lệch, ${s.unknown} chưa rõ cách tính.`,
  );
}
process.exit(failed ? 2 : s.differ > 0 ? 1 : 0);
