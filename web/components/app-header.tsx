// The desk pages' header: the centre's name, the pages, the language, who is signed in; a filter bar below it.
import { type ReactNode, useState } from 'react';
import { Link, NavLink, useSearchParams } from 'react-router';
import { linkTo } from '../lib/filters.ts';
import { useI18n } from '../lib/i18n.ts';
import { useSession } from '../lib/session.ts';
import { LanguageToggle } from './language-toggle.tsx';
import { UserMenu } from './user-menu.tsx';

export function AppHeader({ children }: { children?: ReactNode }) {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const session = useSession();
  // On a phone the pages, the language and the user fold into a menu under the brand.
  const [open, setOpen] = useState(false);
  return (
    <>
      <header className={`app-header${open ? ' open' : ''}`}>
        <Link to={linkTo('/', params)} className="brand">
          <span className="brand-mark" aria-hidden="true">
            IOC
          </span>
          <span className="brand-name">{t('app.title')}</span>
          <span className="brand-short">{t('app.short')}</span>
        </Link>
        <button
          type="button"
          className="menu-toggle"
          aria-expanded={open}
          aria-controls="header-items"
          data-testid="menu-toggle"
          onClick={() => setOpen((o) => !o)}
        >
          <span aria-hidden="true">☰</span> {t('nav.menu')}
        </button>
        <div className="header-items" id="header-items">
          <nav className="app-nav">
            {session.can('read') && (
              <>
                <NavLink to={linkTo('/', params)} end>
                  {t('nav.overview')}
                </NavLink>
                <NavLink to={linkTo('/wall', params)}>{t('nav.wall')}</NavLink>
              </>
            )}
            {(session.can('admin') || session.can('audit.read')) && (
              <NavLink to="/admin" data-testid="admin-link">
                {t('nav.admin')}
              </NavLink>
            )}
          </nav>
          <LanguageToggle />
          <UserMenu />
        </div>
      </header>
      {children && <div className="filter-bar">{children}</div>}
    </>
  );
}
