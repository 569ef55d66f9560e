/**
 * The wall's map: boundaries and every asset layer with live statuses, no
 * panels. It flies to a new critical alert and, after a while, back to the
 * whole province. Sources are loaded once and then only updated in place.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { assetTypes } from '@cityops/contracts';
import { api } from '../../ui/api';
import type { AdminUnitCollection } from '../../ui/api';
import { loadAsset } from '../components/asset-names';
import { onFocusRequest } from '../live/focus';
import type { CityMapEvents } from '../map/city-map';
import { isGeometry, type BBox } from '../map/geometry';
import { useLiveAssetStatus } from '../map/live-status';
import { useAssetLayers } from '../map/use-asset-layers';
import { MapFailure, unitsExtent, useCityMap } from '../map/use-city-map';

/** How long the map stays on an alert's place before going back to the province. */
const FOCUS_MS = 120_000;

/** The wall's map takes no clicks. */
const NO_EVENTS: CityMapEvents = {
  onAsset: () => undefined,
  onUnit: () => undefined,
  onNothing: () => undefined,
  onError: () => undefined,
};

export function WallMap() {
  const box = useRef<HTMLDivElement>(null);
  const { cityMap, failure } = useCityMap(box, NO_EVENTS);
  const [extent, setExtent] = useState<BBox | null>(null);
  const all = useMemo(() => new Set(assetTypes), []);
  const layers = useAssetLayers(cityMap, all);
  useLiveAssetStatus(cityMap, layers.index);

  useEffect(() => {
    if (!cityMap) return;
    const ctl = new AbortController();
    api.adminUnits.layer({ level: 'commune', tolerance: 0.0002 }, ctl.signal).then(
      async (data: AdminUnitCollection) => {
        await cityMap.setUnits(data);
        const b = unitsExtent(data);
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
      <MapFailure failure={failure} />
    </div>
  );
}
