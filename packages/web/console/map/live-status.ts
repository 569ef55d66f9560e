/**
 * Live asset statuses on a map: events from the stream change the status an
 * asset shows (see nextAssetLive), and the map is updated in place twice a
 * second at most, only for the assets that changed.
 */
import { useEffect, useRef, type RefObject } from 'react';
import type { AssetType } from '@cityops/contracts';
import { nextAssetLive, shownStatus, type AssetLive } from '../live/live-items';
import { useLiveEvents } from '../live/use-live';
import type { CityMap, StatusUpdate } from './city-map';
import type { AssetIndex } from './use-asset-layers';

const FLUSH_MS = 500;

export function useLiveAssetStatus(cityMap: CityMap | null, index: RefObject<AssetIndex>): void {
  // Only assets on this map are tracked, so the map stays as big as the city, not the history.
  const live = useRef(new Map<string, AssetLive & { reported: boolean }>());
  const dirty = useRef(new Map<string, StatusUpdate>());
  const timer = useRef<number | null>(null);
  const mapRef = useRef(cityMap);
  mapRef.current = cityMap;

  useEffect(() => {
    live.current.clear();
    dirty.current.clear();
  }, [cityMap]);

  useEffect(
    () => () => {
      if (timer.current !== null) window.clearTimeout(timer.current);
    },
    [],
  );

  const flush = () => {
    timer.current = null;
    const updates = [...dirty.current.values()];
    dirty.current.clear();
    if (updates.length > 0) mapRef.current?.updateStatuses(updates);
  };

  useLiveEvents((batch) => {
    const idx = index.current;
    if (!mapRef.current || !idx) return;
    for (const e of batch) {
      if (!e.assetId) continue;
      const feature = idx.byId.get(e.assetId);
      const type = (feature?.properties.type ?? e.assetType) as AssetType | null;
      if (!type || (!feature && !idx.tiled.has(type))) continue;
      const prev = live.current.get(e.assetId) ?? {
        base: feature?.properties.status ?? 'unknown',
        alarms: [],
        lastEventAt: null,
        lastEventType: null,
        // A tiled asset's own status is in its tile; only what the stream says is set over it.
        reported: !!feature,
      };
      const next = { ...nextAssetLive(prev, e), reported: prev.reported || e.type === 'status' };
      live.current.set(e.assetId, next);
      const before = prev.reported || prev.alarms.length > 0 ? shownStatus(prev) : null;
      const after = next.reported || next.alarms.length > 0 ? shownStatus(next) : null;
      if (before === after) continue;
      if (feature && after) feature.properties.status = after;
      dirty.current.set(e.assetId, { id: e.assetId, type, status: after });
    }
    if (dirty.current.size > 0) timer.current ??= window.setTimeout(flush, FLUSH_MS);
  });
}
