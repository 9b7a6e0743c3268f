// The QĐ 766 index as the national public-service portal scores it, written as data: each group's indicators
// with their maximum points, the rate at which they earn full points, and what a zero denominator earns. One
// scoring function serves both our own score (rates from our feeds, index766.ts) and the reconciliation with
// the portal's published parameters (npm run index766:check). Reconciled against ../shared/portal-766/ (August
// 2026): every indicator below reproduces the portal's points within its rounding; the online-service group's
// split is not published, so its method is `unknown`.

export const GROUPS = [
  'transparency',
  'progress',
  'online',
  'payment',
  'digitisation',
  'satisfaction',
] as const;
export type Group = (typeof GROUPS)[number];

/** What an indicator earns when its denominator is 0 (no dossiers, no complaints). */
export type ZeroRule = 'no_data' | 'zero' | 'full';

export interface Indicator {
  /** The portal's metric code (or ours for the tree files' parameters). */
  code: string;
  group: Group;
  max: number;
  /** Share (0–1) at which the indicator earns all its points: points = max × min(1, share ÷ fullAt). */
  fullAt: number;
  zero: ZeroRule;
  name: { vi: string; en: string };
  /** `known`: reproduces the portal's points; `unknown`: the portal publishes no split to check against. */
  method: 'known' | 'unknown';
  /** Informational rows of the portal (0 points). */
  info?: boolean;
}

const n = (vi: string, en: string) => ({ vi, en });

/** A method in force from a date: the groups and indicators a score of a period uses. */
export interface Method {
  id: string;
  from: string;
  name: { vi: string; en: string };
  groupMax: Record<Group, number>;
  indicators: Indicator[];
}

