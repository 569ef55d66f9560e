/**
 * The Map page: Thái Nguyên on MapLibre with commune boundaries, asset layers
 * by type, a search box, and a side panel for what is clicked or found.
 * `/map?asset=<id>` and `/map?unit=<code>[&at=<date>]` open with that selection.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Geometry } from 'geojson';
import { assetTypes } from '@cityops/contracts';
import type { AssetType } from '@cityops/contracts';
import { api } from '../../ui/api';
import type { AdminUnitCollection } from '../../ui/api';
import { ErrorState } from '../../ui/components/states';
import { useT } from '../i18n';
import { AssetDetails, UnitDetails, type UnitSummary } from './DetailsPanel';
import { isGeometry, type BBox } from './geometry';
import { LayerPanel } from './LayerPanel';
import { SearchBox, type SearchResult } from './SearchBox';
import { useAssetLayers } from './use-asset-layers';
import { useLiveAssetStatus } from './live-status';
import { onFocusRequest } from '../live/focus';
import { MapFailure, unitsExtent, useCityMap } from './use-city-map';
import { useSession } from '../session';
import { useCameraFovLayer } from '../cameras/camera-layer';

type Selection = { kind: 'asset'; id: string; fly: boolean } | { kind: 'unit'; unit: UnitSummary };

type UnitsState =
  | { state: 'loading' }
  | { state: 'ready'; data: AdminUnitCollection }
  | { state: 'error'; error: unknown };

const HIDDEN_KEY = 'cityops.map.hiddenLayers';
const FOV_KEY = 'cityops.map.cameraFov';

function storedFov(): boolean {
  try {
    return localStorage.getItem(FOV_KEY) !== '0';
  } catch {
    return true;
  }
}
/** Simplification of boundaries for the map, in degrees (≈ 20 m). */
const BOUNDARY_TOLERANCE = 0.0002;

function storedVisible(): ReadonlySet<AssetType> {
  let hidden: unknown = [];
  try {
    hidden = JSON.parse(localStorage.getItem(HIDDEN_KEY) ?? '[]');
  } catch {
    // Nothing remembered, or storage disabled: every layer is shown.
  }
  const h = new Set(Array.isArray(hidden) ? (hidden as unknown[]) : []);
  return new Set(assetTypes.filter((ty) => !h.has(ty)));
}

