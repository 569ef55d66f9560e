/**
 * The top bar: product, clock in Vietnam time, the live connection, the
 * alarm sound switch, user and role, language and theme switches, sign-out.
 */
import { useEffect, useState } from 'react';
import type { User } from '@cityops/contracts';
import { LanguageSwitch } from '../../ui/components/LanguageSwitch';
import { ThemeSwitch } from '../../ui/components/ThemeSwitch';
import { setMuted, useMuted } from '../live/alarm-sound';
import { LiveIndicator } from '../live/LiveIndicator';
import { Glyph } from '../components/glyphs';
import { useSession } from '../session';
import { useT } from '../i18n';

export function Clock(props: { seconds?: boolean }) {
  const { fmt, t } = useT();
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), props.seconds ? 1_000 : 15_000);
    return () => window.clearInterval(timer);
  }, [props.seconds]);
  return (
    <time className="clock" dateTime={now.toISOString()} title={t('top.clock')}>
      {props.seconds ? fmt.clock(now) : fmt.time(now)}
    </time>
  );
}

/** Mutes or unmutes the alarm sound (the choice is remembered). */
export function SoundToggle() {
  const { t } = useT();
  const muted = useMuted();
  const label = muted ? t('sound.unmute') : t('sound.mute');
  return (
    <button
      type="button"
      className="icon-button"
      aria-label={label}
      title={label}
      aria-pressed={muted}
      data-testid="sound-toggle"
      onClick={() => setMuted(!muted)}
    >
      <Glyph name={muted ? 'bellOff' : 'bell'} />
    </button>
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
        <LiveIndicator />
        <SoundToggle />
        <div className="user" role="group" aria-label={t('top.user')} data-testid="current-user">
          <span className="user-name">{props.user.name || props.user.email}</span>
          <span className="user-role" data-testid="current-role">
            {t(`role.${props.user.role}`)}
          </span>
        </div>
        <LanguageSwitch />
        <ThemeSwitch />
        <button type="button" className="button sign-out" onClick={() => void signOut()}>
          <Glyph name="power" size={16} />
          <span className="sign-out-text">{t('top.signOut')}</span>
        </button>
      </div>
    </header>
  );
}
