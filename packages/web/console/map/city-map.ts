/**
 * The console's MapLibre map of Thái Nguyên, kept apart from React: base
 * style, admin-unit boundaries, one layer per asset type (clustered GeoJSON,
 * or vector tiles for big layers), the selection, theme and language.
 */
import * as maplibregl from 'maplibre-gl';
import type {
  ExpressionSpecification,
  GeoJSONSource,
  MapGeoJSONFeature,
  MapMouseEvent,
  RequestParameters,
} from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { FeatureCollection, Geometry } from 'geojson';
import { assetTypes } from '@cityops/contracts';
import type { AssetStatus, AssetType, Locale } from '@cityops/contracts';
import type {
  AdminUnitCollection,
  AdminUnitFeatureProperties,
  AssetCollection,
  AssetFeatureProperties,
} from '../../ui/api';
import type { Theme } from '../../ui/theme';
import { statusColours } from '../../ui/status';
import { BACKGROUND_LAYER, baseStyle, mapColours } from './map-style';
import { mapUiStrings } from './map-locale';
import { bboxOf, type BBox } from './geometry';
import { iconName, iconPixels } from './icons';

// The bundle moves the worker file: tell MapLibre where it ended up.
maplibregl.setWorkerUrl(workerUrl);

/** Thái Nguyên province, as the map first shows it. */
export const HOME = { center: [105.84, 21.59] as [number, number], zoom: 9 };

export const UNITS_SOURCE = 'admin-units';
const UNITS_FILL = 'units-fill';
const UNITS_LINE = 'units-line';
const UNITS_LABEL = 'units-label';
const ASSETS_SOURCE = 'assets';
const ASSETS_CLUSTER = 'assets-cluster';
const ASSETS_COUNT = 'assets-count';
const ASSETS_POINT = 'assets-point';
const ASSETS_ICON = 'assets-icon';
/** From this zoom on, points are big enough to carry their type's icon. */
const ICON_MINZOOM = 11;
const SELECTION_SOURCE = 'selection';
const SELECTION_LINE = 'selection-line';
const SELECTION_POINT = 'selection-point';

export interface CityMapEvents {
  onAsset: (id: string, geometry: Geometry | null) => void;
  onUnit: (unit: AdminUnitFeatureProperties) => void;
  onNothing: () => void;
  onError: (err: { message: string }) => void;
}

export interface CityMapOptions {
  container: HTMLElement;
  basemapUrl: string | null;
  theme: Theme;
  locale: Locale;
  mapLabel: string;
  /** Headers for our own API (the bearer token), read on every request. */
  authHeaders: () => Record<string, string>;
  events: CityMapEvents;
}

const colourOf = (status: ExpressionSpecification): ExpressionSpecification =>
  [
    'match',
    status,
    ...(Object.entries(statusColours) as Array<[AssetStatus, string]>).flat(),
    statusColours.unknown,
  ] as unknown as ExpressionSpecification;
const statusColour = colourOf(['get', 'status']);
/** Tiles cannot be rewritten in place: a live status is set as feature state over the tile's. */
const tiledStatusColour = colourOf(['coalesce', ['feature-state', 'status'], ['get', 'status']]);
const pointRadius: ExpressionSpecification = [
  'interpolate',
  ['linear'],
  ['zoom'],
  8,
  4.5,
  ICON_MINZOOM - 0.01,
  7,
  ICON_MINZOOM,
  10,
  16,
  12,
];

/** One asset's shown status changed (live): in the GeoJSON source, or in a type's tiles. */
export interface StatusUpdate {
  id: string;
  type: AssetType;
  /** null: drop the live status of a tiled asset (its tile's own status shows again). */
  status: AssetStatus | null;
}

const clusterColour = (c: { cluster: string }): ExpressionSpecification => [
  'case',
  ['>', ['get', 'alarms'], 0],
  statusColours.alarm,
  c.cluster,
];

