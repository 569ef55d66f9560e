/**
 * MediaMTX's external HTTP authentication, answered by CityOps. With
 * `authMethod: http` MediaMTX POSTs, for every reader, publisher and API call,
 * `{user, password, token, ip, action, path, protocol, id, query}` and lets it
 * through on a 2xx. CityOps allows:
 *  - `read` of a path CityOps made for a camera (`cityops-<camera id>-…`) only
 *    with the token of a live viewer session of that camera that has neither
 *    ended nor expired — from any CityOps process, since sessions are looked
 *    up in the database by the token's SHA-256. The token may come as the
 *    `token` query parameter (the URL CityOps hands the player), as the token
 *    MediaMTX read from a Bearer header, or as the password;
 *  - `publish`, `api`, `metrics` and `pprof` only with the gateway's own
 *    credentials, the user and password of CITYOPS_VIDEO_GATEWAY (CityOps
 *    calls MediaMTX's API with them);
 *  - nothing else (`playback` included): 401, which also makes RTSP clients
 *    send their credentials.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../core/db/db.js';
import type { Clock } from '../../core/clock.js';
import { openSessionCamera } from './live.repo.js';
import { tokenHash } from './live.service.js';
import { cameraOfPath } from './external.gateway.js';

/** MediaMTX's request body (fields it may add later are ignored). */
export const mediamtxAuthSchema = z.object({
  user: z.string().nullish(),
  password: z.string().nullish(),
  token: z.string().nullish(),
  ip: z.string().nullish(),
  action: z.string(),
  path: z.string().nullish(),
  protocol: z.string().nullish(),
  id: z.string().nullish(),
  query: z.string().nullish(),
});
export type MediamtxAuthRequest = z.infer<typeof mediamtxAuthSchema>;

export type AuthDecision =
  { allowed: true } | { allowed: false; why: 'no-credentials' | 'refused' | 'action' };

const GATEWAY_ACTIONS = new Set(['publish', 'api', 'metrics', 'pprof']);

/** Compares secrets in constant time (through their hashes, so lengths may differ). */
function same(a: string, b: string): boolean {
  const h = (v: string) => createHash('sha256').update(v, 'utf8').digest();
  return timingSafeEqual(h(a), h(b));
}

/** The gateway's own user and password, from the API URL of the settings. */
export function gatewayCredentialsOf(
  apiUrl: string,
): { user: string; password: string } | undefined {
  const u = new URL(apiUrl);
  if (!u.username) return undefined;
  return { user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
}

export class MediamtxAuth {
  constructor(
    private readonly deps: {
      db: Db;
      clock: Clock;
      gateway: { user: string; password: string } | undefined;
    },
  ) {}

  async decide(r: MediamtxAuthRequest): Promise<AuthDecision> {
    if (r.action === 'read') return this.read(r);
    if (GATEWAY_ACTIONS.has(r.action)) {
      const g = this.deps.gateway;
      if (!r.user && !r.password) return { allowed: false, why: 'no-credentials' };
      return g && same(r.user ?? '', g.user) && same(r.password ?? '', g.password)
        ? { allowed: true }
        : { allowed: false, why: 'refused' };
    }
    return { allowed: false, why: 'action' };
  }

  private async read(r: MediamtxAuthRequest): Promise<AuthDecision> {
    const candidates = [
      new URLSearchParams(r.query ?? '').get('token'),
      r.token,
      r.password,
    ].filter((t): t is string => !!t && t.length <= 200);
    if (candidates.length === 0) return { allowed: false, why: 'no-credentials' };
    const camera = cameraOfPath(r.path ?? '');
    if (!camera) return { allowed: false, why: 'refused' };
    const now = this.deps.clock.now();
    for (const token of new Set(candidates)) {
      if ((await openSessionCamera(this.deps.db, tokenHash(token), now)) === camera)
        return { allowed: true };
    }
    return { allowed: false, why: 'refused' };
  }
}
