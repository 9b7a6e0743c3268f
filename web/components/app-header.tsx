// The desk pages' header: the centre's name, the pages, the language; a filter bar below it.
import type { ReactNode } from 'react';
import { Link, NavLink, useSearchParams } from 'react-router';
import { linkTo } from '../lib/filters.ts';
import { useI18n } from '../lib/i18n.ts';
import { LanguageToggle } from './language-toggle.tsx';

export function AppHeader({ children }: { children?: ReactNode }) {
  const { t } = useI18n();
  const [params] = useSearchParams();
  return (
    <>
      <header className="app-header">
        <Link to={linkTo('/', params)} className="brand">
          <span className="brand-mark" aria-hidden="true">
            IOC
          </span>
          <span className="brand-name">{t('app.title')}</span>
        </Link>
        <nav className="app-nav">
          <NavLink to={linkTo('/', params)} end>
            {t('nav.overview')}
          </NavLink>
          <NavLink to={linkTo('/wall', params)}>{t('nav.wall')}</NavLink>
        </nav>
        <LanguageToggle />
      </header>
      {children && <div className="filter-bar">{children}</div>}
    </>
  );
}
