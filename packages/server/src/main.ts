/**
 * The composition root: builds CityOps from its settings and modules. One
 * process runs everything; the same code runs as several processes at scale.
 */
import { createRequire } from 'node:module';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './core/config.js';
import type { Db } from './core/db/db.js';
import { openDatabase } from './core/db/open.js';
import { systemClock, type Clock } from './core/clock.js';
import { Metrics } from './core/metrics.js';
import { createLogger } from './core/logger.js';
import { buildApp, type App } from './core/http/app.js';
import type { CityOpsModule, CoreContext } from './core/module.js';
import { sql } from './core/db/sql.js';
import { AuditService } from './audit/audit.service.js';
import { auditRoutes } from './audit/audit.routes.js';
import { peopleModule } from './people/index.js';
import { geoModule } from './geo/index.js';
import { assetsModule } from './assets/index.js';
import { webModule } from './web/index.js';
import { busModule, createEventBus, type EventBus } from './bus/index.js';
import { devicesModule } from './devices/index.js';
import { eventsModule, type EventsModuleOptions } from './events/index.js';
import { ingestModule, type IngestOptions } from './ingest/index.js';
import { streamModule, type HubOptions } from './stream/index.js';
import { mqttModule, type MqttOptions } from './mqtt/index.js';
import { simulatorModule, type SimulatorOptions } from './simulator/index.js';
import { alertsModule, type AlertsOptions } from './alerts/index.js';
import { calendarModule } from './calendar/index.js';
import { filesModule } from './files/index.js';
import { reportsModule, type ReportsOptions } from './reports/index.js';
import { open311Module, type Open311Options } from './open311/index.js';
import { dashboardsModule } from './dashboards/index.js';
import { camerasModule, type CamerasOptions } from './cameras/index.js';
import { SecretBox, loadSecretKey } from './core/auth/secret-box.js';
import {
  notificationsModule,
  peopleDirectory,
  type NotificationsOptions,
} from './notifications/index.js';

const pkg = createRequire(import.meta.url)('../package.json') as { version: string };
export const VERSION = pkg.version;

export interface CityOpsOptions {
  config: Config;
  /** An open, migrated database; by default the one the settings name. */
  db?: Db;
  /** A logger, or false for none (tests). */
  log?: FastifyBaseLogger | false;
  clock?: Clock;
  /** An event bus; by default the one the settings name (in-process, or NATS). */
  bus?: EventBus;
  /** Tuning of the event pipeline (tests use small limits). */
  events?: EventsModuleOptions;
  ingest?: IngestOptions;
  stream?: HubOptions;
  alerts?: AlertsOptions;
  notifications?: NotificationsOptions;
  reports?: ReportsOptions;
  open311?: Open311Options;
  cameras?: CamerasOptions;
  mqtt?: MqttOptions;
  /** The demo simulator (runs when the settings say so, or `enabled`). */
  simulator?: SimulatorOptions;
}

export async function createCityOps(opts: CityOpsOptions) {
  const { config } = opts;
  const log: FastifyBaseLogger | false =
    opts.log === undefined ? createLogger(config.logLevel) : opts.log;
  const db = opts.db ?? (await openDatabase(config));
  const clock = opts.clock ?? systemClock;
  const metrics = new Metrics();
  const audit = new AuditService(db, clock);
  const silent = createLogger('silent');
  const ctx: CoreContext = { config, db, clock, metrics, audit, log: log || silent };
  const secrets = new SecretBox(await loadSecretKey(config));

  const people = peopleModule(ctx);
  const geo = geoModule(ctx);
  const assets = assetsModule(ctx, { geo: geo.service, secrets });
  const web = webModule(ctx);
  const bus = opts.bus ?? (await createEventBus(config, ctx.log));
  const devices = devicesModule(ctx, { auth: people.auth });
  const events = eventsModule(ctx, { bus }, opts.events);
  const ingest = ingestModule(
    ctx,
    { devices: devices.service, writer: events.writer },
    opts.ingest,
  );
  const stream = streamModule(
    ctx,
    { bus, events: events.service, authenticate: (secret) => people.auth.authenticate(secret) },
    opts.stream,
  );
  const mqtt = mqttModule(ctx, { devices: devices.service, pipeline: ingest.pipeline }, opts.mqtt);
  const notifications = notificationsModule(
    ctx,
    {
      directory: peopleDirectory(db, {
        listUsers: (o) => people.users.list(o),
        scopeOf: (id) => people.auth.scopeOf(id),
      }),
    },
    opts.notifications,
  );
  const alerts = alertsModule(
    ctx,
    {
      bus,
      assets: assets.service,
      writer: events.writer,
      outbox: notifications.outbox,
      webhooks: notifications.webhooks,
    },
    opts.alerts,
  );
  const calendar = calendarModule(ctx);
  const files = filesModule(ctx);
  const reports = reportsModule(
    ctx,
    {
      auth: people.auth,
      geo: geo.service,
      files: files.service,
      calendar: calendar.service,
      listAgencies: (o) => people.agencies.list(o),
      directory: peopleDirectory(db, {
        listUsers: (o) => people.users.list(o),
        scopeOf: (id) => people.auth.scopeOf(id),
      }),
    },
    opts.reports,
  );
  const open311 = open311Module(
    ctx,
    { reports, authenticate: (secret) => people.auth.authenticate(secret) },
    opts.open311,
  );
  const cameras = camerasModule(
    ctx,
    { secrets, writer: events.writer, assets: assets.service, rules: alerts.rules },
    opts.cameras,
  );
  const simulator = simulatorModule(
    ctx,
    {
      assets: assets.service,
      devices: devices.service,
      rules: alerts.rules,
      broker: mqtt.broker,
    },
    opts.simulator,
  );
  const modules: CityOpsModule[] = [
    busModule(bus, { owned: !opts.bus }),
    people.module,
    geo.module,
    assets.module,
    { name: 'audit', routes: auditRoutes(audit) },
    web.module,
    devices.module,
    events.module,
    ingest.module,
    stream.module,
    notifications.module,
    alerts.module,
    calendar.module,
    files.module,
    reports.module,
    open311.module,
    dashboardsModule(ctx).module,
    cameras.module,
    mqtt.module,
    // After the broker: the simulated devices connect to it.
    simulator.module,
  ];

  const app: App = await buildApp({
    logger: log,
    bodyLimit: config.bodyLimit,
    authenticate: (secret) => people.auth.authenticate(secret),
    metrics,
    version: VERSION,
    readiness: [
      {
        name: 'database',
        check: async () => (await db.query(sql`SELECT 1 AS ok`)).length === 1,
      },
      ...modules.flatMap((m) => m.readiness ?? []),
    ],
    routes: modules.flatMap((m) => (m.routes ? [m.routes] : [])),
  });

  let closed = false;
  return {
    app,
    db,
    ctx,
    people,
    geo,
    assets,
    bus,
    devices,
    events,
    ingest,
    stream,
    mqtt,
    simulator,
    notifications,
    alerts,
    calendar,
    files,
    reports,
    open311,
    cameras,
    /** Starts listening and the modules' background work (all or nothing); answers the URL. */
    async listen(): Promise<string> {
      const url = await app.listen({ port: config.port, host: config.host });
      try {
        for (const m of modules) await m.start?.();
      } catch (err) {
        await this.close();
        throw err;
      }
      return url;
    },
    /** Stops accepting, lets requests in flight finish, stops the modules, closes the database. */
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await app.close();
      for (const m of [...modules].reverse()) await m.stop?.();
      if (!opts.db) await db.close();
    },
  };
}

export type CityOps = Awaited<ReturnType<typeof createCityOps>>;
