/**
 * A new critical alert cannot be missed: a banner over every screen until it
 * is acknowledged (here or by anyone else), a beep that repeats while one is
 * waiting (unless muted), the page title marked, and every open map flies to
 * the place.
 */
import { useEffect, useRef, useState } from 'react';
import type { AlertMessage } from '@cityops/contracts';
import { api } from '../../ui/api';
import { navigate } from '../../ui/router';
import { assetLabel, useAssetLabels } from '../components/asset-names';
import { useUnitNames } from '../components/unit-names';
import { useSession } from '../session';
import { useT } from '../i18n';
import { playAlarm, soundReady, useMuted } from './alarm-sound';
import { requestFocus } from './focus';
import { alertOf, isNewCritical } from './live-items';
import { useLiveEvents } from './use-live';

const MAX_KEPT = 20;
/**
 * An alert opened longer ago than this (found in the history the page starts
 * from) still shows in the banner, but without the beep and the map's flight.
 */
const FRESH_MS = 10 * 60_000;
const REPEAT_MS = 20_000;

export function CriticalAlerts() {
  const { t, fmt, pick } = useT();
  const { can } = useSession();
  const muted = useMuted();
  const units = useUnitNames();
  useAssetLabels();
  const [waiting, setWaiting] = useState<AlertMessage[]>([]);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);

  useLiveEvents((batch) => {
    let next: AlertMessage[] | null = null;
    let fresh: AlertMessage | null = null;
    for (const e of batch) {
      const a = alertOf(e);
      if (!a) continue;
      const list: AlertMessage[] = next ?? waiting;
      if (isNewCritical(a) && a.status === 'open') {
        next = [a, ...list.filter((w) => w.id !== a.id)].slice(0, MAX_KEPT);
        fresh = a;
      } else if (a.status !== 'open' && list.some((w) => w.id === a.id)) {
        next = list.filter((w) => w.id !== a.id);
      }
    }
    if (next) setWaiting(next);
    if (fresh && Date.now() - Date.parse(fresh.at) < FRESH_MS) {
      playAlarm();
      requestFocus(fresh.assetId);
    }
  });

  // The beep repeats while a critical alert waits for someone.
  const has = waiting.length > 0;
  useEffect(() => {
    if (!has || muted) return;
    const timer = window.setInterval(playAlarm, REPEAT_MS);
    return () => window.clearInterval(timer);
  }, [has, muted]);

  const title = useRef<string | null>(null);
  useEffect(() => {
    if (!has) return;
    title.current = document.title;
    document.title = `(!) ${document.title.replace(/^\(!\) /, '')}`;
    return () => {
      document.title = document.title.replace(/^\(!\) /, '');
    };
  }, [has]);

  const top = waiting[0];
  if (!top) return null;
  const asset = assetLabel(top.assetId);
  const unit = top.adminUnit ? units.get(top.adminUnit) : undefined;
  const dismiss = () => setWaiting((w) => w.filter((x) => x.id !== top.id));
  const acknowledge = async () => {
    setBusy(true);
    setFailed(false);
    try {
      await api.alerts.acknowledge(top.id);
      dismiss();
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="critical-banner" role="alert" data-testid="critical-banner">
      <span className="critical-mark" aria-hidden="true">
        ⚠
      </span>
      <div className="critical-text">
        <strong>{t('critical.title')}</strong>
        <span data-testid="critical-title">{top.title}</span>
        <span className="critical-meta">
          {asset ? `${asset.name} (${asset.code})` : ''}
          {unit ? ` · ${pick(unit.nameVi, unit.nameEn)}` : ''} · {fmt.clock(top.at)}
        </span>
        {waiting.length > 1 && (
          <span className="critical-more">{t('critical.more', { n: waiting.length - 1 })}</span>
        )}
        {!muted && !soundReady() && <span className="critical-more">{t('critical.soundOff')}</span>}
        {failed && <span className="critical-more">{t('critical.ackFailed')}</span>}
      </div>
      <div className="critical-actions">
        <button
          type="button"
          className="button"
          onClick={() => {
            requestFocus(top.assetId);
            navigate(`/map?asset=${top.assetId}`);
          }}
        >
          {t('critical.showOnMap')}
        </button>
        {can('alerts:act') && (
          <button
            type="button"
            className="button primary"
            disabled={busy}
            onClick={() => void acknowledge()}
            data-testid="critical-acknowledge"
          >
            {t('alerts.acknowledge')}
          </button>
        )}
        <button type="button" className="button" onClick={() => navigate(`/alerts?id=${top.id}`)}>
          {t('critical.details')}
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={t('critical.dismiss')}
          title={t('critical.dismiss')}
          onClick={dismiss}
        >
          <span aria-hidden="true">✕</span>
        </button>
      </div>
    </div>
  );
}
