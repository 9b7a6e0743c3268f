// Which units history is shown by: today's (the default: former units restated through the crosswalk) or as
// they were. Kept in the URL (`boundaries=then`), so a link and an export carry it.
import { useId } from 'react';
import { useI18n } from '../lib/i18n.ts';

export function BoundariesControl({
  value,
  onChange,
}: {
  value: 'then' | undefined;
  onChange: (v: 'then' | null) => void;
}) {
  const { t } = useI18n();
  const id = useId();
  return (
    <span className="boundaries-control">
      <label htmlFor={id} className="small muted">
        {t('boundaries.label')}
      </label>{' '}
      <select
        id={id}
        data-testid="boundaries"
        value={value ?? 'current'}
        onChange={(e) => onChange(e.target.value === 'then' ? 'then' : null)}
      >
        <option value="current">{t('boundaries.current')}</option>
        <option value="then">{t('boundaries.then')}</option>
      </select>
    </span>
  );
}
