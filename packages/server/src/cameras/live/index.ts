/**
 * Camera live views: viewer sessions and the stream gateway (an on-demand
 * ffmpeg making HLS, or MediaMTX / go2rtc through their HTTP APIs), added to
 * the cameras module as one of its parts. See live.service.ts for sessions
 * and audit, ffmpeg.gateway.ts for the built-in gateway, gateway-auth.ts for
 * MediaMTX's authentication hook (registered when MediaMTX is the gateway).
 */
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { App } from '../../core/http/app.js';
import type { Clock } from '../../core/clock.js';
import type { Db } from '../../core/db/db.js';
import type { VideoSettings } from './settings.js';
import { FfmpegGateway } from './ffmpeg.gateway.js';
import { ExternalGateway } from './external.gateway.js';
import { LiveService, type LiveCameras } from './live.service.js';
import { liveRoutes } from './live.routes.js';
import type { StreamGateway } from './gateway.js';
import { MediamtxAuth, gatewayCredentialsOf } from './gateway-auth.js';
import { mediamtxAuthRoutes } from './gateway-auth.routes.js';
import type { CameraRoutes } from '../index.js';

export { LiveService, LIVE_ACTIONS, type LiveCameras } from './live.service.js';
export { FfmpegGateway } from './ffmpeg.gateway.js';
export { ExternalGateway } from './external.gateway.js';
export { videoEnvShape, videoSettingsFrom, type VideoSettings } from './settings.js';

export interface LiveDeps {
  db: Db;
  video: VideoSettings;
  dataDir: string;
  cameras: LiveCameras;
  clock: Clock;
  log: FastifyBaseLogger;
}

const SWEEP_MS = 60_000;
const services = new WeakMap<App, LiveService>();

/** The live view service registered on an app (tests, diagnostics). */
export function liveServiceOf(app: App): LiveService | undefined {
  return services.get(app);
}

/** The gateway the settings name. */
export function gatewayFor(deps: LiveDeps): StreamGateway {
  const v = deps.video;
  const common = {
    idleMs: v.idleSeconds * 1000,
    startMs: v.startSeconds * 1000,
    log: deps.log,
  };
  if (v.gateway.kind === 'ffmpeg') {
    return new FfmpegGateway({
      ...common,
      ffmpegPath: v.ffmpegPath,
      baseDir: path.join(deps.dataDir, 'tmp', 'live'),
      maxStreams: v.maxStreams,
    });
  }
  return new ExternalGateway(v.gateway.kind, {
    ...common,
    apiUrl: v.gateway.apiUrl,
    publicUrl: v.publicUrl,
  });
}

/** Builds the live view service and registers its routes; everything stops with the app. */
export function registerLive(app: App, deps: LiveDeps, gateway = gatewayFor(deps)): LiveService {
  const live = new LiveService({
    db: deps.db,
    cameras: deps.cameras,
    gateway,
    clock: deps.clock,
    log: deps.log,
    sessionMs: deps.video.sessionSeconds * 1000,
  });
  liveRoutes(live, gateway instanceof FfmpegGateway ? gateway : undefined)(app);
  const g = deps.video.gateway;
  if (g.kind === 'mediamtx') {
    const auth = new MediamtxAuth({
      db: deps.db,
      clock: deps.clock,
      gateway: gatewayCredentialsOf(g.apiUrl),
    });
    mediamtxAuthRoutes(auth)(app);
  }
  // Sessions a server that died left open: closed at start and then every minute.
  const sweep = () =>
    void live.sweepLost().catch((err: unknown) => deps.log.error({ err }, 'live sweep failed'));
  let sweeper: NodeJS.Timeout | undefined;
  app.addHook('onReady', () => {
    sweep();
    sweeper = setInterval(sweep, SWEEP_MS);
    sweeper.unref();
    return Promise.resolve();
  });
  app.addHook('onClose', () => {
    clearInterval(sweeper);
    return live.close();
  });
  services.set(app, live);
  return live;
}

/** The live view part of the cameras module (listed in its `parts`). */
export const liveCameraRoutes: CameraRoutes = (app, hooks) => {
  const { config, clock, log, db } = hooks.ctx;
  registerLive(app, {
    db,
    video: config.video,
    dataDir: config.dataDir,
    cameras: hooks.cameras,
    clock,
    log,
  });
};
