// The typed API client (hc<AppType>) and the one fetcher: a non-2xx answer throws with the server's {error} text.
// State-changing requests carry the session's CSRF token (X-CSRF-Token), which the session hook keeps here.
import { hc } from 'hono/client';
import type { AppType } from '../../server/app.ts';

let csrfToken: string | null = null;
/** The signed-in session's CSRF token (from /api/auth/me or a sign-in answer); null when there is none. */
export function setCsrf(token: string | null | undefined): void {
  csrfToken = token ?? null;
}
const csrfHeaders = (): Record<string, string> => (csrfToken ? { 'X-CSRF-Token': csrfToken } : {});

export const client = hc<AppType>(typeof location === 'undefined' ? 'http://localhost/' : location.origin, {
  headers: csrfHeaders,
});

/** An API answer other than 2xx, carrying the server's message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The answer's JSON body, when it had one (e.g. {retryAfterSeconds, locked} of a refused sign-in). */
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A 403 for asking outside the principal's scope (the server's message says so). */
export function isOutOfScope(e: unknown): boolean {
  return e instanceof ApiError && e.status === 403 && e.message.startsWith('outside your scope');
}

interface JsonResponse {
  ok: boolean;
  status: number;
  statusText: string;
  json(): Promise<unknown>;
}

/** The body of a successful answer: the error shape ({error, issues?}) taken out of the route's union. */
export type Success<R extends JsonResponse> = Exclude<Awaited<ReturnType<R['json']>>, { error: string }>;

async function errorOf(res: {
  status: number;
  statusText: string;
  json(): Promise<unknown>;
}): Promise<ApiError> {
  let message = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
  let body: Record<string, unknown> = {};
  try {
    body = ((await res.json()) ?? {}) as Record<string, unknown>;
    if (typeof body.error === 'string') message = body.error;
  } catch {
    // Not JSON (a proxy's HTML page): keep the status line.
  }
  return new ApiError(res.status, message, body);
}

/** Await a typed client call and return its JSON, or throw an ApiError with the server's message. */
export async function ok<R extends JsonResponse>(call: Promise<R>): Promise<Success<R>> {
  const res = await call;
  if (!res.ok) throw await errorOf(res);
  return (await res.json()) as Success<R>;
}

/** Drop undefined and empty values: query strings carry only what is set. */
export function compact<T extends Record<string, string | undefined>>(q: T): { [K in keyof T]?: string } {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') out[k] = v;
  return out as { [K in keyof T]?: string };
}

export type ExportFormat = 'xlsx' | 'csv' | 'parquet' | 'json';

/** What a view shows, for its export: the answer (value), a breakdown or trend (by), or the records (part). */
export type ExportView =
  | { view: 'value' }
  | { view: 'breakdown'; by: string }
  | { view: 'records'; part: 'numerator' | 'denominator' };

/**
 * The export URL of a view: exactly the view's KPI, period and filters, so the file holds what the screen shows.
 * Records exports carry no limit: the whole list, streamed.
 */
export function exportUrl(
  id: string,
  v: ExportView,
  f: { from: string; to: string; unit?: string; agency?: string; sector?: string; boundaries?: 'then' },
  format: ExportFormat,
  lang: 'vi' | 'en',
): string {
  const q = compact({
    format,
    view: v.view,
    by: v.view === 'breakdown' ? v.by : undefined,
    part: v.view === 'records' ? v.part : undefined,
    from: f.from,
    to: f.to,
    unit: f.unit,
    agency: f.agency,
    sector: f.sector,
    boundaries: f.boundaries,
    lang,
  });
  return `/api/kpis/${encodeURIComponent(id)}/export?${new URLSearchParams(q as Record<string, string>)}`;
}
