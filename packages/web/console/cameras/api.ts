/** The camera platform's API as the console uses it: cameras with health, groups, uptime, snapshots, walls. */
import type {
  Camera,
  CameraGroup,
  CameraHealthStatus,
  CameraWall,
  CameraWallInput,
} from '@cityops/contracts';
import { api, ApiError } from '../../ui/api';
import { problemFrom } from '../../ui/api/errors';

export type { Camera, CameraGroup, CameraHealthStatus, CameraWall, CameraWallInput };

export const healthStatuses: readonly CameraHealthStatus[] = [
  'offline',
  'degraded',
  'online',
  'unknown',
];

export interface Outage {
  cameraId: string;
  startedAt: string;
  endedAt: string | null;
  seconds: number;
  reason: string | null;
}

export interface WardUptime {
  from: string;
  to: string;
  wards: Array<{
    adminUnit: string | null;
    cameras: number;
    uptimePercent: number | null;
    offlineSeconds: number;
  }>;
  longestOutages: Outage[];
}

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const client = api.client;
/** At most this many cameras are read for one screen (10 pages). */
const MAX_CAMERAS = 10_000;

export const camerasApi = {
  /** Every camera in the caller's scope (paged through), optionally filtered. */
  async all(
    filter: { status?: CameraHealthStatus; group?: string } = {},
    signal?: AbortSignal,
  ): Promise<Camera[]> {
    const out: Camera[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<Camera> = await client.get<Page<Camera>>(
        '/api/v1/cameras',
        { limit: 1000, cursor, status: filter.status, group: filter.group },
        signal,
      );
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && out.length < MAX_CAMERAS);
    return out;
  },
  groups: (signal?: AbortSignal) =>
    client
      .get<CameraGroup[] | { items: CameraGroup[] }>('/api/v1/cameras/groups', {}, signal)
      .then((g) => (Array.isArray(g) ? g : g.items)),
  uptime: (from: Date, signal?: AbortSignal) =>
    client.get<WardUptime>('/api/v1/cameras/uptime', { from: from.toISOString() }, signal),
  walls: {
    list: (signal?: AbortSignal) =>
      client.get<{ items: CameraWall[] }>('/api/v1/cameras/walls', {}, signal).then((r) => r.items),
    create: (w: CameraWallInput) => client.post<CameraWall>('/api/v1/cameras/walls', w),
    replace: (id: string, w: CameraWallInput) =>
      client.request<CameraWall>('PUT', `/api/v1/cameras/walls/${id}`, { body: w }),
    remove: (id: string) => client.request<void>('DELETE', `/api/v1/cameras/walls/${id}`),
  },
};

/**
 * The camera's current image as an object URL (the caller revokes it). The
 * request carries the bearer token, so it is fetched here, not by an <img>.
 */
export async function fetchSnapshot(
  id: string,
  signal?: AbortSignal,
  size: 'full' | 'thumb' = 'full',
): Promise<string> {
  const query = size === 'thumb' ? '?size=thumb' : '';
  const res = await fetch(client.url(`/api/v1/cameras/${id}/snapshot${query}`), {
    headers: client.authHeaders(),
    ...(signal ? { signal } : {}),
  });
  if (!res.ok) {
    const problem = await problemFrom(res);
    throw new ApiError(res.status, problem, problem.detail ?? `snapshot: ${res.status}`);
  }
  return URL.createObjectURL(await res.blob());
}
