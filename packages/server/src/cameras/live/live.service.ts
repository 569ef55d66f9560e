/**
 * Viewer sessions of camera live views. A session is granted per camera to a
 * caller who holds the live right on it, lives `sessionMs` unless the player
 * renews it, and ends when the player stops, when it expires, when the stream
 * ends or on shutdown. The session's token is the capability for the HLS
 * files under /api/v1/live/{token}/. Every start (granted, refused or
 * unavailable) and every end (with how long it lasted) is audited on the
 * camera. All viewers of a camera share one gateway stream.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { LiveSession, LiveStartBody } from '@cityops/contracts';
import type { Actor, Principal } from '../../core/auth/principal.js';
import { actorOf } from '../../core/auth/principal.js';
import type { Clock } from '../../core/clock.js';
import { ForbiddenError, NotFoundError, UnavailableError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Db } from '../../core/db/db.js';
import * as repo from './live.repo.js';
import {
  GatewayUnavailableError,
  type LiveProtocol,
  type StreamGateway,
  type StreamSource,
} from './gateway.js';

/** The audit actions of live views, all on the camera (`?entity=<camera id>`). */
export const LIVE_ACTIONS = {
  started: 'camera.live',
  unavailable: 'camera.live.unavailable',
  ended: 'camera.live.ended',
} as const;

/** What live views need of a camera (the cameras module's CameraSource fits). */
export interface LiveCameraSource {
  id: string;
  streamUrl: string | undefined;
  subStreamUrl: string | undefined;
  username: string | undefined;
  password: string | undefined;
}

/** What live views need of the cameras module. */
export interface LiveCameras {
  /** The camera's source when the principal may watch it; 404 / 403 (audited) otherwise. */
  authorize(
    principal: Principal,
    id: string,
    right: 'live',
    meta: { ip?: string; requestId?: string },
  ): Promise<LiveCameraSource>;
  can(principal: Principal, id: string, right: 'live'): Promise<boolean>;
  auditOn(actor: Actor, cameraId: string, action: string, after?: unknown): Promise<void>;
}

export type EndReason = 'stopped' | 'expired' | 'stream-ended' | 'revoked' | 'shutdown' | 'lost';

/** What the database keeps of a session token: its SHA-256, base64url. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** How long after its expiry an open session counts as lost (its server died). */
const LOST_AFTER_MS = 30_000;

interface Session {
  id: string;
  token: string;
  cameraId: string;
  /** The gateway's stream: the camera, or its sub-stream. */
  streamKey: string;
  principalId: string;
  actor: Actor;
  protocol: LiveProtocol;
  quality: 'main' | 'sub';
  startedAt: Date;
  expiresAt: Date;
  timer: NodeJS.Timeout;
}

export interface LiveServiceDeps {
  db: Db;
  cameras: LiveCameras;
  gateway: StreamGateway;
  clock: Clock;
  log: FastifyBaseLogger;
  /** A session's lifetime without renewal. */
  sessionMs: number;
}

export class LiveService {
  private readonly byToken = new Map<string, Session>();
  private closed = false;

  constructor(private readonly deps: LiveServiceDeps) {
    deps.gateway.onStopped?.((key) => {
      for (const s of [...this.byToken.values()]) {
        if (s.streamKey === key) void this.finish(s, 'stream-ended');
      }
    });
  }

  get gateway(): StreamGateway {
    return this.deps.gateway;
  }

  /** Sessions open now (for tests and metrics). */
  openSessions(): number {
    return this.byToken.size;
  }

  async start(
    principal: Principal,
    cameraId: string,
    body: LiveStartBody,
    meta: { ip?: string; requestId?: string },
  ): Promise<LiveSession> {
    const actor = actorOf(principal, meta.ip, meta.requestId);
    // 404 outside the caller's scope; 403 (audited by the cameras module) when refused.
    const camera = await this.deps.cameras.authorize(principal, cameraId, 'live', meta);
    const quality = body.quality ?? 'main';
    const url =
      quality === 'sub'
        ? (camera.subStreamUrl ?? camera.streamUrl)
        : (camera.streamUrl ?? camera.subStreamUrl);
    const unavailable = async (reason: string) => {
      await this.deps.cameras.auditOn(actor, cameraId, LIVE_ACTIONS.unavailable, {
        reason,
        gateway: this.deps.gateway.kind,
      });
      return new UnavailableError(reason);
    };
    if (this.closed) throw await unavailable('The server is shutting down.');
    if (!url) throw await unavailable('The camera has no stream address.');
    const streamKey = url === camera.streamUrl ? cameraId : `${cameraId}.sub`;
    const source: StreamSource = {
      cameraId: streamKey,
      url,
      username: camera.username,
      password: camera.password,
    };
    let served;
    try {
      served = await this.deps.gateway.acquire(source, body.protocol);
    } catch (err) {
      if (err instanceof GatewayUnavailableError) {
        // A stream that failed to start must not outlive this request's viewers.
        if (![...this.byToken.values()].some((s) => s.streamKey === streamKey))
          this.deps.gateway.release(streamKey);
        throw await unavailable(err.reason);
      }
      throw err;
    }
    const now = this.deps.clock.now();
    const session: Session = {
      id: newId(),
      token: randomBytes(24).toString('base64url'),
      cameraId,
      streamKey,
      principalId: principal.id,
      actor,
      protocol: served.protocol,
      quality,
      startedAt: now,
      expiresAt: new Date(now.getTime() + this.deps.sessionMs),
      timer: setTimeout(() => {}, 0),
    };
    await repo.insertSession(this.deps.db, {
      id: session.id,
      cameraId,
      actor,
      protocol: session.protocol,
      quality,
      gateway: this.deps.gateway.kind,
      startedAt: session.startedAt,
      expiresAt: session.expiresAt,
      tokenHash: tokenHash(session.token),
    });
    this.arm(session);
    this.byToken.set(session.token, session);
    await this.deps.cameras.auditOn(actor, cameraId, LIVE_ACTIONS.started, {
      sessionId: session.id,
      protocol: session.protocol,
      quality,
      gateway: this.deps.gateway.kind,
      expiresAt: session.expiresAt.toISOString(),
    });
    return {
      url: served.urlFor(session.token),
      protocol: session.protocol,
      expiresAt: session.expiresAt.toISOString(),
      sessionUrl: `/api/v1/live/${session.token}`,
    };
  }

