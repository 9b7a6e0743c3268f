// The 12 subsystems and their KPIs as data (SUBSYSTEMS.md). Another province edits this file; the engine has no
// KPI-specific code.
// Reported indicators become KPIs `<subsystem>.<indicator_code>` from the indicators reference table.
import type { z } from 'zod';
import { sqlString } from '../db/sql.ts';
import * as S from './dossier-states.ts';
import { IN_FORCE_AT_END } from './sources.ts';
import {
  type Kpi,
  type KpiInput,
  KpiSchema,
  type MeasureInput,
  type Subsystem,
  SubsystemSchema,
} from './types.ts';

const n = (vi: string, en: string) => ({ vi, en });
const count = (source: MeasureInput['source'], where?: string, time?: string): MeasureInput => ({
  source,
  agg: 'count',
  where,
  time,
});

/** A stock "not completed by {end}" condition, evaluated as of the range end. */
const openAt = `s.completed_at IS NULL OR s.completed_at >= {end}`;

export const SUBSYSTEMS: z.input<typeof SubsystemSchema>[] = [
  {
    id: 'direction',
    order: 1,
    name: n('Chỉ đạo, điều hành', 'Direction and management'),
    feeds: ['documents'],
    headline: ['direction.documents_total', 'direction.signed_rate', 'direction.agencies_active_rate'],
  },
  {
    id: 'services',
    order: 2,
    name: n('Dịch vụ công và một cửa điện tử', 'Public services and one-stop shop'),
    feeds: ['dossiers'],
    headline: [
      'services.ontime_rate',
      'services.dossiers_received',
      'services.overdue_in_progress',
      'services.feedback_ontime_rate',
    ],
  },
  {
    id: 'index766',
    order: 3,
    name: n('Bộ chỉ số phục vụ người dân, doanh nghiệp (QĐ 766)', 'Service-quality index (Decision 766)'),
    feeds: ['dossiers', 'payments'],
    headline: ['index766.total', 'index766.progress', 'index766.digitisation'],
  },
  {
    id: 'payments',
    order: 4,
    name: n('Thanh toán trực tuyến', 'Online payments'),
    feeds: ['payments', 'dossiers'],
    headline: [
      'payments.dossier_online_rate',
      'payments.amount_vnd',
      'payments.communes_with_online_payment',
    ],
  },
  {
    id: 'reporting',
    order: 5,
    name: n('Chế độ báo cáo', 'Reporting compliance'),
    feeds: ['reports'],
    headline: ['reporting.ontime_rate', 'reporting.completeness', 'reporting.missing'],
  },
  {
    id: 'economy',
    order: 6,
    name: n('Kinh tế – xã hội', 'Socio-economic targets'),
    feeds: ['reports'],
    headline: ['economy.grdp_growth', 'economy.budget_revenue', 'economy.total_investment'],
  },
  {
    id: 'health',
    order: 7,
    name: n('Y tế', 'Health'),
    feeds: ['reports'],
    headline: [
      'health.health_insurance_coverage',
      'health.child_full_vaccination',
      'health.hospital_bed_occupancy',
    ],
  },
  {
    id: 'education',
    order: 8,
    name: n('Giáo dục', 'Education'),
    feeds: ['reports'],
    headline: [
      'education.schools_national_standard',
      'education.upper_secondary_graduation',
      'education.preschool_enrolment',
    ],
  },
  {
    id: 'environment',
    order: 9,
    name: n('Tài nguyên – môi trường', 'Natural resources and environment'),
    feeds: ['reports'],
    headline: ['environment.aqi_average', 'environment.clean_water_access', 'environment.forest_cover'],
  },
  {
    id: 'security',
    order: 10,
    name: n('An ninh trật tự và an toàn giao thông', 'Public order and traffic safety'),
    feeds: ['reports'],
    headline: ['security.traffic_accidents', 'security.traffic_deaths', 'security.crimes_solved_rate'],
  },
  {
    id: 'digital',
    order: 11,
    name: n('Hạ tầng số và an toàn thông tin', 'Digital infrastructure and information security'),
    feeds: ['reports', 'documents'],
    headline: ['digital.signatures_issued', 'digital.video_endpoints', 'digital.security_incidents'],
  },
  {
    id: 'rankings',
    order: 12,
    name: n('Chỉ số xếp hạng cấp tỉnh', 'Provincial rankings'),
    feeds: ['reports'],
    headline: ['rankings.pci_score', 'rankings.par_index_score', 'rankings.dti_score'],
  },
];

