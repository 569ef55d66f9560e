/** The console's frame: top bar, navigation by permission, and the current page. */
import { Suspense, useEffect } from 'react';
import type { User } from '@cityops/contracts';
import { Link, navigate, usePath } from '../../ui/router';
import { Loading } from '../../ui/components/states';
import { pageRoutes } from '../routes';
import { useSession } from '../session';
import { useT } from '../i18n';
import { TopBar } from './TopBar';
import { PageBoundary } from './PageBoundary';

export function Shell(props: { user: User }) {
  const { can } = useSession();
  const { t } = useT();
  const path = usePath();
  const allowed = pageRoutes.filter((r) => can(r.permission));
  const current = pageRoutes.find((r) => path === r.path || path.startsWith(`${r.path}/`));
  const start = allowed[0]?.path;

  useEffect(() => {
    if (path === '/' && start) navigate(start, { replace: true });
  }, [path, start]);

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

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <TopBar user={props.user} />
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
