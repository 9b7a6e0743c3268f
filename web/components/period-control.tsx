// The period control: kind (month, quarter, 6 months, 9 months, year, year to date, custom) and its choice.
import { useId } from 'react';
import type { Lang } from '../../common/format.ts';
import {
  isDate,
  PERIOD_KINDS,
  type Period,
  periodLabel,
  switchKind,
  todayLocal,
  yearChoices,
} from '../../common/period.ts';
import { useI18n } from '../lib/i18n.ts';

const MONTHS = Array.from({ length: 12 }, (_, i) => i + 1);
const QUARTERS = [1, 2, 3, 4];
const ROMAN = ['I', 'II', 'III', 'IV'];

function monthName(lang: Lang, m: number) {
  return lang === 'vi'
    ? `Tháng ${m}`
    : new Intl.DateTimeFormat('en-GB', { month: 'long', timeZone: 'UTC' }).format(Date.UTC(2000, m - 1, 1));
}

export interface PeriodControlProps {
  period: Period;
  onChange: (p: Period) => void;
}

export function PeriodControl({ period, onChange }: PeriodControlProps) {
  const { t, lang } = useI18n();
  const id = useId();
  const today = todayLocal();
  const years = yearChoices(today);
  const year = 'year' in period ? period.year : +today.slice(0, 4);
  return (
    <fieldset className="period-control" data-testid="period-control">
      <legend className="sr-only">{t('period.label')}</legend>
      <label htmlFor={`${id}-kind`} className="sr-only">
        {t('period.label')}
      </label>
      <select
        id={`${id}-kind`}
        data-testid="period-kind"
        value={period.kind}
        onChange={(e) => onChange(switchKind(e.target.value as Period['kind'], period, today))}
      >
        {PERIOD_KINDS.map((k) => (
          <option key={k} value={k}>
            {t(`period.kind.${k}`)}
          </option>
        ))}
      </select>
      {period.kind === 'month' && (
        <select
          aria-label={t('period.month')}
          value={period.month}
          onChange={(e) => onChange({ ...period, month: +e.target.value })}
        >
          {MONTHS.map((m) => (
            <option key={m} value={m}>
              {monthName(lang, m)}
            </option>
          ))}
        </select>
      )}
      {period.kind === 'quarter' && (
        <select
          aria-label={t('period.quarter')}
          value={period.quarter}
          onChange={(e) => onChange({ ...period, quarter: +e.target.value })}
        >
          {QUARTERS.map((q) => (
            <option key={q} value={q}>
              {lang === 'vi' ? `Quý ${ROMAN[q - 1]}` : `Q${q}`}
            </option>
          ))}
        </select>
      )}
      {period.kind === 'half' && (
        <select
          aria-label={t('period.kind.half')}
          value={period.half}
          onChange={(e) => onChange({ ...period, half: +e.target.value as 1 | 2 })}
        >
          <option value={1}>{t('period.half.1')}</option>
          <option value={2}>{t('period.half.2')}</option>
        </select>
      )}
      {'year' in period && (
        <select
          aria-label={t('period.year')}
          value={year}
          onChange={(e) => onChange({ ...period, year: +e.target.value })}
        >
          {years.map((y) => (
            <option key={y} value={y}>
              {y}
            </option>
          ))}
        </select>
      )}
      {period.kind === 'custom' && (
        <>
          <label className="inline-label">
            {t('period.from')}
            <input
              type="date"
              value={period.from}
              max={today}
              onChange={(e) => isDate(e.target.value) && onChange({ ...period, from: e.target.value })}
            />
          </label>
          <label className="inline-label">
            {t('period.to')}
            <input
              type="date"
              value={period.to}
              max={today}
              onChange={(e) => isDate(e.target.value) && onChange({ ...period, to: e.target.value })}
            />
          </label>
        </>
      )}
      <output className="period-label" data-testid="period-label">
        {periodLabel(lang, period, today)}
      </output>
    </fieldset>
  );
}
