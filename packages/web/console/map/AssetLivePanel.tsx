/**
 * The live part of an asset's panel: its latest state (the newest event of
 * each type), a chart of one of its readings, its recent events and its
 * unresolved alerts, all kept current from the live stream.
 */
import { lazy, Suspense, useMemo, useState } from 'react';
import type { AssetState, StoredEvent } from '@cityops/contracts';
import { api } from '../../ui/api';
import { useResource } from '../../ui/api/use-resource';
import { ErrorState, Loading } from '../../ui/components/states';
import { Link } from '../../ui/router';
import { eventTypeName } from '../components/labels';
import { SeverityBadge } from '../alerts/SeverityBadge';
import { alertOf, dataSummary } from '../live/live-items';
import { useLiveEvents } from '../live/use-live';
import { useSession } from '../session';
import { useT } from '../i18n';

const SeriesChart = lazy(() => import('./SeriesChart'));

const RECENT = 8;
/** Readings worth a chart first, when an asset has them. */
const preferred = ['pm25', 'aqi', 'waterLevel', 'vehicles', 'temperature', 'noise', 'battery'];

function numericFields(state: AssetState | undefined): Array<{ type: string; field: string }> {
  if (!state) return [];
  const out: Array<{ type: string; field: string }> = [];
  for (const [type, latest] of Object.entries(state.latest)) {
    if (type.startsWith('alert.')) continue;
    for (const [field, v] of Object.entries(latest.data))
      if (typeof v === 'number' && Number.isFinite(v) && field !== 'sentAt')
        out.push({ type, field });
  }
  const rank = (f: string) => (preferred.includes(f) ? preferred.indexOf(f) : 99);
  return out.sort((a, b) => rank(a.field) - rank(b.field));
}

export function AssetLivePanel(props: { assetId: string }) {
  const i18n = useT();
  const { t, fmt } = i18n;
  const { can } = useSession();
  const { assetId } = props;
  const [version, setVersion] = useState(0);
  const [alertsVersion, setAlertsVersion] = useState(0);
  const [live, setLive] = useState<StoredEvent[]>([]);
  const [choice, setChoice] = useState<string | null>(null);

  const state = useResource(`state|${assetId}|${version}`, (signal) =>
    api.assetLive.state(assetId, signal),
  );
  const events = useResource(`events|${assetId}`, (signal) =>
    can('events:read')
      ? api.events.list({ asset: assetId, limit: RECENT }, signal)
      : Promise.resolve({ items: [], nextCursor: null }),
  );
  const alerts = useResource(`alerts|${assetId}|${alertsVersion}`, (signal) =>
    can('alerts:read')
      ? api.alerts.list({ asset: assetId, status: 'open,acknowledged', limit: 5 }, signal)
      : Promise.resolve({ items: [], nextCursor: null }),
  );

  useLiveEvents((batch) => {
    const mine = batch.filter((e) => e.assetId === assetId);
    if (mine.length === 0) return;
    setLive((cur) => [...mine.reverse(), ...cur].slice(0, RECENT));
    if (mine.some((e) => alertOf(e))) setAlertsVersion((n) => n + 1);
    if (mine.some((e) => !alertOf(e))) setVersion((n) => n + 1);
  });

  const recent = useMemo(() => {
    const seen = new Set<number>();
    return [...live, ...(events.data?.items ?? [])]
      .filter((e) => (seen.has(e.seq) ? false : (seen.add(e.seq), true)))
      .sort((a, b) => b.seq - a.seq)
      .slice(0, RECENT);
  }, [live, events.data]);

  const fields = numericFields(state.data);
  const chosen = fields.find((f) => `${f.type}:${f.field}` === choice) ?? fields[0];

  return (
    <div className="asset-live" data-testid="asset-live">
      <h3>{t('panel.state')}</h3>
      {state.state === 'error' && <ErrorState error={state.error} compact />}
      {!state.data && state.state === 'loading' && <Loading />}
      {state.data && (
        <dl className="details">
          <dt>{t('panel.lastSeen')}</dt>
          <dd data-testid="asset-last-seen">
            {state.data.lastSeenAt ? fmt.dateTime(state.data.lastSeenAt) : t('panel.never')}
          </dd>
          {Object.entries(state.data.latest)
            .filter(([type]) => !type.startsWith('alert.'))
            .slice(0, 4)
            .map(([type, l]) => (
              <div className="details-row" key={type}>
                <dt>{eventTypeName(type, i18n)}</dt>
                <dd>
                  {dataSummary(l.data)
                    .map(([k, v]) => `${k} ${v}`)
                    .join(' · ') || '—'}{' '}
                  <span className="muted small">({fmt.short(l.at)})</span>
                </dd>
              </div>
            ))}
        </dl>
      )}
      {chosen && (
        <>
          <div className="chart-head">
            <h3>{t('panel.chart')}</h3>
            {fields.length > 1 && (
              <label className="inline-label">
                <span className="sr-only">{t('panel.chartField')}</span>
                <select
                  value={`${chosen.type}:${chosen.field}`}
                  onChange={(e) => setChoice(e.target.value)}
                >
                  {fields.map((f) => (
                    <option key={`${f.type}:${f.field}`} value={`${f.type}:${f.field}`}>
                      {f.field} · {eventTypeName(f.type, i18n)}
                    </option>
                  ))}
                </select>
              </label>
            )}
          </div>
          <Suspense fallback={<Loading />}>
            <SeriesChart
              assetId={assetId}
              type={chosen.type}
              field={chosen.field}
              version={version}
            />
          </Suspense>
        </>
      )}
      {can('alerts:read') && (
        <>
          <h3>{t('panel.alerts')}</h3>
          {alerts.state === 'error' && <ErrorState error={alerts.error} compact />}
          {alerts.data && alerts.data.items.length === 0 && (
            <p className="muted small">{t('panel.noAlerts')}</p>
          )}
          <ul className="panel-list">
            {alerts.data?.items.map((a) => (
              <li key={a.id}>
                <SeverityBadge severity={a.severity} />{' '}
                <Link href={`/alerts?id=${a.id}`}>{a.title}</Link>{' '}
                <span className="muted small">
                  {t(`alertStatus.${a.status}`)} · {fmt.short(a.openedAt)}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      {can('events:read') && (
        <>
          <h3>{t('panel.events')}</h3>
          {events.state === 'error' && <ErrorState error={events.error} compact />}
          {events.data && recent.length === 0 && (
            <p className="muted small">{t('panel.noEvents')}</p>
          )}
          <ul className="panel-list" data-testid="asset-events">
            {recent.map((e) => (
              <li key={e.seq}>
                <time dateTime={e.observedAt}>{fmt.clock(e.observedAt)}</time>{' '}
                <strong>{eventTypeName(e.type, i18n)}</strong>{' '}
                <span className="muted small">
                  {alertOf(e)?.title ??
                    dataSummary(e.data)
                      .map(([k, v]) => `${k} ${v}`)
                      .join(' · ')}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
