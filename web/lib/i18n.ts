// Vietnamese first, English on request: a tiny dictionary and the chosen language, kept in localStorage.
// Names of subsystems, KPIs, units and agencies come from the API in both languages (or Vietnamese only).
import { useMemo, useSyncExternalStore } from 'react';
import { createFormatter, type Formatter, type Lang } from './format.ts';

const STORAGE_KEY = 'ioc.lang';

const vi = {
  'app.title': 'Trung tâm Điều hành thông minh tỉnh Phú Thọ',
  'app.short': 'IOC Phú Thọ',
  'nav.overview': 'Tổng quan',
  'nav.wall': 'Màn hình lớn',
  'lang.switch': 'English',
  'lang.label': 'Ngôn ngữ',
  'period.label': 'Kỳ báo cáo',
  'period.kind.ytd': 'Từ đầu năm',
  'period.kind.month': 'Tháng',
  'period.kind.quarter': 'Quý',
  'period.kind.half': '6 tháng',
  'period.kind.nine': '9 tháng',
  'period.kind.year': 'Năm',
  'period.kind.custom': 'Tùy chọn',
  'period.half.1': '6 tháng đầu năm',
  'period.half.2': '6 tháng cuối năm',
  'period.from': 'Từ ngày',
  'period.to': 'Đến ngày',
  'period.month': 'Tháng',
  'period.quarter': 'Quý',
  'period.year': 'Năm',
  'status.good': 'Đạt',
  'status.warning': 'Cần chú ý',
  'status.bad': 'Chưa đạt',
  'status.none': 'Chưa đánh giá',
  'kpi.vsLastYear': 'So cùng kỳ',
  'kpi.lastYear': 'Cùng kỳ năm trước',
  'kpi.previous': 'Kỳ trước',
  'kpi.ytd': 'Lũy kế từ đầu năm',
  'kpi.target': 'Mục tiêu',
  'kpi.targetProgress': 'Đạt so với mục tiêu',
  'kpi.of': 'trên',
  'kpi.parts': 'Tử số / mẫu số',
  'rank.showAll': 'Xem tất cả',
  'rank.showLess': 'Thu gọn',
  'kpi.asOf': 'Số liệu đến',
  'kpi.stale': 'Dữ liệu trễ',
  'kpi.records': 'Xem hồ sơ/bản ghi',
  'export.title': 'Tải xuống đúng số liệu đang xem (bộ lọc và kỳ hiện tại)',
  'export.png': 'Tải ảnh PNG của biểu đồ',
  'kpi.notApplicable': 'Không áp dụng cho bộ lọc này',
  'kpi.error': 'Không tải được số liệu',
  'kpi.all': 'Các chỉ tiêu',
  'overview.subsystems': 'Các lĩnh vực',
  'overview.map': 'Bản đồ theo huyện',
  'overview.alerts': 'Cảnh báo',
  'overview.noAlerts': 'Không có cảnh báo',
  'overview.mapKpi': 'Chỉ tiêu trên bản đồ',
  'alert.feedStale': 'Nguồn dữ liệu trễ',
  'alert.feedNever': 'chưa nhận dữ liệu',
  'alert.newest': 'mới nhất',
  'feed.documents': 'Văn bản điện tử',
  'feed.dossiers': 'Hồ sơ thủ tục hành chính',
  'feed.payments': 'Thanh toán trực tuyến',
  'feed.reports': 'Báo cáo định kỳ',
  'unit.province': 'Cấp tỉnh',
  'unit.districtLevel': 'Cấp huyện',
  'unit.aboveCommune': 'Cấp tỉnh, cấp huyện',
  'unit.all': 'Toàn tỉnh',
  'unit.agency': 'Cơ quan',
  'unit.clear': 'Bỏ lọc',
  'trend.title': 'Diễn biến theo tháng',
  'trend.titleQuarter': 'Diễn biến theo quý',
  'trend.current': 'Kỳ này',
  'trend.lastYear': 'Cùng kỳ năm trước',
  'rank.district': 'Xếp hạng huyện, thành, thị',
  'rank.commune': 'Xếp hạng xã, phường, thị trấn',
  'rank.agency': 'Xếp hạng cơ quan',
  'rank.name': 'Đơn vị',
  'rank.value': 'Giá trị',
  'rank.change': 'So cùng kỳ',
  'map.title': 'Bản đồ',
  'map.demo': 'Ranh giới minh họa, không chính xác',
  'map.noData': 'Không có số liệu',
  'map.unavailable': 'Không hiển thị được bản đồ',
  'records.title': 'Hồ sơ, bản ghi',
  'records.numerator': 'Thuộc tử số',
  'records.denominator': 'Thuộc mẫu số',
  'records.total': 'bản ghi',
  'records.prev': 'Trang trước',
  'records.next': 'Trang sau',
  'records.empty': 'Không có bản ghi',
  'records.unavailable': 'Chỉ số tổng hợp: xem hồ sơ của từng chỉ tiêu thành phần',
  'records.page': 'Trang',
  'index.title': 'Bộ chỉ số phục vụ người dân, doanh nghiệp',
  'index.by.agency': 'Theo cơ quan',
  'index.by.commune': 'Theo xã',
  'index.by.district': 'Theo huyện',
  'index.rank': 'Hạng',
  'index.total': 'Tổng điểm',
  'index.tier': 'Xếp loại',
  'index.partial': 'Chưa đủ dữ liệu: điểm tối đa đo được',
  'index.noData': 'Chỉ tiêu chưa có dữ liệu',
  'index.group.transparency': 'Công khai',
  'index.group.progress': 'Tiến độ',
  'index.group.online': 'Trực tuyến',
  'index.group.payment': 'Thanh toán',
  'index.group.digitisation': 'Số hóa',
  'index.group.satisfaction': 'Hài lòng',
  'wall.offline': 'Mất kết nối — hiển thị dữ liệu lúc',
  'wall.alarm': 'Chỉ tiêu chuyển sang đỏ',
  'wall.loading': 'Đang tải số liệu…',
  'common.loading': 'Đang tải…',
  'common.error': 'Lỗi',
  'common.retry': 'Thử lại',
  'common.back': 'Quay lại',
  'common.notFound': 'Không tìm thấy trang',
  'common.yes': 'Có',
  'common.no': 'Không',
  'col.id': 'Mã',
  'col.procedure_code': 'Thủ tục',
  'col.agency_code': 'Cơ quan',
  'col.unit_code': 'Đơn vị hành chính',
  'col.channel': 'Kênh',
  'col.received_at': 'Tiếp nhận',
  'col.due_at': 'Hạn xử lý',
  'col.completed_at': 'Hoàn thành',
  'col.status': 'Trạng thái',
  'col.direction': 'Chiều',
  'col.at': 'Thời điểm',
  'col.doc_type': 'Loại văn bản',
  'col.subject': 'Trích yếu',
  'col.digitally_signed': 'Ký số',
  'col.via_national_axis': 'Trục quốc gia',
  'col.is_task': 'Nhiệm vụ',
  'col.amount_vnd': 'Số tiền',
  'col.fee_vnd': 'Phí, lệ phí',
  'col.paid_at': 'Thanh toán lúc',
  'col.paid_online': 'Thanh toán trực tuyến',
  'col.e_receipt': 'Biên lai điện tử',
  'col.dossier_id': 'Hồ sơ',
  'col.indicator_code': 'Chỉ tiêu',
  'col.period': 'Kỳ',
  'col.period_start': 'Từ ngày',
  'col.period_end': 'Đến ngày',
  'col.value': 'Giá trị',
  'col.submitted_at': 'Nộp lúc',
  'col.result_digitized': 'KQ điện tử',
  'col.components_digitized': 'Số hóa TPHS',
  'col.reused_data': 'Tái sử dụng',
  'col.synced_national': 'Đồng bộ QG',
  'col.satisfaction': 'Hài lòng',
  'col.updated_at': 'Cập nhật',
  'col.name': 'Tên',
  'col.code': 'Mã',
  'col.level': 'Cấp',
  'col.sector': 'Lĩnh vực',
  'col.service_level': 'Mức độ',
  'col.has_fee': 'Có phí',
  'col.kind': 'Loại',
  'col.due_days': 'Hạn (ngày)',
};

