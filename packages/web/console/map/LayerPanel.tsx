/** The layer switcher (boundaries, each asset type) with the status legend and the approximate-boundaries notice. */
import { useState } from 'react';
import { assetTypes } from '@cityops/contracts';
import type { AssetType } from '@cityops/contracts';
import { statusColours, statusOrder } from '../../ui/status';
import { assetTypeName } from '../components/labels';
import { useT } from '../i18n';
import type { LayerStatus } from './use-asset-layers';
import { AssetIcon } from './AssetIcon';
import type { FovLayerState } from '../cameras/camera-layer';

export interface LayerPanelProps {
  unitsVisible: boolean;
  onUnitsVisible: (visible: boolean) => void;
  unitsState: 'loading' | 'ready' | 'error';
  unitCount: number;
  approximate: boolean;
  visible: ReadonlySet<AssetType>;
  onToggle: (type: AssetType, visible: boolean) => void;
  status: Partial<Record<AssetType, LayerStatus>>;
  onRetry: (type: AssetType) => void;
  basemap: 'plain' | 'server';
  /** Whether the server has a basemap to offer. */
  serverBasemap: boolean;
  onBasemap: (choice: 'plain' | 'server') => void;
  /** The cameras' fields of view; absent without the permission to list cameras. */
  fov?: {
    visible: boolean;
    onVisible: (visible: boolean) => void;
    status: FovLayerState;
    onRetry: () => void;
  };
}

export function LayerPanel(props: LayerPanelProps) {
  const i18n = useT();
  const { t, fmt } = i18n;
  const [open, setOpen] = useState(true);
  return (
    <section className="map-panel layer-panel" aria-labelledby="layer-panel-title">
      <div className="panel-head">
        <h2 id="layer-panel-title">{t('map.layers')}</h2>
        <button
          type="button"
          className="icon-button"
          aria-expanded={open}
          aria-controls="layer-panel-body"
          aria-label={t('map.layers')}
          onClick={() => setOpen(!open)}
        >
          <span aria-hidden="true">{open ? '▾' : '▸'}</span>
        </button>
      </div>
      {props.approximate && (
        <p className="approximate-notice" role="note" data-testid="approximate-notice">
          <strong>⚠ {t('map.approximate')}</strong>
          <span>{t('boundary.approximateNote')}</span>
        </p>
      )}
      <div id="layer-panel-body" hidden={!open}>
        <fieldset>
          <legend className="sr-only">{t('map.layers')}</legend>
          <label className="layer-row">
            <input
              type="checkbox"
              checked={props.unitsVisible}
              onChange={(e) => props.onUnitsVisible(e.target.checked)}
              data-testid="layer-units"
            />
            <span className="swatch swatch-boundary" aria-hidden="true" />
            <span className="layer-name">{t('map.unitsLayer')}</span>
            <span className="layer-meta">
              {props.unitsState === 'loading' && <span className="spinner" aria-hidden="true" />}
              {props.unitsState === 'ready' &&
                t('map.layerCount', { n: fmt.number(props.unitCount) })}
              {props.unitsState === 'error' && t('map.layerError')}
            </span>
          </label>
        </fieldset>
        <fieldset>
          <legend>{t('map.assetsGroup')}</legend>
          {assetTypes.map((type) => {
            const s = props.status[type];
            return (
              <div key={type} className="layer-row-wrap">
                <label className="layer-row">
                  <input
                    type="checkbox"
                    checked={props.visible.has(type)}
                    onChange={(e) => props.onToggle(type, e.target.checked)}
                    data-testid={`layer-${type}`}
                  />
                  <AssetIcon type={type} />
                  <span className="layer-name">{assetTypeName(type, i18n)}</span>
                  <span className="layer-meta">
                    {s?.state === 'loading' && <span className="spinner" aria-hidden="true" />}
                    {s?.state === 'ready' &&
                      (s.tiled ? t('map.layerTiled') : fmt.number(s.count ?? 0))}
                  </span>
                </label>
                {s?.state === 'error' && (
                  <div className="layer-error" role="alert">
                    {t('map.layerError')}{' '}
                    <button
                      type="button"
                      className="button small"
                      onClick={() => props.onRetry(type)}
                    >
                      {t('state.retry')}
                    </button>
                  </div>
                )}
              </div>
            );
          })}
          {props.fov && (
            <div className="layer-row-wrap">
              <label className="layer-row">
                <input
                  type="checkbox"
                  checked={props.fov.visible}
                  onChange={(e) => props.fov?.onVisible(e.target.checked)}
                  data-testid="layer-camera-fov"
                />
                <span className="swatch swatch-fov" aria-hidden="true" />
                <span className="layer-name">{t('map.cameraFov')}</span>
                <span className="layer-meta">
                  {props.fov.status.state === 'loading' && (
                    <span className="spinner" aria-hidden="true" />
                  )}
                  {props.fov.status.state === 'ready' && fmt.number(props.fov.status.count)}
                </span>
              </label>
              {props.fov.status.state === 'error' && (
                <div className="layer-error" role="alert">
                  {t('map.layerError')}{' '}
                  <button type="button" className="button small" onClick={props.fov.onRetry}>
                    {t('state.retry')}
                  </button>
                </div>
              )}
            </div>
          )}
        </fieldset>
        <div className="legend" aria-label={t('map.legend')} role="group">
          <h3>{t('field.status')}</h3>
          <ul>
            {statusOrder.map((s) => (
              <li key={s}>
                <span className="dot" style={{ background: statusColours[s] }} aria-hidden="true" />
                {t(`status.${s}`)}
              </li>
            ))}
          </ul>
          {props.serverBasemap ? (
            <label className="basemap-choice">
              {t('map.basemap')}
              <select
                value={props.basemap}
                onChange={(e) => props.onBasemap(e.target.value as 'plain' | 'server')}
                data-testid="basemap"
              >
                <option value="server">{t('map.basemapServer')}</option>
                <option value="plain">{t('map.basemapPlain')}</option>
              </select>
            </label>
          ) : (
            <p className="muted small">{t('map.basemapPlain')}</p>
          )}
        </div>
      </div>
    </section>
  );
}
