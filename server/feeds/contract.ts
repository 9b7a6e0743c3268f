// The feed contract as this product publishes it: generated from the feed specs (specs.ts) and the value kinds
// (fields.ts), so what an integrator reads is what the loader enforces. Served as JSON (GET /api/feeds/contract),
// as a page (GET /api/docs/feeds) and as the push bodies of the OpenAPI document.
import type { FieldKind, FieldSpec } from './fields.ts';
import { FEED_NAMES, FEEDS, type FeedName } from './specs.ts';

export const CONTRACT_VERSION = 2;

/** Media types a push accepts, and the format each is read as. */
export const PUSH_TYPES = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/x-ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/json': 'json',
  'application/vnd.apache.parquet': 'parquet',
  'application/x-parquet': 'parquet',
} as const;

const FEED_TITLES: Record<FeedName, { vi: string; en: string }> = {
  documents: { vi: 'Văn bản điện tử và nhiệm vụ được giao', en: 'Electronic documents and assigned tasks' },
  dossiers: { vi: 'Hồ sơ thủ tục hành chính (một cửa)', en: 'Administrative-procedure dossiers (one-stop)' },
  payments: { vi: 'Thanh toán trực tuyến', en: 'Online payments' },
  reports: { vi: 'Số liệu báo cáo định kỳ', en: 'Periodic report values' },
  feedback: {
    vi: 'Phản ánh, kiến nghị của người dân, doanh nghiệp (PAKN)',
    en: 'Citizen and business feedback (PAKN)',
  },
};

/** What a value of each kind may look like in a delivery, and how it is stored. */
export const VALUE_KINDS: Record<FieldKind['kind'], { accepts: string; stored: string }> = {
  id: { accepts: '1–64 printable characters, unique within the feed', stored: 'text' },
  timestamp: {
    accepts:
      'ISO 8601 with or without offset (2026-11-29T09:05:00+07:00), or dd/MM/yyyy HH:mm[:ss]; a time without offset is Vietnam time (UTC+7)',
    stored: 'instant (TIMESTAMPTZ)',
  },
  date: { accepts: 'YYYY-MM-DD or dd/MM/yyyy', stored: 'date' },
  boolean: { accepts: 'true/false, 1/0, yes/no, có/không (any case); empty means absent', stored: 'boolean' },
  vnd: {
    accepts: 'an integer ≥ 0, plain (1234567) or with Vietnamese thousands dots (1.234.567)',
    stored: 'BIGINT',
  },
  number: {
    accepts: 'a JSON number or text with a . decimal; in CSV also Vietnamese 1.234,5',
    stored: 'DOUBLE',
  },
  text: { accepts: 'any UTF-8 text; normalised to NFC when loaded', stored: 'text' },
  enum: { accepts: 'one of the listed words, any case', stored: 'text' },
  code: { accepts: 'a code present in the named reference table', stored: 'text' },
  period: {
    accepts: 'a reporting period: 2026-11 (month), 2026-Q3, 2026-H1, 2026',
    stored: 'period start and end dates',
  },
};

export const RULES: string[] = [
  'A delivery is one file or one request. It loads atomically: its valid records land in one transaction, or none do (a crash, a missing required column, an unreadable body).',
  'The same content twice (same SHA-256) is a no-op, answered with duplicateDelivery: true and the id of the delivery that loaded it.',
  'Every record is validated. An invalid record is rejected with where (line for CSV and NDJSON, else record number), field, value and reason; it is kept in the rejects (GET /api/feeds/rejects), never dropped silently.',
  'In NDJSON, a line that is not a JSON object is one rejected record; the other lines load. A body with no JSON object at all is refused.',
  'Columns the feed does not know are ignored and named in the load report (the first 50, with their count). A missing required column refuses the whole delivery.',
  'Records are upserted by id: a record replaces the stored one when its updated_at is newer or equal (or neither has one); an older one is counted stale.',
  'Codes (agency_code, unit_code, procedure_code, indicator_code) must exist in the reference data; an unknown code rejects the record, naming it.',
  'An event time more than one day after the load is rejected (deadlines may lie in the future).',
];

