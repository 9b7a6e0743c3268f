// The one pager: previous, "Trang N / M", next — for the records behind a number and the audit log.
import type { ReactNode } from 'react';
import { useI18n } from '../lib/i18n.ts';

export function Pager({
  page,
  pages,
  onPage,
  before,
}: {
  /** 0-based. */
  page: number;
  pages: number;
  onPage: (page: number) => void;
  /** Shown before the buttons (a total, say). */
  before?: ReactNode;
}) {
  const { t, fmt } = useI18n();
  return (
    <nav className="pager" aria-label={t('records.page')}>
      {before}
      <button type="button" className="btn btn-small" disabled={page <= 0} onClick={() => onPage(page - 1)}>
        ‹ {t('records.prev')}
      </button>
      <span className="small">
        {t('records.page')} {fmt.number(page + 1)} / {fmt.number(pages)}
      </span>
      <button
        type="button"
        className="btn btn-small"
        disabled={page + 1 >= pages}
        onClick={() => onPage(page + 1)}
      >
        {t('records.next')} ›
      </button>
    </nav>
  );
}
