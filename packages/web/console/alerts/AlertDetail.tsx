/** One alert: what fired, where, its status with who and when, the history, and the operator's actions. */
import type { AlertDetail as Detail, ActorRef } from '@cityops/contracts';
import { api } from '../../ui/api';
import { useResource } from '../../ui/api/use-resource';
import { ErrorState, Loading } from '../../ui/components/states';
import { Link } from '../../ui/router';
import { assetLabel, useAssetLabels } from '../components/asset-names';
import { assetTypeName } from '../components/labels';
import { useUnitNames } from '../components/unit-names';
import { useSession } from '../session';
import { useT } from '../i18n';
import { SeverityBadge } from './SeverityBadge';
import type { AlertAction } from './NoteDialog';

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && !Array.isArray(value))
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' · ');
  return JSON.stringify(value);
}

export function AlertDetail(props: {
  id: string;
  /** Bumped when the alert changed elsewhere: read it again. */
  version: number;
  onAction: (action: AlertAction, alert: Detail) => void;
  onClose?: () => void;
}) {
  const i18n = useT();
  const { t, fmt, pick, locale } = i18n;
  const { can } = useSession();
  const units = useUnitNames();
  const actorText = (a: ActorRef | null) =>
    !a ? '—' : a.type === 'system' ? t('alerts.bySystem') : a.label;
  useAssetLabels();
  const detail = useResource(`${props.id}|${props.version}`, (signal) =>
    api.alerts.get(props.id, signal),
  );
  const a = detail.data?.id === props.id ? detail.data : undefined;
  if (!a)
    return detail.state === 'error' ? (
      <ErrorState error={detail.error} onRetry={detail.reload} compact />
    ) : (
      <Loading />
    );
  const asset = assetLabel(a.assetId);
  const unit = a.adminUnit ? units.get(a.adminUnit) : undefined;
  const message = a.message ? (locale === 'vi' ? a.message.vi : a.message.en) : undefined;
  return (
    <article
      className="alert-detail"
      aria-labelledby="alert-detail-title"
      data-testid="alert-detail"
    >
      <div className="panel-head">
        <h2 id="alert-detail-title">{a.title}</h2>
        {props.onClose && (
          <button
            type="button"
            className="icon-button"
            aria-label={t('state.close')}
            onClick={props.onClose}
          >
            <span aria-hidden="true">✕</span>
          </button>
        )}
      </div>
      {message && <p>{message}</p>}
      <p className="alert-badges">
        <SeverityBadge severity={a.severity} />
        <span className={`badge status-${a.status}`} data-testid="alert-status">
          {t(`alertStatus.${a.status}`)}
        </span>
        {a.escalationLevel > 0 && (
          <span className="badge warning">{t('alerts.escalated', { n: a.escalationLevel })}</span>
        )}
      </p>
      <div className="alert-actions">
        {can('alerts:act') && a.status === 'open' && (
          <button
            type="button"
            className="button primary"
            onClick={() => props.onAction('acknowledge', a)}
            data-testid="alert-acknowledge"
          >
            {t('alerts.acknowledge')} <kbd>a</kbd>
          </button>
        )}
        {can('alerts:act') && a.status !== 'resolved' && (
          <button
            type="button"
            className="button"
            onClick={() => props.onAction('resolve', a)}
            data-testid="alert-resolve"
          >
            {t('alerts.resolve')} <kbd>r</kbd>
          </button>
        )}
        <Link href={`/map?asset=${a.assetId}`} className="button">
          {t('critical.showOnMap')}
        </Link>
      </div>
      <dl className="details">
        <dt>{t('alerts.asset')}</dt>
        <dd>
          {asset
            ? `${asset.name} (${asset.code}) · ${assetTypeName(asset.type, i18n)}`
            : asset === null
              ? t('alerts.assetGone')
              : '…'}
        </dd>
        <dt>{t('field.adminUnit')}</dt>
        <dd>{unit ? pick(unit.nameVi, unit.nameEn) : (a.adminUnit ?? '—')}</dd>
        <dt>{t('alerts.kind')}</dt>
        <dd>{t(`ruleKind.${a.kind}`)}</dd>
        <dt>{t('alerts.openedAt')}</dt>
        <dd>{fmt.dateTime(a.openedAt)}</dd>
        <dt>{t('alerts.count')}</dt>
        <dd>{fmt.number(a.count)}</dd>
        {a.acknowledgedAt && (
          <>
            <dt>{t('alerts.acknowledgedAt')}</dt>
            <dd>
              {fmt.dateTime(a.acknowledgedAt)} · {actorText(a.acknowledgedBy)}
            </dd>
          </>
        )}
        {a.resolvedAt && (
          <>
            <dt>{t('alerts.resolvedAt')}</dt>
            <dd>
              {fmt.dateTime(a.resolvedAt)} · {actorText(a.resolvedBy)}
            </dd>
          </>
        )}
        {a.note && (
          <>
            <dt>{t('alerts.note')}</dt>
            <dd>{a.note}</dd>
          </>
        )}
        {Object.entries(a.details).map(([k, v]) => (
          <div className="details-row" key={k}>
            <dt>
              <code>{k}</code>
            </dt>
            <dd>{show(v)}</dd>
          </div>
        ))}
      </dl>
      <h3>{t('alerts.history')}</h3>
      <ol className="history" data-testid="alert-history">
        {a.history.map((h, i) => (
          <li key={`${h.at}-${i}`}>
            <time dateTime={h.at}>{fmt.dateTime(h.at)}</time>{' '}
            <strong>{t(`alertChange.${h.action}`)}</strong> · {actorText(h.actor)}
            {h.note && <p className="history-note">{h.note}</p>}
          </li>
        ))}
      </ol>
    </article>
  );
}
