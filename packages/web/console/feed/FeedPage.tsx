/**
 * The live feed: events and alert changes as they happen, filtered by kind,
 * type, admin unit and severity, with the state of the live connection.
 * The filters live in the URL (`/feed?type=env.*&unit=…`), so a view can be
 * bookmarked or opened on another screen.
 */
import { useMemo, useState } from 'react';
import { alertSeverities } from '@cityops/contracts';
import type { AlertSeverity } from '@cityops/contracts';
import { Empty, ErrorState, Loading } from '../../ui/components/states';
import { eventFilterName, eventTypeFilters } from '../components/labels';
import { useUnitNames } from '../components/unit-names';
import { noFilter, type FeedFilter } from '../live/live-items';
import { LiveState } from '../live/LiveIndicator';
import { useT } from '../i18n';
import { FeedList } from './FeedList';
import { useFeed } from './use-feed';

const MAX_ROWS = 200;

function filterFromUrl(): FeedFilter {
  const q = new URLSearchParams(window.location.search);
  const kind = q.get('kind');
  const severity = q.get('severity');
  return {
    kind: kind === 'events' || kind === 'alerts' ? kind : 'all',
    type: q.get('type') ?? '',
    unit: q.get('unit') ?? '',
    severity: (alertSeverities as readonly string[]).includes(severity ?? '')
      ? (severity as AlertSeverity)
      : '',
  };
}

function filterToUrl(f: FeedFilter): void {
  const q = new URLSearchParams();
  if (f.kind !== 'all') q.set('kind', f.kind);
  if (f.type) q.set('type', f.type);
  if (f.unit) q.set('unit', f.unit);
  if (f.severity) q.set('severity', f.severity);
  const s = q.toString();
  window.history.replaceState(null, '', `${window.location.pathname}${s ? `?${s}` : ''}`);
}

export function FeedFilters(props: { filter: FeedFilter; onChange: (f: FeedFilter) => void }) {
  const i18n = useT();
  const { t, pick } = i18n;
  const units = useUnitNames();
  const unitOptions = useMemo(
    () =>
      [...units.entries()]
        .map(([code, u]) => ({ code, name: pick(u.nameVi, u.nameEn) }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    [units, pick],
  );
  const f = props.filter;
  const set = (patch: Partial<FeedFilter>) => props.onChange({ ...f, ...patch });
  return (
    <div className="filters" role="group" aria-label={t('feed.filters')}>
      <label>
        {t('feed.kind')}
        <select
          value={f.kind}
          onChange={(e) => set({ kind: e.target.value as FeedFilter['kind'] })}
          data-testid="feed-kind"
        >
          <option value="all">{t('common.all')}</option>
          <option value="events">{t('feed.kindEvents')}</option>
          <option value="alerts">{t('feed.kindAlerts')}</option>
        </select>
      </label>
      <label>
        {t('field.type')}
        <select
          value={f.type}
          onChange={(e) => set({ type: e.target.value })}
          data-testid="feed-type"
        >
          <option value="">{t('common.all')}</option>
          {eventTypeFilters.map((ty) => (
            <option key={ty} value={ty}>
              {eventFilterName(ty, i18n)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('field.adminUnit')}
        <select
          value={f.unit}
          onChange={(e) => set({ unit: e.target.value })}
          data-testid="feed-unit"
        >
          <option value="">{t('common.all')}</option>
          {unitOptions.map((u) => (
            <option key={u.code} value={u.code}>
              {u.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('alerts.severity')}
        <select
          value={f.severity}
          onChange={(e) => set({ severity: e.target.value as FeedFilter['severity'] })}
          data-testid="feed-severity"
        >
          <option value="">{t('common.all')}</option>
          <option value="warning">{t('feed.severityAtLeastWarning')}</option>
          <option value="critical">{t('severity.critical')}</option>
        </select>
      </label>
      {(f.kind !== 'all' || f.type || f.unit || f.severity) && (
        <button type="button" className="button" onClick={() => props.onChange(noFilter)}>
          {t('feed.clearFilters')}
        </button>
      )}
    </div>
  );
}

export default function FeedPage() {
  const { t } = useT();
  const [filter, setFilter] = useState<FeedFilter>(filterFromUrl);
  const feed = useFeed(filter, MAX_ROWS);
  const change = (f: FeedFilter) => {
    setFilter(f);
    filterToUrl(f);
  };
  return (
    <div className="page feed-page">
      <div className="page-head">
        <h1>{t('feed.title')}</h1>
        <LiveState />
      </div>
      <FeedFilters filter={filter} onChange={change} />
      <div className="feed-toolbar">
        <button
          type="button"
          className="button"
          aria-pressed={feed.paused}
          onClick={() => feed.setPaused(!feed.paused)}
          data-testid="feed-pause"
        >
          {feed.paused ? t('feed.resume') : t('feed.pause')}
        </button>
        {feed.paused && feed.waiting > 0 && (
          <span className="muted" role="status">
            {t('feed.waiting', { n: feed.waiting })}
          </span>
        )}
        <span className="muted small">{t('feed.limit', { n: MAX_ROWS })}</span>
      </div>
      {feed.error !== null && <ErrorState error={feed.error} compact />}
      {feed.items.length > 0 ? (
        <FeedList items={feed.items} label={t('feed.title')} />
      ) : feed.loading ? (
        <Loading />
      ) : (
        <Empty>{t('feed.empty')}</Empty>
      )}
    </div>
  );
}
