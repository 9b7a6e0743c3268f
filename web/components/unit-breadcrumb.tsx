// Tỉnh › Huyện › Xã: where the view is narrowed to, each step a way back up; the agency filter as a chip.
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useI18n } from '../lib/i18n.ts';
import { agenciesOptions, unitsOptions } from '../lib/queries.ts';
import { indexUnits } from '../lib/units.ts';

export interface UnitBreadcrumbProps {
  unit: string | undefined;
  agency: string | undefined;
  onUnit: (code: string | null) => void;
  onAgency: (code: string | null) => void;
}

export function UnitBreadcrumb({ unit, agency, onUnit, onAgency }: UnitBreadcrumbProps) {
  const { t } = useI18n();
  const units = useQuery(unitsOptions());
  const agencies = useQuery({ ...agenciesOptions(), enabled: !!agency });
  const index = useMemo(() => indexUnits(units.data?.units), [units.data]);
  const chain = index.chain(unit);
  const agencyName = agency
    ? (agencies.data?.agencies.find((a) => a.code === agency)?.name ?? agency)
    : undefined;
  return (
    <nav className="unit-crumbs" aria-label="breadcrumb" data-testid="unit-breadcrumb">
      <ol>
        {chain.length === 0 && <li>{t('unit.all')}</li>}
        {chain.map((u, i) => {
          const last = i === chain.length - 1;
          return (
            <li key={u.code} data-level={u.level}>
              {last ? (
                <span aria-current="page" className="crumb-current">
                  {u.name}
                </span>
              ) : (
                <button
                  type="button"
                  className="link"
                  onClick={() => onUnit(u.level === 'province' ? null : u.code)}
                >
                  {u.name}
                </button>
              )}
            </li>
          );
        })}
      </ol>
      {agency && (
        <span className="chip" data-testid="agency-chip">
          {t('unit.agency')}: {agencyName}
          <button
            type="button"
            className="chip-x"
            aria-label={t('unit.clear')}
            onClick={() => onAgency(null)}
          >
            ×
          </button>
        </span>
      )}
    </nav>
  );
}
