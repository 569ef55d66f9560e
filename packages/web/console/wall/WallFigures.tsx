/**
 * The wall's key figures: the overview query (assets by status, unresolved
 * alerts, events today) read every minute and soon after any alert change,
 * and the live rate of events per minute from the stream.
 */
import { useEffect, useRef, useState } from 'react';
import { useResource } from '../../ui/api/use-resource';
import { ErrorState, Loading } from '../../ui/components/states';
import '../dashboards/builtin';
import { paramsFor } from '../dashboards/DashboardsPage';
import { queryById } from '../dashboards/registry';
import { FiguresView } from '../dashboards/Widget';
import { alertOf } from '../live/live-items';
import { useLiveEvents } from '../live/use-live';
import { useT } from '../i18n';

const REFRESH_MS = 60_000;

/** Events per second over the last minute: 60 counters, one per second, reused forever. */
function useEventRate(): number {
  const buckets = useRef(new Array<number>(60).fill(0));
  const current = useRef(Math.floor(Date.now() / 1000));
  const [rate, setRate] = useState(0);
  const advance = (now: number) => {
    const sec = Math.floor(now / 1000);
    for (let s = current.current + 1; s <= sec && s <= current.current + 60; s++)
      buckets.current[s % 60] = 0;
    current.current = Math.max(current.current, sec);
  };
  useLiveEvents((batch) => {
    advance(Date.now());
    buckets.current[current.current % 60]! += batch.length;
  });
  useEffect(() => {
    const timer = window.setInterval(() => {
      advance(Date.now());
      setRate(buckets.current.reduce((a, b) => a + b, 0));
    }, 2_000);
    return () => window.clearInterval(timer);
  }, []);
  return rate;
}

export function WallFigures() {
  const { t, fmt } = useT();
  const [tick, setTick] = useState(0);
  const soon = useRef<number | null>(null);
  useEffect(() => {
    const timer = window.setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => {
      window.clearInterval(timer);
      if (soon.current !== null) window.clearTimeout(soon.current);
    };
  }, []);
  useLiveEvents((batch) => {
    if (soon.current !== null || !batch.some((e) => alertOf(e))) return;
    soon.current = window.setTimeout(() => {
      soon.current = null;
      setTick((n) => n + 1);
    }, 3_000);
  });
  const rate = useEventRate();
  const query = queryById('overview.figures')!;
  const figures = useResource(`wall-figures|${tick}`, (signal) =>
    query.load(paramsFor('24h', ''), signal),
  );
  return (
    <section
      className="wall-figures"
      aria-labelledby="wall-figures-title"
      data-testid="wall-figures"
    >
      <h2 id="wall-figures-title">{t('wall.figures')}</h2>
      {figures.state === 'error' && !figures.data && (
        <ErrorState error={figures.error} onRetry={figures.reload} compact />
      )}
      {!figures.data && figures.state === 'loading' && <Loading />}
      {figures.data && <FiguresView table={figures.data} label="figure" value="value" large />}
      <p className="wall-rate" data-testid="wall-rate">
        <span className="muted">{t('wall.rate')}</span> <strong>{fmt.number(rate)}</strong>
      </p>
    </section>
  );
}