  /** Extends the caller's own session, if the caller may still watch the camera. */
  async renew(principal: Principal, token: string): Promise<{ expiresAt: string }> {
    const s = this.own(principal, token);
    if (!(await this.deps.cameras.can(principal, s.cameraId, 'live'))) {
      await this.finish(s, 'revoked');
      throw new ForbiddenError('You may no longer watch this camera.');
    }
    s.expiresAt = new Date(this.deps.clock.now().getTime() + this.deps.sessionMs);
    this.arm(s);
    await repo.renewSession(this.deps.db, s.id, s.expiresAt);
    return { expiresAt: s.expiresAt.toISOString() };
  }

  /** Ends the caller's own session. */
  async stop(principal: Principal, token: string): Promise<void> {
    await this.finish(this.own(principal, token), 'stopped');
  }

  /** The stream key a token gives access to now, or undefined. */
  streamOf(token: string): string | undefined {
    const s = this.byToken.get(token);
    if (!s || s.expiresAt.getTime() <= this.deps.clock.now().getTime()) return undefined;
    return s.streamKey;
  }

  /** Ends every session (audited) and stops the gateway's streams. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.byToken.values()].map((s) => this.finish(s, 'shutdown')));
    await this.deps.gateway.close();
  }

  private own(principal: Principal, token: string): Session {
    const s = this.byToken.get(token);
    if (!s || s.principalId !== principal.id) throw new NotFoundError('Live session');
    return s;
  }

  private arm(s: Session): void {
    clearTimeout(s.timer);
    const ms = Math.max(0, s.expiresAt.getTime() - this.deps.clock.now().getTime());
    s.timer = setTimeout(() => void this.finish(s, 'expired'), ms);
    s.timer.unref();
  }

  private async finish(s: Session, reason: EndReason): Promise<void> {
    if (this.byToken.get(s.token) !== s) return;
    this.byToken.delete(s.token);
    clearTimeout(s.timer);
    if (![...this.byToken.values()].some((o) => o.streamKey === s.streamKey)) {
      this.deps.gateway.release(s.streamKey);
    }
    const endedAt = this.deps.clock.now();
    try {
      if (!(await repo.endSession(this.deps.db, s.id, endedAt, reason))) return;
      await this.auditEnd(s.actor, s.cameraId, s.id, reason, s.startedAt, endedAt);
    } catch (err) {
      this.deps.log.error({ err, cameraId: s.cameraId }, 'live view end not recorded');
    }
  }

  /**
   * Ends, at their last expiry, the sessions a server that died left open,
   * and audits their end (reason `lost`). Any server may run it; each
   * session is ended once. Answers how many it ended.
   */
  async sweepLost(): Promise<number> {
    const before = new Date(this.deps.clock.now().getTime() - LOST_AFTER_MS);
    const rows = await repo.endLost(this.deps.db, before);
    for (const r of rows) {
      const actor: Actor = { type: r.actor_type, id: r.actor_id, label: r.actor_label ?? '' };
      await this.auditEnd(actor, r.camera_id, r.id, 'lost', r.started_at, r.ended_at);
    }
    return rows.length;
  }

  private auditEnd(
    actor: Actor,
    cameraId: string,
    sessionId: string,
    reason: EndReason,
    startedAt: Date,
    endedAt: Date,
  ): Promise<void> {
    return this.deps.cameras.auditOn(actor, cameraId, LIVE_ACTIONS.ended, {
      sessionId,
      reason,
      startedAt: startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
      durationSeconds: Math.max(0, Math.round((endedAt.getTime() - startedAt.getTime()) / 1000)),
    });
  }
}
