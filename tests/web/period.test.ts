// The period control's model: URL ⇄ period ⇄ dates, running periods ending today, trend ranges.
import { describe, expect, it } from 'vitest';
import {
  parsePeriod,
  periodLabel,
  periodRange,
  periodToParam,
  switchKind,
  todayLocal,
  trendGrain,
  trendRange,
  writePeriod,
} from '../../common/period.ts';
import { readFilters } from '../../web/lib/filters.ts';

const TODAY = '2026-11-26';

describe('periodRange', () => {
  it('gives whole months, quarters, halves, nine months and years', () => {
    expect(periodRange({ kind: 'month', year: 2024, month: 2 }, TODAY)).toEqual({
      from: '2024-02-01',
      to: '2024-02-29',
    });
    expect(periodRange({ kind: 'quarter', year: 2021, quarter: 3 }, TODAY)).toEqual({
      from: '2021-07-01',
      to: '2021-09-30',
    });
    expect(periodRange({ kind: 'half', year: 2021, half: 1 }, TODAY)).toEqual({
      from: '2021-01-01',
      to: '2021-06-30',
    });
    expect(periodRange({ kind: 'half', year: 2021, half: 2 }, TODAY)).toEqual({
      from: '2021-07-01',
      to: '2021-12-31',
    });
    expect(periodRange({ kind: 'nine', year: 2021 }, TODAY)).toEqual({
      from: '2021-01-01',
      to: '2021-09-30',
    });
    expect(periodRange({ kind: 'year', year: 2021 }, TODAY)).toEqual({
      from: '2021-01-01',
      to: '2021-12-31',
    });
  });

  it('ends a running period today, so last year compares like with like', () => {
    expect(periodRange({ kind: 'month', year: 2026, month: 11 }, TODAY)).toEqual({
      from: '2026-11-01',
      to: TODAY,
    });
    expect(periodRange({ kind: 'year', year: 2026 }, TODAY)).toEqual({ from: '2026-01-01', to: TODAY });
    expect(periodRange({ kind: 'ytd' }, TODAY)).toEqual({ from: '2026-01-01', to: TODAY });
  });

  it('orders a custom range', () => {
    expect(periodRange({ kind: 'custom', from: '2021-08-31', to: '2021-01-01' }, TODAY)).toEqual({
      from: '2021-01-01',
      to: '2021-08-31',
    });
  });
});

describe('URL form', () => {
  const round = (v: string) => periodToParam(parsePeriod(new URLSearchParams({ period: v })));
  it('round-trips every kind', () => {
    for (const v of ['2021-08', '2021-Q3', '2021-H1', '2021-H2', '2021-9M', '2021']) expect(round(v)).toBe(v);
  });

  it('falls back to year to date', () => {
    expect(parsePeriod(new URLSearchParams())).toEqual({ kind: 'ytd' });
    expect(parsePeriod(new URLSearchParams({ period: '2021-13' }))).toEqual({ kind: 'ytd' });
    expect(
      parsePeriod(new URLSearchParams({ period: 'custom', from: '2021-02-30', to: '2021-03-01' })),
    ).toEqual({ kind: 'ytd' });
  });

  it('reads and writes a custom range', () => {
    const p = parsePeriod(new URLSearchParams('period=custom&from=2021-01-01&to=2021-08-31'));
    expect(p).toEqual({ kind: 'custom', from: '2021-01-01', to: '2021-08-31' });
    const written = writePeriod(new URLSearchParams('unit=238&period=2021'), p);
    expect(written.toString()).toBe('unit=238&period=custom&from=2021-01-01&to=2021-08-31');
    expect(writePeriod(written, { kind: 'ytd' }).toString()).toBe('unit=238');
  });
});

describe('switchKind', () => {
  it('keeps the season when changing kind', () => {
    const aug = { kind: 'month' as const, year: 2021, month: 8 };
    expect(switchKind('quarter', aug, TODAY)).toEqual({ kind: 'quarter', year: 2021, quarter: 3 });
    expect(switchKind('half', aug, TODAY)).toEqual({ kind: 'half', year: 2021, half: 2 });
    expect(switchKind('custom', aug, TODAY)).toEqual({
      kind: 'custom',
      from: '2021-08-01',
      to: '2021-08-31',
    });
    expect(switchKind('month', { kind: 'ytd' }, TODAY)).toEqual({ kind: 'month', year: 2026, month: 11 });
  });
});

describe('labels and dates', () => {
  it('labels through the formatter', () => {
    expect(periodLabel('vi', { kind: 'quarter', year: 2021, quarter: 3 }, TODAY)).toBe('Quý III/2021');
    expect(periodLabel('vi', { kind: 'ytd' }, TODAY)).toBe('Từ đầu năm đến 26/11/2026');
  });

  it('takes today on the Vietnam clock', () => {
    expect(todayLocal(new Date('2026-11-26T16:59:59Z'))).toBe('2026-11-26');
    expect(todayLocal(new Date('2026-11-26T17:00:00Z'))).toBe('2026-11-27');
  });

  it('widens a short period to twelve months for the trend', () => {
    expect(trendRange({ from: '2021-07-01', to: '2021-09-30' })).toEqual({
      from: '2020-10-01',
      to: '2021-09-30',
    });
    expect(trendRange({ from: '2021-08-01', to: '2021-08-31' })).toEqual({
      from: '2020-09-01',
      to: '2021-08-31',
    });
    expect(trendRange({ from: '2021-01-01', to: '2021-09-30' })).toEqual({
      from: '2021-01-01',
      to: '2021-09-30',
    });
  });

  it('widens to whole quarters for reported indicators', () => {
    // Q3 alone: the four quarters ending with it.
    expect(trendRange({ from: '2021-07-01', to: '2021-09-30' }, 'quarter')).toEqual({
      from: '2020-10-01',
      to: '2021-09-30',
    });
    expect(trendRange({ from: '2021-08-01', to: '2021-08-31' }, 'quarter')).toEqual({
      from: '2020-07-01',
      to: '2021-08-31',
    });
    expect(trendRange({ from: '2021-01-01', to: '2021-11-26' }, 'quarter')).toEqual({
      from: '2021-01-01',
      to: '2021-11-26',
    });
    expect(trendGrain('reported')).toBe('quarter');
    expect(trendGrain('flow')).toBe('month');
  });
});

describe('readFilters', () => {
  it('reads period, unit and agency and drops malformed codes', () => {
    const f = readFilters(new URLSearchParams('period=2021-Q3&unit=238&agency=bad%20code'), TODAY);
    expect(f.from).toBe('2021-07-01');
    expect(f.to).toBe('2021-09-30');
    expect(f.unit).toBe('238');
    expect(f.agency).toBeUndefined();
  });
});
