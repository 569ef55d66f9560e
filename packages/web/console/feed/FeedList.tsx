/** The rows of a live feed: events and alert changes, newest first. */
import { memo, useEffect, useRef } from 'react';
import type { StoredEvent } from '@cityops/contracts';
import { Link } from '../../ui/router';
import { eventTypeName } from '../components/labels';
import { assetLabel, useAssetLabels } from '../components/asset-names';
import { useUnitNames } from '../components/unit-names';
import { alertOf, dataSummary } from '../live/live-items';
import { recordRendered } from '../live/feed-probe';
import { SeverityBadge } from '../alerts/SeverityBadge';
import { useT } from '../i18n';

const Row = memo(function Row(props: {
  e: StoredEvent;
  unitName: string | null;
  compact: boolean;
  labelsVersion: unknown;
}) {
  const i18n = useT();
  const { t, fmt } = i18n;
  const { e } = props;
  const alert = alertOf(e);
  const asset = e.assetId ? assetLabel(e.assetId) : null;
  const assetText = asset ? `${asset.name} (${asset.code})` : asset === undefined ? '…' : null;
  return (
    <li
      className={`feed-row${alert ? ` feed-alert severity-${alert.severity}` : ''}`}
      data-testid="feed-row"
      data-seq={e.seq}
      data-type={e.type}
    >
      <time className="feed-time" dateTime={e.observedAt}>
        {fmt.clock(e.observedAt)}
      </time>
      <div className="feed-main">
        <div className="feed-head">
          {alert && <SeverityBadge severity={alert.severity} />}
          <span className="feed-type">{eventTypeName(e.type, i18n)}</span>
          {alert && <span className="feed-title">{alert.title}</span>}
        </div>
        <div className="feed-meta">
          {e.assetId && assetText && (
            <Link href={`/map?asset=${e.assetId}`} className="feed-asset">
              {assetText}
            </Link>
          )}
          {props.unitName && <span className="feed-unit">{props.unitName}</span>}
          {!props.compact &&
            !alert &&
            dataSummary(e.data).map(([k, v]) => (
              <span key={k} className="feed-data">
                <span className="muted">{k}</span> {v}
              </span>
            ))}
          {alert && !props.compact && (
            <Link href={`/alerts?id=${alert.id}`} className="feed-link">
              {t('feed.openAlert')}
            </Link>
          )}
        </div>
      </div>
    </li>
  );
});

export function FeedList(props: {
  items: readonly StoredEvent[];
  compact?: boolean;
  label: string;
}) {
  const i18n = useT();
  const units = useUnitNames();
  useAssetLabels();
  // Asset labels arrive after the rows: a changing value makes the memoised rows read them again.
  const version = useRef(0);
  version.current += 1;
  const recorded = useRef(0);
  useEffect(() => {
    // The benchmark's measure: rows of events carrying `sentAt`, once each, when on screen.
    let newest = recorded.current;
    for (const e of props.items) {
      if (e.seq <= recorded.current) break;
      recordRendered(e.data);
      newest = Math.max(newest, e.seq);
    }
    recorded.current = newest;
  }, [props.items]);
  return (
    <ol className={`feed-list${props.compact ? ' compact' : ''}`} aria-label={props.label}>
      {props.items.map((e) => {
        const u = e.adminUnit ? units.get(e.adminUnit) : undefined;
        return (
          <Row
            key={e.seq}
            e={e}
            compact={!!props.compact}
            unitName={u ? i18n.pick(u.nameVi, u.nameEn) : null}
            labelsVersion={e.assetId && assetLabel(e.assetId) === undefined ? version.current : 0}
          />
        );
      })}
    </ol>
  );
}
