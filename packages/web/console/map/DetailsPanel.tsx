/** The side panel for what was clicked or found: an asset (loaded by id) or an admin unit. */
import { useEffect } from 'react';
import type { ReactNode } from 'react';
import type { Geometry } from 'geojson';
import type { AdminUnit } from '@cityops/contracts';
import { api } from '../../ui/api';
import { useResource } from '../../ui/api/use-resource';
import { ErrorState, Loading } from '../../ui/components/states';
import { statusColours } from '../../ui/status';
import { assetTypeName } from '../components/labels';
import { useT } from '../i18n';
import { Link } from '../../ui/router';
import { useSession } from '../session';
import { isGeometry } from './geometry';
import { AssetLivePanel } from './AssetLivePanel';

export type UnitSummary = Pick<AdminUnit, 'code' | 'nameVi' | 'nameEn' | 'level' | 'approximate'> &
  Partial<Pick<AdminUnit, 'kind' | 'validFrom' | 'validTo' | 'parentCode'>>;

function Panel(props: { title: string; onClose: () => void; children: ReactNode; testId: string }) {
  const { t } = useT();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && props.onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [props]);
  return (
    <aside
      className="map-panel details-panel"
      aria-labelledby="details-title"
      data-testid={props.testId}
    >
      <div className="panel-head">
        <h2 id="details-title">{props.title}</h2>
        <button
          type="button"
          className="icon-button"
          aria-label={t('state.close')}
          onClick={props.onClose}
        >
          <span aria-hidden="true">✕</span>
        </button>
      </div>
      {props.children}
    </aside>
  );
}

/** Asset types the camera module manages: their panel links to the camera's snapshot and live view. */
const CAMERA_TYPES: ReadonlySet<string> = new Set(['camera', 'anpr_camera']);

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function AssetDetails(props: {
  id: string;
  onClose: () => void;
  onLoaded: (geometry: Geometry | null) => void;
  unitName: (code: string) => string | null;
}) {
  const i18n = useT();
  const { t, fmt } = i18n;
  const { id, onLoaded } = props;
  const { can } = useSession();
  const asset = useResource(id, (signal) => api.assets.get(id, signal));
  const loaded = asset.state === 'ready' ? asset.data : null;
  useEffect(() => {
    if (loaded) onLoaded(isGeometry(loaded.geometry) ? loaded.geometry : null);
  }, [loaded, onLoaded]);

  return (
    <Panel title={t('panel.asset')} onClose={props.onClose} testId="asset-panel">
      {asset.state === 'loading' && <Loading />}
      {asset.state === 'error' && <ErrorState error={asset.error} onRetry={asset.reload} compact />}
      {loaded && (
        <>
          <p className="details-name">{loaded.name}</p>
          <dl className="details">
            <dt>{t('field.code')}</dt>
            <dd>
              <code>{loaded.code}</code>
            </dd>
            <dt>{t('field.type')}</dt>
            <dd>{assetTypeName(loaded.type, i18n)}</dd>
            <dt>{t('field.status')}</dt>
            <dd>
              <span
                className="dot"
                style={{ background: statusColours[loaded.status] }}
                aria-hidden="true"
              />{' '}
              {t(`status.${loaded.status}`)}
            </dd>
            <dt>{t('field.adminUnit')}</dt>
            <dd>
              {loaded.adminUnit
                ? `${props.unitName(loaded.adminUnit) ?? ''} (${loaded.adminUnit})`.trim()
                : '—'}
            </dd>
            <dt>{t('field.agency')}</dt>
            <dd>{show(loaded.agencyCode)}</dd>
            <dt>{t('field.tags')}</dt>
            <dd>{loaded.tags.length ? loaded.tags.join(', ') : '—'}</dd>
            <dt>{t('field.updatedAt')}</dt>
            <dd>{fmt.dateTime(loaded.updatedAt)}</dd>
          </dl>
          {CAMERA_TYPES.has(loaded.type) && can('cameras:read') && (
            <p>
              <Link
                className="button"
                href={`/cameras?camera=${encodeURIComponent(loaded.id)}`}
                data-testid="asset-open-camera"
              >
                {t('panel.openCamera')}
              </Link>
            </p>
          )}
          <AssetLivePanel key={loaded.id} assetId={loaded.id} />
          {Object.keys(loaded.properties).length > 0 && (
            <>
              <h3>{t('field.properties')}</h3>
              <dl className="details">
                {Object.entries(loaded.properties).map(([k, v]) => (
                  <div key={k} className="details-row">
                    <dt>
                      <code>{k}</code>
                    </dt>
                    <dd>{show(v)}</dd>
                  </div>
                ))}
              </dl>
            </>
          )}
        </>
      )}
    </Panel>
  );
}

export function UnitDetails(props: { unit: UnitSummary; onClose: () => void }) {
  const { t, fmt, pick, locale } = useT();
  const u = props.unit;
  return (
    <Panel title={t('panel.unit')} onClose={props.onClose} testId="unit-panel">
      <p className="details-name">{pick(u.nameVi, u.nameEn)}</p>
      <p className="muted" lang={locale === 'vi' ? 'en' : 'vi'}>
        {pick(u.nameEn, u.nameVi)}
      </p>
      <dl className="details">
        <dt>{t('field.code')}</dt>
        <dd>
          <code>{u.code}</code>
        </dd>
        <dt>{t('field.level')}</dt>
        <dd>{t(`level.${u.level}`)}</dd>
        {u.kind && (
          <>
            <dt>{t('field.kind')}</dt>
            <dd>{t(`kind.${u.kind}`)}</dd>
          </>
        )}
        {u.validFrom && (
          <>
            <dt>{t('field.validFrom')}</dt>
            <dd>{fmt.date(u.validFrom)}</dd>
          </>
        )}
        <dt>{t('field.boundary')}</dt>
        <dd>
          {u.approximate ? (
            <span className="badge warning" data-testid="unit-approximate">
              {t('boundary.approximate')}
            </span>
          ) : (
            t('boundary.official')
          )}
        </dd>
      </dl>
      {u.approximate && <p className="muted small">{t('boundary.approximateNote')}</p>}
    </Panel>
  );
}
