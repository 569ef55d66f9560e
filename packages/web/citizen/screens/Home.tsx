/** The start: what the app is for, the three things to do, and what waits to be sent. */
import { Link } from '../../ui/router';
import { useT } from '../i18n';
import { useOutbox } from '../outbox/outbox';
import { Icon } from '../../ui/reports/icons';

export function Home() {
  const { t } = useT();
  const waiting = useOutbox().filter((i) => i.state !== 'sent').length;
  return (
    <>
      <h1>{t('welcome.title')}</h1>
      <p>{t('welcome.intro')}</p>
      <Link href="/citizen/report" className="button primary big" data-testid="start-report">
        <Icon name="camera" /> {t('welcome.report')}
      </Link>
      <Link href="/citizen/mine" className="button big" data-testid="my-reports-link">
        {t('welcome.mine')}
      </Link>
      <Link href="/citizen/map" className="button big" data-testid="public-map-link">
        {t('welcome.mapLink')}
      </Link>
      {waiting > 0 && (
        <p className="note" role="status">
          <Link href="/citizen/mine">{t('welcome.waiting', { n: waiting })}</Link>
        </p>
      )}
      <p className="muted small-print">{t('welcome.emergency')}</p>
      <p className="muted small-print">{t('welcome.install')}</p>
    </>
  );
}
