// The wall's ranking: units (or agencies) by a KPI as text and bars in HTML, best at the top, coloured by status —
// sharp at any size across the room, read by screen readers as a list, and no chart library on the wall.
import type { KpiUnit } from '../../common/format.ts';
import { type ChartTheme, isPercent, type RankingRow, rankingShown, rowLabel } from '../charts/options.ts';
import { useI18n } from '../lib/i18n.ts';
import { STATUS_COLORS } from '../lib/kpi.ts';

export interface WallRankingProps {
  rows: RankingRow[];
  unit: KpiUnit;
  selected?: string | null;
  theme: ChartTheme;
  /** At most this many rows: the best half and the worst half stay visible (rows come sorted). */
  limit?: number;
  /** Name of the null key (province-level agencies). */
  nullLabel: string;
}

export function WallRanking({ rows, unit, selected, theme, limit = 16, nullLabel }: WallRankingProps) {
  const { fmt } = useI18n();
  const shown = rankingShown(rows, limit);
  const top = Math.max(isPercent(unit) ? 100 : 0, ...shown.map((r) => r.value ?? 0));
  const dim = selected !== undefined && selected !== null;
  return (
    <ol className="wall-ranking" style={{ fontSize: theme.fontSize }} data-testid="wall-ranking">
      {shown.map((r) => {
        const name = rowLabel(r, nullLabel);
        const width = top > 0 && r.value !== null ? Math.max(0, (r.value / top) * 100) : 0;
        const mine = dim && r.key === selected;
        return (
          <li
            key={r.key ?? '(province)'}
            className={mine ? 'selected' : dim ? 'dimmed' : undefined}
            data-status={r.status}
          >
            <span className="wr-name" title={name}>
              {name}
            </span>
            <span className="wr-bar">
              <span style={{ width: `${width}%`, background: STATUS_COLORS[r.status] }} />
            </span>
            <span className="wr-value">{fmt.kpi(r.value, unit, { compact: true })}</span>
          </li>
        );
      })}
    </ol>
  );
}
