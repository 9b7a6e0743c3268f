// The one formatter, in Vietnamese and English: every unit kind, negatives, missing values, compact
// thresholds, dates on the Vietnam clock, period labels.
import { describe, expect, it } from 'vitest';
import {
  createFormatter,
  formatAxisValue,
  formatChange,
  formatClock,
  formatCompact,
  formatDate,
  formatDateRange,
  formatDateTime,
  formatKpiValue,
  formatNumber,
  formatPercent,
  formatPeriod,
  formatTime,
  formatVnd,
  formatVndCompact,
  NONE,
} from '../../common/format.ts';

describe('numbers', () => {
  it('groups with a dot and decimals with a comma in Vietnamese', () => {
    expect(formatNumber('vi', 625412)).toBe('625.412');
    expect(formatNumber('vi', 1234)).toBe('1.234');
    expect(formatNumber('vi', 12.3456)).toBe('12,3');
    expect(formatNumber('vi', 12.3456, 2)).toBe('12,35');
    expect(formatNumber('vi', -1234.56)).toBe('-1.234,6');
  });

  it('uses English separators in English', () => {
    expect(formatNumber('en', 625412)).toBe('625,412');
    expect(formatNumber('en', -1234.56)).toBe('-1,234.6');
  });

  it('never prints -0', () => {
    expect(formatNumber('vi', -0.01)).toBe('0');
    expect(formatPercent('vi', -0.01)).toBe('0 %');
  });

  it('shows a dash for what is missing, never 0', () => {
    for (const lang of ['vi', 'en'] as const) {
      expect(formatNumber(lang, null)).toBe(NONE);
      expect(formatNumber(lang, undefined)).toBe(NONE);
      expect(formatNumber(lang, Number.NaN)).toBe(NONE);
      expect(formatCompact(lang, null)).toBe(NONE);
      expect(formatPercent(lang, null)).toBe(NONE);
      expect(formatVnd(lang, null)).toBe(NONE);
      expect(formatVndCompact(lang, null)).toBe(NONE);
      expect(formatChange(lang, null)).toBe(NONE);
      expect(formatKpiValue(lang, null, 'percent')).toBe(NONE);
      expect(formatAxisValue(lang, null, 'count')).toBe(NONE);
      expect(formatDate(lang, null)).toBe(NONE);
      expect(formatDateTime(lang, null)).toBe(NONE);
    }
    expect(NONE).toBe('—');
  });
});

describe('percent', () => {
  it('puts a space before % in Vietnamese, none in English, one decimal at most', () => {
    expect(formatPercent('vi', 35.6)).toBe('35,6 %');
    expect(formatPercent('vi', 35.64)).toBe('35,6 %');
    expect(formatPercent('vi', 100)).toBe('100 %');
    expect(formatPercent('vi', -2.1)).toBe('-2,1 %');
    expect(formatPercent('en', 35.6)).toBe('35.6%');
  });
});

describe('compact', () => {
  it('uses nghìn, triệu, tỷ', () => {
    expect(formatCompact('vi', 1_200)).toBe('1,2 nghìn');
    expect(formatCompact('vi', 35_600_000)).toBe('35,6 triệu');
    expect(formatCompact('vi', 1_200_000_000)).toBe('1,2 tỷ');
    expect(formatCompact('vi', 125_000_000)).toBe('125 triệu');
    expect(formatCompact('vi', 2_000_000)).toBe('2 triệu');
    expect(formatCompact('vi', -2_500_000_000)).toBe('-2,5 tỷ');
    expect(formatCompact('vi', 1_500_000_000_000)).toBe('1.500 tỷ');
  });

  it('uses K, M, B in English', () => {
    expect(formatCompact('en', 1_200)).toBe('1.2K');
    expect(formatCompact('en', 35_600_000)).toBe('35.6M');
    expect(formatCompact('en', 1_200_000_000)).toBe('1.2B');
  });

  it('changes scale exactly at the thresholds', () => {
    expect(formatCompact('vi', 999)).toBe('999');
    expect(formatCompact('vi', 999.4)).toBe('999,4');
    expect(formatCompact('vi', 1_000)).toBe('1 nghìn');
    expect(formatCompact('vi', 999_999)).toBe('1 triệu');
    expect(formatCompact('vi', 1_000_000)).toBe('1 triệu');
    expect(formatCompact('vi', 999_960_000)).toBe('1 tỷ');
    expect(formatCompact('vi', 1_000_000_000)).toBe('1 tỷ');
    expect(formatCompact('vi', 999.96)).toBe('1 nghìn');
    expect(formatCompact('vi', -999)).toBe('-999');
    expect(formatCompact('vi', 0)).toBe('0');
  });
});

