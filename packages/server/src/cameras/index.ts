/**
 * The cameras module: the camera registry view with health, groups and
 * per-camera / per-group grants, health probes, snapshots, import, ONVIF.
 *
 * Hooks for the parts built beside it (live view in ./live/, video walls in
 * ./walls/) — they get a `CameraHooks` and never read camera tables:
 *
 *   hooks.cameras.loadCameraSource(id, scope) → CameraSource
 *       the camera's streamUrl / subStreamUrl / snapshotUrl / onvifUrl and
 *       decrypted username / password; NotFoundError outside the scope. For
 *       the server's own use only: never send it to a browser or a log.
 *   hooks.cameras.authorize(principal, id, 'live' | 'snapshot' | 'manage', {ip, requestId})
 *       → CameraSource; 404 outside the scope, 403 when the role or a grant
 *       refuses. A refused 'live' or 'snapshot' is already audited on the camera
 *       (`camera.live.denied`); audit the granted call yourself, e.g.
 *       hooks.cameras.auditOn(actor, id, 'camera.live', {...}).
 *   hooks.canViewLive(principal, id) / hooks.canViewSnapshot(principal, id)
 *       → Promise<boolean>, without auditing (to show or hide a button).
 *   hooks.cameras.list(filter, page, scope) → cameras with health (walls).
 *   hooks.snapshots.get(source, 'full' | 'thumb') → the camera's image, cached
 *       a few seconds, or until the next background refresh for cameras on
 *       saved walls (GET /api/v1/cameras/{id}/snapshot serves it).
 *
 * A part registers its routes by exporting a `CameraRoutes` function,
 * `(app, hooks) => void`, and adding it to `parts` in camerasModule below
 * (one line each).
 */
import type { CityOpsModule, CoreContext } from '../core/module.js';
import type { App } from '../core/http/app.js';
import { systemActor, type Actor, type Principal } from '../core/auth/principal.js';
import type { SecretBox } from '../core/auth/secret-box.js';
import { CamerasService } from './cameras.service.js';
import { camerasRoutes } from './cameras.routes.js';
import { CameraGrants } from './grants.js';
import { grantsRoutes } from './grants.routes.js';
import { CameraHealthService, type HealthOptions } from './health.js';
import { healthRoutes } from './health.routes.js';
import { seedCameraRules } from './rules.js';
import { resealCameraCredentials } from './reseal.js';
import { SnapshotService, type SnapshotOptions } from './snapshots.js';
import { snapshotRoutes } from './snapshots.routes.js';
import { SnapshotViews } from './snapshot-views.js';
import { SnapshotRefresher, type SnapshotRefreshOptions } from './snapshot-refresh.js';
import { cameraImportRoutes } from './import.routes.js';
import { onvifRoutes } from './onvif.routes.js';
import { CameraEvents } from './events.js';
import { eventsRoutes } from './events.routes.js';
import { OnvifEventsService } from './onvif-events.js';
import type { EventWriter } from '../events/writer.js';
import type { AssetsService } from '../assets/assets.service.js';
import type { RulesService } from '../alerts/rules.service.js';
import { wallRoutes } from './walls/index.js';
import { liveCameraRoutes } from './live/index.js';

export { CamerasService, type CameraSource } from './cameras.service.js';
export { groupKeysOf } from './access.js';

export interface CameraHooks {
  ctx: CoreContext;
  cameras: CamerasService;
  snapshots: SnapshotService;
  canViewLive(principal: Principal, cameraId: string): Promise<boolean>;
  canViewSnapshot(principal: Principal, cameraId: string): Promise<boolean>;
}

/** How a part of the cameras module (live view, walls) adds its routes. */
export type CameraRoutes = (app: App, hooks: CameraHooks) => void | Promise<void>;

export interface CamerasModuleDeps {
  secrets: SecretBox;
  writer: EventWriter;
  assets: AssetsService;
  rules: RulesService;
}

export interface CamerasOptions {
  /** Health probing; defaults from the settings. */
  health?: Partial<HealthOptions>;
  /** Create the default offline alert rules on start (default true). */
  seedRules?: boolean;
  /** Seal camera credentials stored in plain on start (default true). */
  resealOnStart?: boolean;
  /** Pull ONVIF events of cameras in the background (default: when probing on a schedule). */
  onvifEvents?: boolean;
  snapshots?: Partial<SnapshotOptions>;
  /** Snapshots fetched ahead of viewers; defaults from the settings. */
  snapshotRefresh?: Partial<SnapshotRefreshOptions>;
}

