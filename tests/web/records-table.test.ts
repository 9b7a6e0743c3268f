// A records cell as the table shows it: enumeration values in words in the chosen language, codes as names,
// instants on the Vietnam clock; a value the dictionary does not know stays as sent.
import { describe, expect, it } from 'vitest';
import { createFormatter } from '../../common/format.ts';
import { cellText } from '../../web/components/records-table.tsx';
import { type MessageKey, translate } from '../../web/lib/i18n.ts';

const names = { unit: new Map([['227', 'Huyện Thanh Sơn']]), agency: new Map([['SNV', 'Sở Nội vụ']]) };
const cell = (lang: 'vi' | 'en', key: string, v: unknown) =>
  cellText(key, v, createFormatter(lang), ['Có', 'Không'], names, (k: MessageKey) => translate(lang, k));

describe('records cells', () => {
  it('shows the feeds’ enumeration values in words, per language', () => {
    expect(cell('vi', 'status', 'completed')).toBe('Đã hoàn thành');
    expect(cell('vi', 'status', 'refunded')).toBe('Đã hoàn tiền');
    expect(cell('vi', 'channel', 'online')).toBe('Trực tuyến');
    expect(cell('vi', 'channel', 'counter_pos')).toBe('POS tại quầy');
    expect(cell('vi', 'satisfaction', 'unsatisfied')).toBe('Không hài lòng');
    expect(cell('vi', 'direction', 'in')).toBe('Đến');
    expect(cell('en', 'status', 'supplement')).toBe('Awaiting supplement');
    expect(cell('en', 'direction', 'out')).toBe('Outgoing');
  });

  it('leaves unknown values and free text as sent; codes become names; instants on the Vietnam clock', () => {
    expect(cell('vi', 'status', 'archived')).toBe('archived');
    expect(cell('vi', 'subject', 'completed')).toBe('completed'); // not an enumeration column
    expect(cell('vi', 'unit_code', '227')).toBe('Huyện Thanh Sơn');
    expect(cell('vi', 'agency_code', 'SNV')).toBe('Sở Nội vụ');
    expect(cell('vi', 'received_at', '2025-07-01T01:30:00Z')).toBe('01/07/2025 08:30');
    expect(cell('vi', 'status', null)).toBe('—');
  });
});
