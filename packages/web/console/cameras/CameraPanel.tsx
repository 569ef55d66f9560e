/** One camera: health, snapshot (taken again on demand), field of view, and the live view. */
import { useState } from 'react';
import { Link } from '../../ui/router';
import { statusColours } from '../../ui/status';
import { useSession } from '../session';
import { useT } from '../i18n';
import type { Camera } from './api';
import { fovOf } from './fov';
import { healthLabel, reasonText } from './labels';
import { LiveView } from './live';
import { Snapshot } from './Snapshot';

export function CameraPanel(props: { camera: Camera; onClose: () => void }) {
  const i18n = useT();
  const { t, fmt } = i18n;
  const { can } = useSession();
  const c = props.camera;
  const [nonce, setNonce] = useState(0);
  const [live, setLive] = useState(false);
  const fov = fovOf(c.properties);
  const purpose = (c.properties as { purpose?: 'security' | 'traffic' | 'environment' }).purpose;
  const reason = reasonText(c.health.reason, i18n);
  return (
    <aside className="camera-panel" aria-labelledby="camera-panel-title" data-testid="camera-panel">
      <div className="panel-head">
        <h2 id="camera-panel-title">
          {c.name} <span className="muted">{c.code}</span>
        </h2>
        <button
          type="button"
          className="icon-button"
          aria-label={t('cameras.close')}
          onClick={props.onClose}
        >
          <span aria-hidden="true">×</span>
        </button>
      </div>
      <p className="camera-health" data-testid="camera-health" data-status={c.health.status}>
        <span
          className="dot"
          style={{ background: statusColours[c.health.status] }}
          aria-hidden="true"
        />
        <strong>{healthLabel(c.health.status, i18n)}</strong>
        {reason && <span> — {reason}</span>}
        <br />
        <span className="muted small">
          {c.health.checkedAt
            ? t('cameras.checkedAt', { time: fmt.dateTime(c.health.checkedAt) })
            : t('cameras.neverChecked')}
        </span>
      </p>
      {purpose && <p className="small">{t(`cameras.purpose.${purpose}`)}</p>}
      <p className="small">
        {fov
          ? t('cameras.fov', { bearing: fov.bearing, angle: fov.angle, range: fov.range })
          : t('cameras.noFov')}
      </p>
      {can('cameras:live') && (
        <section aria-label={t('cameras.live')}>
          <button
            type="button"
            className="button"
            aria-pressed={live}
            onClick={() => setLive(!live)}
            data-testid="camera-live-toggle"
          >
            {live ? t('cameras.liveStop') : t('cameras.live')}
          </button>
          {live && (
            <div className="camera-live">
              <LiveView cameraId={c.id} label={c.name} />
            </div>
          )}
        </section>
      )}
      {can('cameras:snapshot') && !live && (
        <section aria-labelledby="camera-snapshot-title">
          <div className="panel-head">
            <h3 id="camera-snapshot-title">{t('cameras.snapshot')}</h3>
            <button type="button" className="button small" onClick={() => setNonce((n) => n + 1)}>
              {t('cameras.snapshotRefresh')}
            </button>
          </div>
          <Snapshot cameraId={c.id} name={c.name} nonce={nonce} />
        </section>
      )}
      <Link className="button small" href={`/map?asset=${c.id}`}>
        {t('cameras.showOnMap')}
      </Link>
    </aside>
  );
}
