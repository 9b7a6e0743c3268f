// Small visual atoms: the change vs last year coloured by direction, status dots, the stale badge.
import { isOutOfScope } from '../lib/api.ts';
import { useI18n } from '../lib/i18n.ts';
import { changeTone, type Direction, type Status, statusKey } from '../lib/kpi.ts';

/** The change vs last year: a percentage's in percentage points (its relative change in the tooltip). */
export function Change({
  change,
  points,
  direction,
  className,
}: {
  change: number | null;
  points?: number | null;
  direction: Direction;
  className?: string;
}) {
  const { fmt, t } = useI18n();
  const byPoints = points !== null && points !== undefined;
  const tone = changeTone(byPoints ? points : change, direction);
  return (
    <span
      className={`change tone-${tone} ${className ?? ''}`}
      title={byPoints ? `${t('kpi.vsLastYear')} (${fmt.change(change)})` : t('kpi.vsLastYear')}
    >
      {byPoints ? fmt.changePoints(points) : fmt.change(change)}
    </span>
  );
}

export function StatusDot({ status }: { status: Status }) {
  const { t } = useI18n();
  return (
    <span
      className={`status-dot status-${status}`}
      role="img"
      aria-label={t(statusKey(status))}
      title={t(statusKey(status))}
    />
  );
}

export function StaleBadge({ stale, className }: { stale: boolean; className?: string }) {
  const { t } = useI18n();
  if (!stale) return null;
  return (
    <span className={`badge badge-stale ${className ?? ''}`} data-testid="stale-badge">
      {t('kpi.stale')}
    </span>
  );
}

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('common.loading')}
    </div>
  );
}

export function ErrorNote({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const msg = error instanceof Error ? error.message : String(error);
  // A request outside the principal's scope is an answer, not a failure: say so, without a retry.
  if (isOutOfScope(error))
    return (
      <div className="scope-note" role="note" data-testid="out-of-scope" title={msg}>
        {t('scope.outside')}
      </div>
    );
  return (
    <div className="error-note" role="alert">
      <strong>{t('common.error')}:</strong> {msg}
      {onRetry && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
