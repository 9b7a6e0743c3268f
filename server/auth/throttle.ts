// Sign-in throttling: per account name and per client address, a growing wait after repeated failures, and a
// lock of the account name after too many. Unknown names are throttled exactly like real ones, so the answers
// never reveal whether an account exists. Kept in memory (bounded); a restart clears it.

export interface ThrottlePolicy {
  /** Wait after the 3rd consecutive failure; doubles with each further failure. */
  delayMs: number;
  maxDelayMs: number;
  /** Consecutive failures of one account name that lock it. */
  lockAfter: number;
  lockMs: number;
}

interface Entry {
  failures: number;
  nextAt: number;
  lockedUntil: number;
}

export type Verdict = { ok: true } | { ok: false; locked: boolean; retryAfterMs: number };

const MAX_ENTRIES = 50_000;

export class LoginThrottle {
  private entries = new Map<string, Entry>();
  constructor(
    private policy: ThrottlePolicy,
    private now: () => number = Date.now,
  ) {}

  private get(key: string): Entry | undefined {
    return this.entries.get(key);
  }

  private inFlight = new Set<string>();

  /**
   * Reserve an attempt for this account from this address, or refuse it. One attempt per account name and per
   * address is checked at a time, so a burst of parallel guesses cannot all pass the gate before the first
   * failure is counted; `end()` releases the reservation whatever the outcome.
   */
  begin(account: string, address: string): Verdict {
    const keys = [`a:${account.toLowerCase()}`, `ip:${address}`];
    const v = this.check(account, address);
    if (!v.ok) return v;
    if (keys.some((k) => this.inFlight.has(k))) return { ok: false, locked: false, retryAfterMs: 250 };
    for (const k of keys) this.inFlight.add(k);
    return v;
  }

  end(account: string, address: string): void {
    this.inFlight.delete(`a:${account.toLowerCase()}`);
    this.inFlight.delete(`ip:${address}`);
  }

  /** May an attempt for this account from this address be checked now? */
  check(account: string, address: string): Verdict {
    const t = this.now();
    const a = this.get(`a:${account.toLowerCase()}`);
    if (a && a.lockedUntil > t) return { ok: false, locked: true, retryAfterMs: a.lockedUntil - t };
    const waits = [a, this.get(`ip:${address}`)].map((e) => (e ? e.nextAt - t : 0));
    const wait = Math.max(...waits);
    return wait > 0 ? { ok: false, locked: false, retryAfterMs: wait } : { ok: true };
  }

  /** Record a failure; returns the verdict for the next attempt (locked when this failure locked the account). */
  fail(account: string, address: string): Verdict {
    const t = this.now();
    for (const key of [`a:${account.toLowerCase()}`, `ip:${address}`]) {
      const e = this.entries.get(key) ?? { failures: 0, nextAt: 0, lockedUntil: 0 };
      if (e.lockedUntil && e.lockedUntil <= t) {
        e.failures = 0;
        e.lockedUntil = 0;
      }
      e.failures++;
      const k = e.failures - 3;
      e.nextAt = k >= 0 ? t + Math.min(this.policy.maxDelayMs, this.policy.delayMs * 2 ** k) : 0;
      if (key.startsWith('a:') && e.failures >= this.policy.lockAfter) e.lockedUntil = t + this.policy.lockMs;
      this.entries.delete(key);
      this.entries.set(key, e); // most recent last: the oldest go first when full
    }
    if (this.entries.size > MAX_ENTRIES) {
      // Oldest first, but never a lock still running (flooding the table must not unlock an account).
      for (const [k, e] of this.entries) {
        if (this.entries.size <= MAX_ENTRIES) break;
        if (e.lockedUntil <= t) this.entries.delete(k);
      }
    }
    return this.check(account, address);
  }

  succeed(account: string, address: string): void {
    this.entries.delete(`a:${account.toLowerCase()}`);
    this.entries.delete(`ip:${address}`);
  }
}

/**
 * A sign-in name in its one normal form (trimmed, lower case), or null when it holds characters no account name
 * may have (user names are ASCII letters, digits and . _ -): used for both the throttle's lock and the lookup.
 */
export function normalizeUsername(name: string): string | null {
  const n = name.trim();
  return /^[A-Za-z0-9._-]{1,100}$/.test(n) ? n.toLowerCase() : null;
}