const pct = { unit: 'percent', scale: 100 } as const;
const docs = (where?: string) => count('documents', where, 'at');
const dossiersBy = (time: string, where?: string) => count('dossiers', where, time);

export const STATIC_KPIS: KpiInput[] = [
  // 1 direction — documents
  {
    id: 'direction.documents_total',
    subsystem: 'direction',
    name: n('Văn bản điện tử gửi, nhận', 'E-documents sent and received'),
    unit: 'count',
    direction: 'up',
    kind: 'flow',
    numerator: docs(),
    feeds: ['documents'],
  },
  {
    id: 'direction.documents_outgoing',
    subsystem: 'direction',
    name: n('Văn bản đi', 'Outgoing documents'),
    unit: 'count',
    direction: 'up',
    kind: 'flow',
    numerator: docs(`s.direction = 'out'`),
    feeds: ['documents'],
  },
  {
    id: 'direction.documents_incoming',
    subsystem: 'direction',
    name: n('Văn bản đến', 'Incoming documents'),
    unit: 'count',
    direction: 'up',
    kind: 'flow',
    numerator: docs(`s.direction = 'in'`),
    feeds: ['documents'],
  },
  {
    id: 'direction.national_axis_outgoing',
    subsystem: 'direction',
    name: n('Văn bản đi qua Trục liên thông quốc gia', 'Outgoing documents over the national axis'),
    unit: 'count',
    direction: 'up',
    kind: 'flow',
    numerator: docs(`s.direction = 'out' AND s.via_national_axis`),
    feeds: ['documents'],
  },
  {
    id: 'direction.signed_rate',
    subsystem: 'direction',
    name: n('Tỷ lệ văn bản đi có ký số', 'Outgoing documents digitally signed'),
    ...pct,
    direction: 'up',
    kind: 'flow',
    target: 100,
    thresholds: { good: 98, warning: 90 },
    numerator: docs(`s.direction = 'out' AND s.digitally_signed`),
    denominator: docs(`s.direction = 'out'`),
    feeds: ['documents'],
  },
  {
    id: 'direction.incoming_ontime_rate',
    subsystem: 'direction',
    name: n('Tỷ lệ văn bản đến xử lý đúng hạn', 'Incoming documents handled on time'),
    ...pct,
    direction: 'up',
    kind: 'flow',
    target: 95,
    thresholds: { good: 95, warning: 85 },
    numerator: count('documents', `s.direction = 'in' AND s.completed_at <= s.due_at`, 'due_at'),
    denominator: count('documents', `s.direction = 'in'`, 'due_at'),
    feeds: ['documents'],
  },
  {
    id: 'direction.incoming_overdue',
    subsystem: 'direction',
    name: n('Văn bản đến quá hạn chưa xử lý', 'Incoming documents overdue'),
    unit: 'count',
    direction: 'down',
    kind: 'stock',
    feeds: ['documents'],
    numerator: count('documents', `s.direction = 'in' AND s.at < {end} AND s.due_at < {end} AND (${openAt})`),
  },
  {
    id: 'direction.tasks_ontime_rate',
    subsystem: 'direction',
    name: n('Tỷ lệ nhiệm vụ hoàn thành đúng hạn', 'Tasks completed on time'),
    ...pct,
    direction: 'up',
    kind: 'flow',
    target: 95,
    thresholds: { good: 95, warning: 85 },
    numerator: count('documents', `s.is_task AND s.completed_at <= s.due_at`, 'due_at'),
    denominator: count('documents', 's.is_task', 'due_at'),
    feeds: ['documents'],
  },
  {
    id: 'direction.tasks_overdue',
    subsystem: 'direction',
    name: n('Nhiệm vụ quá hạn', 'Tasks overdue'),
    unit: 'count',
    direction: 'down',
    kind: 'stock',
    feeds: ['documents'],
    numerator: count('documents', `s.is_task AND s.at < {end} AND s.due_at < {end} AND (${openAt})`),
  },
  {
    id: 'direction.agencies_active_rate',
    subsystem: 'direction',
    name: n(
      'Tỷ lệ cơ quan gửi, nhận văn bản điện tử có tích hợp chữ ký số',
      'Agencies exchanging e-documents with integrated digital signatures',
    ),
    description: n(
      'Cơ quan đang hoạt động cuối kỳ có văn bản điện tử ký số (gửi hoặc nhận) trong kỳ ÷ số cơ quan đang hoạt động cuối kỳ (cơ quan đã sáp nhập không tính hai lần).',
      'Agencies in force at the period end with digitally signed e-documents (sent or received) in the period ÷ agencies in force at the period end (a merged agency is not counted twice).',
    ),
    ...pct,
    direction: 'up',
    kind: 'flow',
    target: 100,
    thresholds: { good: 100, warning: 90 },
    feeds: ['documents'],
    numerator: {
      source: 'documents',
      agg: 'count_distinct',
      expr: 's.agency_code',
      // The same agencies as the denominator: those in force on the period's last day (a year across the reform
      // counts today's agencies, not also the former ones whose documents fell before it).
      where: `s.digitally_signed AND s.agency_code IN (SELECT a.code FROM agencies a WHERE ${IN_FORCE_AT_END('a')})`,
      time: 'at',
    },
    denominator: { source: 'agencies', agg: 'count' },
  },

  // 2 services — dossiers as the one-stop rules count them (dossier-states.ts), and the procedure catalogue
  {
    id: 'services.dossiers_received',
    subsystem: 'services',
    name: n('Hồ sơ tiếp nhận trong kỳ', 'Dossiers received in the period'),
    unit: 'count',
    direction: 'up',
    kind: 'flow',
    numerator: dossiersBy('received_at'),
    feeds: ['dossiers'],
  },
  {
    id: 'services.dossiers_carried_over',
    subsystem: 'services',
    name: n('Hồ sơ kỳ trước chuyển qua', 'Dossiers carried over'),
    description: n(
      'Tiếp nhận trước kỳ, chưa có kết quả, chưa trả lại/rút/hủy khi kỳ bắt đầu.',
      'Received before the period and neither completed nor closed when it starts.',
    ),
    unit: 'count',
    direction: 'down',
    kind: 'stock',
    numerator: count('dossiers', S.CARRIED_OVER),
    feeds: ['dossiers'],
  },
  {
    id: 'services.dossiers_handled',
    subsystem: 'services',
    name: n('Hồ sơ phải giải quyết', 'Dossiers handled'),
    description: n(
      'Tiếp nhận trong kỳ cộng kỳ trước chuyển qua.',
      'Received in the period plus carried over from before it.',
    ),
    unit: 'count',
    direction: 'up',
    kind: 'stock',
    numerator: count('dossiers', S.HANDLED),
    feeds: ['dossiers'],
  },
  {
    id: 'services.dossiers_completed',
    subsystem: 'services',
    name: n('Hồ sơ đã giải quyết', 'Dossiers completed'),
    description: n(
      'Có kết quả trong kỳ; không gồm hồ sơ trả lại, rút, hủy.',
      'Result issued in the period; returned, withdrawn and cancelled dossiers are not counted.',
    ),
    unit: 'count',
    direction: 'up',
    kind: 'flow',
    numerator: dossiersBy('completed_at', S.COMPLETED),
    feeds: ['dossiers'],
  },
  {
    id: 'services.completed_early',
    subsystem: 'services',
    name: n('Giải quyết trước hạn', 'Completed early'),
    description: n('Có kết quả trước ngày hẹn trả.', 'Result issued on a day before the due day.'),
    unit: 'count',
    direction: 'up',
    kind: 'flow',
    numerator: dossiersBy('completed_at', S.EARLY),
    feeds: ['dossiers'],
  },
  {
    id: 'services.completed_on_time',
    subsystem: 'services',
    name: n('Giải quyết đúng hạn', 'Completed on the due day'),
    description: n(
      'Có kết quả trong ngày hẹn trả, không muộn hơn giờ hẹn.',
      'Result issued on the due day, not after the due time.',
    ),
    unit: 'count',
    direction: 'up',
    kind: 'flow',
    numerator: dossiersBy('completed_at', S.ON_DUE_DAY),
    feeds: ['dossiers'],
  },
  {
    id: 'services.completed_late',
    subsystem: 'services',
    name: n('Giải quyết quá hạn', 'Completed late'),
    description: n('Có kết quả sau thời điểm hẹn trả.', 'Result issued after the due time.'),
    unit: 'count',
    direction: 'down',
    kind: 'flow',
    numerator: dossiersBy('completed_at', S.LATE),
    feeds: ['dossiers'],
  },
  {
    id: 'services.ontime_rate',
    subsystem: 'services',
    name: n('Tỷ lệ giải quyết đúng hạn', 'Dossiers completed on time'),
    description: n(
      '(Trước hạn + đúng hạn) ÷ đã giải quyết trong kỳ; hồ sơ trả lại, rút, hủy không tính.',
      '(Early + on the due day) ÷ completed in the period; returned, withdrawn and cancelled dossiers are left out.',
    ),
    ...pct,
    direction: 'up',
    kind: 'flow',
    target: 95,
    thresholds: { good: 95, warning: 85 },
    feeds: ['dossiers'],
    numerator: dossiersBy('completed_at', S.WITHIN),
    denominator: dossiersBy('completed_at', S.COMPLETED),
  },
  {
    id: 'services.in_progress_within',
    subsystem: 'services',
    name: n('Đang giải quyết trong hạn', 'In progress within the deadline'),
    description: n(
      'Chưa có kết quả khi kỳ kết thúc, chưa đến hạn; không gồm hồ sơ chờ bổ sung.',
      'Open at the period end and not yet due; dossiers waiting for supplement are not counted.',
    ),
    unit: 'count',
    direction: 'up',
    kind: 'stock',
    feeds: ['dossiers'],
    numerator: count('dossiers', S.IN_PROGRESS_WITHIN),
  },
  {
    id: 'services.overdue_in_progress',
    subsystem: 'services',
    name: n('Hồ sơ quá hạn đang xử lý', 'Overdue dossiers in progress'),
    description: n(
      'Chưa có kết quả khi kỳ kết thúc và đã quá hạn; hồ sơ chờ bổ sung (tạm dừng tính thời gian) và hồ sơ trả lại, rút, hủy không tính.',
      'Open at the period end and past the deadline; dossiers waiting for supplement (clock paused) and returned, withdrawn or cancelled ones are not counted.',
    ),
    unit: 'count',
    direction: 'down',
    kind: 'stock',
    feeds: ['dossiers'],
    numerator: count('dossiers', S.OVERDUE),
  },
  {
    id: 'services.waiting_supplement',
    subsystem: 'services',
    name: n('Hồ sơ chờ bổ sung', 'Waiting for supplement'),
    description: n(
      'Đang chờ người nộp bổ sung khi kỳ kết thúc (tạm dừng tính thời gian, không tính quá hạn). Nguồn gửi supplement_requested_at/supplemented_at: đếm chính xác theo thời điểm; không gửi: theo trạng thái hiện tại.',
      'Waiting for the applicant at the period end (clock paused, never overdue). Sources sending supplement_requested_at/supplemented_at are counted exactly; others by their current status.',
    ),
    unit: 'count',
    direction: 'down',
    kind: 'stock',
    feeds: ['dossiers'],
    numerator: count('dossiers', S.WAITING),
  },
  {
    id: 'services.dossiers_closed',
    subsystem: 'services',
    name: n('Hồ sơ trả lại, rút, hủy', 'Returned, withdrawn or cancelled'),
    description: n(
      'Đóng trong kỳ không có kết quả (theo closed_at, mặc định updated_at); không bao giờ tính trễ hạn.',
      'Closed in the period without a result (at closed_at, by default updated_at); never late.',
    ),
    unit: 'count',
    direction: 'down',
    kind: 'flow',
    feeds: ['dossiers'],
    numerator: count('dossiers', S.CLOSED_IN),
  },
  {
    id: 'services.online_rate',
    subsystem: 'services',
    name: n('Tỷ lệ hồ sơ trực tuyến', 'Dossiers filed online'),
    ...pct,
    direction: 'up',
    kind: 'flow',
    feeds: ['dossiers'],
    thresholds: { good: 50, warning: 30 },
    numerator: dossiersBy('received_at', `s.channel = 'online'`),
    denominator: dossiersBy('received_at'),
  },
  {
    id: 'services.digitized_result_rate',
    subsystem: 'services',
    name: n('Tỷ lệ cấp kết quả điện tử', 'Results issued electronically'),
    ...pct,
    direction: 'up',
    kind: 'flow',
    feeds: ['dossiers'],
    thresholds: { good: 80, warning: 50 },
    numerator: dossiersBy('completed_at', `${S.COMPLETED} AND s.result_digitized`),
    denominator: dossiersBy('completed_at', S.COMPLETED),
  },
  {
    id: 'services.avg_processing_days',
    subsystem: 'services',
    name: n('Thời gian giải quyết trung bình (ngày làm việc)', 'Average processing time (working days)'),
    description: n(
      'Số ngày làm việc từ ngày tiếp nhận đến ngày có kết quả (theo lịch ngày làm việc), trung bình các hồ sơ giải quyết trong kỳ; xem theo thủ tục để so với thời hạn.',
      'Working days (by the working-day calendar) from the day of receipt to the day of the result, averaged over the dossiers completed in the period; break it down by procedure to compare with the statutory time.',
    ),
    unit: 'days',
    direction: 'down',
    kind: 'flow',
    feeds: ['dossiers'],
    numerator: {
      source: 'dossiers',
      from: 'dossier_days',
      agg: 'avg',
      expr: 's.work_days',
      where: S.COMPLETED,
      time: 'completed_at',
    },
  },
  {
    id: 'services.procedures_within_statutory_rate',
    subsystem: 'services',
    name: n(
      'Tỷ lệ thủ tục có thời gian giải quyết bình quân dưới thời hạn',
      'Procedures whose average beats the statutory time',
    ),
    description: n(
      'Trong các thủ tục có hồ sơ giải quyết trong kỳ: số thủ tục có số ngày làm việc bình quân thực tế nhỏ hơn thời hạn bình quân (từ tiếp nhận đến ngày hẹn trả).',
      'Of the procedures with dossiers completed in the period: those whose average working days taken are fewer than the average working days allowed (receipt to due day).',
    ),
    ...pct,
    direction: 'up',
    kind: 'flow',
    feeds: ['dossiers'],
    thresholds: { good: 90, warning: 75 },
    numerator: {
      source: 'dossiers',
      from: 'dossier_days',
      agg: 'count',
      where: S.COMPLETED,
      time: 'completed_at',
      per: { key: 's.procedure_code', having: 'avg(s.work_days) < avg(s.allowed_days)' },
    },
    denominator: {
      source: 'dossiers',
      from: 'dossier_days',
      agg: 'count',
      where: S.COMPLETED,
      time: 'completed_at',
      per: { key: 's.procedure_code' },
    },
  },
  // Citizen and business feedback (PAKN, the `feedback` feed): deadlines from the source, else the statutory working
  // days after receipt (feedback_due.due). The 766 complaint indicators count the same way (index766.ts).
  {
    id: 'services.feedback_received',
    subsystem: 'services',
    name: n('Phản ánh, kiến nghị tiếp nhận', 'Citizen feedback received'),
    unit: 'count',
    direction: 'up',
    kind: 'flow',
    feeds: ['feedback'],
    numerator: count('feedback', undefined, 'received_at'),
  },
  {
    id: 'services.feedback_ontime_rate',
    subsystem: 'services',
    name: n('Tỷ lệ PAKN xử lý đúng hạn', 'Citizen feedback handled on time'),
    description: n(
      'PAKN tiếp nhận trong kỳ không bị trả lời quá hạn và không quá hạn chưa trả lời khi kỳ kết thúc ÷ PAKN tiếp nhận trong kỳ (như Cổng DVC quốc gia chấm chỉ tiêu 766).',
      'Feedback received in the period neither answered late nor open past its deadline at the period end ÷ feedback received (as the national portal scores its 766 indicator).',
    ),
    ...pct,
    direction: 'up',
    kind: 'flow',
    target: 100,
    thresholds: { good: 90, warning: 75 },
    feeds: ['feedback'],
    numerator: count('feedback', S.FEEDBACK_ON_TIME, 'received_at'),
    denominator: count('feedback', undefined, 'received_at'),
  },
  {
    id: 'services.feedback_overdue',
    subsystem: 'services',
    name: n('PAKN quá hạn chưa trả lời', 'Citizen feedback open past its deadline'),
    unit: 'count',
    direction: 'down',
    kind: 'stock',
    feeds: ['feedback'],
    numerator: count('feedback', `${S.FEEDBACK_OPEN_AT_END} AND s.due < {end}`),
  },
  {
    id: 'services.feedback_satisfaction_rate',
    subsystem: 'services',
    name: n('Tỷ lệ hài lòng trong xử lý PAKN', 'Satisfaction with feedback handling'),
    description: n(
      'PAKN tiếp nhận trong kỳ được người gửi đánh giá hài lòng ÷ PAKN tiếp nhận trong kỳ (mẫu số của Cổng DVC quốc gia).',
      'Feedback received in the period whose sender was satisfied ÷ feedback received (the national portal’s denominator).',
    ),
    ...pct,
    direction: 'up',
    kind: 'flow',
    thresholds: { good: 80, warning: 60 },
    feeds: ['feedback'],
    numerator: count('feedback', 's.satisfied', 'received_at'),
    denominator: count('feedback', undefined, 'received_at'),
  },
  {
    id: 'services.procedures_total',
    subsystem: 'services',
    name: n('Thủ tục hành chính trên Cổng dịch vụ công', 'Procedures on the portal'),
    unit: 'count',
    direction: 'up',
    kind: 'catalogue',
    feeds: [],
    numerator: count('procedures'),
  },
  {
    id: 'services.procedures_partial_online',
    subsystem: 'services',
    name: n('DVC trực tuyến một phần', 'Partially online services'),
    // NĐ 42/2022/NĐ-CP: "mức độ 3" became "một phần" on 1/8/2022.
    names: [
      { from: '0001-01-01', ...n('DVC trực tuyến mức độ 3', 'Online services, level 3') },
      { from: '2022-08-01', ...n('DVC trực tuyến một phần', 'Partially online services') },
    ],
    unit: 'count',
    direction: 'up',
    kind: 'catalogue',
    feeds: [],
    numerator: count('procedures', `s.service_level = 'partial_online'`),
  },
  {
    id: 'services.procedures_full_online',
    subsystem: 'services',
    name: n('DVC trực tuyến toàn trình', 'Fully online services'),
    names: [
      { from: '0001-01-01', ...n('DVC trực tuyến mức độ 4', 'Online services, level 4') },
      { from: '2022-08-01', ...n('DVC trực tuyến toàn trình', 'Fully online services') },
    ],
    unit: 'count',
    direction: 'up',
    kind: 'catalogue',
    feeds: [],
    numerator: count('procedures', `s.service_level = 'full_online'`),
  },
  {
    id: 'services.procedures_synced_national',
    subsystem: 'services',
    name: n(
      'Thủ tục đồng bộ trạng thái với Cổng DVC quốc gia',
      'Procedures synchronised with the national portal',
    ),
    unit: 'count',
    direction: 'up',
    kind: 'catalogue',
    feeds: [],
    numerator: count('procedures', 's.synced_national'),
  },

  // 4 payments
  {
    id: 'payments.count',
    subsystem: 'payments',
    name: n('Giao dịch thanh toán trực tuyến', 'Online payments'),
    unit: 'count',
    direction: 'up',
    kind: 'flow',
    feeds: ['payments'],
    numerator: count('payments', `s.status = 'success'`, 'paid_at'),
  },
  {
    id: 'payments.amount_vnd',
    subsystem: 'payments',
    name: n('Số tiền thanh toán trực tuyến', 'Amount paid online'),
    unit: 'vnd',
    direction: 'up',
    kind: 'flow',
    feeds: ['payments'],
    numerator: {
      source: 'payments',
      agg: 'sum',
      expr: 's.amount_vnd',
      where: `s.status = 'success'`,
      time: 'paid_at',
    },
  },
  {
    id: 'payments.dossier_online_rate',
    subsystem: 'payments',
    name: n('Tỷ lệ hồ sơ thanh toán trực tuyến', 'Fee dossiers paid online'),
    ...pct,
    direction: 'up',
    kind: 'flow',
    feeds: ['dossiers'],
    thresholds: { good: 50, warning: 30 },
    numerator: dossiersBy('received_at', 's.fee_vnd > 0 AND s.paid_online'),
    denominator: dossiersBy('received_at', 's.fee_vnd > 0'),
  },
  {
    id: 'payments.communes_with_online_payment',
    subsystem: 'payments',
    name: n('Xã đã phát sinh thanh toán trực tuyến', 'Communes where an online payment happened'),
    description: n(
      'Số xã có ít nhất một giao dịch thanh toán trực tuyến thành công đến cuối kỳ, trên số xã.',
      'Communes with at least one successful online payment by the end of the period, of all communes.',
    ),
    unit: 'count',
    direction: 'up',
    kind: 'stock',
    show: 'numerator',
    feeds: ['payments'],
    numerator: {
      source: 'payments',
      agg: 'count_distinct',
      expr: 's.unit_code',
      where: `s.status = 'success' AND s.channel <> 'counter_pos' AND s.paid_at < {end}
        AND s.unit_code IN (SELECT code FROM units u WHERE level = 'commune' AND ${IN_FORCE_AT_END('u')})`,
    },
    denominator: count('communes'),
  },
  {
    id: 'payments.communes_payment_opened',
    subsystem: 'payments',
    name: n('Xã đã mở tài khoản thanh toán trực tuyến', 'Communes that opened online payment'),
    description: n(
      'Số xã đã mở tài khoản thanh toán trực tuyến đến cuối kỳ (thuộc tính payment_enabled_from của danh mục xã), trên số xã.',
      'Communes that had opened online payment by the end of the period (the payment_enabled_from of the unit list), of all communes.',
    ),
    unit: 'count',
    direction: 'up',
    kind: 'stock',
    show: 'numerator',
    feeds: [],
    numerator: count('communes', 's.payment_enabled_from < {endDate}'),
    denominator: count('communes'),
  },
  {
    id: 'payments.failure_rate',
    subsystem: 'payments',
    name: n('Tỷ lệ giao dịch lỗi', 'Failed payment attempts'),
    ...pct,
    direction: 'down',
    kind: 'flow',
    feeds: ['payments'],
    thresholds: { good: 3, warning: 6 },
    numerator: count('payments', `s.status = 'failed'`, 'paid_at'),
    denominator: count('payments', undefined, 'paid_at'),
  },
  {
    id: 'payments.e_receipt_rate',
    subsystem: 'payments',
    name: n('Tỷ lệ biên lai điện tử', 'Electronic receipts issued'),
    ...pct,
    direction: 'up',
    kind: 'flow',
    feeds: ['payments'],
    thresholds: { good: 90, warning: 70 },
    numerator: count('payments', `s.status = 'success' AND s.e_receipt`, 'paid_at'),
    denominator: count('payments', `s.status = 'success'`, 'paid_at'),
  },

  // 5 reporting — expected reports (indicator × period × unit) against submissions
  {
    id: 'reporting.expected',
    subsystem: 'reporting',
    name: n('Báo cáo phải nộp', 'Reports expected'),
    unit: 'count',
    direction: 'up',
    kind: 'flow',
    feeds: ['reports'],
    numerator: count('report_compliance', undefined, 'due_at'),
  },
  {
    id: 'reporting.submitted',
    subsystem: 'reporting',
    name: n('Báo cáo đã nộp', 'Reports submitted'),
    unit: 'count',
    direction: 'up',
    kind: 'flow',
    feeds: ['reports'],
    numerator: count('report_compliance', 's.submitted_at < {end}', 'due_at'),
  },
  {
    id: 'reporting.ontime_rate',
    subsystem: 'reporting',
    name: n('Tỷ lệ báo cáo đúng hạn', 'Reports submitted on time'),
    ...pct,
    direction: 'up',
    kind: 'flow',
    feeds: ['reports'],
    target: 100,
    thresholds: { good: 95, warning: 80 },
    numerator: count('report_compliance', 's.submitted_at <= s.due_at', 'due_at'),
    denominator: count('report_compliance', undefined, 'due_at'),
  },
  {
    id: 'reporting.completeness',
    subsystem: 'reporting',
    name: n('Tỷ lệ báo cáo đã gửi / phải gửi', 'Reports submitted of those expected'),
    description: n(
      'Số báo cáo đã gửi ÷ số báo cáo phải gửi (mỗi chỉ tiêu × kỳ × đơn vị đang hoạt động), kỳ số liệu theo ngày chốt của Nghị định 09/2019/NĐ-CP (ngày 15 tháng trước đến ngày 14), hạn gửi tính theo ngày làm việc.',
      'Reports submitted ÷ reports expected (indicator × period × unit in force); periods follow the cut-off days of Decree 09/2019/ND-CP (the 15th of the month before to the 14th), deadlines in working days.',
    ),
    ...pct,
    direction: 'up',
    kind: 'flow',
    feeds: ['reports'],
    target: 100,
    thresholds: { good: 98, warning: 90 },
    numerator: count('report_compliance', 's.submitted_at < {end}', 'due_at'),
    denominator: count('report_compliance', undefined, 'due_at'),
  },
  {
    id: 'reporting.missing',
    subsystem: 'reporting',
    name: n('Báo cáo quá hạn chưa nộp', 'Reports missing'),
    unit: 'count',
    direction: 'down',
    kind: 'flow',
    feeds: ['reports'],
    numerator: count('report_compliance', 's.submitted_at IS NULL OR s.submitted_at >= {end}', 'due_at'),
  },
];

