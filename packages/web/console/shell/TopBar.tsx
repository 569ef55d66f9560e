/** The top bar: product, clock in Vietnam time, user and role, language and theme switches, sign-out. */
import { useEffect, useState } from 'react';
import type { User } from '@cityops/contracts';
import { LanguageSwitch } from '../../ui/components/LanguageSwitch';
import { ThemeSwitch } from '../../ui/components/ThemeSwitch';
import { useSession } from '../session';
import { useT } from '../i18n';

function Clock() {
  const { fmt, t } = useT();
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), 15_000);
    return () => window.clearInterval(timer);
  }, []);
  return (
    <time className="clock" dateTime={now.toISOString()} title={t('top.clock')}>
      {fmt.time(now)}
    </time>
  );
}

export function TopBar(props: { user: User }) {
  const { signOut } = useSession();
  const { t } = useT();
  return (
    <header className="top-bar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">CityOps</span>
        <span className="brand-tagline">{t('app.tagline')}</span>
      </div>
      <div className="top-actions">
        <Clock />
        <div className="user" role="group" aria-label={t('top.user')} data-testid="current-user">
          <span className="user-name">{props.user.name || props.user.email}</span>
          <span className="user-role" data-testid="current-role">
            {t(`role.${props.user.role}`)}
          </span>
        </div>
        <LanguageSwitch />
        <ThemeSwitch />
        <button type="button" className="button" onClick={() => void signOut()}>
          {t('top.signOut')}
        </button>
      </div>
    </header>
  );
}