/** How dossiers are counted (version 2): what the services KPIs and the one-stop table do with the fields. */
export const DOSSIER_COUNTING: string[] = [
  'A period is judged as it stood at its end: a dossier completed after the period is "in progress" in it, so a closed period keeps its figures.',
  'Handled = received in the period + carried over (received before it, neither completed nor closed when it starts).',
  'Completed in the period: early (result on a day before the due day), on the due day (that day, not after due_at), late (after due_at). On-time rate = (early + on the due day) ÷ completed.',
  'In progress at the period end: within the deadline (due_at not passed) or overdue (due_at passed).',
  'Waiting for supplement at the period end: supplement_requested_at before the end and supplemented_at empty or after it; without those fields, status = supplement. The clock is paused: never overdue while waiting.',
  'Returned, withdrawn, cancelled: closed at closed_at (default updated_at); never late, never overdue, and left out of the on-time rate.',
  'Day counts (processing time, deadlines of reports) are working days of the calendar: Monday–Friday minus holidays and days off in lieu, plus Saturdays worked by a swap.',
  'The one-stop rules in force: Nghị định 61/2018/NĐ-CP and 107/2021/NĐ-CP until 30/6/2025; Nghị định 118/2025/NĐ-CP from 1/7/2025. Online-service levels: mức độ 3/4 until 31/7/2022, một phần/toàn trình from 1/8/2022.',
];

/** Reference files added in version 2 that change how days are counted. */
export const CALENDAR_FILE = {
  file: 'data/reference/calendar.csv',
  columns: ['date (YYYY-MM-DD)', 'kind: holiday | day_off_in_lieu | working_day', 'name'],
  meaning:
    'Exceptions to Monday–Friday working weeks. The rows of a year replace the built-in calendar of that year (2020–2027 ship built in: Tết and Giỗ Tổ from the lunar calendar, make-up days, the government’s day swaps). An admin may also replace one year: PUT /api/admin/calendar/{year}.',
  reportCutOffs:
    'Reports (Nghị định 09/2019/NĐ-CP): a month’s figures run from the 15th of the month before to the 14th; quarters, half-years and years likewise; a report is due at the end of the day due_days working days after the cut-off, and expected once the cut-off has passed.',
};

function describeField(f: FieldSpec) {
  const t = f.type;
  return {
    name: f.name,
    kind: t.kind,
    required: f.required,
    ...(f.default !== undefined ? { default: f.default } : {}),
    ...(t.kind === 'enum' ? { values: [...t.values] } : {}),
    ...(t.kind === 'code' ? { reference: t.table } : {}),
    ...(f.planned ? { planned: true } : {}),
  };
}

/** The whole contract, machine-readable. */
export function feedContract() {
  return {
    version: CONTRACT_VERSION,
    push: {
      method: 'POST',
      path: '/api/feeds/{feed}',
      auth: 'Authorization: Bearer <feed-source token> (Quản trị › Nguồn dữ liệu)',
      contentTypes: Object.keys(PUSH_TYPES),
    },
    folders:
      'Files dropped into data/feeds/<feed>/ (.csv, .ndjson, .jsonl, .json, .parquet) load at start-up and with npm run load.',
    csv: 'Comma-separated, one header row, RFC 4180 quotes, UTF-8 with or without BOM, LF or CRLF; header names match trimmed and case-insensitively.',
    rules: RULES,
    dossierCounting: DOSSIER_COUNTING,
    calendar: CALENDAR_FILE,
    values: VALUE_KINDS,
    feeds: FEED_NAMES.map((name) => ({
      name,
      title: FEED_TITLES[name],
      eventTime: FEEDS[name].eventTime,
      freshWithinHours: FEEDS[name].cadenceHours,
      fields: FEEDS[name].fields.map(describeField),
    })),
  };
}

type JsonSchema = Record<string, unknown>;

/** A record of a feed as JSON Schema (the JSON and NDJSON push bodies). */
export function recordSchema(feed: FeedName): JsonSchema {
  const prop = (f: FieldSpec): JsonSchema => {
    const t = f.type;
    const description = `${VALUE_KINDS[t.kind].accepts}${f.required ? '' : ' (optional)'}`;
    switch (t.kind) {
      case 'enum':
        return { type: 'string', enum: [...t.values], description };
      case 'boolean':
        return { type: ['boolean', 'string', 'integer'], description };
      case 'vnd':
        return { type: ['integer', 'string'], description };
      case 'number':
        return { type: ['number', 'string'], description };
      case 'timestamp':
        return { type: 'string', examples: ['2026-11-29T09:05:00+07:00', '29/11/2026 09:05'], description };
      default:
        return { type: 'string', description };
    }
  };
  const fields = FEEDS[feed].fields;
  return {
    type: 'object',
    title: `${feed} record`,
    required: fields.filter((f) => f.required).map((f) => f.name),
    properties: Object.fromEntries(fields.map((f) => [f.name, prop(f)])),
    additionalProperties: true,
  };
}

