// The line a comparison across a reform carries, in both languages (numbers and dates by the one formatter).
import { describe, expect, it } from 'vitest';
import { createFormatter } from '../../common/format.ts';
import { type MessageKey, translate } from '../../common/messages.ts';
import { historyLine } from '../../web/lib/history.ts';

const vi = { t: (k: MessageKey) => translate('vi', k), fmt: createFormatter('vi') };
const en = { t: (k: MessageKey) => translate('en', k), fmt: createFormatter('en') };
const current = {
  reform: '2025-07-01',
  view: 'current' as const,
  formerUnits: 3,
  formerLevel: 'province' as const,
};

describe('historyLine', () => {
  it('says last year was three former provinces, restated (today’s boundaries)', () => {
    expect(historyLine(vi.t, vi.fmt, current, '2024-09-30')).toBe(
      'Cùng kỳ 2024: 3 tỉnh cũ, quy đổi theo địa giới mới',
    );
    expect(historyLine(en.t, en.fmt, current, '2024-09-30')).toBe(
      'Same period 2024: 3 former provinces, restated to today’s boundaries',
    );
    expect(
      historyLine(vi.t, vi.fmt, { ...current, formerUnits: 12, formerLevel: 'commune' }, '2024-12-31', {
        head: false,
      }),
    ).toBe('12 xã cũ, quy đổi theo địa giới mới');
  });

  it('says the boundaries before the reform (as they were), and nothing without a reform', () => {
    expect(historyLine(vi.t, vi.fmt, { ...current, view: 'then' }, '2024-09-30')).toBe(
      'Cùng kỳ 2024: theo địa giới trước 01/07/2025',
    );
    expect(historyLine(vi.t, vi.fmt, null, '2024-09-30')).toBeNull();
  });
});
