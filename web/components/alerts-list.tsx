// Red and amber headline KPIs and late feeds, worst first: what the leaders should look at.
import { Link } from 'react-router';
import type { Alert } from '../lib/alerts.ts';
import { useI18n } from '../lib/i18n.ts';
import { KpiValue } from './kpi-value.tsx';
import { Change, StatusDot } from './status.tsx';

const FEED_KEYS = {
  documents: 'feed.documents',
  dossiers: 'feed.dossiers',
  payments: 'feed.payments',
  reports: 'feed.reports',
} as const;

export interface AlertsListProps {
  alerts: Alert[];
  /** Link of a KPI alert (desk pages); none on the wall. */
  hrefOf?: (subsystem: string, kpi: string) => string;
  max?: number;
}

export function AlertsList({ alerts, hrefOf, max = 12 }: AlertsListProps) {
  const { t, name, fmt } = useI18n();
  if (alerts.length === 0) return <p className="muted alerts-empty">{t('overview.noAlerts')}</p>;
  return (
    <ul className="alerts" data-testid="alerts">
      {alerts.slice(0, max).map((a) => {
        if (a.type === 'feed') {
          const feedName =
            a.feed.feed in FEED_KEYS ? t(FEED_KEYS[a.feed.feed as keyof typeof FEED_KEYS]) : a.feed.feed;
          return (
            <li
              key={a.key}
              className="alert alert-feed status-bad"
              data-testid="alert"
              data-feed={a.feed.feed}
            >
              <StatusDot status="bad" />
              <span className="alert-link">
                <span className="alert-text">
                  <span className="alert-sub">{t('alert.feedStale')}</span>
                  <strong className="alert-kpi">{feedName}</strong>
                </span>
                <span className="alert-value muted small">
                  {a.feed.newestEventAt
                    ? `${t('alert.newest')} ${fmt.dateTime(a.feed.newestEventAt)}`
                    : t('alert.feedNever')}
                </span>
              </span>
            </li>
          );
        }
        const text = (
          <>
            <span className="alert-text">
              <span className="alert-sub">{name(a.subsystem.name)}</span>
              <strong className="alert-kpi">{name(a.kpi.name)}</strong>
            </span>
            <span className="alert-value">
              <KpiValue value={a.kpi.value} unit={a.kpi.unit} />
              <Change change={a.kpi.change} points={a.kpi.changePoints} direction={a.kpi.direction} />
            </span>
          </>
        );
        return (
          <li key={a.key} className={`alert status-${a.status}`} data-testid="alert" data-kpi={a.kpi.id}>
            <StatusDot status={a.status} />
            {hrefOf ? (
              <Link className="alert-link" to={hrefOf(a.subsystem.id, a.kpi.id)}>
                {text}
              </Link>
            ) : (
              <span className="alert-link">{text}</span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
