/**
 * Loads each visible asset type onto the map once: as GeoJSON, clustered
 * together with the other types, while the type is small; from the vector
 * tiles (with the bearer token) when it is too big for GeoJSON. The server's
 * layer catalogue says which, so a large type is never asked for as GeoJSON
 * (its 400 would be an error in the browser's console); the GeoJSON layer's
 * refusal stays the fallback when the catalogue cannot be read or is stale.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { assetTypes } from '@cityops/contracts';
import type { AssetLayerCatalogue, AssetType } from '@cityops/contracts';
import { api, ApiError, TooLargeError } from '../../ui/api';
import type { AssetCollection, AssetFeatureProperties } from '../../ui/api';
import type { Feature, Geometry } from 'geojson';
import type { CityMap } from './city-map';

/** A safety net beside the server's own limit (ASSET_LAYER_MAX_FEATURES, 5,000 features). */
const GEOJSON_MAX_BYTES = 2_000_000;

export type LayerStatus =
  | { state: 'loading' }
  | { state: 'ready'; count: number | null; tiled: boolean }
  | { state: 'error'; error: unknown };

/** The GeoJSON layer refuses (400) a set too big for it, and points to the tiles. */
const tooBigForGeoJson = (err: unknown) =>
  err instanceof TooLargeError || (err instanceof ApiError && err.status === 400);

/** The assets on the map by id (GeoJSON layers), and the types drawn from tiles. */
export interface AssetIndex {
  byId: Map<string, Feature<Geometry, AssetFeatureProperties>>;
  tiled: Set<AssetType>;
}

export function useAssetLayers(cityMap: CityMap | null, visible: ReadonlySet<AssetType>) {
  const [status, setStatus] = useState<Partial<Record<AssetType, LayerStatus>>>({});
  const index = useRef<AssetIndex>({ byId: new Map(), tiled: new Set() });
  const loaded = useRef(new Map<AssetType, AssetCollection>());
  const tiled = useRef(new Set<AssetType>());
  const requested = useRef(new Set<AssetType>());
  const visibleRef = useRef(visible);
  visibleRef.current = visible;
  /** Read once per map; null when it could not be read. */
  const catalogue = useRef<Promise<AssetLayerCatalogue | null> | null>(null);

  const redraw = useCallback((map: CityMap) => {
    const features = [...loaded.current]
      .filter(([type]) => visibleRef.current.has(type))
      .flatMap(([, fc]) => fc.features);
    void map.setClusteredAssets({ type: 'FeatureCollection', features });
    for (const type of tiled.current) map.setTiledVisible(type, visibleRef.current.has(type));
  }, []);

  const load = useCallback(
    async (map: CityMap, type: AssetType) => {
      const set = (s: LayerStatus) => setStatus((all) => ({ ...all, [type]: s }));
      requested.current.add(type);
      set({ state: 'loading' });
      const drawFromTiles = async () => {
        await map.setTiledAssets(type, api.assets.tilesUrl(type));
        tiled.current.add(type);
        index.current.tiled.add(type);
        set({ state: 'ready', count: null, tiled: true });
      };
      catalogue.current ??= api.assets.layerCatalogue().catch(() => null);
      const entry = (await catalogue.current)?.types.find((t) => t.type === type);
      if (entry?.source === 'tiles') {
        await drawFromTiles();
        redraw(map);
        return;
      }
      try {
        const data = await api.assets.layer(type, GEOJSON_MAX_BYTES);
        loaded.current.set(type, data);
        for (const f of data.features) index.current.byId.set(f.properties.id, f);
        set({ state: 'ready', count: data.features.length, tiled: false });
      } catch (err) {
        if (!tooBigForGeoJson(err)) {
          requested.current.delete(type);
          set({ state: 'error', error: err });
          return;
        }
        await drawFromTiles();
      }
      redraw(map);
    },
    [redraw],
  );

  // A new map (the page was left and opened again) starts with nothing loaded.
  useEffect(() => {
    loaded.current = new Map();
    tiled.current = new Set();
    index.current = { byId: new Map(), tiled: new Set() };
    requested.current = new Set();
    catalogue.current = null;
    setStatus({});
  }, [cityMap]);

  useEffect(() => {
    if (!cityMap) return;
    for (const type of assetTypes)
      if (visible.has(type) && !requested.current.has(type)) void load(cityMap, type);
    redraw(cityMap);
  }, [cityMap, visible, load, redraw]);

  const retry = useCallback(
    (type: AssetType) => {
      if (cityMap) void load(cityMap, type);
    },
    [cityMap, load],
  );

  return { status, retry, index };
}
