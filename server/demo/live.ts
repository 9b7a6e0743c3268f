// Live demo traffic: every few seconds a small delivery of new documents, new and completed dossiers and
// payments goes through the same loader as a pushed feed, so the wall is alive and freshness is real.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VN_OFFSET } from '../../common/vn-time.ts';
import type { Db } from '../db/index.ts';
import { inForceSql, vnDateSql } from '../db/sql.ts';
import { loadDelivery } from '../feeds/loader.ts';
import type { FeedName } from '../feeds/specs.ts';

interface Pools {
  agencies: string[];
  procedures: { code: string; service_level: string; has_fee: boolean; level: string }[];
}

/** Start the loop; returns a stop function. Deterministic enough for a demo, random enough to look alive. */
export function startLive(
  db: Db,
  archiveDir: string,
  intervalMs: number,
  log: (s: string) => void = () => {},
): () => void {
  let seq = 0;
  let pools: Pools | undefined;
  let running = false;
  const dir = join(archiveDir, 'live');
  mkdirSync(dir, { recursive: true });

  const tick = async () => {
    if (running) return;
    running = true;
    try {
      pools ??= {
        // today's agencies (the former ones would be mapped to their successors by the loader anyway)
        agencies: (
          await db.query<{ code: string }>(
            `SELECT code FROM agencies WHERE ${inForceSql('agencies', vnDateSql('now()'))} ORDER BY code`,
          )
        ).map((r) => r.code),
        procedures: await db.query(
          'SELECT code, service_level, has_fee, level FROM procedures ORDER BY code',
        ),
      };
      if (pools.agencies.length === 0 || pools.procedures.length === 0) return;
      const now = new Date();
      const iso = now.toISOString();
      const stamp = `${now.getTime()}-${seq++}`;
      const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];
      const docs = Array.from({ length: 3 + Math.floor(Math.random() * 6) }, (_, i) => {
        const out = Math.random() < 0.5;
        return {
          id: `LIVE-VB-${stamp}-${i}`,
          direction: out ? 'out' : 'in',
          agency_code: pick(pools!.agencies),
          at: iso,
          doc_type: 'công văn',
          subject: out ? 'V/v báo cáo tình hình thực hiện nhiệm vụ' : 'Đề nghị phối hợp xử lý',
          digitally_signed: Math.random() < 0.98,
          via_national_axis: out && Math.random() < 0.3,
          is_task: false,
          due_at: out ? null : new Date(now.getTime() + 7 * 86_400_000).toISOString(),
          updated_at: iso,
        };
      });
      // New dossiers are due 7 working days after today (the working-day calendar), at 17:00.
      const due = await db.query<{ due: string }>(
        `SELECT strftime(w2.day, '%Y-%m-%d') AS due FROM workdays w1
         JOIN workdays w2 ON w2.working AND w2.seq = w1.seq + 7 WHERE w1.day = ${vnDateSql('now()')}`,
      );
      const dueAt = due[0]
        ? `${due[0].due}T17:00:00${VN_OFFSET}`
        : new Date(now.getTime() + 10 * 86_400_000).toISOString();
      // Complete a few open dossiers (their last state wins by updated_at) and receive new ones.
      const open = await db.query<Record<string, unknown>>(
        `SELECT * EXCLUDE (delivery_id, loaded_at) FROM dossiers WHERE completed_at IS NULL
           AND status IN ('received', 'processing') AND received_at > now() - INTERVAL 60 DAY LIMIT 3`,
      );
      const completed = open.map((d) => ({
        ...d,
        status: 'completed',
        completed_at: iso,
        result_digitized: true,
        updated_at: iso,
      }));
      const fresh = Array.from({ length: 2 + Math.floor(Math.random() * 4) }, (_, i) => {
        const p = pick(pools!.procedures);
        const online = p.service_level !== 'information' && Math.random() < 0.7;
        return {
          id: `LIVE-HS-${stamp}-${i}`,
          procedure_code: p.code,
          agency_code: pick(pools!.agencies),
          channel: online ? 'online' : 'counter',
          received_at: iso,
          due_at: dueAt,
          status: 'received',
          fee_vnd: p.has_fee ? 50_000 : 0,
          paid_online: p.has_fee && online,
          updated_at: iso,
        };
      });
      const pays = fresh
        .filter((d) => d.paid_online)
        .map((d, i) => ({
          id: `LIVE-TT-${stamp}-${i}`,
          dossier_id: d.id,
          agency_code: d.agency_code,
          amount_vnd: d.fee_vnd,
          paid_at: iso,
          channel: 'national_portal',
          status: 'success',
          e_receipt: true,
          updated_at: iso,
        }));
      const batches: [FeedName, unknown[]][] = [
        ['documents', docs],
        ['dossiers', [...completed, ...fresh]],
        ['payments', pays],
      ];
      for (const [feed, rows] of batches) {
        if (rows.length === 0) continue;
        const path = join(dir, `${feed}-${stamp}.ndjson`);
        writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n'));
        try {
          await loadDelivery(db, { feed, path, name: `live ${feed}`, format: 'ndjson', source: 'demo-live' });
        } finally {
          // Demo traffic is not worth archiving: thousands of tiny files a day.
          rmSync(path, { force: true });
        }
      }
      log(
        `live: +${docs.length} documents, +${fresh.length} dossiers, ${completed.length} completed, +${pays.length} payments`,
      );
    } catch (e) {
      log(`live: ${(e as Error).message}`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(tick, intervalMs);
  void tick();
  return () => clearInterval(timer);
}
