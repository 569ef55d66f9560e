/**
 * One simulated device's MQTT connection, as a real device would hold it:
 * MQTT 3.1.1, its own id and key, keepalive 60 s, a clean session. Routine
 * readings (QoS 0) are dropped while it is not connected, as a device without
 * a buffer would; alarms and status changes (QoS 1) wait in memory for the
 * connection. A broker that refuses the key (the key was changed, the device
 * disabled) ends the link for good: trying again could not help. The key
 * lives in this object only and is never logged.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { eventsTopic } from '../mqtt/topics.js';
import type { OutEvent } from './behaviour.js';

export interface LinkTarget {
  url: string;
  deviceId: string;
  key: string;
  /** Wait before reconnecting after the connection dropped (ms). */
  reconnectMs: number;
}

export interface LinkHooks {
  /** The broker refused the device's key: the link will not try again. */
  refused(deviceId: string, reason: string): void;
  /** An event was handed to the connection (true) or dropped (false). */
  sent(type: string, ok: boolean): void;
}

/** How long a graceful close may wait for messages in flight. */
const CLOSE_GRACE_MS = 2000;

export class DeviceLink {
  private client: MqttClient | undefined;
  private refusedForGood = false;
  private readonly topic: string;

  constructor(
    private readonly target: LinkTarget,
    private readonly hooks: LinkHooks,
  ) {
    this.topic = eventsTopic(target.deviceId);
  }

  get connected(): boolean {
    return this.client?.connected === true;
  }

  /** Whether it holds (or tries to hold) a connection. */
  get open(): boolean {
    return this.client !== undefined;
  }

  get refused(): boolean {
    return this.refusedForGood;
  }

  /** Starts connecting (and reconnecting after drops); nothing when already open or refused. */
  connect(): void {
    if (this.client || this.refusedForGood) return;
    const client = mqtt.connect(this.target.url, {
      clientId: `sim-${this.target.deviceId}`,
      username: this.target.deviceId,
      password: this.target.key,
      protocolVersion: 4,
      clean: true,
      keepalive: 60,
      connectTimeout: 30_000,
      reconnectPeriod: this.target.reconnectMs,
      queueQoSZero: false,
      resubscribe: false,
    });
    client.on('error', (err: Error & { code?: unknown }) => {
      // CONNACK 4 (bad user name or password) or 5 (not authorised): mqtt.js stops retrying.
      if (err.code === 4 || err.code === 5) {
        this.refusedForGood = true;
        this.hooks.refused(this.target.deviceId, err.message);
        this.drop();
      }
    });
    this.client = client;
  }

  /** Publishes an event: QoS 0 only while connected; QoS 1 is kept until it is acknowledged. */
  publish(e: OutEvent): void {
    const client = this.client;
    if (!client || (e.qos === 0 && !client.connected)) {
      this.hooks.sent(e.type, false);
      return;
    }
    const { qos, ...body } = e;
    client.publish(this.topic, JSON.stringify(body), { qos }, () => undefined);
    this.hooks.sent(e.type, true);
  }

  /** Gone at once, as when power or network is lost. */
  drop(): void {
    const client = this.client;
    this.client = undefined;
    client?.end(true);
  }

  /** Lets messages in flight finish (briefly), then disconnects. */
  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    const pending = () => Object.keys(client.outgoing).length > 0;
    if (client.connected && pending()) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => client.once('outgoingEmpty', () => resolve())),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS))),
      ]);
      clearTimeout(timer);
    }
    // A graceful DISCONNECT when nothing is left in flight; otherwise closed at once.
    await client.endAsync(!client.connected || pending());
  }
}
