/**
 * The cameras' fields of view on the console's map: a cone per camera with a
 * `fov`, coloured by the camera's health, under the asset points. Read from
 * GET /api/v1/cameras (in the caller's scope) and refreshed every minute
 * while shown.
 */
import { useEffect, useState } from 'react';
import type { ExpressionSpecification, GeoJSONSource } from 'maplibre-gl';
import { statusColours } from '../../ui/status';
import { isAbort } from '../../ui/api';
import type { CityMap } from '../map/city-map';
import { camerasApi, healthStatuses } from './api';
import { cones } from './fov';

export const FOV_SOURCE = 'camera-fov';
export const FOV_FILL = 'camera-fov-fill';
export const FOV_LINE = 'camera-fov-line';
/** Drawn under the asset points and clusters. */
const BELOW = 'assets-cluster';
const REFRESH_MS = 60_000;

const healthColour = [
  'match',
  ['get', 'health'],
  ...healthStatuses.flatMap((s) => [s, statusColours[s]]),
  statusColours.unknown,
] as unknown as ExpressionSpecification;

export type FovLayerState =
  | { state: 'off' }
  | { state: 'loading' }
  | { state: 'ready'; count: number }
  | { state: 'error'; error: unknown };

declare global {
  interface Window {
    /** When the cones were last drawn, and how long fetching and drawing them took (for the benchmarks). */
    __cityopsFov?: { count: number; ms: number; fetchMs: number };
  }
}

function ensureLayers(cityMap: CityMap): GeoJSONSource | undefined {
  const m = cityMap.map;
  if (!m.getSource(FOV_SOURCE)) {
    m.addSource(FOV_SOURCE, {
      type: 'geojson',
      data: { type: 'FeatureCollection', features: [] },
    });
    const before = m.getLayer(BELOW) ? BELOW : undefined;
    m.addLayer(
      {
        id: FOV_FILL,
        type: 'fill',
        source: FOV_SOURCE,
        paint: { 'fill-color': healthColour, 'fill-opacity': 0.22 },
      },
      before,
    );
    m.addLayer(
      {
        id: FOV_LINE,
        type: 'line',
        source: FOV_SOURCE,
        paint: { 'line-color': healthColour, 'line-width': 1, 'line-opacity': 0.7 },
      },
      before,
    );
  }
  return m.getSource<GeoJSONSource>(FOV_SOURCE);
}

/**
 * Resolves after the first frame drawn with every tile of the source loaded:
 * when the cones are on screen (the map's 'idle' also waits for every other
 * layer and tile to settle, which says nothing about the cones).
 */
function firstFrameWith(m: CityMap['map'], sourceId: string): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!m.isSourceLoaded(sourceId)) return;
      m.off('render', check);
      resolve();
    };
    m.on('render', check);
    m.triggerRepaint();
  });
}

/** Shows (or hides) the cones on the map; `enabled` is false without the permission to list cameras. */
export function useCameraFovLayer(
  cityMap: CityMap | null,
  enabled: boolean,
  visible: boolean,
): { status: FovLayerState; retry: () => void } {
  const [status, setStatus] = useState<FovLayerState>({ state: 'off' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!cityMap || !enabled) return;
    const m = cityMap.map;
    if (!visible) {
      void cityMap.live().then((ok) => {
        if (!ok) return;
        for (const id of [FOV_FILL, FOV_LINE])
          if (m.getLayer(id)) m.setLayoutProperty(id, 'visibility', 'none');
      });
      setStatus({ state: 'off' });
      return;
    }
    const ctl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let first = true;
    const load = async () => {
      const t0 = performance.now();
      if (first) setStatus({ state: 'loading' });
      try {
        const [cameras, ok] = await Promise.all([camerasApi.all({}, ctl.signal), cityMap.live()]);
        if (!ok || ctl.signal.aborted) return;
        const fetchMs = performance.now() - t0;
        const data = cones(cameras);
        const source = ensureLayers(cityMap);
        for (const id of [FOV_FILL, FOV_LINE]) m.setLayoutProperty(id, 'visibility', 'visible');
        await source?.setData(data);
        void firstFrameWith(m, FOV_SOURCE).then(() => {
          window.__cityopsFov = {
            count: data.features.length,
            ms: performance.now() - t0,
            fetchMs,
          };
        });
        if (!ctl.signal.aborted) setStatus({ state: 'ready', count: data.features.length });
      } catch (error) {
        if (ctl.signal.aborted || isAbort(error)) return;
        if (first) setStatus({ state: 'error', error });
      }
      first = false;
      if (!ctl.signal.aborted) timer = setTimeout(() => void load(), REFRESH_MS);
    };
    void load();
    return () => {
      ctl.abort();
      clearTimeout(timer);
    };
  }, [cityMap, enabled, visible, attempt]);

  return { status, retry: () => setAttempt((n) => n + 1) };
}
