/**
 * The reports back office (/reports): the queue, one report (/reports/{id})
 * and the statistics (/reports/stats), with tabs between the queue and the
 * statistics.
 */
import { lazy, Suspense } from 'react';
import { Loading } from '../../ui/components/states';
import { Link, usePath } from '../../ui/router';
import { useT } from '../i18n';
import { ReportQueue } from './ReportQueue';
import './reports.css';

const ReportView = lazy(() => import('./ReportView'));
const ReportStatsPage = lazy(() => import('./ReportStatsPage'));

export default function ReportsPage() {
  const { t } = useT();
  const path = usePath().replace(/\/+$/, '');
  const id = /^\/reports\/(\d{1,18})$/.exec(path)?.[1];
  const stats = path === '/reports/stats';

  if (id)
    return (
      <Suspense fallback={<Loading />}>
        <ReportView id={id} />
      </Suspense>
    );
  return (
    <div className="page reports-page">
      <h1>{t('rep.title')}</h1>
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
