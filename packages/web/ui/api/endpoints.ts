/**
 * The API calls the browser apps make, typed by the shared contracts package
 * (`@cityops/contracts`): no model is copied here.
 */
import type { FeatureCollection, Geometry } from 'geojson';
import type { z } from 'zod';
import type {
  AdminUnit,
  AdminUnitDetail,
  Alert,
  AlertDetail,
  AlertSeverity,
  AlertsSummary,
  Asset,
  AssetLayerCatalogue,
  AssetState,
  AssetStatus,
  AssetType,
  AssetsByStatus,
  DashboardBucket,
  EventsOverTime,
  LoginResponse,
  Page,
  Role,
  Series,
  SeriesBucket,
  StoredEvent,
  User,
  AssetTileLayer,
  adminUnitQuery,
  alertListQuery,
  assetFilterQuery,
  pageQuery,
} from '@cityops/contracts';
import type { ApiClient } from './client';

/** `limit` and `cursor`, as every list takes them. */
export type PageParams = { [K in keyof typeof pageQuery]?: z.output<(typeof pageQuery)[K]> };

export type AdminUnitListQuery = z.input<typeof adminUnitQuery> & PageParams;

/**
 * Filters of GET /api/v1/assets and of its GeoJSON layer, named as the contract names them,
 * in their query-string form (`type` and `status` take comma-separated lists).
 */
export type AssetListQuery = { [K in keyof typeof assetFilterQuery]?: string } & PageParams;

/** Properties of a feature of GET /api/v1/layers/admin-units.geojson. */
export type AdminUnitFeatureProperties = Pick<
  AdminUnit,
  'code' | 'name' | 'nameVi' | 'nameEn' | 'level' | 'approximate'
> &
  Partial<Pick<AdminUnit, 'kind' | 'parentCode' | 'validFrom' | 'validTo'>>;

/** Properties of a feature of GET /api/v1/layers/assets.geojson and of the asset tiles. */
export type AssetFeatureProperties = Pick<
  Asset,
  'id' | 'type' | 'code' | 'name' | 'status' | 'adminUnit'
>;

export type AdminUnitCollection = FeatureCollection<Geometry, AdminUnitFeatureProperties>;
export type AssetCollection = FeatureCollection<Geometry, AssetFeatureProperties>;

/** Who is signed in (GET /api/v1/auth/me). */
export interface Me {
  kind: 'user' | 'apikey' | 'device';
  user: User | null;
  permissions: string[];
}

/**
 * Settings the server gives its browser apps (GET /api/v1/ui-config, public).
 * Mirrors the route in packages/server/src/web/ui-config.routes.ts.
 */
export interface UiConfig {
  basemapUrl: string | null;
  timezone: string;
}

/** Filters of GET /api/v1/alerts in their query-string form (`status` takes a comma-separated list). */
export type AlertListQuery = {
  [K in Exclude<keyof z.input<typeof alertListQuery>, 'limit' | 'cursor'>]?: string;
} & PageParams;

/** Filters of GET /api/v1/events (the route's own query: asset, type or prefix, period, unit). */
export interface EventListQuery extends PageParams {
  asset?: string;
  type?: string;
  since?: string;
  until?: string;
  adminUnit?: string;
}

