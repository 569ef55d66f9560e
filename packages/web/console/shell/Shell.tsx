/**
 * The console's frame: top bar, navigation by permission (a bar at the
 * bottom on phones), the alarm banner, and the current page; the live
 * connection runs while someone is signed in. The video wall takes the
 * whole screen instead.
 */
import { Suspense, useEffect, useSyncExternalStore } from 'react';
import type { User } from '@cityops/contracts';
import { Link, navigate, usePath } from '../../ui/router';
import { Loading } from '../../ui/components/states';
import { forgetAssets } from '../components/asset-names';
import { armAlarmSound } from '../live/alarm-sound';
import { CriticalAlerts } from '../live/CriticalAlerts';
import { liveHub } from '../live/live-hub';
import { pageRoutes, startPath } from '../routes';
import { useSession } from '../session';
import { useT } from '../i18n';
import { TopBar } from './TopBar';
import { PageBoundary } from './PageBoundary';

const PHONE = '(max-width: 700px)';

function usePhone(): boolean {
  return useSyncExternalStore(
    (cb) => {
      const q = window.matchMedia(PHONE);
      q.addEventListener('change', cb);
      return () => q.removeEventListener('change', cb);
    },
    () => window.matchMedia(PHONE).matches,
  );
}

export function Shell(props: { user: User }) {
  const { can } = useSession();
  const { t } = useT();
  const path = usePath();
  const phone = usePhone();
  const allowed = pageRoutes.filter((r) => can(r.permission));
  const current = pageRoutes.find((r) => path === r.path || path.startsWith(`${r.path}/`));
  const start = startPath(props.user.role, phone, allowed);
  const live = can('stream:read');

  useEffect(() => {
    if (path === '/' && start) navigate(start, { replace: true });
  }, [path, start]);

  useEffect(() => {
    if (!live) return;
    liveHub.start();
    armAlarmSound();
    return () => {
      liveHub.stop();
      forgetAssets();
    };
  }, [live]);

  let content;
  if (path === '/' && start) content = null;
  else if (!current) content = <Message text={t('page.notFound')} />;
  else if (!can(current.permission)) content = <Message text={t('page.forbidden')} />;
  else {
    const Page = current.page;
    content = (
      <PageBoundary key={current.path}>
        <Suspense fallback={<Loading />}>
          <Page />
        </Suspense>
      </PageBoundary>
    );
  }

  if (current?.fullScreen && can(current.permission))
    return (
      <>
        {live && <CriticalAlerts />}
        {content}
      </>
    );

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <TopBar user={props.user} />
      {live && <CriticalAlerts />}
      <nav className="side-nav" aria-label={t('nav.label')}>
        <ul>
          {allowed.map((r) => (
            <li key={r.path}>
              <Link
                href={r.path}
                aria-current={current === r ? 'page' : undefined}
                data-testid={`nav-${r.path.slice(1)}`}
              >
                <span className="nav-icon" aria-hidden="true">
                  {r.icon}
                </span>
                <span className="nav-label">{t(r.label)}</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main
        id="main"
        className={`content${current?.path === '/map' ? ' content-map' : ''}`}
        tabIndex={-1}
      >
        {content}
      </main>
    </div>
  );
}

function Message(props: { text: string }) {
  const { t } = useT();
  return (
    <div className="page">
      <p className="state">{props.text}</p>
      <p>
        <Link href="/" className="button">
          {t('page.backToStart')}
        </Link>
      </p>
    </div>
  );
}
