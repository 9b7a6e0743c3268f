// Administration (/admin?tab=…): the page and its tabs, one file each beside this one: users, roles, wall devices,
// feed sources and the audit log. Plain forms over the admin API; every change is audited by the server.
import { Link, useSearchParams } from 'react-router';
import { AppHeader } from '../../components/app-header.tsx';
import { type MessageKey, useI18n } from '../../lib/i18n.ts';
import { useSession } from '../../lib/session.ts';
import { AuditTab } from './audit.tsx';
import { DevicesTab } from './devices.tsx';
import { RolesTab } from './roles.tsx';
import { SourcesTab } from './sources.tsx';
import { UsersTab } from './users.tsx';
import './admin.css';

const TABS = ['users', 'roles', 'devices', 'sources', 'audit'] as const;

type Tab = (typeof TABS)[number];

export default function AdminPage() {
  const { t } = useI18n();
  const session = useSession();
  const [params] = useSearchParams();
  const allowed = TABS.filter((x) => (x === 'audit' ? session.can('audit.read') : session.can('admin')));
  const tab: Tab = allowed.find((x) => x === params.get('tab')) ?? allowed[0] ?? 'audit';
  return (
    <div className="page page-admin">
      <AppHeader />
      <main className="content">
        <h1 className="page-title" style={{ marginBottom: 12 }}>
          {t('admin.title')}
        </h1>
        <nav className="tabs" aria-label={t('admin.title')}>
          {allowed.map((x) => (
            <Link
              key={x}
              to={`/admin?tab=${x}`}
              aria-current={x === tab ? 'page' : undefined}
              data-testid={`tab-${x}`}
            >
              {t(`admin.tab.${x}` as MessageKey)}
            </Link>
          ))}
        </nav>
        {tab === 'users' && <UsersTab />}
        {tab === 'roles' && <RolesTab />}
        {tab === 'devices' && <DevicesTab />}
        {tab === 'sources' && <SourcesTab />}
        {tab === 'audit' && <AuditTab />}
      </main>
    </div>
  );
}
