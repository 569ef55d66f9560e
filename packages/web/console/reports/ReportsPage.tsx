/**
 * The reports back office (/reports): the queue, one report (/reports/{id})
 * and the statistics (/reports/stats), with tabs between the queue and the
 * statistics.
 */
import { lazy, Suspense } from 'react';
import { Loading } from '../../ui/components/states';
import { Link, usePath } from '../../ui/router';
import { useSession } from '../session';
import { useT } from '../i18n';
import { ReportQueue } from './ReportQueue';
import './reports.css';

const ReportView = lazy(() => import('./ReportView'));
const ReportStatsPage = lazy(() => import('./ReportStatsPage'));
const PhoneIntake = lazy(() => import('./PhoneIntake'));

/** Who takes reports at the hotline (the server checks the role and the place). */
const IOC_ROLES = ['operator', 'supervisor', 'administrator'];

export default function ReportsPage() {
  const { t } = useT();
  const path = usePath().replace(/\/+$/, '');
  const id = /^\/reports\/(\d{1,18})$/.exec(path)?.[1];
  const stats = path === '/reports/stats';
  const { session, can } = useSession();
  const takesCalls =
    session.status === 'signed-in' && IOC_ROLES.includes(session.user.role) && can('reports:act');

  if (path === '/reports/new' && takesCalls)
    return (
      <Suspense fallback={<Loading />}>
        <PhoneIntake />
      </Suspense>
    );

  if (id)
    return (
      <Suspense fallback={<Loading />}>
        <ReportView id={id} />
      </Suspense>
    );
  return (
    <div className="page reports-page">
      <div className="page-head">
        <h1>{t('rep.title')}</h1>
        {takesCalls && (
          <Link href="/reports/new" className="button primary" data-testid="take-call">
            ☎ {t('rep.new.button')}
          </Link>
        )}
      </div>
      <nav className="tabs" aria-label={t('rep.title')}>
        <Link
          href="/reports"
          aria-current={stats ? undefined : 'page'}
          data-testid="reports-tab-queue"
        >
          {t('rep.tabQueue')}
        </Link>
        <Link
          href="/reports/stats"
          aria-current={stats ? 'page' : undefined}
          data-testid="reports-tab-stats"
        >
          {t('rep.tabStats')}
        </Link>
      </nav>
      {stats ? (
        <Suspense fallback={<Loading />}>
          <ReportStatsPage />
        </Suspense>
      ) : (
        <ReportQueue />
      )}
    </div>
  );
}