describe('money', () => {
  it('prints đồng in full and compact', () => {
    expect(formatVnd('vi', 1_234_567)).toBe('1.234.567 ₫');
    expect(formatVnd('en', 1_234_567)).toBe('VND 1,234,567');
    expect(formatVnd('vi', -50_000)).toBe('-50.000 ₫');
    expect(formatVndCompact('vi', 1_200_000_000)).toBe('1,2 tỷ đồng');
    expect(formatVndCompact('en', 1_200_000_000)).toBe('VND 1.2B');
    expect(formatVndCompact('vi', 500)).toBe('500 ₫');
  });
});

describe('change vs last year', () => {
  it('shows an arrow and the size, not a sign', () => {
    expect(formatChange('vi', 35.6)).toBe('▲ 35,6 %');
    expect(formatChange('vi', -2.1)).toBe('▼ 2,1 %');
    expect(formatChange('en', 35.6)).toBe('▲ 35.6%');
    expect(formatChange('en', -2.1)).toBe('▼ 2.1%');
  });

  it('calls a change that rounds to nothing flat', () => {
    expect(formatChange('vi', 0.04)).toBe('= 0 %');
    expect(formatChange('vi', -0.04)).toBe('= 0 %');
  });
});

describe('KPI values by unit', () => {
  const cases: [string, number, string, string][] = [
    ['count', 625412, '625.412', '625,412'],
    ['number', 12.5, '12,5', '12.5'],
    ['percent', 35.64, '35,6 %', '35.6%'],
    ['%', 12.5, '12,5 %', '12.5%'],
    ['ratio', 0.356, '35,6 %', '35.6%'],
    ['vnd', 1_234_567, '1.234.567 ₫', 'VND 1,234,567'],
    ['days', 3.46, '3,5 ngày', '3.5 days'],
    ['score', 85.3, '85,3 điểm', '85.3 pts'],
    ['rank', 12, 'Hạng 12', '#12'],
    ['index', 52.34, '52,3', '52.3'],
    ['tỷ VND', 1234.5, '1.234,5 tỷ đồng', 'VND 1,234.5B'],
    ['triệu USD', 345.6, '345,6 triệu USD', 'USD 345.6M'],
    ['per 10k', 9.8, '9,8/10.000 dân', '9.8 per 10,000'],
    ['ha', 12, '12 ha', '12 ha'],
  ];
  it.each(cases)('%s', (unit, v, vi, en) => {
    expect(formatKpiValue('vi', v, unit)).toBe(vi);
    expect(formatKpiValue('en', v, unit)).toBe(en);
  });

  it('shortens big counts and amounts when asked', () => {
    expect(formatKpiValue('vi', 12_345_678_900, 'vnd', { compact: true })).toBe('12,3 tỷ đồng');
    expect(formatKpiValue('vi', 35_600_000, 'count', { compact: true })).toBe('35,6 triệu');
    expect(formatKpiValue('en', 35_600_000, 'count', { compact: true })).toBe('35.6M');
  });

  it('handles negatives', () => {
    expect(formatKpiValue('vi', -3.2, 'percent')).toBe('-3,2 %');
    expect(formatKpiValue('vi', -1_500_000, 'vnd')).toBe('-1.500.000 ₫');
    expect(formatKpiValue('vi', -4, 'count')).toBe('-4');
  });
});

describe('axis values', () => {
  it('keeps the scale word and leaves the unit to the title', () => {
    expect(formatAxisValue('vi', 1_200_000_000, 'vnd')).toBe('1,2 tỷ');
    expect(formatAxisValue('vi', 1_200, 'count')).toBe('1,2 nghìn');
    expect(formatAxisValue('vi', 80, 'percent')).toBe('80 %');
    expect(formatAxisValue('vi', 1_234, 'tỷ VND')).toBe('1.234 tỷ');
    expect(formatAxisValue('vi', 45.6, 'triệu USD')).toBe('45,6 triệu');
    expect(formatAxisValue('vi', 345.6, 'triệu USD')).toBe('346 triệu');
    expect(formatAxisValue('en', 1_200_000_000, 'vnd')).toBe('1.2B');
  });
});