/** A period of a dashboard query, with the admin unit it is limited to. */
export interface DashboardQuery {
  adminUnit?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export type { AssetStatus, AlertSeverity };

export function createApi(client: ApiClient) {
  return {
    client,
    uiConfig: (signal?: AbortSignal) => client.get<UiConfig>('/api/v1/ui-config', {}, signal),
    login: (email: string, password: string) =>
      client.post<LoginResponse>('/api/v1/auth/login', { email, password }),
    logout: () => client.post<void>('/api/v1/auth/logout'),
    me: (signal?: AbortSignal) => client.get<Me>('/api/v1/auth/me', {}, signal),
    adminUnits: {
      list: (query: AdminUnitListQuery, signal?: AbortSignal) =>
        client.get<Page<AdminUnit>>('/api/v1/admin-units', { ...query }, signal),
      get: (code: string, at?: string, signal?: AbortSignal) =>
        client.get<AdminUnitDetail>(
          `/api/v1/admin-units/${encodeURIComponent(code)}`,
          { at },
          signal,
        ),
      layer: (
        query: { level?: AdminUnit['level']; at?: string; tolerance?: number },
        signal?: AbortSignal,
      ) => client.get<AdminUnitCollection>('/api/v1/layers/admin-units.geojson', query, signal),
    },
    assets: {
      list: (query: AssetListQuery, signal?: AbortSignal) =>
        client.get<Page<Asset>>('/api/v1/assets', { ...query }, signal),
      get: (id: string, signal?: AbortSignal) =>
        client.get<Asset>(`/api/v1/assets/${encodeURIComponent(id)}`, {}, signal),
      /** Per asset type, whether the map takes it as GeoJSON or from the vector tiles. */
      layerCatalogue: (signal?: AbortSignal) =>
        client.get<AssetLayerCatalogue>('/api/v1/layers/assets', {}, signal),
      /** One type's assets as GeoJSON; TooLargeError past `maxBytes` (use the tiles then). */
      layer: (type: AssetType, maxBytes: number, signal?: AbortSignal) =>
        client.request<AssetCollection>('GET', '/api/v1/layers/assets.geojson', {
          query: { type },
          maxBytes,
          signal,
        }),
      /** Vector tiles of a layer (an asset type, or `assets` for all); the source-layer has the same name. */
      tilesUrl: (layer: AssetTileLayer) =>
        `${client.url(`/api/v1/tiles/${layer}`)}/{z}/{x}/{y}.mvt`,
    },
    events: {
      list: (query: EventListQuery, signal?: AbortSignal) =>
        client.get<Page<StoredEvent>>('/api/v1/events', { ...query }, signal),
    },
    assetLive: {
      state: (id: string, signal?: AbortSignal) =>
        client.get<AssetState>(`/api/v1/assets/${encodeURIComponent(id)}/state`, {}, signal),
      series: (
        id: string,
        query: { type: string; field?: string; from?: string; to?: string; bucket?: SeriesBucket },
        signal?: AbortSignal,
      ) => client.get<Series>(`/api/v1/assets/${encodeURIComponent(id)}/series`, query, signal),
    },
    alerts: {
      list: (query: AlertListQuery, signal?: AbortSignal) =>
        client.get<Page<Alert>>('/api/v1/alerts', { ...query }, signal),
      get: (id: string, signal?: AbortSignal) =>
        client.get<AlertDetail>(`/api/v1/alerts/${encodeURIComponent(id)}`, {}, signal),
      acknowledge: (id: string, note?: string) =>
        client.post<AlertDetail>(
          `/api/v1/alerts/${encodeURIComponent(id)}/acknowledge`,
          note ? { note } : {},
        ),
      resolve: (id: string, note?: string) =>
        client.post<AlertDetail>(
          `/api/v1/alerts/${encodeURIComponent(id)}/resolve`,
          note ? { note } : {},
        ),
    },
    dashboards: {
      assetsByStatus: (query: Pick<DashboardQuery, 'adminUnit'>, signal?: AbortSignal) =>
        client.get<AssetsByStatus>('/api/v1/dashboards/assets-by-status', { ...query }, signal),
      eventsOverTime: (
        query: DashboardQuery & { bucket?: DashboardBucket },
        signal?: AbortSignal,
      ) => client.get<EventsOverTime>('/api/v1/dashboards/events-over-time', { ...query }, signal),
      alertsSummary: (query: DashboardQuery, signal?: AbortSignal) =>
        client.get<AlertsSummary>('/api/v1/dashboards/alerts-summary', { ...query }, signal),
    },
    users: {
      list: (query: PageParams & { role?: Role; q?: string }, signal?: AbortSignal) =>
        client.get<Page<User>>('/api/v1/users', { ...query }, signal),
    },
  };
}

export type Api = ReturnType<typeof createApi>;