export class CityMap {
  readonly map: maplibregl.Map;
  private theme: Theme;
  private locale: Locale;
  /** Types drawn from vector tiles. */
  private readonly tiled = new Set<AssetType>();
  private navigation: maplibregl.NavigationControl | null = null;
  private scale: maplibregl.ScaleControl | null = null;
  private readonly loaded: Promise<void>;
  private destroyed = false;

  constructor(private readonly opts: CityMapOptions) {
    this.theme = opts.theme;
    this.locale = opts.locale;
    const apiPrefix = `${window.location.origin}/api/`;
    this.map = new maplibregl.Map({
      container: opts.container,
      style: baseStyle(opts.basemapUrl, opts.theme),
      center: HOME.center,
      zoom: HOME.zoom,
      maxZoom: 19,
      locale: mapUiStrings[opts.locale],
      // The plain style has nothing to credit; a configured basemap may.
      attributionControl: opts.basemapUrl ? { compact: true } : false,
      transformRequest: (url): RequestParameters =>
        url.startsWith(apiPrefix) ? { url, headers: opts.authHeaders() } : { url },
    });
    this.addControls();
    this.map.getCanvas().setAttribute('aria-label', opts.mapLabel);
    // Without a listener MapLibre prints errors to the console; the page shows them instead.
    this.map.on('error', (e) => opts.events.onError(e.error));
    this.loaded = new Promise<void>((resolve) => {
      this.map.once('load', () => {
        this.addBaseLayers();
        resolve();
      });
    });
    this.map.on('click', (e) => this.click(e));
    this.map.on('mousemove', (e) => {
      const hit = this.queryInteractive(e).length > 0;
      this.map.getCanvas().style.cursor = hit ? 'pointer' : '';
    });
  }

  /** Waits for the base layers; false once the map is destroyed (late work is then dropped). */
  async live(): Promise<boolean> {
    await this.loaded;
    return !this.destroyed;
  }

  destroy(): void {
    this.destroyed = true;
    this.map.remove();
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    void this.live().then((ok) => ok && this.applyColours());
  }

  setLocale(locale: Locale, mapLabel: string): void {
    this.locale = locale;
    this.map._locale = { ...this.map._locale, ...mapUiStrings[locale] };
    this.map.getCanvas().setAttribute('aria-label', mapLabel);
    this.addControls();
    void this.live().then(
      (ok) => ok && this.map.setLayoutProperty(UNITS_LABEL, 'text-field', this.unitLabelField()),
    );
  }

  async setUnits(data: AdminUnitCollection): Promise<void> {
    if (await this.live()) void this.map.getSource<GeoJSONSource>(UNITS_SOURCE)?.setData(data);
  }

  setUnitsVisible(visible: boolean): void {
    void this.live().then((ok) => {
      if (!ok) return;
      for (const id of [UNITS_FILL, UNITS_LINE, UNITS_LABEL])
        this.map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
    });
  }

  /** The assets drawn from GeoJSON, all types together, clustered. */
  async setClusteredAssets(data: AssetCollection): Promise<void> {
    if (await this.live()) void this.map.getSource<GeoJSONSource>(ASSETS_SOURCE)?.setData(data);
  }

  /** Draws one type from the vector tiles (a layer too big for GeoJSON), or stops (null). */
  async setTiledAssets(type: AssetType, url: string | null): Promise<void> {
    if (!(await this.live())) return;
    const source = `tiles-${type}`;
    const layer = `tiles-${type}-point`;
    for (const id of [`${layer}-icon`, layer]) if (this.map.getLayer(id)) this.map.removeLayer(id);
    if (this.map.getSource(source)) this.map.removeSource(source);
    this.tiled.delete(type);
    if (!url) return;
    this.map.addSource(source, {
      type: 'vector',
      tiles: [url],
      minzoom: 0,
      maxzoom: 14,
      promoteId: 'id',
    });
    this.map.addLayer(
      {
        id: layer,
        type: 'circle',
        source,
        'source-layer': type,
        paint: {
          'circle-color': tiledStatusColour,
          'circle-radius': pointRadius,
          'circle-stroke-width': 1,
          'circle-stroke-color': mapColours[this.theme].pointStroke,
        },
      },
      SELECTION_LINE,
    );
    this.map.addLayer(
      {
        id: `${layer}-icon`,
        type: 'symbol',
        source,
        'source-layer': type,
        minzoom: ICON_MINZOOM,
        layout: {
          'icon-image': iconName(type),
          'icon-allow-overlap': true,
          'icon-ignore-placement': true,
        },
      },
      SELECTION_LINE,
    );
    this.tiled.add(type);
  }