const PORTAL_2025: Indicator[] = [
  // 1 Công khai, minh bạch (18)
  {
    code: 'PUBLISH_ON_TIME',
    group: 'transparency',
    max: 6,
    fullAt: 1,
    zero: 'no_data',
    method: 'known',
    name: n('Tỷ lệ TTHC công bố đúng hạn', 'Procedures published on time'),
  },
  {
    code: 'PUBLIC_UPDATE_ON_TIME',
    group: 'transparency',
    max: 4,
    fullAt: 1,
    zero: 'no_data',
    method: 'known',
    name: n('Tỷ lệ TTHC cập nhật, công khai đúng hạn', 'Procedures updated and made public on time'),
  },
  {
    code: 'PUBLIC_CONTENT_FULL',
    group: 'transparency',
    max: 2,
    fullAt: 1,
    zero: 'no_data',
    method: 'known',
    name: n('Tỷ lệ TTHC công khai đầy đủ nội dung', 'Procedures published in full'),
  },
  {
    code: 'DOSSIER_SYNC',
    group: 'transparency',
    max: 6,
    fullAt: 1,
    zero: 'no_data',
    method: 'known',
    name: n('Tỷ lệ hồ sơ đồng bộ lên Cổng DVCQG', 'Dossiers synchronised with the national portal'),
  },
  // 2 Tiến độ giải quyết (20)
  {
    code: 'PROGRESS_ON_TIME',
    group: 'progress',
    max: 20,
    fullAt: 1,
    zero: 'zero',
    method: 'known',
    name: n(
      'Tỷ lệ hồ sơ giải quyết đúng hạn (tiếp nhận và xử lý trong kỳ)',
      'Dossiers handled on time (received and handled in the period)',
    ),
  },
  // 3 Cung cấp dịch vụ trực tuyến (12)
  {
    code: 'ONLINE_SERVICE',
    group: 'online',
    max: 12,
    fullAt: 1,
    zero: 'zero',
    method: 'unknown',
    name: n(
      'Hồ sơ trực tuyến toàn trình ÷ hồ sơ của TTHC đủ điều kiện toàn trình (cách chia điểm của Cổng chưa công bố)',
      'Fully online dossiers ÷ dossiers of procedures that can be served fully online (the portal’s split is not published)',
    ),
  },
  // 4 Thanh toán trực tuyến (10)
  {
    code: 'PAYMENT_DOSSIERS',
    group: 'payment',
    max: 6,
    fullAt: 1,
    zero: 'zero',
    method: 'known',
    name: n(
      'Hồ sơ thanh toán trực tuyến ÷ hồ sơ có nghĩa vụ tài chính',
      'Dossiers paid online ÷ dossiers with a financial obligation',
    ),
  },
  {
    code: 'PAYMENT_PROCEDURES_PAID_ONLINE',
    group: 'payment',
    max: 2,
    fullAt: 0.8,
    zero: 'zero',
    method: 'known',
    name: n(
      'TTHC có phí phát sinh thanh toán trực tuyến ÷ TTHC có phí (đủ điểm từ 80 %)',
      'Fee procedures with an online payment ÷ fee procedures (full at 80 %)',
    ),
  },
  {
    code: 'PAYMENT_PROCEDURES_WITH_FEE_DATA',
    group: 'payment',
    max: 2,
    fullAt: 0.8,
    zero: 'zero',
    method: 'known',
    name: n(
      'TTHC có phí có hồ sơ mang dữ liệu phí ÷ TTHC có phí',
      'Fee procedures whose dossiers carry fee data ÷ fee procedures',
    ),
  },
  // 5 Số hóa hồ sơ (22)
  {
    code: 'ORIGINAL_RESULT_AVAILABLE',
    group: 'digitisation',
    max: 6,
    fullAt: 1,
    zero: 'no_data',
    method: 'known',
    name: n('Tỷ lệ hồ sơ có cấp kết quả điện tử', 'Dossiers with an electronic result'),
  },
  {
    code: 'SO_HOA_GIAY_TO_GIAI_QUYET',
    group: 'digitisation',
    max: 4,
    fullAt: 1,
    zero: 'no_data',
    method: 'known',
    name: n('Tỷ lệ hồ sơ thực hiện số hóa hồ sơ', 'Dossiers digitised'),
  },
  {
    code: 'REUSED_DIGITIZED_DATA',
    group: 'digitisation',
    max: 2,
    fullAt: 0.8,
    zero: 'no_data',
    method: 'known',
    name: n(
      'Tỷ lệ hồ sơ sử dụng lại dữ liệu số hóa (đủ điểm từ 80 %)',
      'Dossiers reusing digitised data (full at 80 %)',
    ),
  },
  {
    code: 'SYNCED_WITH_DVCQG_PERSONAL_STORAGE',
    group: 'digitisation',
    max: 4,
    fullAt: 1,
    zero: 'no_data',
    method: 'known',
    name: n(
      'Tỷ lệ hồ sơ số hóa kết nối, chia sẻ dữ liệu (kho dữ liệu cá nhân)',
      'Digitised dossiers shared for reuse (personal data store)',
    ),
  },
  {
    code: 'CITIZEN_DATA_CONNECTED_DOSSIER',
    group: 'digitisation',
    max: 2,
    fullAt: 1,
    zero: 'no_data',
    method: 'known',
    name: n('Tỷ lệ hồ sơ sử dụng dữ liệu dân cư', 'Dossiers using population data'),
  },
  {
    code: 'CITIZEN_DATA_CONNECTED_FORMALITY',
    group: 'digitisation',
    max: 2,
    fullAt: 1,
    zero: 'no_data',
    method: 'known',
    name: n('Tỷ lệ TTHC kết nối dữ liệu dân cư', 'Procedures connected to population data'),
  },
  {
    code: 'ELECTRONIC_CERTIFIED_COPY',
    group: 'digitisation',
    max: 2,
    fullAt: 1,
    zero: 'no_data',
    method: 'known',
    name: n('Cung cấp dịch vụ chứng thực bản sao điện tử', 'Electronic certified copies offered'),
  },
  // 6 Mức độ hài lòng (18)
  {
    code: 'DOSSIER_RECEIVING_SATISFACTION',
    group: 'satisfaction',
    max: 6,
    fullAt: 0.9,
    zero: 'zero',
    method: 'known',
    name: n(
      'Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC (đủ điểm từ 90 %)',
      'Satisfaction with dossier handling (full at 90 %)',
    ),
  },
  {
    code: 'PETITION_PROCESSING_ON_TIME',
    group: 'satisfaction',
    max: 6,
    fullAt: 1,
    zero: 'full',
    method: 'known',
    name: n('Tỷ lệ PAKN xử lý đúng hạn', 'Citizen feedback handled on time'),
  },
  {
    code: 'PETITION_HANDLING_SATISFACTION',
    group: 'satisfaction',
    max: 6,
    fullAt: 1,
    zero: 'full',
    method: 'known',
    name: n('Tỷ lệ hài lòng trong xử lý PAKN', 'Satisfaction with feedback handling'),
  },
  {
    code: 'PETITION_CLASSIFICATION_TTHC',
    group: 'satisfaction',
    max: 0,
    fullAt: 1,
    zero: 'no_data',
    method: 'known',
    info: true,
    name: n('Tỷ lệ PAKN về quy định, TTHC (thông tin)', 'Feedback about rules and procedures (information)'),
  },
  {
    code: 'PETITION_CLASSIFICATION_STAFF',
    group: 'satisfaction',
    max: 0,
    fullAt: 1,
    zero: 'no_data',
    method: 'known',
    info: true,
    name: n('Tỷ lệ PAKN về hành vi cán bộ (thông tin)', 'Feedback about staff conduct (information)'),
  },
];