/** An indicators reference row, as the registry needs it. */
export interface IndicatorRow {
  code: string;
  name_vi: string;
  name_en: string | null;
  subsystem: string;
  unit: string | null;
  aggregation: 'sum' | 'avg' | 'last' | 'max';
  reporting_level: string;
  direction: 'up' | 'down';
}

const lit = sqlString;

/**
 * A reported indicator as a KPI: flows (sum/avg/max) over the periods inside the range; stocks (last) take each
 * unit's latest period ending by the range end, summed for counts and averaged for rates.
 */
export function indicatorKpi(i: IndicatorRow): KpiInput {
  const base = `s.indicator_code = ${lit(i.code)} AND s.unit_code IN (SELECT code FROM units WHERE level = ${lit(i.reporting_level)})`;
  const additive = i.unit === 'count' || i.aggregation === 'sum';
  // The latest period per indicator and unit, the same table for every stock indicator (the indicator is the
  // condition), so a page's stock indicators are answered by one query (batch.ts), not one each.
  const numerator: MeasureInput =
    i.aggregation === 'last'
      ? {
          source: 'reports',
          agg: additive ? 'sum' : 'avg',
          expr: 's.value',
          from: `(SELECT * FROM reports_latest s WHERE s.period_end < {endDate}
            QUALIFY row_number() OVER (PARTITION BY s.indicator_code, s.unit_code ORDER BY s.period_end DESC) = 1)`,
          where: base,
        }
      : {
          source: 'reports',
          agg: i.aggregation,
          expr: 's.value',
          time: 'period_start',
          timeType: 'date',
          where: `${base} AND s.period_end < {endDate}`,
        };
  return {
    id: `${i.subsystem}.${i.code}`,
    subsystem: i.subsystem,
    name: n(i.name_vi, i.name_en ?? i.name_vi),
    unit: i.unit ?? 'number',
    direction: i.direction,
    kind: 'reported',
    numerator,
    feeds: ['reports'],
    indicator: i.code,
    aggregation: i.aggregation,
  };
}