  setTiledVisible(type: AssetType, visible: boolean): void {
    void this.live().then((ok) => {
      const layer = `tiles-${type}-point`;
      if (!ok || !this.map.getLayer(layer)) return;
      for (const id of [layer, `${layer}-icon`])
        this.map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
    });
  }

  /**
   * Live statuses, applied in place: the GeoJSON source takes a diff (no new
   * data set is sent to the worker), tiled assets take feature state.
   */
  updateStatuses(updates: readonly StatusUpdate[]): void {
    if (this.destroyed || !this.map.getSource(ASSETS_SOURCE)) return;
    const diff = updates
      .filter((u) => !this.tiled.has(u.type) && u.status !== null)
      .map((u) => ({
        id: u.id,
        addOrUpdateProperties: [{ key: 'status', value: u.status as string }],
      }));
    if (diff.length > 0)
      void this.map
        .getSource<GeoJSONSource>(ASSETS_SOURCE)
        ?.updateData({ update: diff })
        .catch((err: unknown) => this.opts.events.onError(err as { message: string }));
    for (const u of updates) {
      if (!this.tiled.has(u.type)) continue;
      const target = { source: `tiles-${u.type}`, sourceLayer: u.type, id: u.id };
      if (u.status === null) this.map.removeFeatureState(target, 'status');
      else this.map.setFeatureState(target, { status: u.status });
    }
  }

  /** Outlines (or rings) what is selected; null clears it. */
  async select(geometry: Geometry | null): Promise<void> {
    if (!(await this.live())) return;
    const data: FeatureCollection = {
      type: 'FeatureCollection',
      features: geometry ? [{ type: 'Feature', geometry, properties: {} }] : [],
    };
    void this.map.getSource<GeoJSONSource>(SELECTION_SOURCE)?.setData(data);
  }

  /** Moves to a geometry beside the details panel: a point is centred, an area is fitted. */
  flyTo(geometry: Geometry): void {
    const box = bboxOf(geometry);
    if (!box) return;
    if (box[0] === box[2] && box[1] === box[3]) {
      this.map.flyTo({ center: [box[0], box[1]], zoom: Math.max(this.map.getZoom(), 15) });
    } else this.fitBox(box, { left: 360, right: 330 });
  }

  /** Fits a box, leaving room for the panels over the map when it is wide enough for them. */
  fitBox(box: BBox, panels: { left?: number; right?: number } = {}): void {
    const wide = this.map.getContainer().clientWidth > 1000;
    const room = (px?: number) => 40 + (wide ? (px ?? 0) : 0);
    this.map.fitBounds(
      [
        [box[0], box[1]],
        [box[2], box[3]],
      ],
      {
        padding: { top: 70, bottom: 40, left: room(panels.left), right: room(panels.right) },
        maxZoom: 15,
      },
    );
  }

  /** Back to the whole province: the units' extent when known. */
  home(units?: BBox | null): void {
    if (units) this.fitBox(units, { right: 330 });
    else this.map.flyTo(HOME);
  }

  private addControls(): void {
    if (this.navigation) this.map.removeControl(this.navigation);
    if (this.scale) this.map.removeControl(this.scale);
    this.navigation = new maplibregl.NavigationControl({ visualizePitch: false });
    this.scale = new maplibregl.ScaleControl({ unit: 'metric' });
    this.map.addControl(this.navigation, 'bottom-right');
    this.map.addControl(this.scale, 'bottom-left');
  }

