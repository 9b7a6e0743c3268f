// THE formatter: every number, amount, date and period the UI shows (cards, tables, ECharts, the map legend)
// goes through here, in Vietnamese (vi-VN) or English. It formats server values; it never computes a KPI.
import type { Period } from './period.ts';
import { TIME_ZONE } from './vn-time.ts';
import type { KpiUnit, Lang } from './vocabulary.ts';

export type { KpiUnit, Lang };

/** The province's clock: all instants are shown in Vietnam time, whatever the viewer's machine says. */
export { TIME_ZONE };
/** Shown for a missing value (null, NaN): never a silent 0. */
export const NONE = '—';

const LOCALE: Record<Lang, string> = { vi: 'vi-VN', en: 'en-US' };

const numberFormats = new Map<string, Intl.NumberFormat>();
function nf(lang: Lang, min: number, max: number): Intl.NumberFormat {
  const key = `${lang}|${min}|${max}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(LOCALE[lang], { minimumFractionDigits: min, maximumFractionDigits: max });
    numberFormats.set(key, f);
  }
  return f;
}

const isNum = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** Avoid "-0" after rounding a tiny negative. */
const clean = (v: number, digits: number) => (Math.abs(v) < 0.5 * 10 ** -digits ? 0 : v);

/** A plain number: integers grouped (625.412), others with up to `digits` decimals (default 1). */
export function formatNumber(lang: Lang, v: number | null | undefined, digits?: number): string {
  if (!isNum(v)) return NONE;
  const d = digits ?? (Number.isInteger(v) ? 0 : 1);
  return nf(lang, 0, d).format(clean(v, d));
}

const SCALES: Record<Lang, [number, string][]> = {
  vi: [
    [1e9, ' tỷ'],
    [1e6, ' triệu'],
    [1e3, ' nghìn'],
  ],
  en: [
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ],
};

/**
 * Compact: 1,2 tỷ · 35,6 triệu · 1,2 nghìn (en 1.2B · 35.6M · 1.2K). One decimal below 100 of a scale,
 * none above; a value that rounds up to 1000 of a scale moves to the next (999,96 triệu → 1 tỷ).
 */
export function formatCompact(lang: Lang, v: number | null | undefined): string {
  if (!isNum(v)) return NONE;
  const abs = Math.abs(v);
  const scales = SCALES[lang];
  for (let i = scales.length - 1; i >= 0; i--) {
    const [size] = scales[i];
    const upper = i > 0 ? scales[i - 1][0] : Number.POSITIVE_INFINITY;
    if (abs < size || abs >= upper) continue;
    let scaled = v / size;
    let digits = Math.abs(scaled) < 100 ? 1 : 0;
    let rounded = Math.round(scaled * 10 ** digits) / 10 ** digits;
    let level = i;
    if (Math.abs(rounded) >= 1000 && level > 0) {
      level -= 1;
      scaled = v / scales[level][0];
      digits = 1;
      rounded = Math.round(scaled * 10) / 10;
    }
    return `${nf(lang, 0, digits).format(rounded)}${scales[level][1]}`;
  }
  // Below a thousand: as is, one decimal at most.
  const r = Math.round(v * 10) / 10;
  if (Math.abs(r) >= 1000) return formatCompact(lang, Math.sign(v) * 1000);
  return nf(lang, 0, 1).format(clean(r, 1));
}

/** A value already in percent (35.6 → "35,6 %" / "35.6%"). */
export function formatPercent(lang: Lang, v: number | null | undefined, digits = 1): string {
  if (!isNum(v)) return NONE;
  const n = nf(lang, 0, digits).format(clean(v, digits));
  return lang === 'vi' ? `${n} %` : `${n}%`;
}

/** Vietnamese đồng, in full: "1.234.567 ₫" / "VND 1,234,567". */
export function formatVnd(lang: Lang, v: number | null | undefined): string {
  if (!isNum(v)) return NONE;
  const n = nf(lang, 0, 0).format(clean(v, 0));
  return lang === 'vi' ? `${n} ₫` : `VND ${n}`;
}

/** Vietnamese đồng, compact: "1,2 tỷ đồng" / "VND 1.2B" (full below a thousand). */
export function formatVndCompact(lang: Lang, v: number | null | undefined): string {
  if (!isNum(v)) return NONE;
  if (Math.abs(v) < 1000) return formatVnd(lang, v);
  const c = formatCompact(lang, v);
  return lang === 'vi' ? `${c} đồng` : `VND ${c}`;
}

/** Relative change in percent with its arrow: "▲ 35,6 %", "▼ 2,1 %", "= 0 %" when it rounds to nothing. */
export function formatChange(lang: Lang, pct: number | null | undefined): string {
  if (!isNum(pct)) return NONE;
  const r = Math.round(pct * 10) / 10;
  if (r === 0) return `= ${formatPercent(lang, 0)}`;
  return `${r > 0 ? '▲' : '▼'} ${formatPercent(lang, Math.abs(r))}`;
}

/** A percentage's change in percentage points: "▲ 3,6 điểm %" / "▲ 3.6 pts"; "= 0 điểm %" when it rounds away. */
export function formatChangePoints(lang: Lang, pts: number | null | undefined): string {
  if (!isNum(pts)) return NONE;
  const r = Math.round(pts * 10) / 10;
  const unit = lang === 'vi' ? 'điểm %' : 'pts';
  if (r === 0) return `= 0 ${unit}`;
  return `${r > 0 ? '▲' : '▼'} ${formatNumber(lang, Math.abs(r), 1)} ${unit}`;
}

export interface KpiFormatOptions {
  /** Short form for tiles, axes and labels (1,2 tỷ đồng instead of 1.234.567.890 ₫). */
  compact?: boolean;
}

/** The value of a KPI by its unit, as a card, tile or table shows it. */
export function formatKpiValue(
  lang: Lang,
  v: number | null | undefined,
  unit: KpiUnit,
  opts: KpiFormatOptions = {},
): string {
  if (!isNum(v)) return NONE;
  const vi = lang === 'vi';
  const plain = (x: number) => (opts.compact ? formatCompact(lang, x) : formatNumber(lang, x));
  switch (unit) {
    case 'percent':
    case '%':
      return formatPercent(lang, v);
    case 'ratio':
      return formatPercent(lang, v * 100);
    case 'count':
    case 'number':
      return plain(v);
    case 'vnd':
      return opts.compact ? formatVndCompact(lang, v) : formatVnd(lang, v);
    case 'days':
      return `${formatNumber(lang, v, 1)} ${vi ? 'ngày' : Math.abs(v) === 1 ? 'day' : 'days'}`;
    case 'score':
      return `${formatNumber(lang, v, 1)} ${vi ? 'điểm' : 'pts'}`;
    case 'rank':
      return vi ? `Hạng ${formatNumber(lang, v, 0)}` : `#${formatNumber(lang, v, 0)}`;
    case 'index':
      return formatNumber(lang, v, 1);
    case 'tỷ VND':
      return vi ? `${formatNumber(lang, v, 1)} tỷ đồng` : `VND ${formatNumber(lang, v, 1)}B`;
    case 'triệu USD':
      return vi ? `${formatNumber(lang, v, 1)} triệu USD` : `USD ${formatNumber(lang, v, 1)}M`;
    case 'per 10k':
      return vi ? `${formatNumber(lang, v, 1)}/10.000 dân` : `${formatNumber(lang, v, 1)} per 10,000`;
    default:
      return `${plain(v)} ${unit}`;
  }
}

