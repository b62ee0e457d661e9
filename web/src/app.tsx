import type { Api } from './api/client';
import type { Session } from './auth';
import { lang, setLang, t } from './i18n';
import { CustomerPage, CustomersPage } from './pages/customers';
import { InvoicePage } from './pages/invoice';
import { InvoicesPage } from './pages/invoices';
import { ReportsPage } from './pages/reports';
import { ReviewPage } from './pages/review';
import { SettingsPage } from './pages/settings';
import { StatementsPage } from './pages/statements';
import { TodayPage } from './pages/today';
import { useSignal } from './state';
import { Ctx, Link, Notice, path } from './ui';

const sections = [
  ['/', 'today'],
  ['/rapprochement', 'review'],
  ['/factures', 'invoices'],
  ['/clients', 'customers'],
  ['/releves', 'statements'],
  ['/pilotage', 'reports'],
  ['/parametres', 'settings'],
] as const;

/** The page of a path: French paths, one segment of id at most. */
export function pageOf(p: string) {
  const [pathname, search = ''] = p.split('?');
  const [, section = '', id] = pathname.split('/').map(decodeURIComponent);
  const query = new URLSearchParams(search);
  switch (section) {
    case '':
      return <TodayPage />;
    case 'rapprochement':
      return <ReviewPage />;
    case 'factures':
      return id ? <InvoicePage invoiceId={id} /> : <InvoicesPage query={query} />;
    case 'clients':
      return id ? <CustomerPage customerId={id} /> : <CustomersPage />;
    case 'releves':
      return <StatementsPage />;
    case 'pilotage':
      return <ReportsPage />;
    case 'parametres':
      return <SettingsPage />;
    default:
      return <TodayPage />;
  }
}

export function App(props: { api: Api; session: Session }) {
  const current = useSignal(path);
  useSignal(lang);
  const m = t();
  const section = `/${current.split(/[/?]/)[1] ?? ''}`;
  return (
    <Ctx.Provider value={{ api: props.api, session: props.session }}>
      <a class="skip" href="#main">
        {m.skip}
      </a>
      <header class="top">
        <span class="brand">{m.appName}</span>
        <nav aria-label="Sections">
          <ul>
            {sections.map(([href, key]) => (
              <li key={href}>
                <Link href={href} aria-current={section === href ? 'page' : undefined}>
                  {m.nav[key]}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span>
            {props.session.who}
            {props.session.role === 'readonly' ? ` (${m.readOnly})` : ''}
          </span>
          <button
            type="button"
            class="link"
            aria-label={m.languageLabel}
            onClick={() => setLang(lang.value === 'fr' ? 'en' : 'fr')}
          >
            {m.language}
          </button>
        </div>
      </header>
      <Notice />
      <main id="main" key={lang.value}>
        {pageOf(current)}
      </main>
    </Ctx.Provider>
  );
}