export function camerasModule(
  ctx: CoreContext,
  deps: CamerasModuleDeps,
  opts: CamerasOptions = {},
) {
  const cameras = new CamerasService(ctx.db, ctx.audit, ctx.clock, deps.secrets);
  const grants = new CameraGrants(ctx.db, ctx.audit, ctx.clock);
  const c = ctx.config.cameras;
  const health = new CameraHealthService(
    {
      db: ctx.db,
      clock: ctx.clock,
      log: ctx.log,
      cameras,
      writer: deps.writer,
      assets: deps.assets,
    },
    {
      intervalSeconds: c.probeSeconds,
      concurrency: c.probeConcurrency,
      timeoutMs: c.probeTimeoutMs,
      ...opts.health,
    },
  );
  const snapshotOptions: SnapshotOptions = {
    cacheMs: 5000,
    timeoutMs: c.probeTimeoutMs,
    maxBytes: 10 * 1024 * 1024,
    maxEntries: 1000,
    ...opts.snapshots,
  };
  const snapshots = new SnapshotService(snapshotOptions);
  const snapshotRefresh = new SnapshotRefresher(
    { db: ctx.db, cameras, snapshots, log: ctx.log },
    {
      wallSeconds: c.snapshotSeconds,
      allSeconds: c.snapshotAllSeconds,
      concurrency: c.snapshotConcurrency,
      ...opts.snapshotRefresh,
    },
  );
  const snapshotViews = new SnapshotViews({
    db: ctx.db,
    clock: ctx.clock,
    audit: ctx.audit,
    log: ctx.log,
  });
  const events = new CameraEvents(ctx.db, ctx.clock, deps.writer);
  const onvifEvents = new OnvifEventsService(
    { cameras, events, log: ctx.log },
    { timeoutMs: c.probeTimeoutMs, concurrency: c.probeConcurrency, intervalMs: 5000 },
  );
  const reseal = (actor: Actor) =>
    resealCameraCredentials({ db: ctx.db, audit: ctx.audit, secrets: deps.secrets }, actor);
  const hooks: CameraHooks = {
    ctx,
    cameras,
    snapshots,
    canViewLive: (p, id) => cameras.can(p, id, 'live'),
    canViewSnapshot: (p, id) => cameras.can(p, id, 'snapshot'),
  };
  // Parts built beside this module (./live, ./walls) add theirs here.
  const parts: CameraRoutes[] = [wallRoutes, liveCameraRoutes];
  const module: CityOpsModule = {
    name: 'cameras',
    routes: async (app) => {
      camerasRoutes(cameras)(app);
      grantsRoutes(grants)(app);
      healthRoutes({ db: ctx.db, clock: ctx.clock, cameras, health })(app);
      snapshotRoutes(cameras, snapshots, snapshotViews, snapshotOptions.cacheMs)(app);
      await cameraImportRoutes(deps.assets, ctx.config.importLimit)(app);
      onvifRoutes(cameras, deps.assets, c.probeTimeoutMs)(app);
      eventsRoutes(cameras, events)(app);
      for (const part of parts) await part(app, hooks);
    },
    start: async () => {
      if (opts.seedRules !== false) await seedCameraRules(ctx.db, ctx.clock, deps.rules);
      if (opts.resealOnStart !== false) {
        const n = await reseal(systemActor);
        if (n > 0) ctx.log.info({ cameras: n }, 'plain camera credentials sealed');
      }
      health.start();
      snapshotRefresh.start();
      snapshotViews.start();
      if (opts.onvifEvents ?? c.probeSeconds > 0) onvifEvents.start();
    },
    stop: async () => {
      onvifEvents.stop();
      await health.stop();
      await snapshotRefresh.stop();
      await snapshotViews.stop();
    },
  };
  return {
    module,
    service: cameras,
    grants,
    health,
    snapshots,
    snapshotRefresh,
    snapshotViews,
    /** Seals every camera credential still stored in plain (audited; idempotent). */
    reseal,
    events,
    onvifEvents,
    hooks,
  };
}
