// Deterministic randomness. Small tables (reference data, daily counts, reports) use a stateless
// JS hash so a value depends only on its key, never on generation order; the big feeds use the
// SQL macro built in sql.ts from the same seed.

/** Chris Wellons' lowbias32: a cheap 32-bit integer hash with good avalanche. */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

function stringKey(s: string): number {
  // FNV-1a, then mixed: turns codes such as 'traffic_accidents' into hash inputs.
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix32(h);
}

/** Uniform number in [0, 1) determined by the key parts. */
export function hash01(...parts: ReadonlyArray<number | string>): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    const k = typeof p === 'string' ? stringKey(p) : mix32(p | 0) ^ mix32(Math.floor(p / 2 ** 32));
    h = mix32(h ^ k) + 0x632be5ab;
  }
  return mix32(h) / 2 ** 32;
}

/** Approximately standard-normal value from a key (sum of four uniforms, rescaled). */
export function hashNormal(...parts: ReadonlyArray<number | string>): number {
  let s = 0;
  for (let j = 0; j < 4; j++) s += hash01(...parts, 'n', j);
  return (s - 2) / Math.sqrt(4 / 12);
}

/** Poisson-distributed integer (inversion; fine for the small means of monthly incident counts). */
export function hashPoisson(mean: number, ...parts: ReadonlyArray<number | string>): number {
  if (mean > 60) return Math.max(0, Math.round(mean + Math.sqrt(mean) * hashNormal(...parts)));
  const u = hash01(...parts, 'p');
  let p = Math.exp(-mean);
  let cum = p;
  let k = 0;
  while (u > cum && k < 500) {
    k++;
    p *= mean / k;
    cum += p;
  }
  return k;
}

/** Deterministic Fisher–Yates shuffle keyed by `key`. */
export function shuffled<T>(items: readonly T[], ...key: ReadonlyArray<number | string>): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(hash01(...key, i) * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** splitmix64 of the seed: the 64-bit constant XOR-ed into every SQL hash key. */
export function sqlSeedKey(seed: number): bigint {
  const mask = (1n << 64n) - 1n;
  let z = (BigInt(Math.trunc(seed)) * 0x9e3779b97f4a7c15n + 0x9e3779b97f4a7c15n) & mask;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask;
  return (z ^ (z >> 31n)) & mask;
}
