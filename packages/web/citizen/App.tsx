/** The citizen app shell: header with the language switch, a welcome, and the public-map placeholder. */
import { useEffect, useState } from 'react';
import { I18nProvider, useI18n } from '../ui/i18n/i18n';
import { LanguageSwitch } from '../ui/components/LanguageSwitch';
import { Link, usePath } from '../ui/router';
import { citizenMessages, type CitizenKey } from './messages';

const useT = () => useI18n<CitizenKey>();

function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return online;
}

function Welcome() {
  const { t } = useT();
  return (
    <>
      <h1>{t('welcome.title')}</h1>
      <p>{t('welcome.intro')}</p>
      <p>{t('welcome.soon')}</p>
      <ul className="features">
        <li>{t('welcome.report')}</li>
        <li>{t('welcome.follow')}</li>
        <li>{t('welcome.map')}</li>
        <li>{t('welcome.alerts')}</li>
      </ul>
      <Link href="/citizen/map" className="button primary big" data-testid="public-map-link">
        {t('welcome.mapLink')}
      </Link>
      <p className="muted">{t('welcome.install')}</p>
    </>
  );
}

function PublicMap() {
  const { t } = useT();
  return (
    <>
      <h1>{t('map.title')}</h1>
      <div className="placeholder" role="status">
        {t('map.soon')}
      </div>
      <Link href="/citizen/" className="button">
        ‹ {t('map.back')}
      </Link>
    </>
  );
}

function Screen() {
  const { t } = useT();
  const path = usePath();
  const online = useOnline();
  return (
    <div className="citizen">
      <header className="citizen-header">
        <div>
          <div className="citizen-name">{t('app.name')}</div>
          <div className="citizen-province">{t('app.province')}</div>
        </div>
        <LanguageSwitch long />
      </header>
      {!online && (
        <div className="connection-banner" role="status">
          {t('offline.note')}
        </div>
      )}
      <main className="citizen-main">
        {path.replace(/\/+$/, '') === '/citizen/map' ? <PublicMap /> : <Welcome />}
      </main>
      <footer className="citizen-footer">
        <a href="/">{t('welcome.staff')}</a>
      </footer>
    </div>
  );
}

export function App() {
  return (
    <I18nProvider messages={citizenMessages} titleKey="app.title">
      <Screen />
    </I18nProvider>
  );
}
