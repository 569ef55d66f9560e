/**
 * MQTT intake metrics: connected device sessions (embedded broker) and
 * connections to an external broker, messages by result, refusals by reason
 * and by what was done about them, and failed device sign-ins.
 */
import { Gauge, type Counter } from 'prom-client';
import type { Metrics } from '../core/metrics.js';
import type { Refusal } from './intake.js';

/** What happened to a refused message: acknowledged and dropped, dropped (QoS 0), or the device disconnected. */
export type RefusalOutcome = 'acked' | 'dropped' | 'disconnected';

export type AuthFailure = 'missing_credentials' | 'unknown_device' | 'bad_key';

export class MqttMetrics {
  private readonly messages: Counter<'result'>;
  private readonly refusals: Counter<'reason' | 'outcome'>;
  private readonly authFailures: Counter<'reason'>;
  private readonly subscribeDenied: Counter;

  constructor(
    metrics: Metrics,
    gauges: { deviceSessions: () => number; upstreamConnections: () => number },
  ) {
    this.messages = metrics.counter({
      name: 'cityops_mqtt_messages_total',
      help: 'MQTT messages on events topics by result (stored, duplicate, refused)',
      labelNames: ['result'],
    });
    this.refusals = metrics.counter({
      name: 'cityops_mqtt_refused_total',
      help: 'Refused MQTT messages by reason and outcome (acked, dropped, disconnected)',
      labelNames: ['reason', 'outcome'],
    });
    this.authFailures = metrics.counter({
      name: 'cityops_mqtt_auth_failures_total',
      help: 'Refused MQTT connections of the embedded broker by reason',
      labelNames: ['reason'],
    });
    this.subscribeDenied = metrics.counter({
      name: 'cityops_mqtt_subscribe_denied_total',
      help: 'MQTT subscriptions refused because the filter is outside the device topic prefix',
    });
    const sessions: Gauge = new Gauge({
      name: 'cityops_mqtt_clients_connected',
      help: 'Devices connected to the embedded MQTT broker',
      registers: [metrics.registry],
      collect: () => sessions.set(gauges.deviceSessions()),
    });
    const upstream: Gauge = new Gauge({
      name: 'cityops_mqtt_upstream_connected',
      help: 'Connections of this process to the external MQTT broker that are up and subscribed',
      registers: [metrics.registry],
      collect: () => upstream.set(gauges.upstreamConnections()),
    });
  }

  stored(duplicate: boolean): void {
    this.messages.inc({ result: duplicate ? 'duplicate' : 'stored' });
  }

  refused(reason: Refusal, outcome: RefusalOutcome): void {
    this.messages.inc({ result: 'refused' });
    this.refusals.inc({ reason, outcome });
  }

  authFailed(reason: AuthFailure): void {
    this.authFailures.inc({ reason });
  }

  subscriptionDenied(): void {
    this.subscribeDenied.inc();
  }
}
