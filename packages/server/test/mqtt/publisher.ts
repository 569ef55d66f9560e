/**
 * A device that publishes a steady QoS 1 stream the way real devices must:
 * every event has its own id, stays in an outbox until its PUBACK arrives,
 * and whatever was not acknowledged is sent again after a reconnect (a new
 * session: with an embedded broker that restarted, the old one is gone).
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

export interface StreamOptions {
  url: string;
  topic: string;
  /** Sign-in (embedded broker); none for an anonymous external broker. */
  username?: string;
  password?: string;
  /** Events per second (stay under the per-device rate limit). */
  ratePerSecond: number;
  /** Messages sent and not yet acknowledged, at most. */
  window: number;
  prefix: string;
}

export class DeviceStream {
  /** Ids whose PUBACK arrived, in order. */
  readonly acked: string[] = [];
  /** Sent or to send, not acknowledged: id → payload. */
  readonly outbox = new Map<string, string>();
  reconnects = 0;
  private client: MqttClient | undefined;
  private inFlight = new Set<string>();
  private next = 0;
  private producing = true;
  private running = true;
  private readonly loop: Promise<void>;

  constructor(private readonly opts: StreamOptions) {
    this.loop = this.run();
  }

  /** Stops making new events; resolves once every event made so far is acknowledged. */
  async drain(timeoutMs: number): Promise<void> {
    this.producing = false;
    const end = Date.now() + timeoutMs;
    while (this.outbox.size > 0) {
      if (Date.now() > end) throw new Error(`${this.outbox.size} events still unacknowledged`);
      await sleep(20);
    }
    this.running = false;
    await this.loop;
  }

  /** Stops at once, acknowledged or not. */
  async close(): Promise<void> {
    this.producing = false;
    this.running = false;
    await this.loop;
  }

  get sent(): number {
    return this.next;
  }

  private async run(): Promise<void> {
    const interval = 1000 / this.opts.ratePerSecond;
    let due = performance.now();
    while (this.running) {
      const client = this.client?.connected ? this.client : await this.connect();
      if (!client) {
        await sleep(100);
        continue;
      }
      // Resend first, then new events at the set rate.
      const pending = [...this.outbox.keys()].find((id) => !this.inFlight.has(id));
      if (this.inFlight.size < this.opts.window && pending) {
        this.send(client, pending);
        continue;
      }
      if (this.producing && this.inFlight.size < this.opts.window && performance.now() >= due) {
        const id = `${this.opts.prefix}-${String(this.next++).padStart(6, '0')}`;
        this.outbox.set(id, JSON.stringify({ id, type: 'heartbeat', data: { n: this.next } }));
        this.send(client, id);
        due += interval;
        continue;
      }
      await sleep(Math.max(1, Math.min(10, due - performance.now())));
    }
    this.client?.end(true);
  }

  private send(client: MqttClient, id: string): void {
    this.inFlight.add(id);
    client.publish(this.opts.topic, this.outbox.get(id)!, { qos: 1 }, (err) => {
      if (client !== this.client) return;
      this.inFlight.delete(id);
      if (err || !this.outbox.has(id)) return;
      this.outbox.delete(id);
      this.acked.push(id);
    });
  }

  private async connect(): Promise<MqttClient | undefined> {
    if (this.client) {
      this.client.end(true);
      this.client = undefined;
      this.inFlight.clear();
      this.reconnects += 1;
    }
    const options: IClientOptions = {
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 2000,
      ...(this.opts.username ? { username: this.opts.username } : {}),
      ...(this.opts.password ? { password: this.opts.password } : {}),
    };
    const client = mqtt.connect(this.opts.url, options);
    const ok = await new Promise<boolean>((resolve) => {
      client.once('connect', () => resolve(true));
      client.once('error', () => resolve(false));
      client.once('close', () => resolve(false));
    });
    if (!ok) {
      client.end(true);
      return undefined;
    }
    client.on('error', () => undefined);
    this.client = client;
    return client;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