export type MessageKey = keyof typeof vi;

const en: Record<MessageKey, string> = {
  'app.title': 'Phú Thọ Intelligent Operations Centre',
  'app.short': 'IOC Phú Thọ',
  'nav.overview': 'Overview',
  'nav.wall': 'Wall screen',
  'lang.switch': 'Tiếng Việt',
  'lang.label': 'Language',
  'period.label': 'Period',
  'period.kind.ytd': 'Year to date',
  'period.kind.month': 'Month',
  'period.kind.quarter': 'Quarter',
  'period.kind.half': '6 months',
  'period.kind.nine': '9 months',
  'period.kind.year': 'Year',
  'period.kind.custom': 'Custom',
  'period.half.1': 'First half',
  'period.half.2': 'Second half',
  'period.from': 'From',
  'period.to': 'To',
  'period.month': 'Month',
  'period.quarter': 'Quarter',
  'period.year': 'Year',
  'status.good': 'On track',
  'status.warning': 'Watch',
  'status.bad': 'Off track',
  'status.none': 'Not rated',
  'kpi.vsLastYear': 'vs last year',
  'kpi.lastYear': 'Same period last year',
  'kpi.previous': 'Previous period',
  'kpi.ytd': 'Year to date',
  'kpi.target': 'Target',
  'kpi.targetProgress': 'Progress to target',
  'kpi.of': 'of',
  'kpi.parts': 'Numerator / denominator',
  'rank.showAll': 'Show all',
  'rank.showLess': 'Show fewer',
  'kpi.asOf': 'Data as of',
  'kpi.stale': 'Data late',
  'kpi.records': 'See the records',
  'export.title': 'Download exactly this view (current filters and period)',
  'export.png': 'Download the chart as PNG',
  'kpi.notApplicable': 'Not available for this filter',
  'kpi.error': 'Could not load',
  'kpi.all': 'Indicators',
  'overview.subsystems': 'Subsystems',
  'overview.map': 'Map by district',
  'overview.alerts': 'Alerts',
  'overview.noAlerts': 'No alerts',
  'overview.mapKpi': 'Indicator on the map',
  'alert.feedStale': 'Data feed late',
  'alert.feedNever': 'nothing received',
  'alert.newest': 'newest',
  'feed.documents': 'E-documents',
  'feed.dossiers': 'Administrative dossiers',
  'feed.payments': 'Online payments',
  'feed.reports': 'Periodic reports',
  'unit.province': 'Province level',
  'unit.districtLevel': 'District level',
  'unit.aboveCommune': 'Province and district level',
  'unit.all': 'Whole province',
  'unit.agency': 'Agency',
  'unit.clear': 'Clear filter',
  'trend.title': 'Monthly trend',
  'trend.titleQuarter': 'Quarterly trend',
  'trend.current': 'This period',
  'trend.lastYear': 'Same period last year',
  'rank.district': 'Districts ranked',
  'rank.commune': 'Communes ranked',
  'rank.agency': 'Agencies ranked',
  'rank.name': 'Unit',
  'rank.value': 'Value',
  'rank.change': 'vs last year',
  'map.title': 'Map',
  'map.demo': 'Approximate demo boundaries',
  'map.noData': 'No data',
  'map.unavailable': 'The map cannot be shown',
  'records.title': 'Records',
  'records.numerator': 'In the numerator',
  'records.denominator': 'In the denominator',
  'records.total': 'records',
  'records.prev': 'Previous page',
  'records.next': 'Next page',
  'records.empty': 'No records',
  'records.unavailable': 'Composite score: open the records of its component indicators',
  'records.page': 'Page',
  'index.title': 'Service-quality index',
  'index.by.agency': 'By agency',
  'index.by.commune': 'By commune',
  'index.by.district': 'By district',
  'index.rank': 'Rank',
  'index.total': 'Total',
  'index.tier': 'Tier',
  'index.partial': 'Partial data: measurable maximum',
  'index.noData': 'Indicators without data',
  'index.group.transparency': 'Transparency',
  'index.group.progress': 'Progress',
  'index.group.online': 'Online',
  'index.group.payment': 'Payment',
  'index.group.digitisation': 'Digitisation',
  'index.group.satisfaction': 'Satisfaction',
  'wall.offline': 'Connection lost — showing data from',
  'wall.alarm': 'Indicator turned red',
  'wall.loading': 'Loading data…',
  'common.loading': 'Loading…',
  'common.error': 'Error',
  'common.retry': 'Retry',
  'common.back': 'Back',
  'common.notFound': 'Page not found',
  'common.yes': 'Yes',
  'common.no': 'No',
  'col.id': 'ID',
  'col.procedure_code': 'Procedure',
  'col.agency_code': 'Agency',
  'col.unit_code': 'Admin unit',
  'col.channel': 'Channel',
  'col.received_at': 'Received',
  'col.due_at': 'Due',
  'col.completed_at': 'Completed',
  'col.status': 'Status',
  'col.direction': 'Direction',
  'col.at': 'Time',
  'col.doc_type': 'Document type',
  'col.subject': 'Subject',
  'col.digitally_signed': 'Signed',
  'col.via_national_axis': 'National axis',
  'col.is_task': 'Task',
  'col.amount_vnd': 'Amount',
  'col.fee_vnd': 'Fee',
  'col.paid_at': 'Paid at',
  'col.paid_online': 'Paid online',
  'col.e_receipt': 'E-receipt',
  'col.dossier_id': 'Dossier',
  'col.indicator_code': 'Indicator',
  'col.period': 'Period',
  'col.period_start': 'From',
  'col.period_end': 'To',
  'col.value': 'Value',
  'col.submitted_at': 'Submitted',
  'col.result_digitized': 'E-result',
  'col.components_digitized': 'Digitised parts',
  'col.reused_data': 'Reused data',
  'col.synced_national': 'Synced',
  'col.satisfaction': 'Satisfaction',
  'col.updated_at': 'Updated',
  'col.name': 'Name',
  'col.code': 'Code',
  'col.level': 'Level',
  'col.sector': 'Sector',
  'col.service_level': 'Service level',
  'col.has_fee': 'Fee',
  'col.kind': 'Kind',
  'col.due_days': 'Due (days)',
};

