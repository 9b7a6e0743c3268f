// The /api/docs page: plain HTML plus one script file from our origin that renders /api/openapi.json as a list of
// routes with their parameters (type, allowed values, default) and a ready-to-run example URL.
export const DOCS_HTML = `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>IOC Phú Thọ — API</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1rem 2rem; color: #1b1f24; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.1rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
.route { border: 1px solid #ddd; border-radius: 6px; padding: .5rem 1rem; margin: .75rem 0; }
.method { display: inline-block; min-width: 3.5rem; font-weight: 700; text-transform: uppercase; }
.get { color: #0a6b2f; } .post { color: #8a4b00; }
code { background: #f3f4f6; padding: 0 .25rem; border-radius: 3px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin: .5rem 0; }
th, td { text-align: left; border-bottom: 1px solid #eee; padding: .2rem .4rem; vertical-align: top; }
.muted { color: #666; }
</style>
</head>
<body>
<h1>IOC Phú Thọ — API</h1>
<p>Tài liệu sinh tự động từ lược đồ kiểm tra tham số (zod) · Generated from the routes' own zod schemas.
<a href="/api/openapi.json">openapi.json</a></p>
<main id="docs"><p class="muted">Đang tải… / Loading…</p></main>
<script type="module" src="/api/docs/docs.js"></script>
</body>
</html>`;

export const DOCS_JS = `// Renders the OpenAPI document into #docs with DOM calls only (no innerHTML of document text).
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const k of kids) e.append(k);
  return e;
};
const typeOf = (s) => {
  if (!s) return '';
  if (s.enum) return s.enum.join(' | ');
  let t = s.type || (s.anyOf ? s.anyOf.map(typeOf).join(' | ') : '');
  if (s.format) t += ' (' + s.format + ')';
  if (s.pattern) t += ' ' + s.pattern;
  if (s.minimum !== undefined && s.minimum > -9007199254740991) t += ' ≥ ' + s.minimum;
  if (s.maximum !== undefined && s.maximum < 9007199254740991) t += ' ≤ ' + s.maximum;
  return t;
};
const doc = await (await fetch('/api/openapi.json')).json();
const root = document.getElementById('docs');
root.replaceChildren(el('p', {}, doc.info.description));
const byTag = new Map();
for (const [path, ops] of Object.entries(doc.paths)) {
  for (const [method, op] of Object.entries(ops)) {
    const tag = (op.tags && op.tags[0]) || 'other';
    if (!byTag.has(tag)) byTag.set(tag, []);
    byTag.get(tag).push({ path, method, op });
  }
}
for (const [tag, routes] of byTag) {
  root.append(el('h2', {}, tag));
  for (const { path, method, op } of routes) {
    const box = el('section', { class: 'route', id: op.operationId });
    box.append(el('div', {}, el('span', { class: 'method ' + method }, method), el('code', {}, path)));
    box.append(el('p', {}, op.summary));
    if (op.parameters && op.parameters.length) {
      const t = el('table', {}, el('tr', {}, el('th', {}, 'Tham số / Parameter'), el('th', {}, 'Ở / In'),
        el('th', {}, 'Kiểu / Type'), el('th', {}, 'Mặc định / Default')));
      for (const p of op.parameters) {
        t.append(el('tr', {}, el('td', {}, el('code', {}, p.name + (p.required ? ' *' : ''))), el('td', {}, p.in),
          el('td', {}, typeOf(p.schema)), el('td', {}, p.schema && p.schema.default !== undefined ? String(p.schema.default) : '')));
      }
      box.append(t);
    }
    const types = Object.keys((op.responses['200'] || {}).content || {});
    if (types.length) box.append(el('p', { class: 'muted' }, '200 → ' + types.join(', ')));
    root.append(box);
  }
}
`;