/** Short value for chart axes and data labels: the number with its scale word, the unit left to the title. */
export function formatAxisValue(lang: Lang, v: number | null | undefined, unit: KpiUnit): string {
  if (!isNum(v)) return NONE;
  switch (unit) {
    case 'percent':
    case '%':
      return formatPercent(lang, v);
    case 'ratio':
      return formatPercent(lang, v * 100);
    case 'tỷ VND':
      return formatCompact(lang, v * 1e9);
    case 'triệu USD':
      return formatCompact(lang, v * 1e6);
    case 'rank':
      return formatNumber(lang, v, 0);
    default:
      return formatCompact(lang, v);
  }
}

// ---- dates and times ----------------------------------------------------------------------------------

const partsFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday. */
  weekday: number;
}

/** Calendar parts of an instant on the Vietnam clock. */
export function zonedParts(d: Date): ZonedParts {
  const p: Record<string, number> = {};
  for (const part of partsFormat.formatToParts(d))
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  const weekday = new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay();
  return {
    year: p.year,
    month: p.month,
    day: p.day,
    hour: p.hour % 24,
    minute: p.minute,
    second: p.second,
    weekday,
  };
}

const pad = (n: number) => String(n).padStart(2, '0');
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_EN_LONG = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS: Record<Lang, string[]> = {
  vi: ['Chủ Nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'],
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
};

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Year, month, day of a local date string (YYYY-MM-DD, taken as is) or an instant (shown in Vietnam time). */
function ymd(v: string | Date): { year: number; month: number; day: number } | null {
  if (typeof v === 'string') {
    const m = DATE_ONLY.exec(v);
    if (m) return { year: +m[1], month: +m[2], day: +m[3] };
  }
  const d = typeof v === 'string' ? new Date(v) : v;
  return Number.isNaN(d.getTime()) ? null : zonedParts(d);
}

const dayText = (lang: Lang, p: { year: number; month: number; day: number }) =>
  lang === 'vi' ? `${pad(p.day)}/${pad(p.month)}/${p.year}` : `${p.day} ${MONTHS_EN[p.month - 1]} ${p.year}`;

/** A date: "31/08/2021" / "31 Aug 2021". */
export function formatDate(lang: Lang, v: string | Date | null | undefined): string {
  if (v === null || v === undefined || v === '') return NONE;
  const p = ymd(v);
  return p ? dayText(lang, p) : NONE;
}

