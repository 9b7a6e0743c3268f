// The audit log: append-only (no route changes or deletes an entry) and tamper-evident (each entry's hash
// covers the previous hash and the entry), written by one in-process chain so sequence numbers never collide.
import { createHash } from 'node:crypto';
import type { Db } from '../db/index.ts';

export interface AuditEntry {
  actor: string;
  actorKind: string;
  action: string;
  target?: string | null;
  outcome: 'ok' | 'denied' | 'failed';
  ip?: string | null;
  detail?: Record<string, unknown>;
}

import type { AuditRow } from '../../common/rows.ts';

export type { AuditRow };

function entryHash(
  prev: string,
  seq: number,
  at: string,
  e: Omit<AuditRow, 'seq' | 'at' | 'prevHash' | 'hash'>,
) {
  return createHash('sha256')
    .update(
      JSON.stringify([prev, seq, at, e.actor, e.actorKind, e.action, e.target, e.outcome, e.ip, e.detail]),
    )
    .digest('hex');
}

const chains = new WeakMap<Db, Promise<unknown>>();

export function audit(db: Db, e: AuditEntry): Promise<void> {
  const write = async () => {
    const last = await db.query<{ seq: number; hash: string }>(
      'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
    );
    const seq = (last[0]?.seq ?? 0) + 1;
    const prev = last[0]?.hash ?? 'genesis';
    const at = new Date().toISOString();
    const row = {
      actor: e.actor,
      actorKind: e.actorKind,
      action: e.action,
      target: e.target ?? null,
      outcome: e.outcome,
      ip: e.ip ?? null,
      detail: e.detail ? JSON.stringify(e.detail) : null,
    };
    await db.query(
      `INSERT INTO audit_log VALUES ($seq, CAST($at AS TIMESTAMPTZ), $actor, $actorKind, $action, $target, $outcome,
         $ip, $detail, $prev, $hash)`,
      { seq, at, ...row, prev, hash: entryHash(prev, seq, at, row) },
    );
  };
  const p = (chains.get(db) ?? Promise.resolve()).then(write, write);
  chains.set(
    db,
    p.catch((err) => console.error('audit write failed:', err)),
  );
  return p;
}

export const AUDIT_COLUMNS = `seq, strftime(ts, '%Y-%m-%dT%H:%M:%S.%gZ') AS at, actor, actor_kind AS "actorKind", action,
  target, outcome, ip, detail, prev_hash AS "prevHash", hash`;

/** Recompute the chain: the first entry whose hash does not match, or null when intact. */
export async function verifyAudit(db: Db): Promise<{ entries: number; brokenAt: number | null }> {
  const rows = await db.query<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log ORDER BY seq`);
  let prev = 'genesis';
  for (const r of rows) {
    const { seq, at, prevHash, hash, ...rest } = r;
    if (prevHash !== prev || entryHash(prev, seq, at, rest) !== hash)
      return { entries: rows.length, brokenAt: seq };
    prev = hash;
  }
  return { entries: rows.length, brokenAt: null };
}
