/** The console: language, theme and session, then the sign-in page or the app shell. */
import { I18nProvider } from '../ui/i18n/i18n';
import { ThemeProvider } from '../ui/theme';
import { useUiConfig } from '../ui/ui-config';
import { ConnectionBanner, ErrorState, Loading } from '../ui/components/states';
import { LanguageSwitch } from '../ui/components/LanguageSwitch';
import { consoleMessages } from './messages';
import { SessionProvider, useSession } from './session';
import { SignInPage } from './pages/SignInPage';
import { Shell } from './shell/Shell';
import { useT } from './i18n';

function Gate() {
  const { session, retry } = useSession();
  const { t } = useT();
  switch (session.status) {
    case 'checking':
      return (
        <main className="centered">
          <div className="corner-switch">
            <LanguageSwitch />
          </div>
          <Loading label={t('session.checking')} />
        </main>
      );
    case 'unreachable':
      return (
        <main className="centered">
          <div className="corner-switch">
            <LanguageSwitch />
          </div>
          <ErrorState error={session.error} onRetry={retry} />
        </main>
      );
    case 'signed-out':
      return <SignInPage reason={session.reason} />;
    case 'signed-in':
      return <Shell user={session.user} />;
  }
}

export function App() {
  const { config } = useUiConfig();
  return (
    <ThemeProvider defaultTheme="dark">
      <I18nProvider messages={consoleMessages} titleKey="app.title" timeZone={config.timezone}>
        <SessionProvider>
          <ConnectionBanner />
          <Gate />
        </SessionProvider>
      </I18nProvider>
    </ThemeProvider>
  );
}
