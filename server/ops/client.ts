// The CLIs' way to the running server: http://127.0.0.1:<PORT>/api/ops/… with the operator token the server
// writes at boot (<IOC_DATA_DIR>/run/ops.token, mode 0600, accepted from loopback only). No answer: no server.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Env } from '../env.ts';

export interface OpsClient {
  base: string;
  token?: string;
}

export const opsTokenPath = (dataDir: string) => join(resolve(dataDir), 'run', 'ops.token');

export function opsClient(env: Env): OpsClient {
  const file = opsTokenPath(env.IOC_DATA_DIR);
  const token = existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
  return { base: `http://127.0.0.1:${env.PORT}`, token: token || undefined };
}

/** Whether a server answers on the port (a store held by a server cannot be opened by a CLI). */
export async function serverAnswers(client: OpsClient, timeoutMs = 2000): Promise<boolean> {
  try {
    const res = await fetch(`${client.base}/api/health`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

/** A JSON call; throws with the server's error message on a non-2xx answer. */
export async function call<T>(
  client: OpsClient,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = {};
  if (client.token) headers.Authorization = `Bearer ${client.token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${client.base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = { error: text.slice(0, 200) };
  }
  if (!res.ok) {
    const msg = (json as { error?: string }).error ?? res.statusText;
    throw new Error(`${method} ${path}: ${res.status} ${msg}`);
  }
  return json as T;
}