  private unitLabelField(): ExpressionSpecification {
    return ['get', this.locale === 'vi' ? 'nameVi' : 'nameEn'];
  }

  private addBaseLayers(): void {
    const c = mapColours[this.theme];
    const empty: FeatureCollection = { type: 'FeatureCollection', features: [] };
    this.map.addSource(UNITS_SOURCE, { type: 'geojson', data: empty, promoteId: 'code' });
    this.map.addLayer({
      id: UNITS_FILL,
      type: 'fill',
      source: UNITS_SOURCE,
      // No antialiased outline pass: units-line draws every edge over it anyway. That
      // pass costs one draw per tile per frame (4 of 70 draws at zoom 11.5), which
      // counts where WebGL runs on the CPU (SwiftShader).
      paint: { 'fill-color': c.unitFill, 'fill-opacity': 0.08, 'fill-antialias': false },
    });
    this.map.addLayer({
      id: UNITS_LINE,
      type: 'line',
      source: UNITS_SOURCE,
      paint: {
        'line-color': c.unitLine,
        'line-width': ['interpolate', ['linear'], ['zoom'], 8, 0.8, 13, 2],
        // Approximate boundaries are dashed: they are not the official lines.
        'line-dasharray': [
          'case',
          ['get', 'approximate'],
          ['literal', [3, 2]],
          ['literal', [1, 0]],
        ],
      },
    });
    this.map.addLayer({
      id: UNITS_LABEL,
      type: 'symbol',
      source: UNITS_SOURCE,
      minzoom: 9.5,
      layout: {
        'text-field': this.unitLabelField(),
        'text-font': ['sans-serif'],
        'text-size': ['interpolate', ['linear'], ['zoom'], 9.5, 11, 13, 14],
        'text-max-width': 8,
      },
      paint: {
        'text-color': c.unitLabel,
        'text-halo-color': c.unitLabelHalo,
        'text-halo-width': 1.5,
      },
    });
    for (const type of assetTypes) {
      const pixels = iconPixels(type, '#ffffff');
      if (pixels && !this.map.hasImage(iconName(type)))
        this.map.addImage(iconName(type), pixels, { pixelRatio: 2 });
    }
    this.map.addSource(ASSETS_SOURCE, {
      type: 'geojson',
      data: empty,
      // Feature ids let live statuses be applied as a diff (updateData).
      promoteId: 'id',
      cluster: true,
      clusterRadius: 44,
      clusterMaxZoom: 15,
      clusterProperties: { alarms: ['+', ['case', ['==', ['get', 'status'], 'alarm'], 1, 0]] },
    });
    this.map.addLayer({
      id: ASSETS_CLUSTER,
      type: 'circle',
      source: ASSETS_SOURCE,
      filter: ['has', 'point_count'],
      paint: {
        'circle-color': clusterColour(c),
        'circle-radius': ['step', ['get', 'point_count'], 13, 20, 17, 100, 22, 1000, 28],
        'circle-stroke-width': 2,
        'circle-stroke-color': c.pointStroke,
        'circle-opacity': 0.92,
      },
    });
    this.map.addLayer({
      id: ASSETS_COUNT,
      type: 'symbol',
      source: ASSETS_SOURCE,
      filter: ['has', 'point_count'],
      layout: {
        'text-field': ['get', 'point_count_abbreviated'],
        'text-font': ['sans-serif'],
        'text-size': 12,
        'text-allow-overlap': true,
      },
      paint: { 'text-color': c.clusterText },
    });
    this.map.addLayer({
      id: ASSETS_POINT,
      type: 'circle',
      source: ASSETS_SOURCE,
      filter: ['!', ['has', 'point_count']],
      paint: {
        'circle-color': statusColour,
        'circle-radius': pointRadius,
        'circle-stroke-width': 1.5,
        'circle-stroke-color': c.pointStroke,
      },
    });
    this.map.addLayer({
      id: ASSETS_ICON,
      type: 'symbol',
      source: ASSETS_SOURCE,
      filter: ['!', ['has', 'point_count']],
      minzoom: ICON_MINZOOM,
      layout: {
        'icon-image': ['concat', 'icon-', ['get', 'type']],
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
      },
    });
    this.map.addSource(SELECTION_SOURCE, { type: 'geojson', data: empty });
    this.map.addLayer({
      id: SELECTION_LINE,
      type: 'line',
      source: SELECTION_SOURCE,
      filter: ['!=', ['geometry-type'], 'Point'],
      paint: { 'line-color': c.selection, 'line-width': 3 },
    });
    this.map.addLayer({
      id: SELECTION_POINT,
      type: 'circle',
      source: SELECTION_SOURCE,
      filter: ['==', ['geometry-type'], 'Point'],
      paint: {
        'circle-radius': 12,
        'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-width': 3,
        'circle-stroke-color': c.selection,
      },
    });
  }

