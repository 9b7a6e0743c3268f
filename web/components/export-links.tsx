// Download links (XLSX, CSV) for a view: the URL is built from the view's own KPI, filters and period. Shown
// only to principals with the export permission.
import { type ExportFormat, type ExportView, exportUrl } from '../lib/api.ts';
import { useI18n } from '../lib/i18n.ts';
import type { RangeFilters } from '../lib/queries.ts';
import { useSession } from '../lib/session.ts';

export interface ExportLinksProps {
  id: string;
  view: ExportView;
  filters: RangeFilters;
  formats?: ExportFormat[];
  /** A download that is not one KPI's view (the one-stop table): its URL per format. */
  href?: (format: ExportFormat, lang: 'vi' | 'en') => string;
  testId?: string;
}

export function ExportLinks({
  id,
  view,
  filters,
  formats = ['xlsx', 'csv'],
  href,
  testId = 'export-links',
}: ExportLinksProps) {
  const { t, lang } = useI18n();
  const session = useSession();
  // The server refuses exports without the permission: no links that can only fail.
  if (!session.can('export')) return null;
  return (
    <span className="export-links" data-testid={testId}>
      {formats.map((f) => (
        <a
          key={f}
          href={href ? href(f, lang) : exportUrl(id, view, filters, f, lang)}
          download
          className="export-link small"
          title={t('export.title')}
          data-format={f}
        >
          {f.toUpperCase()}
        </a>
      ))}
    </span>
  );
}