/** The push body of every feed and content type, for the OpenAPI document. */
export function pushBodies(): Record<string, { schema: JsonSchema; description: string }> {
  const oneOf = (s: (f: FeedName) => JsonSchema) => ({ oneOf: FEED_NAMES.map(s) });
  const columns = FEED_NAMES.map(
    (n) => `${n}: ${FEEDS[n].fields.map((f) => `${f.name}${f.required ? '' : '?'}`).join(', ')}`,
  ).join(' — ');
  return {
    'text/csv': {
      schema: { type: 'string' },
      description: `CSV with a header row. Columns per feed (? = optional): ${columns}`,
    },
    'application/x-ndjson': {
      schema: { type: 'string' },
      description: 'One JSON object per line, each a record of the feed (the application/json item schema).',
    },
    'application/json': {
      schema: oneOf((f) => ({ type: 'array', title: `${f} records`, items: recordSchema(f) })),
      description: 'A JSON array of records of the feed named in the path.',
    },
    'application/vnd.apache.parquet': {
      schema: { type: 'string', format: 'binary' },
      description: 'A Parquet file whose columns are the feed’s fields (typed columns need no text parsing).',
    },
  };
}

const esc = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** The contract as a page (no script; styles inline in a <style> element, which the CSP allows). */
export function contractPage(): string {
  const c = feedContract();
  const rows = (fields: ReturnType<typeof describeField>[]) =>
    fields
      .map(
        (f) =>
          `<tr><td><code>${esc(f.name)}</code></td><td>${esc(f.kind)}${
            'values' in f && f.values ? `: ${f.values.map((v) => `<code>${esc(v)}</code>`).join(', ')}` : ''
          }${'reference' in f && f.reference ? ` (${esc(f.reference)})` : ''}</td><td>${f.required ? 'bắt buộc / required' : `tùy chọn / optional${'default' in f && f.default ? `, default ${esc(f.default)}` : ''}`}</td></tr>`,
      )
      .join('');
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hợp đồng dữ liệu — IOC Phú Thọ feed contract v${c.version}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1c2430}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}td,th{border-bottom:1px solid #d8dee8;padding:.3rem .5rem;text-align:left;vertical-align:top}
code{background:#f1f4f8;padding:0 .2rem;border-radius:3px}h2{margin-top:2rem}</style></head><body>
<h1>Hợp đồng dữ liệu nguồn — Feed contract, version ${c.version}</h1>
<p>What a source system delivers and what this product does with it. Machine-readable: <a href="/api/feeds/contract"><code>GET /api/feeds/contract</code></a>; push bodies per feed in <a href="/api/openapi.json">the OpenAPI document</a>.</p>
<h2>Delivering</h2>
<p><code>POST /api/feeds/{feed}</code> with <code>${esc(c.push.auth)}</code>, <code>Content-Type</code>: ${c.push.contentTypes.map((t) => `<code>${esc(t)}</code>`).join(', ')}. ${esc(c.folders)}</p>
<p>${esc(c.csv)}</p>
<h2>Rules</h2><ul>${c.rules.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>
<h2>How dossiers are counted</h2><ul>${c.dossierCounting.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>
<h2>Working-day calendar</h2><p><code>${esc(c.calendar.file)}</code>: ${esc(c.calendar.columns.join(', '))}. ${esc(c.calendar.meaning)}</p><p>${esc(c.calendar.reportCutOffs)}</p>
<h2>Values</h2><table><tr><th>kind</th><th>accepted</th><th>stored as</th></tr>${Object.entries(c.values)
    .map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v.accepts)}</td><td>${esc(v.stored)}</td></tr>`)
    .join('')}</table>
${c.feeds
  .map(
    (f) =>
      `<h2 id="${f.name}"><code>${f.name}</code> — ${esc(f.title.vi)} / ${esc(f.title.en)}</h2><p>Freshness from <code>${esc(f.eventTime)}</code>; stale after ${f.freshWithinHours} h without a newer event.</p><table><tr><th>field</th><th>kind</th><th></th></tr>${rows(f.fields)}</table>`,
  )
  .join('\n')}
</body></html>`;
}