/** An instant on the Vietnam clock: "26/11/2026 14:05" / "26 Nov 2026 14:05". */
export function formatDateTime(lang: Lang, v: string | Date | null | undefined): string {
  if (v === null || v === undefined || v === '') return NONE;
  const d = typeof v === 'string' ? new Date(v) : v;
  if (Number.isNaN(d.getTime())) return NONE;
  const p = zonedParts(d);
  return `${dayText(lang, p)} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** The time of an instant: "14:05". */
export function formatTime(v: string | Date | null | undefined): string {
  if (v === null || v === undefined || v === '') return NONE;
  const d = typeof v === 'string' ? new Date(v) : v;
  if (Number.isNaN(d.getTime())) return NONE;
  const p = zonedParts(d);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

/** The wall clock: "Thứ Năm, 26/11/2026 14:05" / "Thursday, 26 Nov 2026 14:05". */
export function formatClock(lang: Lang, now: Date): string {
  const p = zonedParts(now);
  return `${WEEKDAYS[lang][p.weekday]}, ${dayText(lang, p)} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** A custom range: "01/01/2021 – 31/08/2021". */
export function formatDateRange(lang: Lang, from: string, to: string): string {
  return `${formatDate(lang, from)} – ${formatDate(lang, to)}`;
}

const ROMAN = ['I', 'II', 'III', 'IV'];

/** A month bucket start (YYYY-MM-DD or YYYY-MM) as a short axis label: "T8/2021" / "Aug 2021". */
export function formatMonthShort(lang: Lang, v: string): string {
  const y = +v.slice(0, 4);
  const m = +v.slice(5, 7);
  return lang === 'vi' ? `T${m}/${y}` : `${MONTHS_EN[m - 1]} ${y}`;
}

/** A period as people say it: "Tháng 8/2021", "Quý III/2021", "6 tháng đầu năm 2021", "9 tháng năm 2021", "Năm 2021". */
export function formatPeriod(lang: Lang, p: Period, today?: string): string {
  const vi = lang === 'vi';
  switch (p.kind) {
    case 'month':
      return vi ? `Tháng ${p.month}/${p.year}` : `${MONTHS_EN_LONG[p.month - 1]} ${p.year}`;
    case 'quarter':
      return vi ? `Quý ${ROMAN[p.quarter - 1]}/${p.year}` : `Q${p.quarter} ${p.year}`;
    case 'half':
      if (vi) return `6 tháng ${p.half === 1 ? 'đầu' : 'cuối'} năm ${p.year}`;
      return `${p.half === 1 ? 'First' : 'Second'} half of ${p.year}`;
    case 'nine':
      return vi ? `9 tháng năm ${p.year}` : `First 9 months of ${p.year}`;
    case 'year':
      return vi ? `Năm ${p.year}` : `Year ${p.year}`;
    case 'ytd': {
      const to = today ? formatDate(lang, today) : '';
      if (vi) return to ? `Từ đầu năm đến ${to}` : 'Từ đầu năm đến nay';
      return to ? `Year to date (to ${to})` : 'Year to date';
    }
    case 'custom':
      return formatDateRange(lang, p.from, p.to);
  }
}

// ---- bound to a language, for components ---------------------------------------------------------------

/** Every formatter above with the language filled in. */
export interface Formatter {
  lang: Lang;
  number: (v: number | null | undefined, digits?: number) => string;
  compact: (v: number | null | undefined) => string;
  percent: (v: number | null | undefined, digits?: number) => string;
  vnd: (v: number | null | undefined) => string;
  vndCompact: (v: number | null | undefined) => string;
  change: (pct: number | null | undefined) => string;
  changePoints: (v: number | null | undefined) => string;
  kpi: (v: number | null | undefined, unit: KpiUnit, opts?: KpiFormatOptions) => string;
  axis: (v: number | null | undefined, unit: KpiUnit) => string;
  date: (v: string | Date | null | undefined) => string;
  dateTime: (v: string | Date | null | undefined) => string;
  time: (v: string | Date | null | undefined) => string;
  clock: (now: Date) => string;
  dateRange: (from: string, to: string) => string;
  monthShort: (v: string) => string;
  period: (p: Period, today?: string) => string;
}

const formatters = new Map<Lang, Formatter>();

export function createFormatter(lang: Lang): Formatter {
  let f = formatters.get(lang);
  if (f) return f;
  f = {
    lang,
    number: (v, d) => formatNumber(lang, v, d),
    compact: (v) => formatCompact(lang, v),
    percent: (v, d) => formatPercent(lang, v, d),
    vnd: (v) => formatVnd(lang, v),
    vndCompact: (v) => formatVndCompact(lang, v),
    change: (v) => formatChange(lang, v),
    changePoints: (v) => formatChangePoints(lang, v),
    kpi: (v, unit, opts) => formatKpiValue(lang, v, unit, opts),
    axis: (v, unit) => formatAxisValue(lang, v, unit),
    date: (v) => formatDate(lang, v),
    dateTime: (v) => formatDateTime(lang, v),
    time: (v) => formatTime(v),
    clock: (now) => formatClock(lang, now),
    dateRange: (from, to) => formatDateRange(lang, from, to),
    monthShort: (v) => formatMonthShort(lang, v),
    period: (p, today) => formatPeriod(lang, p, today),
  };
  formatters.set(lang, f);
  return f;
}
