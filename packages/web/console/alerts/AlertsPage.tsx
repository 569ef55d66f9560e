/**
 * The alert queues (open, acknowledged, resolved) for operators: filter by
 * severity and unit, move with j/k, acknowledge with a, resolve with r (each
 * with an optional note), see who did what in the history; `?` lists the
 * keys. Changes made by anyone appear at once over the live stream.
 * `/alerts?id=<id>` opens one alert in its queue.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { alertSeverities, alertStatuses } from '@cityops/contracts';
import type { Alert, AlertDetail as Detail, AlertSeverity, AlertStatus } from '@cityops/contracts';
import { api } from '../../ui/api';
import { useResource } from '../../ui/api/use-resource';
import { Empty, ErrorState, Loading } from '../../ui/components/states';
import { navigate } from '../../ui/router';
import { assetLabel, useAssetLabels } from '../components/asset-names';
import { useUnitNames } from '../components/unit-names';
import { LiveState } from '../live/LiveIndicator';
import { useSession } from '../session';
import { useT } from '../i18n';
import { AlertDetail } from './AlertDetail';
import { NoteDialog, type AlertAction } from './NoteDialog';
import { SeverityBadge } from './SeverityBadge';
import { ShortcutHelp } from './ShortcutHelp';
import { useAlertQueue, type QueueFilter } from './use-alert-queue';

function initialFilter(): QueueFilter {
  const q = new URLSearchParams(window.location.search);
  const status = q.get('status');
  const severity = q.get('severity');
  return {
    status: (alertStatuses as readonly string[]).includes(status ?? '')
      ? (status as AlertStatus)
      : 'open',
    severity: (alertSeverities as readonly string[]).includes(severity ?? '')
      ? (severity as AlertSeverity)
      : '',
    unit: q.get('unit') ?? '',
  };
}

/** Keys typed into a field are text, not commands. */
function typing(e: KeyboardEvent): boolean {
  const el = e.target as HTMLElement | null;
  if (!el) return false;
  return (
    el.isContentEditable ||
    ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) ||
    !!el.closest('dialog[open]')
  );
}

