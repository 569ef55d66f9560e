/**
 * How the live connection is doing, said in words and colour: connecting,
 * live, lost (trying again), and for a while after it comes back, that it
 * resumed with nothing missed.
 */
import { useEffect, useState } from 'react';
import { useT } from '../i18n';
import { useLiveStatus } from './use-live';

const RESUMED_SHOWN_MS = 8_000;

type Shown = 'idle' | 'connecting' | 'live' | 'lost' | 'resumed';

function useShown(): Shown {
  const live = useLiveStatus();
  const [now, setNow] = useState(() => Date.now());
  const recent = live.resumedAt !== null && now - live.resumedAt < RESUMED_SHOWN_MS;
  useEffect(() => {
    if (live.resumedAt === null) return;
    const left = RESUMED_SHOWN_MS - (Date.now() - live.resumedAt);
    setNow(Date.now());
    if (left <= 0) return;
    const timer = window.setTimeout(() => setNow(Date.now()), left + 50);
    return () => window.clearTimeout(timer);
  }, [live.resumedAt]);
  if (live.status === 'reconnecting') return 'lost';
  if (live.status === 'live') return recent ? 'resumed' : 'live';
  return live.status;
}

/** The compact pill of the top bar. */
export function LiveIndicator() {
  const { t } = useT();
  const shown = useShown();
  if (shown === 'idle') return null;
  return (
    <span
      className={`live-pill live-${shown}`}
      data-testid="live-indicator"
      data-state={shown}
      title={t(`live.${shown}Long`)}
    >
      <span className="live-dot" aria-hidden="true" />
      <span className="live-text">{t(`live.${shown}`)}</span>
    </span>
  );
}

/** The sentence a page shows near its live content (announced when it changes). */
export function LiveState() {
  const { t } = useT();
  const shown = useShown();
  if (shown === 'idle') return null;
  return (
    <p
      className={`live-state live-${shown}`}
      role={shown === 'lost' ? 'alert' : 'status'}
      data-testid="live-state"
      data-state={shown}
    >
      <span className="live-dot" aria-hidden="true" />
      {t(`live.${shown}Long`)}
    </p>
  );
}