  private applyColours(): void {
    const c = mapColours[this.theme];
    const m = this.map;
    if (m.getLayer(BACKGROUND_LAYER) && !this.opts.basemapUrl)
      m.setPaintProperty(BACKGROUND_LAYER, 'background-color', c.background);
    m.setPaintProperty(UNITS_FILL, 'fill-color', c.unitFill);
    m.setPaintProperty(UNITS_LINE, 'line-color', c.unitLine);
    m.setPaintProperty(UNITS_LABEL, 'text-color', c.unitLabel);
    m.setPaintProperty(UNITS_LABEL, 'text-halo-color', c.unitLabelHalo);
    m.setPaintProperty(SELECTION_LINE, 'line-color', c.selection);
    m.setPaintProperty(SELECTION_POINT, 'circle-stroke-color', c.selection);
    m.setPaintProperty(ASSETS_CLUSTER, 'circle-color', clusterColour(c));
    m.setPaintProperty(ASSETS_CLUSTER, 'circle-stroke-color', c.pointStroke);
    m.setPaintProperty(ASSETS_COUNT, 'text-color', c.clusterText);
    m.setPaintProperty(ASSETS_POINT, 'circle-stroke-color', c.pointStroke);
    for (const type of this.tiled)
      m.setPaintProperty(`tiles-${type}-point`, 'circle-stroke-color', c.pointStroke);
  }

  private interactiveLayers(): string[] {
    if (!this.map.getLayer(ASSETS_POINT)) return [];
    return [
      ASSETS_POINT,
      ASSETS_CLUSTER,
      ...[...this.tiled].map((t) => `tiles-${t}-point`),
      UNITS_FILL,
    ];
  }

  private queryInteractive(e: MapMouseEvent): MapGeoJSONFeature[] {
    const layers = this.interactiveLayers();
    return layers.length ? this.map.queryRenderedFeatures(e.point, { layers }) : [];
  }

  private click(e: MapMouseEvent): void {
    const features = this.queryInteractive(e);
    const asset = features.find(
      (f) => f.layer.id === ASSETS_POINT || f.layer.id.startsWith('tiles-'),
    );
    if (asset) {
      const p = asset.properties as Partial<AssetFeatureProperties>;
      if (typeof p.id === 'string') this.opts.events.onAsset(p.id, asset.geometry);
      return;
    }
    const cluster = features.find((f) => f.layer.id === ASSETS_CLUSTER);
    if (cluster && cluster.geometry.type === 'Point') {
      const source = this.map.getSource<GeoJSONSource>(cluster.source);
      const clusterId = (cluster.properties as { cluster_id?: number }).cluster_id;
      const [lon, lat] = cluster.geometry.coordinates as [number, number];
      if (source && clusterId !== undefined)
        source.getClusterExpansionZoom(clusterId).then(
          (zoom) => this.map.easeTo({ center: [lon, lat], zoom }),
          (err: unknown) => this.opts.events.onError(err as { message: string }),
        );
      return;
    }
    const unit = features.find((f) => f.layer.id === UNITS_FILL);
    if (unit) this.opts.events.onUnit(unit.properties as AdminUnitFeatureProperties);
    else this.opts.events.onNothing();
  }
}