describe('dates and times on the Vietnam clock', () => {
  it('prints a local date as is', () => {
    expect(formatDate('vi', '2021-08-31')).toBe('31/08/2021');
    expect(formatDate('en', '2021-08-31')).toBe('31 Aug 2021');
  });

  it('moves an instant to UTC+7', () => {
    // 17:30 UTC on 31/8 is 00:30 on 1/9 in Hà Nội.
    expect(formatDate('vi', '2021-08-31T17:30:00Z')).toBe('01/09/2021');
    expect(formatDateTime('vi', '2026-11-26T07:05:00Z')).toBe('26/11/2026 14:05');
    expect(formatDateTime('en', '2026-11-26T07:05:00Z')).toBe('26 Nov 2026 14:05');
    expect(formatDateTime('vi', '2026-11-26T16:59:00Z')).toBe('26/11/2026 23:59');
    expect(formatTime('2026-11-26T17:00:00Z')).toBe('00:00');
  });

  it('reads garbage as missing', () => {
    expect(formatDate('vi', 'not a date')).toBe(NONE);
    expect(formatDateTime('vi', 'not a date')).toBe(NONE);
  });

  it('prints the wall clock with the weekday', () => {
    const thursday = new Date('2026-11-26T07:05:00Z');
    expect(formatClock('vi', thursday)).toBe('Thứ Năm, 26/11/2026 14:05');
    expect(formatClock('en', thursday)).toBe('Thursday, 26 Nov 2026 14:05');
    // Sunday 23:30 UTC is Monday 06:30 in Hà Nội.
    expect(formatClock('vi', new Date('2026-11-29T23:30:00Z'))).toBe('Thứ Hai, 30/11/2026 06:30');
    expect(formatClock('vi', new Date('2026-11-29T03:00:00Z'))).toBe('Chủ Nhật, 29/11/2026 10:00');
  });

  it('prints a custom range with an en dash', () => {
    expect(formatDateRange('vi', '2021-01-01', '2021-08-31')).toBe('01/01/2021 – 31/08/2021');
  });
});

describe('period labels', () => {
  it('says periods the way Vietnamese reports do', () => {
    expect(formatPeriod('vi', { kind: 'month', year: 2021, month: 8 })).toBe('Tháng 8/2021');
    expect(formatPeriod('vi', { kind: 'quarter', year: 2021, quarter: 3 })).toBe('Quý III/2021');
    expect(formatPeriod('vi', { kind: 'quarter', year: 2021, quarter: 4 })).toBe('Quý IV/2021');
    expect(formatPeriod('vi', { kind: 'half', year: 2021, half: 1 })).toBe('6 tháng đầu năm 2021');
    expect(formatPeriod('vi', { kind: 'half', year: 2021, half: 2 })).toBe('6 tháng cuối năm 2021');
    expect(formatPeriod('vi', { kind: 'nine', year: 2021 })).toBe('9 tháng năm 2021');
    expect(formatPeriod('vi', { kind: 'year', year: 2021 })).toBe('Năm 2021');
    expect(formatPeriod('vi', { kind: 'ytd' }, '2026-11-26')).toBe('Từ đầu năm đến 26/11/2026');
    expect(formatPeriod('vi', { kind: 'custom', from: '2021-01-01', to: '2021-08-31' })).toBe(
      '01/01/2021 – 31/08/2021',
    );
  });

  it('has English equivalents', () => {
    expect(formatPeriod('en', { kind: 'month', year: 2021, month: 8 })).toBe('August 2021');
    expect(formatPeriod('en', { kind: 'quarter', year: 2021, quarter: 3 })).toBe('Q3 2021');
    expect(formatPeriod('en', { kind: 'half', year: 2021, half: 1 })).toBe('First half of 2021');
    expect(formatPeriod('en', { kind: 'nine', year: 2021 })).toBe('First 9 months of 2021');
    expect(formatPeriod('en', { kind: 'year', year: 2021 })).toBe('Year 2021');
    expect(formatPeriod('en', { kind: 'ytd' }, '2026-11-26')).toBe('Year to date (to 26 Nov 2026)');
  });
});

describe('createFormatter', () => {
  it('binds the language', () => {
    const vi = createFormatter('vi');
    const en = createFormatter('en');
    expect(vi.kpi(35.6, 'percent')).toBe('35,6 %');
    expect(en.kpi(35.6, 'percent')).toBe('35.6%');
    expect(vi.axis(1.2e9, 'vnd')).toBe('1,2 tỷ');
    expect(vi.monthShort('2021-08-01')).toBe('T8/2021');
    expect(en.monthShort('2021-08-01')).toBe('Aug 2021');
    expect(createFormatter('vi')).toBe(vi);
  });
});
