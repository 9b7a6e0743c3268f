// The records behind a number (/records): the rows of the KPI's numerator or denominator, paginated, with
// codes shown as names and dates on the Vietnam clock. Late dossiers and documents are marked.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef } from 'react';
import { useLocation } from 'react-router';
import type { Formatter } from '../../common/format.ts';
import { hasMessage, type MessageKey, useI18n } from '../lib/i18n.ts';
import {
  agenciesOptions,
  type KpiDef,
  type RangeFilters,
  type RecordsPart,
  recordsOptions,
  unitsOptions,
} from '../lib/queries.ts';
import { ExportLinks } from './export-links.tsx';
import { Pager } from './pager.tsx';
import { ErrorNote, Loading } from './status.tsx';

export const PAGE_SIZE = 25;

const HIDDEN = new Set(['updated_at']);
const MONEY = new Set(['amount_vnd', 'fee_vnd']);
const DATES = new Set(['period_start', 'period_end', 'valid_from', 'valid_to']);

/** One cell as text: instants on the Vietnam clock, booleans as Có/Không, money in đồng, codes as names. */
export function cellText(
  key: string,
  v: unknown,
  fmt: Formatter,
  yesNo: [string, string],
  names: { unit: Map<string, string>; agency: Map<string, string> },
  t: (key: MessageKey) => string,
): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? yesNo[0] : yesNo[1];
  if (typeof v === 'number') return MONEY.has(key) ? fmt.vnd(v) : fmt.number(v, 2);
  const s = String(v);
  if (key === 'unit_code') return names.unit.get(s) ?? s;
  if (key === 'agency_code') return names.agency.get(s) ?? s;
  if (DATES.has(key)) return fmt.date(s);
  if (key.endsWith('_at') || key === 'at') return fmt.dateTime(s);
  const label = `val.${key}.${s}`; // a value of a feed's enumeration (status, channel, …) in words
  return hasMessage(label) ? t(label) : s;
}

/** A row handled after its due time (or still open past it). */
function isLate(row: Record<string, unknown>, now: number): boolean {
  const due = typeof row.due_at === 'string' ? Date.parse(row.due_at) : Number.NaN;
  if (Number.isNaN(due)) return false;
  const done = typeof row.completed_at === 'string' ? Date.parse(row.completed_at) : null;
  return done === null ? due < now : done > due;
}

export interface RecordsTableProps {
  def: KpiDef;
  filters: RangeFilters;
  part: RecordsPart;
  page: number;
  onPart: (p: RecordsPart) => void;
  onPage: (page: number) => void;
}

export function RecordsTable({ def, filters, part, page, onPart, onPage }: RecordsTableProps) {
  const { t, fmt, name } = useI18n();
  const ref = useRef<HTMLElement>(null);
  const location = useLocation();
  const composite = def.kind === 'index';
  const q = useQuery({
    ...recordsOptions(def.id, part, filters, PAGE_SIZE, page * PAGE_SIZE),
    enabled: !composite,
  });
  const units = useQuery(unitsOptions());
  const agencies = useQuery(agenciesOptions());
  const names = useMemo(
    () => ({
      unit: new Map((units.data?.units ?? []).map((u) => [u.code, u.name])),
      agency: new Map((agencies.data?.agencies ?? []).map((a) => [a.code, a.name])),
    }),
    [units.data, agencies.data],
  );

  // A "see the records" link lands here: bring the table into view.
  const landing = location.hash === '#records' ? location.key : null;
  useEffect(() => {
    if (landing) ref.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }, [landing]);

  const rows = q.data?.rows ?? [];
  const columns = useMemo(() => Object.keys(rows[0] ?? {}).filter((c) => !HIDDEN.has(c)), [rows]);
  const total = q.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const now = Date.now();
  const yesNo: [string, string] = [t('common.yes'), t('common.no')];
  const hasDen = def.formula.denominator !== null;

  return (
    <section
      className="panel records"
      id="records"
      ref={ref}
      data-testid="records"
      aria-labelledby="records-h"
    >
      <div className="panel-head">
        <h2 id="records-h" className="panel-title">
          {t('records.title')}: {name(def.name)}
        </h2>
        {!composite && <ExportLinks id={def.id} view={{ view: 'records', part }} filters={filters} />}
        {hasDen && !composite && (
          <fieldset className="segmented">
            {(['numerator', 'denominator'] as const).map((p) => (
              <button key={p} type="button" aria-pressed={part === p} onClick={() => onPart(p)}>
                {t(`records.${p}`)}
              </button>
            ))}
          </fieldset>
        )}
      </div>
      {composite && <p className="muted">{t('records.unavailable')}</p>}
      {!composite && q.isError && <ErrorNote error={q.error} onRetry={() => q.refetch()} />}
      {!composite && q.isPending && <Loading />}
      {!composite && q.data && (
        <>
          <p className="muted small" data-testid="records-total">
            {fmt.number(total)} {t('records.total')} · {fmt.dateRange(q.data.from, q.data.to)}
          </p>
          {rows.length === 0 ? (
            <p className="muted">{t('records.empty')}</p>
          ) : (
            // Focusable, so the table scrolls with the keyboard too (WCAG: scrollable regions need keyboard access).
            // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus to scroll by keys
            <section className="table-scroll" tabIndex={0} aria-label={t('records.title')}>
              {/* Rows of the previous filters stay until the new ones arrive: dimmed, so they are not read as the answer. */}
              <table
                className={`table records-table${q.isPlaceholderData ? ' is-stale' : ''}`}
                aria-busy={q.isPlaceholderData}
              >
                <thead>
                  <tr>
                    {columns.map((c) => {
                      const key = `col.${c}`;
                      return <th key={c}>{hasMessage(key) ? t(key) : c}</th>;
                    })}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r, i) => (
                    <tr key={String(r.id ?? i)} className={isLate(r, now) ? 'late' : undefined}>
                      {columns.map((c) => (
                        <td key={c} className={typeof r[c] === 'number' ? 'num' : undefined}>
                          {cellText(c, r[c], fmt, yesNo, names, t)}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
          <Pager page={page} pages={pages} onPage={onPage} />
        </>
      )}
    </section>
  );
}
