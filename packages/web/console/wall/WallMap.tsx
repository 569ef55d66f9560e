/**
 * The wall's map: boundaries and every asset layer with live statuses, no
 * panels. It flies to a new critical alert and, after a while, back to the
 * whole province. Sources are loaded once and then only updated in place.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { assetTypes } from '@cityops/contracts';
import { api } from '../../ui/api';
import type { AdminUnitCollection } from '../../ui/api';
import { ErrorState } from '../../ui/components/states';
import { useTheme } from '../../ui/theme';
import { useUiConfig } from '../../ui/ui-config';
import { loadAsset } from '../components/asset-names';
import { onFocusRequest } from '../live/focus';
import { useT } from '../i18n';
import { useBasemap } from '../map/basemap';
import { CityMap } from '../map/city-map';
import { bboxOf, isGeometry, type BBox } from '../map/geometry';
import { useLiveAssetStatus } from '../map/live-status';
import { useAssetLayers } from '../map/use-asset-layers';

/** How long the map stays on an alert's place before going back to the province. */
const FOCUS_MS = 120_000;

export function WallMap() {
  const { t, locale } = useT();
  const { theme } = useTheme();
  const ui = useUiConfig();
  const [basemap] = useBasemap();
  const basemapUrl = basemap === 'server' ? ui.config.basemapUrl : null;
  const box = useRef<HTMLDivElement>(null);
  const [cityMap, setCityMap] = useState<CityMap | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [extent, setExtent] = useState<BBox | null>(null);
  const all = useMemo(() => new Set(assetTypes), []);
  const layers = useAssetLayers(cityMap, all);
  useLiveAssetStatus(cityMap, layers.index);
  const initial = useRef({ theme, locale, label: t('map.region') });

  useEffect(() => {
    if (ui.state === 'loading' || !box.current) return;
    let m: CityMap;
    try {
      m = new CityMap({
        container: box.current,
        basemapUrl,
        theme: initial.current.theme,
        locale: initial.current.locale,
        mapLabel: initial.current.label,
        authHeaders: () => api.client.authHeaders(),
        events: {
          onAsset: () => undefined,
          onUnit: () => undefined,
          onNothing: () => undefined,
          onError: () => undefined,
        },
      });
    } catch (err) {
      setFailure(err);
      return;
    }
    window.__cityopsMap = m.map;
    setCityMap(m);
    return () => {
      if (window.__cityopsMap === m.map) delete window.__cityopsMap;
      m.destroy();
      setCityMap(null);
    };
  }, [ui.state, basemapUrl]);

  useEffect(() => cityMap?.setTheme(theme), [cityMap, theme]);
  useEffect(() => cityMap?.setLocale(locale, t('map.region')), [cityMap, locale, t]);

  useEffect(() => {
    if (!cityMap) return;
    const ctl = new AbortController();
    api.adminUnits.layer({ level: 'commune', tolerance: 0.0002 }, ctl.signal).then(
      async (data: AdminUnitCollection) => {
        await cityMap.setUnits(data);
        const b = bboxOf({
          type: 'GeometryCollection',
          geometries: data.features.map((f) => f.geometry),
        });
        setExtent(b);
        if (b) cityMap.fitBox(b);
      },
      () => undefined,
    );
    return () => ctl.abort();
  }, [cityMap]);

  useEffect(() => {
    if (!cityMap) return;
    let back: number | null = null;
    const off = onFocusRequest((id) => {
      void loadAsset(id).then((a) => {
        const g = a && isGeometry(a.geometry) ? a.geometry : null;
        if (!g) return;
        void cityMap.select(g);
        cityMap.flyTo(g);
        if (back !== null) window.clearTimeout(back);
        back = window.setTimeout(() => {
          back = null;
          void cityMap.select(null);
          cityMap.home(extent);
        }, FOCUS_MS);
      });
    });
    return () => {
      off();
      if (back !== null) window.clearTimeout(back);
    };
  }, [cityMap, extent]);

  return (
    <div className="wall-map" data-testid="wall-map">
      <div ref={box} className="map-canvas" data-testid="map" />
      {failure !== null && (
        <div className="map-overlay-center">
          <ErrorState error={failure} />
          <p>{t('map.noWebgl')}</p>
        </div>
      )}
    </div>
  );
}
