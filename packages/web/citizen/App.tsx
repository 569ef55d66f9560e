/**
 * The citizen app's frame: a header with the language switch (on every
 * screen), the offline banner, notices of status changes, the current screen
 * and a tab bar. Screens other than the start are lazy chunks, fetched in the
 * background once the app is idle so that they work offline too.
 */
import { lazy, Suspense, useEffect } from 'react';
import type { ReactNode } from 'react';
import type { ReportStatus } from '@cityops/contracts';
import { I18nProvider } from '../ui/i18n/i18n';
import { LanguageSwitch } from '../ui/components/LanguageSwitch';
import { Loading } from '../ui/components/states';
import { Link, navigate, usePath } from '../ui/router';
import { statusKey } from '../ui/reports/report-messages';
import { Icon, type IconName } from '../ui/reports/icons';
import { citizenMessages } from './messages';
import { useT } from './i18n';
import { useOnline } from './state/online';
import { startOutbox } from './outbox/outbox';
import {
  dismissNotice,
  refreshAfterPush,
  setChangeWording,
  startPolling,
  useMyReports,
} from './state/my-reports';
import { useIdentity } from './state/identity';
import { syncPush } from './state/push';
import { Home } from './screens/Home';
import { ScreenBoundary } from './screens/ScreenBoundary';

const loadForm = () => import('./screens/ReportForm');
const loadMine = () => import('./screens/MyReports');
const loadDetail = () => import('./screens/ReportDetail');
const loadMap = () => import('./screens/PublicMap');
const loadSignIn = () => import('./screens/SignIn');

const ReportForm = lazy(loadForm);
const MyReports = lazy(loadMine);
const ReportDetail = lazy(loadDetail);
const PublicMap = lazy(loadMap);
const SignIn = lazy(loadSignIn);

/** Fetches the other screens (and, on a good connection, the map) once the app is idle. */
function prefetchScreens(): void {
  const conn = (
    navigator as Navigator & { connection?: { saveData?: boolean; effectiveType?: string } }
  ).connection;
  const slow = conn?.saveData === true || /(^|-)2g$/.test(conn?.effectiveType ?? '');
  const run = () => {
    for (const load of [loadForm, loadMine, loadDetail, loadSignIn, loadMap])
      load().catch(() => undefined);
    if (!slow) import('../ui/reports/ReportMap').catch(() => undefined);
  };
  const ready = navigator.serviceWorker?.ready ?? Promise.resolve();
  void Promise.race([ready, new Promise((r) => setTimeout(r, 3000))]).then(() => {
    if ('requestIdleCallback' in window) window.requestIdleCallback(run, { timeout: 5000 });
    else setTimeout(run, 1000);
  });
}

type Tab = 'home' | 'report' | 'mine' | 'map';

function route(path: string): { tab: Tab | null; screen: ReactNode } {
  const p = path.replace(/\/+$/, '');
  const detail = /^\/citizen\/reports\/(\d{1,18})$/.exec(p);
  if (detail) return { tab: 'mine', screen: <ReportDetail id={detail[1]!} /> };
  switch (p) {
    case '/citizen/report':
      return { tab: 'report', screen: <ReportForm /> };
    case '/citizen/mine':
      return { tab: 'mine', screen: <MyReports /> };
    case '/citizen/map':
      return { tab: 'map', screen: <PublicMap /> };
    case '/citizen/sign-in':
      return { tab: 'mine', screen: <SignIn /> };
    default:
      return { tab: 'home', screen: <Home /> };
  }
}

function Notices() {
  const { t } = useT();
  const { notices } = useMyReports();
  if (notices.length === 0) return null;
  return (
    <div className="notices" role="status" aria-live="polite" data-testid="notices">
      {notices.map((n) => (
        <div className="notice-item" key={`${n.id}:${n.at}`}>
          <Link href={`/citizen/reports/${n.id}`} onClick={() => dismissNotice(n.id)}>
            {t('notice.changed', { id: n.id, status: t(statusKey(n.status)) })}
          </Link>
          <button type="button" className="button small" onClick={() => dismissNotice(n.id)}>
            {t('notice.dismiss')}
          </button>
        </div>
      ))}
    </div>
  );
}

const tabs: ReadonlyArray<{
  tab: Tab;
  href: string;
  icon: IconName;
  label: 'nav.home' | 'nav.report' | 'nav.mine' | 'nav.map';
}> = [
  { tab: 'home', href: '/citizen/', icon: 'home', label: 'nav.home' },
  { tab: 'report', href: '/citizen/report', icon: 'plus', label: 'nav.report' },
  { tab: 'mine', href: '/citizen/mine', icon: 'list', label: 'nav.mine' },
  { tab: 'map', href: '/citizen/map', icon: 'map', label: 'nav.map' },
];

function Screen() {
  const { t, locale } = useT();
  const path = usePath();
  const me = useIdentity();
  const tokens = [me.phone?.token ?? '', ...me.followTokens].join(' ');

  useEffect(() => {
    // Push notifications follow the tokens of this device and the language shown.
    void syncPush(locale === 'en' ? 'en' : 'vi');
  }, [tokens, locale]);
  const online = useOnline();
  const { tab, screen } = route(path);

  useEffect(() => {
    // Words of the status-change notifications, in the language shown now.
    setChangeWording((id, status: ReportStatus) => ({
      title: t('notice.changed', { id, status: t(statusKey(status)) }),
      body: t('app.name'),
    }));
  }, [t]);

  useEffect(() => {
    window.scrollTo(0, 0);
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [path]);

  return (
    <div className="citizen">
      <header className="citizen-header">
        <Link href="/citizen/" className="citizen-brand">
          <span className="citizen-name">{t('app.name')}</span>
          <span className="citizen-province">{t('app.province')}</span>
        </Link>
        <LanguageSwitch long />
      </header>
      {!online && (
        <div className="connection-banner" role="status" data-testid="offline-banner">
          {t('offline.note')}
        </div>
      )}
      <Notices />
      <main className="citizen-main" id="main" tabIndex={-1}>
        <ScreenBoundary key={path}>
          <Suspense fallback={<Loading />}>{screen}</Suspense>
        </ScreenBoundary>
      </main>
      <nav className="tab-bar" aria-label={t('nav.label')}>
        {tabs.map((x) => (
          <Link
            key={x.tab}
            href={x.href}
            aria-current={tab === x.tab ? 'page' : undefined}
            data-testid={`tab-${x.tab}`}
          >
            <Icon name={x.icon} size={24} />
            <span>{t(x.label)}</span>
          </Link>
        ))}
      </nav>
      <footer className="citizen-footer">
        <a href="/">{t('welcome.staff')}</a>
      </footer>
    </div>
  );
}

export function App() {
  useEffect(() => {
    const stopOutbox = startOutbox();
    const stopPolling = startPolling();
    prefetchScreens();
    // A tapped notification asks the open app to show its report; a push refreshes the list.
    const onMessage = (
      e: MessageEvent<{ type?: string; url?: string; reportId?: string | null }>,
    ) => {
      if (e.data?.type === 'cityops:open' && e.data.url?.startsWith('/citizen'))
        navigate(e.data.url);
      if (e.data?.type === 'cityops:push') void refreshAfterPush(e.data.reportId ?? null);
    };
    navigator.serviceWorker?.addEventListener('message', onMessage);
    return () => {
      stopOutbox();
      stopPolling();
      navigator.serviceWorker?.removeEventListener('message', onMessage);
    };
  }, []);
  return (
    <I18nProvider messages={citizenMessages} titleKey="app.title">
      <Screen />
    </I18nProvider>
  );
}