/** The QĐ 766 scores; computed by index766.ts from the engine's ratios. */
export const INDEX_KPIS: KpiInput[] = [
  ['total', 'Điểm Bộ chỉ số 766', 'QĐ 766 index score', 100],
  ['transparency', 'Công khai, minh bạch', 'Transparency', 18],
  ['progress', 'Tiến độ giải quyết', 'Progress', 20],
  ['online', 'Dịch vụ công trực tuyến', 'Online services', 12],
  ['payment', 'Thanh toán trực tuyến', 'Online payment', 10],
  ['digitisation', 'Số hóa hồ sơ', 'Digitisation', 22],
  ['satisfaction', 'Mức độ hài lòng', 'Satisfaction', 18],
].map(([key, vi, en, max]) => ({
  id: `index766.${key}`,
  subsystem: 'index766',
  name: n(String(vi), String(en)),
  unit: 'score',
  direction: 'up' as const,
  kind: 'index' as const,
  numerator: count('dossiers', undefined, 'received_at'),
  target: Number(max),
  thresholds: { good: Number(max) * 0.8, warning: Number(max) * 0.5 },
  feeds: ['dossiers', 'payments'],
}));

export interface Registry {
  kpis: Map<string, Kpi>;
  subsystems: Subsystem[];
}

/** Build the registry: the static KPIs, the 766 scores, and one KPI per reported indicator. */
export function buildRegistry(indicators: IndicatorRow[]): Registry {
  const kpis = new Map<string, Kpi>();
  for (const k of [...STATIC_KPIS, ...INDEX_KPIS, ...indicators.map(indicatorKpi)]) {
    const parsed = KpiSchema.parse(k);
    kpis.set(parsed.id, parsed);
  }
  return {
    kpis,
    subsystems: SUBSYSTEMS.map((s) => SubsystemSchema.parse(s)).sort((a, b) => a.order - b.order),
  };
}