export default function MapPage() {
  const { t, locale } = useT();
  const containerRef = useRef<HTMLDivElement>(null);
  const [dataError, setDataError] = useState(false);
  const [units, setUnits] = useState<UnitsState>({ state: 'loading' });
  const [unitsAttempt, setUnitsAttempt] = useState(0);
  const [unitsVisible, setUnitsVisible] = useState(true);
  const [visible, setVisible] = useState(storedVisible);
  const [selection, setSelection] = useState<Selection | null>(null);
  const { cityMap, failure, basemapUrl, serverBasemap, setBasemap } = useCityMap(containerRef, {
    onAsset: (id) => setSelection({ kind: 'asset', id, fly: false }),
    onUnit: (u) => setSelection({ kind: 'unit', unit: u }),
    onNothing: () => setSelection(null),
    onError: () => setDataError(true),
  });
  const layers = useAssetLayers(cityMap, visible);
  useLiveAssetStatus(cityMap, layers.index);
  const { can } = useSession();
  const camerasAllowed = can('cameras:read');
  const [fovVisible, setFovVisible] = useState(storedFov);
  const fov = useCameraFovLayer(cityMap, camerasAllowed, fovVisible);
  const showFov = (on: boolean) => {
    setFovVisible(on);
    try {
      localStorage.setItem(FOV_KEY, on ? '1' : '0');
    } catch {
      // Storage disabled: the choice lasts for this page only.
    }
  };

  // A new critical alert (or a "show on map"): fly to the asset and open it.
  useEffect(() => onFocusRequest((id) => setSelection({ kind: 'asset', id, fly: true })), []);

  const unitsRef = useRef<AdminUnitCollection | null>(null);
  unitsRef.current = units.state === 'ready' ? units.data : null;

  const unitFeature = (code: string) =>
    unitsRef.current?.features.find((f) => f.properties.code === code) ?? null;

  useEffect(() => cityMap?.setUnitsVisible(unitsVisible), [cityMap, unitsVisible]);

  useEffect(() => {
    if (!cityMap) return;
    const ctl = new AbortController();
    setUnits({ state: 'loading' });
    api.adminUnits.layer({ level: 'commune', tolerance: BOUNDARY_TOLERANCE }, ctl.signal).then(
      async (data) => {
        await cityMap.setUnits(data);
        if (!ctl.signal.aborted) setUnits({ state: 'ready', data });
      },
      (error: unknown) => {
        if (!ctl.signal.aborted) setUnits({ state: 'error', error });
      },
    );
    return () => ctl.abort();
  }, [cityMap, unitsAttempt]);

  // The selection's outline (areas) or ring (points) on the map.
  const showGeometry = useCallback(
    (geometry: Geometry | null, fly: boolean) => {
      void cityMap?.select(geometry);
      if (geometry && fly) cityMap?.flyTo(geometry);
    },
    [cityMap],
  );

  const selectUnit = useCallback(
    async (unit: UnitSummary, at?: string) => {
      setSelection({ kind: 'unit', unit });
      const feature = at ? null : unitFeature(unit.code);
      if (feature) return showGeometry(feature.geometry, true);
      try {
        const detail = await api.adminUnits.get(unit.code, at);
        setSelection({ kind: 'unit', unit: detail });
        showGeometry(isGeometry(detail.boundary) ? detail.boundary : null, true);
      } catch {
        showGeometry(null, false);
      }
    },
    [showGeometry],
  );

  useEffect(() => {
    if (selection?.kind === 'unit') {
      const f = unitFeature(selection.unit.code);
      if (f) showGeometry(f.geometry, false);
    } else if (!selection) showGeometry(null, false);
  }, [selection, showGeometry]);

  const extent = useMemo<BBox | null>(
    () => (units.state === 'ready' ? unitsExtent(units.data) : null),
    [units],
  );

  // Once the boundaries are in: the deep link from the lists (?asset=<id>, ?unit=<code>[&at=<date>]),
  // else the whole province.
  const linked = useRef(false);
  useEffect(() => {
    if (linked.current || !cityMap || units.state === 'loading') return;
    linked.current = true;
    const params = new URLSearchParams(window.location.search);
    const asset = params.get('asset');
    const unit = params.get('unit');
    if (!asset && !unit && extent) cityMap.home(extent);
    if (asset) setSelection({ kind: 'asset', id: asset, fly: true });
    else if (unit) {
      const f = unitFeature(unit);
      if (f) void selectUnit(f.properties);
      else
        void api.adminUnits
          .get(unit, params.get('at') ?? undefined)
          .then((d) => selectUnit(d, params.get('at') ?? undefined))
          .catch(() => undefined);
    }
  }, [cityMap, units.state, selectUnit, extent]);

  const onAssetLoaded = useCallback(
    (g: Geometry | null) => showGeometry(g, selection?.kind === 'asset' && selection.fly),
    [selection, showGeometry],
  );

  const onChoose = (r: SearchResult) => {
    if (r.kind === 'asset') setSelection({ kind: 'asset', id: r.asset.id, fly: true });
    else if (r.kind === 'unit') void selectUnit(r.unit);
    else {
      setSelection(null);
      const point: Geometry = { type: 'Point', coordinates: [r.lon, r.lat] };
      showGeometry(point, true);
    }
  };

  const toggle = (type: AssetType, on: boolean) => {
    const next = new Set(visible);
    if (on) next.add(type);
    else next.delete(type);
    setVisible(next);
    try {
      localStorage.setItem(HIDDEN_KEY, JSON.stringify(assetTypes.filter((ty) => !next.has(ty))));
    } catch {
      // Storage disabled: the choice lasts for this page only.
    }
  };

  const names = useMemo(() => {
    const m = new Map<string, { nameVi: string; nameEn: string }>();
    if (units.state === 'ready')
      for (const f of units.data.features) m.set(f.properties.code, f.properties);
    return m;
  }, [units]);
  const unitName = (code: string) => {
    const n = names.get(code);
    return n ? (locale === 'vi' ? n.nameVi : n.nameEn) : null;
  };

  const approximate =
    units.state === 'ready' && units.data.features.some((f) => f.properties.approximate);

  return (
    <div className="map-page">
      <div ref={containerRef} className="map-canvas" data-testid="map" />
      <MapFailure failure={failure} />
      <div className="map-top-left">
        <SearchBox onChoose={onChoose} />
        <button type="button" className="button" onClick={() => cityMap?.home(extent)}>
          {t('map.home')}
        </button>
      </div>
      {units.state === 'error' && (
        <div className="map-alert">
          <ErrorState error={units.error} onRetry={() => setUnitsAttempt((n) => n + 1)} compact />
        </div>
      )}
      {dataError && (
        <div className="map-alert" role="status">
          <p className="state-error compact state">
            {t('map.dataError')}{' '}
            <button type="button" className="button small" onClick={() => setDataError(false)}>
              {t('state.close')}
            </button>
          </p>
        </div>
      )}
      <LayerPanel
        unitsVisible={unitsVisible}
        onUnitsVisible={setUnitsVisible}
        unitsState={units.state}
        unitCount={units.state === 'ready' ? units.data.features.length : 0}
        approximate={approximate}
        visible={visible}
        onToggle={toggle}
        status={layers.status}
        onRetry={layers.retry}
        basemap={basemapUrl ? 'server' : 'plain'}
        serverBasemap={serverBasemap}
        onBasemap={setBasemap}
        {...(camerasAllowed
          ? {
              fov: {
                visible: fovVisible,
                onVisible: showFov,
                status: fov.status,
                onRetry: fov.retry,
              },
            }
          : {})}
      />
      {selection?.kind === 'asset' && (
        <AssetDetails
          id={selection.id}
          onClose={() => setSelection(null)}
          onLoaded={onAssetLoaded}
          unitName={unitName}
        />
      )}
      {selection?.kind === 'unit' && (
        <UnitDetails unit={selection.unit} onClose={() => setSelection(null)} />
      )}
    </div>
  );
}
