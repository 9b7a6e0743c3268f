// The API's own description: the OpenAPI document and a small docs page whose script is served from here
// (no CDN, no inline script: the CSP allows only 'self').
import { Hono } from 'hono';
import type { AppEnv } from '../app.ts';
import { DOCS_HTML, DOCS_JS } from '../openapi/docs-page.ts';
import { openApiDocument } from '../openapi/document.ts';

const API_VERSION = '0.1.0';
/** Built once: the schemas do not change while the server runs. */
const doc = openApiDocument(API_VERSION);

export const docsRoutes = new Hono<AppEnv>()
  .get('/openapi.json', (c) => c.json(doc))
  .get('/docs', (c) => c.html(DOCS_HTML))
  .get('/docs/docs.js', (c) => c.body(DOCS_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