export default function AlertsPage() {
  const i18n = useT();
  const { t, fmt, pick } = i18n;
  const { can } = useSession();
  const units = useUnitNames();
  useAssetLabels();
  const [filter, setFilter] = useState<QueueFilter>(initialFilter);
  const queue = useAlertQueue(filter);
  const [selected, setSelected] = useState<string | null>(() =>
    new URLSearchParams(window.location.search).get('id'),
  );
  const [detailOpen, setDetailOpen] = useState(() => selected !== null);
  const [versions, setVersions] = useState<Record<string, number>>({});
  const [dialog, setDialog] = useState<{ action: AlertAction; id: string; title: string } | null>(
    null,
  );
  const [help, setHelp] = useState(false);
  const listRef = useRef<HTMLUListElement>(null);

  // Counts of the unresolved queues, refreshed when alerts change.
  const counts = useResource(`counts|${filter.unit}|${queue.changes}`, (signal) =>
    api.dashboards.alertsSummary(filter.unit ? { adminUnit: filter.unit } : {}, signal),
  );
  const countOf = (s: AlertStatus) =>
    counts.data?.unresolved
      .filter((r) => r.status === s && (!filter.severity || r.severity === filter.severity))
      .reduce((n, r) => n + r.count, 0);

  // A deep link to one alert: show it in its own queue.
  const linked = useRef(false);
  useEffect(() => {
    if (linked.current || !selected) return;
    linked.current = true;
    api.alerts.get(selected).then(
      (a) => setFilter((f) => (f.status === a.status ? f : { ...f, status: a.status })),
      () => undefined,
    );
  }, [selected]);

  useEffect(() => {
    const q = new URLSearchParams();
    if (filter.status !== 'open') q.set('status', filter.status);
    if (filter.severity) q.set('severity', filter.severity);
    if (filter.unit) q.set('unit', filter.unit);
    if (selected) q.set('id', selected);
    const s = q.toString();
    window.history.replaceState(null, '', `/alerts${s ? `?${s}` : ''}`);
  }, [filter, selected]);

  // Re-read the open alert when it changes elsewhere (another operator acknowledged it).
  const changed = queue.changes;
  useEffect(() => {
    if (selected) setVersions((v) => ({ ...v, [selected]: (v[selected] ?? 0) + 1 }));
  }, [changed]);

  const items = queue.items;
  const index = items.findIndex((a) => a.id === selected);

  // Keep a selection while there are alerts. An alert that left the queue (someone acted on
  // it) stays open in the detail, in its new state; j/k go on from where it was.
  const lastIndex = useRef(0);
  useEffect(() => {
    if (index >= 0) lastIndex.current = index;
    else if (selected === null && queue.state === 'ready' && items.length > 0)
      setSelected(items[Math.min(lastIndex.current, items.length - 1)]!.id);
  }, [index, items, queue.state, selected]);

  const move = useCallback(
    (delta: number) => {
      if (items.length === 0) return;
      // Off the list (the selected alert left it): the row now at its place is "next".
      const from = index >= 0 ? index : lastIndex.current - (delta > 0 ? 1 : 0);
      const next = Math.max(0, Math.min(items.length - 1, from + delta));
      const id = items[next]!.id;
      setSelected(id);
      document.getElementById(`alert-${id}`)?.scrollIntoView({ block: 'nearest' });
    },
    [items, index],
  );

  const act = useCallback(
    (action: AlertAction) => {
      const a = items[index];
      if (!a || !can('alerts:act')) return;
      if (action === 'acknowledge' && a.status !== 'open') return;
      if (action === 'resolve' && a.status === 'resolved') return;
      setDialog({ action, id: a.id, title: a.title });
    },
    [items, index, can],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e) || dialog || help) return;
      switch (e.key) {
        case 'j':
        case 'ArrowDown':
          move(1);
          break;
        case 'k':
        case 'ArrowUp':
          move(-1);
          break;
        case 'a':
          act('acknowledge');
          break;
        case 'r':
          act('resolve');
          break;
        case 'Enter':
          if (selected) setDetailOpen(true);
          break;
        case 'm':
          if (items[index]) navigate(`/map?asset=${items[index].assetId}`);
          break;
        case '1':
        case '2':
        case '3':
          setFilter((f) => ({ ...f, status: alertStatuses[Number(e.key) - 1]! }));
          setSelected(null);
          break;
        case '?':
          setHelp(true);
          break;
        case 'Escape':
          setDetailOpen(false);
          break;
        default:
          return;
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [move, act, dialog, help, selected, items, index]);

  const unitOptions = useMemo(
    () =>
      [...units.entries()]
        .map(([code, u]) => ({ code, name: pick(u.nameVi, u.nameEn) }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    [units, pick],
  );

  const done = (d: Detail) => {
    const { history: _history, ...alert } = d;
    queue.applied(alert);
    setVersions((v) => ({ ...v, [d.id]: (v[d.id] ?? 0) + 1 }));
    setDialog(null);
    listRef.current?.focus();
  };

  const row = (a: Alert) => {
    const asset = assetLabel(a.assetId);
    const unit = a.adminUnit ? units.get(a.adminUnit) : undefined;
    return (
      <li
        key={a.id}
        id={`alert-${a.id}`}
        role="option"
        aria-selected={a.id === selected}
        className={`alert-row severity-${a.severity}${a.id === selected ? ' selected' : ''}`}
        data-testid="alert-row"
        data-alert-id={a.id}
        data-status={a.status}
        onClick={() => {
          setSelected(a.id);
          setDetailOpen(true);
        }}
      >
        <SeverityBadge severity={a.severity} />
        <div className="alert-row-main">
          <span className="alert-title">{a.title}</span>
          <span className="alert-meta">
            {asset ? `${asset.name} (${asset.code})` : ''}
            {unit ? ` · ${pick(unit.nameVi, unit.nameEn)}` : ''}
          </span>
        </div>
        <div className="alert-row-side">
          <time dateTime={a.openedAt}>{fmt.short(a.openedAt)}</time>
          {a.count > 1 && <span className="muted small">×{fmt.number(a.count)}</span>}
        </div>
      </li>
    );
  };

  return (
    <div className={`page alerts-page${detailOpen && selected ? ' detail-open' : ''}`}>
      <div className="page-head">
        <h1>{t('alerts.title')}</h1>
        <LiveState />
        <button
          type="button"
          className="button"
          onClick={() => setHelp(true)}
          aria-keyshortcuts="?"
          data-testid="shortcuts-button"
        >
          {t('keys.button')} <kbd>?</kbd>
        </button>
      </div>
      <div className="queue-tabs" role="tablist" aria-label={t('alerts.queues')}>
        {alertStatuses.map((s, i) => {
          const n = s === 'resolved' ? undefined : countOf(s);
          return (
            <button
              key={s}
              type="button"
              role="tab"
              aria-selected={filter.status === s}
              className="queue-tab"
              onClick={() => {
                setFilter({ ...filter, status: s });
                setSelected(null);
              }}
              data-testid={`queue-${s}`}
              aria-keyshortcuts={String(i + 1)}
            >
              {t(`queue.${s}`)}
              {n !== undefined && <span className="count">{fmt.number(n)}</span>}
            </button>
          );
        })}
      </div>
      <div className="filters" role="group" aria-label={t('feed.filters')}>
        <label>
          {t('alerts.severity')}
          <select
            value={filter.severity}
            onChange={(e) =>
              setFilter({ ...filter, severity: e.target.value as AlertSeverity | '' })
            }
            data-testid="alerts-severity"
          >
            <option value="">{t('common.all')}</option>
            {alertSeverities.map((s) => (
              <option key={s} value={s}>
                {t(`severity.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('field.adminUnit')}
          <select
            value={filter.unit}
            onChange={(e) => setFilter({ ...filter, unit: e.target.value })}
            data-testid="alerts-unit"
          >
            <option value="">{t('common.all')}</option>
            {unitOptions.map((u) => (
              <option key={u.code} value={u.code}>
                {u.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="alerts-layout">
        <section className="alerts-list" aria-label={t(`queue.${filter.status}`)}>
          {queue.state === 'error' && (
            <ErrorState error={queue.error} onRetry={queue.reload} compact />
          )}
          {queue.state === 'loading' && <Loading />}
          {queue.state === 'ready' && items.length === 0 && (
            <Empty>{t(`alerts.empty.${filter.status}`)}</Empty>
          )}
          {items.length > 0 && (
            <ul
              ref={listRef}
              role="listbox"
              tabIndex={0}
              aria-label={t(`queue.${filter.status}`)}
              aria-activedescendant={selected && index >= 0 ? `alert-${selected}` : undefined}
              className="alert-rows"
              data-testid="alert-list"
            >
              {items.map(row)}
            </ul>
          )}
          {queue.more && (
            <button type="button" className="button" onClick={queue.loadMore}>
              {t('alerts.more')}
            </button>
          )}
        </section>
        <section className="alerts-detail" aria-label={t('alerts.detail')}>
          {selected ? (
            <AlertDetail
              id={selected}
              version={versions[selected] ?? 0}
              onAction={(action, a) => setDialog({ action, id: a.id, title: a.title })}
              onClose={() => setDetailOpen(false)}
            />
          ) : (
            <p className="muted state">{t('alerts.pick')}</p>
          )}
        </section>
      </div>
      {dialog && (
        <NoteDialog
          action={dialog.action}
          alertId={dialog.id}
          title={dialog.title}
          onDone={done}
          onCancel={() => setDialog(null)}
        />
      )}
      {help && <ShortcutHelp onClose={() => setHelp(false)} />}
    </div>
  );
}
