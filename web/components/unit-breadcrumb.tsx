// Tỉnh › Huyện › Xã: where the view is narrowed to, each step a way back up; the agency filter as a chip. For a
// scoped principal the steps above its unit are not links (it cannot go there) and its sector shows as a
// fixed chip.
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useI18n } from '../lib/i18n.ts';
import { agenciesOptions, unitsOptions } from '../lib/queries.ts';
import { scopeRoot } from '../lib/scope.ts';
import { useSession } from '../lib/session.ts';
import { indexUnits } from '../lib/units.ts';

export interface UnitBreadcrumbProps {
  unit: string | undefined;
  agency: string | undefined;
  onUnit: (code: string | null) => void;
  onAgency: (code: string | null) => void;
}

export function UnitBreadcrumb({ unit, agency, onUnit, onAgency }: UnitBreadcrumbProps) {
  const { t } = useI18n();
  const { scope } = useSession();
  const sectors = scope?.sectors ?? [];
  const units = useQuery(unitsOptions());
  const agencies = useQuery({ ...agenciesOptions(), enabled: !!agency || sectors.length > 0 });
  const index = useMemo(() => indexUnits(units.data?.units), [units.data]);
  const chain = index.chain(unit);
  const root = scopeRoot(index, scope, unit);
  const rootAt = root ? chain.findIndex((u) => u.code === root) : 0;
  const agencyName = agency
    ? (agencies.data?.agencies.find((a) => a.code === agency)?.name ?? agency)
    : undefined;
  return (
    <nav className="unit-crumbs" aria-label="breadcrumb" data-testid="unit-breadcrumb">
      <ol>
        {chain.length === 0 && <li>{t('unit.all')}</li>}
        {chain.map((u, i) => {
          const last = i === chain.length - 1;
          const above = i < rootAt;
          return (
            <li key={u.code} data-level={u.level} data-locked={above ? 'true' : undefined}>
              {last ? (
                <span aria-current="page" className="crumb-current">
                  {u.name}
                </span>
              ) : above ? (
                <span className="crumb-locked" title={t('scope.locked')}>
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
      {sectors.length > 0 && (
        <span className="chip chip-locked" data-testid="sector-chip" title={t('scope.locked')}>
          {t('scope.sector')}: {sectors.map((c) => sectorName(c, agencies.data?.agencies)).join(', ')}
        </span>
      )}
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

/** A sector's name: its department (Sở Y tế for y_te), else its code (chinh_quyen: every People's Committee). */
export function sectorName(
  code: string,
  agencies: { sector: string | null; kind: string; name: string }[] | undefined,
): string {
  return (agencies ?? []).find((a) => a.sector === code && a.kind === 'department')?.name ?? code;
}
