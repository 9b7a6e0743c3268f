// Passwords (scrypt, memory-hard) and bearer tokens (random, stored as HMAC-SHA256 under the server secret).
import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const N = 2 ** 15; // 32 MiB per hash with r = 8
const R = 8;
const P = 1;
const KEYLEN = 32;
const MAXMEM = 64 * 1024 * 1024;

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEYLEN, { N: n, r, p, maxmem: MAXMEM }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** `scrypt$N$r$p$salt$hash` (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Checks a password in constant time; a malformed or missing hash is checked against a dummy (same cost). */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const parts = (stored ?? '').split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    await scryptAsync(password, Buffer.alloc(16), N, R, P);
    return false;
  }
  const [, n, r, p, salt, hash] = parts;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scryptAsync(password, Buffer.from(salt, 'base64url'), +n, +r, +p);
  return expected.length === key.length && timingSafeEqual(expected, key);
}

/** What a password must be: long enough, not the user name, not a well-known default. */
export function passwordProblem(password: string, username?: string): string | null {
  if (password.length < 10) return 'password must be at least 10 characters';
  if (username && password.toLowerCase().includes(username.toLowerCase()))
    return 'password must not contain the user name';
  if (WEAK.has(password.toLowerCase())) return 'password is a well-known default';
  return null;
}
const WEAK = new Set(['changeme123', 'password123', 'admin12345', '1234567890', 'qwertyuiop', 'matkhau123']);

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Keyed hash of a session id or token: what the store keeps. */
export function tokenHash(secret: string, token: string): string {
  return createHmac('sha256', secret).update(token).digest('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Bearer tokens name their kind and record: `ioc_src_<id>_<secret>` (feed source), `ioc_dev_<id>_<secret>` (wall
 * device). The id finds the row; the secret is compared by its HMAC.
 */
export type TokenKind = 'src' | 'dev';
export function makeToken(kind: TokenKind, id: string): { token: string; secret: string } {
  const secret = randomToken(24);
  return { token: `ioc_${kind}_${id}_${secret}`, secret };
}
export function parseToken(token: string): { kind: TokenKind; id: string; secret: string } | null {
  const m = /^ioc_(src|dev)_([A-Za-z0-9]{8,32})_([A-Za-z0-9_-]{20,64})$/.exec(token);
  return m ? { kind: m[1] as TokenKind, id: m[2], secret: m[3] } : null;
}
export function newId(): string {
  return randomBytes(9).toString('hex');
}

/** The key the processes of one cluster prove themselves to each other with: derived from their shared secret. */
export function clusterKey(secret: string): string {
  return createHmac('sha256', secret).update('ioc-cluster-note').digest('base64url');
}
