// The feedback feed (phản ánh, kiến nghị — PAKN) of the demo province, written as CSV: about 1.300 items a year at
// scale 1 (the merged province's portal shows some 250 a month for three times the dossiers), to departments and
// People's Committees, answered within the statutory 10 working days most of the time, some late, a few rejected,
// and rated by about two senders in three. A fifth of the items come without a deadline, so the statutory
// default (the working-day calendar) is exercised too.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  addWorkingDays,
  DAY_S,
  isoFromDay,
  isoLocalWithOffset,
  isWorkingDay,
  LOCAL_OFFSET_S,
} from './calendar.ts';
import type { GenContext } from './context.ts';
import { toCsv } from './csv.ts';
import { idTag } from './merger.ts';
import { hash01, hashPoisson } from './random.ts';

interface FeedbackRow {
  id: string;
  received_at: string;
  channel: string;
  agency_code: string;
  unit_code: string;
  topic: string;
  procedure_code: string;
  dossier_id: string;
  due_at: string;
  resolved_at: string;
  status: string;
  satisfied: string;
  updated_at: string;
}

const CHANNELS: [string, number][] = [
  ['national_portal', 0.34],
  ['provincial_portal', 0.22],
  ['hotline', 0.18],
  ['app', 0.14],
  ['letter', 0.07],
  ['in_person', 0.05],
];
const TOPICS = [
  'Hồ sơ quá hạn chưa trả kết quả',
  'Yêu cầu bổ sung giấy tờ không đúng quy định',
  'Thái độ phục vụ của cán bộ tiếp nhận',
  'Không nhận được thông báo kết quả qua mạng',
  'Lỗi thanh toán trực tuyến phí, lệ phí',
  'Đề nghị hướng dẫn thủ tục đất đai',
  'Phản ánh về ô nhiễm môi trường khu dân cư',
  'Kiến nghị sửa chữa đường giao thông nông thôn',
  'Đề nghị giải quyết chế độ chính sách',
  'Phản ánh trật tự đô thị, lấn chiếm vỉa hè',
];
/** Items per day at scale 1 on a working day. */
const PER_WORKING_DAY = 5.2;
const STATUTORY_DAYS = 10;

function pick<T>(options: readonly [T, number][], u: number): T {
  let acc = 0;
  for (const [v, w] of options) {
    acc += w;
    if (u < acc) return v;
  }
  return options[options.length - 1][0];
}

/** Generate and write `feeds/feedback/feedback.csv`. */
export async function writeFeedback(ctx: GenContext): Promise<{ files: string[]; rows: number }> {
  const { ref, region } = ctx;
  // Regions other than the former Phú Thọ draw their own numbers (a seed of their own).
  const seed = region.tag ? `${ctx.seed}:${region.tag}` : ctx.seed;
  const procedures = ref.procedures;
  const size = region.volume;
  const rows: FeedbackRow[] = [];
  for (let day = ctx.fromDay; day <= ctx.toDay; day++) {
    const mean = PER_WORKING_DAY * ctx.scale * size * (isWorkingDay(day) ? 1 : 0.15);
    const n = hashPoisson(mean, seed, 'fb-n', day);
    // The agencies in force that day (departments merged on 1/3/2025).
    const iso = isoFromDay(day);
    const live = ref.agencies.filter((a) => (a.valid_from || iso) <= iso && (a.valid_to || iso) >= iso);
    const departments = live.filter((a) => a.kind === 'department');
    const committees = live.filter((a) => a.kind !== 'department' && a.kind !== 'other');
    for (let k = 0; k < n; k++) {
      const key = [seed, 'fb', day, k] as const;
      const received = day * DAY_S - LOCAL_OFFSET_S + 25_200 + Math.floor(hash01(...key, 't') * 39_600);
      if (received > ctx.asOfS) continue;
      const toDepartment = hash01(...key, 'who') < 0.4;
      const pool = toDepartment ? departments : committees;
      const agency = pool[Math.floor(hash01(...key, 'agency') * pool.length)];
      const aboutDossier = hash01(...key, 'dossier') < 0.3;
      const proc = aboutDossier
        ? procedures[Math.floor(hash01(...key, 'proc') * procedures.length)]
        : undefined;
      const dueDay = addWorkingDays(day, STATUTORY_DAYS);
      const due = dueDay * DAY_S - LOCAL_OFFSET_S + 61_200;
      const fate = hash01(...key, 'fate');
      // 80 % answered within the deadline, 12 % late, 4 % rejected (not within competence), the rest still open.
      let resolved: number | null = null;
      let status = 'processing';
      if (fate < 0.8) resolved = received + Math.floor(hash01(...key, 'd') * (due - received));
      else if (fate < 0.92) resolved = due + DAY_S + Math.floor(hash01(...key, 'd') ** 2 * 20 * DAY_S);
      else if (fate < 0.96) {
        resolved = received + Math.floor((1 + hash01(...key, 'd') * 3) * DAY_S);
        status = 'rejected';
      }
      if (resolved !== null && resolved > ctx.asOfS) resolved = null;
      if (resolved !== null && status !== 'rejected') status = 'resolved';
      if (resolved === null) status = ctx.asOfS - received < DAY_S ? 'received' : 'processing';
      const rated = status === 'resolved' && hash01(...key, 'rated') < 0.68;
      const happy = hash01(...key, 'happy') < (resolved !== null && resolved <= due ? 0.82 : 0.3);
      rows.push({
        id: `PAKN-${idTag(region)}${isoLocalWithOffset(received).slice(0, 4)}-${day}-${k}`,
        received_at: isoLocalWithOffset(received),
        channel: pick(CHANNELS, hash01(...key, 'ch')),
        agency_code: agency.code,
        unit_code: '',
        topic: TOPICS[Math.floor(hash01(...key, 'topic') * TOPICS.length)],
        procedure_code: proc?.code ?? '',
        dossier_id: '',
        due_at: hash01(...key, 'nodue') < 0.2 ? '' : isoLocalWithOffset(due),
        resolved_at: resolved === null ? '' : isoLocalWithOffset(resolved),
        status,
        satisfied: rated ? String(happy) : '',
        updated_at: isoLocalWithOffset(resolved ?? received),
      });
    }
  }
  const dir = join(ctx.dataDir, 'feeds', 'feedback');
  await mkdir(dir, { recursive: true });
  const file = join(dir, region.key === 'pt' ? 'feedback.csv' : `feedback-${region.tag}.csv`);
  await writeFile(
    file,
    toCsv<FeedbackRow>(
      [
        'id',
        'received_at',
        'channel',
        'agency_code',
        'unit_code',
        'topic',
        'procedure_code',
        'dossier_id',
        'due_at',
        'resolved_at',
        'status',
        'satisfied',
        'updated_at',
      ],
      rows,
    ),
    'utf8',
  );
  return { files: [file], rows: rows.length };
}
