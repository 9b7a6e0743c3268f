// The API's own description: the OpenAPI document and a small docs page whose script is served from here
// (no CDN, no inline script: the CSP allows only 'self').
import { Hono } from 'hono';
import type { AppEnv } from '../app.ts';
import { contractPage } from '../feeds/contract.ts';
import { DOCS_HTML, DOCS_JS } from '../openapi/docs-page.ts';
import { openApiDocument } from '../openapi/document.ts';
import { OpenApiAnswer } from './responses.ts';
import { route, routeTable } from './route.ts';

const API_VERSION = '0.1.0';
/** Built at the first request, once every route module has declared its routes; they do not change after. */
let doc: ReturnType<typeof openApiDocument> | undefined;

const R = {
  openapi: route({
    method: 'get',
    path: '/api/openapi.json',
    response: OpenApiAnswer,
    need: 'public',
    summary: 'This OpenAPI document',
    tag: 'system',
  }),
  docs: route({
    method: 'get',
    path: '/api/docs',
    need: 'public',
    summary: 'The API documentation page',
    tag: 'system',
    produces: ['text/html'],
  }),
  feeds: route({
    method: 'get',
    path: '/api/docs/feeds',
    need: 'public',
    summary: 'The feed contract as a page',
    tag: 'system',
    produces: ['text/html'],
  }),
  docsJs: route({
    method: 'get',
    path: '/api/docs/docs.js',
    need: 'public',
    summary: 'The documentation page’s script',
    tag: 'system',
    produces: ['text/javascript'],
  }),
};

export const docsRoutes = new Hono<AppEnv>()
  .get(R.openapi.path, R.openapi.guard, (c) => {
    doc ??= openApiDocument(API_VERSION, routeTable());
    return c.json(doc);
  })
  .get(R.docs.path, R.docs.guard, (c) => c.html(DOCS_HTML))
  .get(R.feeds.path, R.feeds.guard, (c) => c.html(contractPage()))
  .get(R.docsJs.path, R.docsJs.guard, (c) =>
    c.body(DOCS_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }),
  );
