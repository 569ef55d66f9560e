/**
 * The alerts module: rules as data, the rules engine on the bus, the silence
 * and escalation jobs, alerts and their lifecycle. Alert changes reach the
 * live stream as `alert.*` events and people through the notifications outbox.
 */
import type { AlertMessage } from '@cityops/contracts';
import type { CityOpsModule, CoreContext } from '../core/module.js';
import { NotFoundError } from '../core/errors.js';
import type { EventBus } from '../bus/bus.js';
import type { AssetsService } from '../assets/assets.service.js';
import type { EventWriter } from '../events/writer.js';
import type { Outbox } from '../notifications/outbox.js';
import type { WebhooksService } from '../notifications/webhooks.service.js';
import { newId } from '../core/ids.js';
import { AlertChanges } from './changes.js';
import { AlertsService } from './alerts.service.js';
import { RulesService } from './rules.service.js';
import { RulesEngine, type EngineOptions } from './engine.js';
import { escalationJob, silenceJob, type JobOptions } from './jobs.js';
import { rulesRoutes } from './rules.routes.js';
import { alertsRoutes } from './alerts.routes.js';

export { AlertsService } from './alerts.service.js';
export { RulesService } from './rules.service.js';
export { RulesEngine } from './engine.js';

export interface AlertsOptions {
  engine?: EngineOptions & { enabled?: boolean };
  silence?: JobOptions & { enabled?: boolean };
  escalation?: JobOptions & { enabled?: boolean };
}

export interface AlertsDeps {
  bus: EventBus;
  assets: Pick<AssetsService, 'get'>;
  writer: Pick<EventWriter, 'write'>;
  outbox: Pick<Outbox, 'enqueue' | 'kick'>;
  webhooks: Pick<WebhooksService, 'unknownIds'>;
}

/** Alert changes as events `alert.<change>` on the alert's asset, for the live stream. */
function toEvents(messages: AlertMessage[]) {
  return messages.map((m) => ({
    id: newId(),
    deviceId: null,
    assetId: m.assetId,
    source: 'rule',
    type: `alert.${m.change}`,
    observedAt: new Date(m.at),
    receivedAt: new Date(m.at),
    data: m,
    deviceEventId: null,
  }));
}

export function alertsModule(ctx: CoreContext, deps: AlertsDeps, opts: AlertsOptions = {}) {
  const { db, clock, audit, log } = ctx;
  const changes = new AlertChanges(
    db,
    clock,
    audit,
    {
      enqueue: (tx, items) => deps.outbox.enqueue(tx, items),
      kick: () => deps.outbox.kick(),
      publish: async (messages) => void (await deps.writer.write(toEvents(messages))),
    },
    log,
  );
  const alerts = new AlertsService(db, clock, changes);
  const engine = new RulesEngine(db, deps.bus, alerts, changes, log, opts.engine);
  const rules = new RulesService({
    db,
    clock,
    audit,
    changes,
    assetVisible: (id, scope) =>
      deps.assets.get(id, scope).then(
        () => true,
        (err: unknown) => {
          if (err instanceof NotFoundError) return false;
          throw err;
        },
      ),
    unknownWebhooks: (ids) => deps.webhooks.unknownIds(ids),
    onChange: () => engine.invalidate(),
  });
  const silence = silenceJob(changes, clock, log, opts.silence);
  const escalation = escalationJob(changes, clock, log, opts.escalation);
  const module: CityOpsModule = {
    name: 'alerts',
    routes: (app) => {
      rulesRoutes(rules)(app);
      alertsRoutes(alerts)(app);
    },
    start: async () => {
      if (opts.engine?.enabled !== false) await engine.start();
      if (opts.silence?.enabled !== false) silence.start();
      if (opts.escalation?.enabled !== false) escalation.start();
    },
    stop: async () => {
      await escalation.stop();
      await silence.stop();
      await engine.stop();
    },
  };
  return { module, alerts, rules, engine, silence, escalation, changes };
}