const DICT: Record<Lang, Record<MessageKey, string>> = { vi, en };

/** A message in a language; unknown keys show themselves, so a gap is visible rather than blank. */
export function translate(lang: Lang, key: MessageKey): string {
  return DICT[lang][key] ?? key;
}

export function hasMessage(key: string): key is MessageKey {
  return key in vi;
}

// ---- the chosen language: a tiny external store over localStorage ---------------------------------------

const listeners = new Set<() => void>();

function readStored(): Lang {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

let current: Lang = readStored();

export function getLang(): Lang {
  return current;
}

export function setLang(lang: Lang): void {
  current = lang;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    // Private mode or a locked-down kiosk: the choice lasts for this page only.
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
  for (const l of listeners) l();
}

function subscribe(l: () => void) {
  listeners.add(l);
  const onStorage = (e: StorageEvent) => {
    if (e.key === STORAGE_KEY) {
      current = readStored();
      l();
    }
  };
  globalThis.addEventListener?.('storage', onStorage);
  return () => {
    listeners.delete(l);
    globalThis.removeEventListener?.('storage', onStorage);
  };
}

export interface I18n {
  lang: Lang;
  t: (key: MessageKey) => string;
  /** Pick the name in the UI language from a {vi, en} pair. */
  name: (n: { vi: string; en: string } | null | undefined) => string;
  fmt: Formatter;
  setLang: (lang: Lang) => void;
}

/** The UI language, its messages and the formatter bound to it. */
export function useI18n(): I18n {
  const lang = useSyncExternalStore(subscribe, getLang, () => 'vi' as Lang);
  return useMemo(
    () => ({
      lang,
      t: (key: MessageKey) => translate(lang, key),
      name: (n) => (n ? (lang === 'en' ? n.en || n.vi : n.vi) : ''),
      fmt: createFormatter(lang),
      setLang,
    }),
    [lang],
  );
}
