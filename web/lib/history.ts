// The line a comparison across a reform of units carries: "Cùng kỳ 2024: 3 tỉnh cũ, quy đổi theo địa giới mới"
// (today's boundaries) or "Cùng kỳ 2024: theo địa giới trước 01/07/2025" (as they were). From the answer's `history`.
import type { Formatter } from '../../common/format.ts';
import type { MessageKey } from '../../common/messages.ts';

export interface HistoryNote {
  reform: string;
  view: 'current' | 'then';
  formerUnits: number;
  formerLevel: 'province' | 'district' | 'commune';
}

export function historyLine(
  t: (k: MessageKey) => string,
  fmt: Formatter,
  note: HistoryNote | null | undefined,
  lastYearTo: string,
  opts: { head?: boolean } = {},
): string | null {
  if (!note) return null;
  const body =
    note.view === 'current'
      ? `${fmt.number(note.formerUnits)} ${t(`history.former.${note.formerLevel}`)}, ${t('history.restated')}`
      : `${t('history.asTheyWere')} ${fmt.date(note.reform)}`;
  return opts.head === false ? body : `${t('history.samePeriod')} ${lastYearTo.slice(0, 4)}: ${body}`;
}
