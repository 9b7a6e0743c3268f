// One of the 12 subsystem tiles: name, status bar, 2–3 headline KPIs with the change vs the same period last
// year (coloured by direction), freshness and a stale badge. A link on desk pages, a panel on the wall.
import { Link } from 'react-router';
import { useI18n } from '../lib/i18n.ts';
import type { SubsystemSummary } from '../lib/queries.ts';
import { KpiValue } from './kpi-value.tsx';
import { Change, StaleBadge } from './status.tsx';

export interface SubsystemTileProps {
  subsystem: SubsystemSummary;
  /** Desk pages: the tile opens the subsystem page. */
  href?: string;
  /** Highlight (the wall's alarm). */
  alarm?: boolean;
  maxKpis?: number;
}

export function SubsystemTile({ subsystem: s, href, alarm, maxKpis = 3 }: SubsystemTileProps) {
  const { name, fmt, t } = useI18n();
  // Filters of the page some headline KPI could not take (e.g. a sector on reported indicators).
  const ignored = [
    ...new Set(
      s.headline
        .slice(0, maxKpis)
        .flatMap((k) => (k.ignoredFilters ?? []) as ('unit' | 'agency' | 'sector')[]),
    ),
  ].filter((f) => ['unit', 'agency', 'sector'].includes(f));
  const body = (
    <>
      <div className="tile-head">
        <h3 className="tile-name">{name(s.name)}</h3>
        <StaleBadge stale={s.stale} />
      </div>
      <ul className="tile-kpis">
        {s.headline.slice(0, maxKpis).map((k) => (
          <li key={k.id} className={`tile-kpi status-${k.status}`} data-kpi={k.id} data-status={k.status}>
            <span className="tile-kpi-name">{name(k.name)}</span>
            <span className="tile-kpi-line">
              <KpiValue value={k.value} unit={k.unit} of={k.unit === 'count' ? k.denominator : null} />
              <Change change={k.change} points={k.changePoints} direction={k.direction} />
            </span>
          </li>
        ))}
      </ul>
      <div className="tile-foot">
        {s.asOf ? `${t('kpi.asOf')} ${fmt.dateTime(s.asOf)}` : '\u00a0'}
        {ignored.length > 0 && (
          <span className="tile-ignored" data-testid="tile-ignored">
            {' · '}
            {t('kpi.ignored')}: {ignored.map((f) => t(`kpi.ignored.${f}`)).join(', ')}
          </span>
        )}
      </div>
    </>
  );
  const cls = `tile status-${s.status}${alarm ? ' tile-alarm' : ''}`;
  const data = {
    'data-testid': 'tile',
    'data-subsystem': s.id,
    'data-status': s.status,
    'data-stale': s.stale,
  };
  return href ? (
    <Link to={href} className={cls} {...data}>
      {body}
    </Link>
  ) : (
    <article className={cls} {...data}>
      {body}
    </article>
  );
}
