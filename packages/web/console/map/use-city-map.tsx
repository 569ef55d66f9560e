/**
 * The console's map in a page: a CityMap made in a given element once the UI
 * settings are in (again when the basemap changes), kept in the console's
 * theme and language, and what to show when it cannot be made (no WebGL).
 * The Map page and the wall both draw theirs with it.
 */
import { useEffect, useRef, useState, type RefObject } from 'react';
import type * as maplibregl from 'maplibre-gl';
import { api } from '../../ui/api';
import type { AdminUnitCollection } from '../../ui/api';
import { ErrorState } from '../../ui/components/states';
import { useTheme } from '../../ui/theme';
import { useUiConfig } from '../../ui/ui-config';
import { useT } from '../i18n';
import { useBasemap, type BasemapChoice } from './basemap';
import { CityMap, type CityMapEvents } from './city-map';
import { bboxOf, type BBox } from './geometry';

declare global {
  interface Window {
    /** The console's map, for end-to-end tests and for debugging from the browser console. */
    __cityopsMap?: maplibregl.Map;
  }
}

export interface UsedCityMap {
  /** The map, once made. */
  cityMap: CityMap | null;
  /** Why the map could not be made, else null. */
  failure: unknown;
  /** The basemap drawn: the server's, or null for the plain background. */
  basemapUrl: string | null;
  /** Whether the server has a basemap to offer. */
  serverBasemap: boolean;
  setBasemap: (c: BasemapChoice) => void;
}

/**
 * A CityMap in `container`; `events` are those of the map as first made (and
 * made again when the basemap changes).
 */
export function useCityMap(
  container: RefObject<HTMLDivElement | null>,
  events: CityMapEvents,
): UsedCityMap {
  const { t, locale } = useT();
  const { theme } = useTheme();
  const ui = useUiConfig();
  const [basemap, setBasemap] = useBasemap();
  const basemapUrl = basemap === 'server' ? ui.config.basemapUrl : null;
  const [cityMap, setCityMap] = useState<CityMap | null>(null);
  const [failure, setFailure] = useState<unknown>(null);

  // The map reads these when it is made; later changes go through the effects below.
  const initial = useRef({ theme, locale, label: t('map.region'), events });
  initial.current = { theme, locale, label: t('map.region'), events };

  useEffect(() => {
    if (ui.state === 'loading' || !container.current) return;
    let m: CityMap;
    try {
      m = new CityMap({
        container: container.current,
        basemapUrl,
        theme: initial.current.theme,
        locale: initial.current.locale,
        mapLabel: initial.current.label,
        authHeaders: () => api.client.authHeaders(),
        events: initial.current.events,
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
  }, [ui.state, basemapUrl, container]);

  useEffect(() => cityMap?.setTheme(theme), [cityMap, theme]);
  useEffect(() => cityMap?.setLocale(locale, t('map.region')), [cityMap, locale, t]);

  return { cityMap, failure, basemapUrl, serverBasemap: !!ui.config.basemapUrl, setBasemap };
}

/** Over the map, when it could not be made: why, and that it needs WebGL. */
export function MapFailure({ failure }: { failure: unknown }) {
  const { t } = useT();
  if (failure === null) return null;
  return (
    <div className="map-overlay-center">
      <ErrorState error={failure} />
      <p>{t('map.noWebgl')}</p>
    </div>
  );
}

/** The box around all the boundaries (null when there are none). */
export function unitsExtent(units: AdminUnitCollection): BBox | null {
  return bboxOf({ type: 'GeometryCollection', geometries: units.features.map((f) => f.geometry) });
}