/**
 * The methods by the date they took effect: a score uses the method in force at its period's end. Only the
 * portal's current method is known here (reconciled above); the 2022 decision's own layout and the dates of the
 * 2025 redefinitions are not published in a form we can check, so earlier periods are scored by the current
 * method and the answer says which method it used. A new method is a new entry here, with its date.
 */
export const METHODS: Method[] = [
  {
    id: '766-portal-2025',
    from: '2022-06-23',
    name: n(
      'Phương pháp hiện hành của Cổng DVC quốc gia (QĐ 766/QĐ-TTg): 6 nhóm, 100 điểm',
      'The national portal’s current method (Decision 766/QD-TTg): six groups, 100 points',
    ),
    groupMax: { transparency: 18, progress: 20, online: 12, payment: 10, digitisation: 22, satisfaction: 18 },
    indicators: PORTAL_2025,
  },
];

/** The method in force on a date (the last one that started on or before it; the first before any). */
export function methodFor(date: string): Method {
  let m = METHODS[0];
  for (const x of METHODS) if (x.from <= date) m = x;
  return m;
}

/** The current method's indicator of a code. */
export function indicatorOf(
  code: string,
  method: Method = METHODS[METHODS.length - 1],
): Indicator | undefined {
  return method.indicators.find((i) => i.code === code);
}

/**
 * Points of an indicator: max × min(1, share ÷ fullAt), share = numerator ÷ denominator. A zero denominator
 * earns what the indicator's rule says (no data, 0, or full points — a unit without complaints loses nothing).
 * `share` may be given directly (a rate the portal publishes without its parts).
 */
export function points(
  ind: Pick<Indicator, 'max' | 'fullAt' | 'zero'>,
  numerator: number | null,
  denominator: number | null,
  share?: number | null,
): number | null {
  let s: number | null;
  if (denominator !== null && denominator > 0 && numerator !== null) s = numerator / denominator;
  else if (share !== undefined && share !== null) s = share;
  else return ind.zero === 'full' ? ind.max : ind.zero === 'zero' ? 0 : null;
  return ind.max * Math.min(1, Math.max(0, s) / ind.fullAt);
}

/** Our score and the portal's published one are flagged when they differ by more than this many points. */
export const PUBLISHED_MARGIN = 3;

/** The portal's tiers of a total out of 100. */
export const TIERS = [
  { min: 90, vi: 'Xuất sắc', en: 'Excellent' },
  { min: 80, vi: 'Tốt', en: 'Good' },
  { min: 70, vi: 'Khá', en: 'Fair' },
  { min: 50, vi: 'Trung bình', en: 'Average' },
  { min: -1, vi: 'Yếu', en: 'Weak' },
];
