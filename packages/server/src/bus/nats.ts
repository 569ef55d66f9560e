/**
 * The bus between processes: NATS JetStream. Batches of stored events go to
 * one stream (split into messages well under NATS's payload limit, each with a
 * message id so a retried publish is stored once). Fan-out subscribers read it
 * with an ordered consumer of their own; a queue group shares one durable
 * consumer, acked after its handler resolves. The stream keeps an hour: the
 * event store, not NATS, is the record.
 */
import type { FastifyBaseLogger } from 'fastify';
import {
  AckPolicy,
  connect,
  DeliverPolicy,
  DiscardPolicy,
  nanos,
  StorageType,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
  type StreamConfig,
  Events,
} from 'nats';
import type { EventBus, EventHandler, StoredEvent, Unsubscribe } from './bus.js';

export interface NatsBusOptions {
  url: string;
  log: FastifyBaseLogger;
  /**
   * What the names of one CityOps deployment on this NATS start with
   * (CITYOPS_NATS_PREFIX; default `cityops`): see natsNames.
   */
  prefix?: string;
  /** JetStream stream name, instead of the prefix's (tests use one of their own). */
  stream?: string;
  /** Subject prefix, instead of the prefix's; messages go to `<subject>.batch`. */
  subject?: string;
  /** How long the stream keeps messages. */
  maxAgeMs?: number;
  /** Name of this connection, shown by the NATS server. */
  name?: string;
}

const MAX_MESSAGE_BYTES = 512 * 1024;
const enc = new TextEncoder();
const dec = new TextDecoder();

/** Splits a batch into JSON messages below the size limit (one event may exceed it alone). */
export function chunkMessages(events: readonly StoredEvent[], maxBytes = MAX_MESSAGE_BYTES) {
  const out: Array<{ first: number; last: number; body: Uint8Array }> = [];
  let parts: string[] = [];
  let size = 2;
  let first = 0;
  let last = 0;
  const flush = () => {
    if (parts.length) out.push({ first, last, body: enc.encode(`[${parts.join(',')}]`) });
    parts = [];
    size = 2;
  };
  for (const e of events) {
    const json = JSON.stringify(e);
    if (parts.length && size + json.length + 1 > maxBytes) flush();
    if (!parts.length) first = e.seq;
    parts.push(json);
    size += json.length + 1;
    last = e.seq;
  }
  flush();
  return out;
}

/**
 * The names a deployment uses on NATS, from its prefix (letters, digits, `-`
 * and `_`): with the default `cityops`, the stream CITYOPS_EVENTS, subjects
 * `cityops.events.>` and durable consumers `cityops_<group>` (`cityops_rules`).
 * Two deployments sharing one NATS server take different prefixes.
 */
export function natsNames(prefix = 'cityops') {
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(prefix)) {
    throw new Error(`NATS prefix "${prefix}": 1 to 32 letters, digits, "-" or "_"`);
  }
  return {
    stream: `${prefix.toUpperCase().replace(/-/g, '_')}_EVENTS`,
    subject: `${prefix}.events`,
    /** A durable consumer's name from a group name. */
    durable: (group: string) => `${prefix}_${group.replace(/[^A-Za-z0-9_-]/g, '_')}`,
  };
}

export class NatsBus implements EventBus {
  readonly kind = 'nats';
  private readonly consumers = new Set<ConsumerMessages>();
  private connected = true;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly stream: string,
    private readonly subject: string,
    private readonly durableName: (group: string) => string,
    private readonly log: FastifyBaseLogger,
  ) {
    this.watchStatus().catch(() => undefined);
  }

  static async connect(opts: NatsBusOptions): Promise<NatsBus> {
    const names = natsNames(opts.prefix);
    const stream = opts.stream ?? names.stream;
    const subject = opts.subject ?? names.subject;
    const nc = await connect({
      servers: opts.url,
      name: opts.name ?? 'cityops',
      maxReconnectAttempts: -1,
    });
    try {
      const jsm = await nc.jetstreamManager();
      const config: Partial<StreamConfig> = {
        name: stream,
        subjects: [`${subject}.>`],
        storage: StorageType.File,
        discard: DiscardPolicy.Old,
        max_age: nanos(opts.maxAgeMs ?? 3_600_000),
        duplicate_window: nanos(120_000),
      };
      try {
        await jsm.streams.add(config);
      } catch {
        // It exists (another process made it): bring its settings up to date.
        await jsm.streams.update(stream, config);
      }
      return new NatsBus(nc, nc.jetstream(), jsm, stream, subject, names.durable, opts.log);
    } catch (err) {
      await nc.close();
      throw err;
    }
  }

  async publish(events: readonly StoredEvent[]): Promise<void> {
    for (const m of chunkMessages(events)) {
      await this.js.publish(`${this.subject}.batch`, m.body, { msgID: `${m.first}-${m.last}` });
    }
  }

  async subscribe(handler: EventHandler): Promise<Unsubscribe> {
    const consumer = await this.js.consumers.get(this.stream, {
      deliver_policy: DeliverPolicy.New,
    });
    const messages = await consumer.consume();
    this.run(messages, async (m) => {
      await handler(this.decode(m.data));
    });
    return () => void this.stop(messages);
  }

  async subscribeQueue(group: string, handler: EventHandler): Promise<Unsubscribe> {
    const durable = this.durableName(group);
    try {
      await this.jsm.consumers.info(this.stream, durable);
    } catch {
      await this.jsm.consumers.add(this.stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.New,
        ack_wait: nanos(30_000),
        max_deliver: 10,
      });
    }
    const consumer = await this.js.consumers.get(this.stream, durable);
    const messages = await consumer.consume({ max_messages: 64 });
    this.run(messages, async (m) => {
      try {
        await handler(this.decode(m.data));
        m.ack();
      } catch (err) {
        this.log.error({ err, group }, 'queue handler failed; the batch will come again');
        m.nak(5_000);
      }
    });
    return () => void this.stop(messages);
  }

  ready(): Promise<boolean> {
    return Promise.resolve(this.connected && !this.nc.isClosed());
  }

  async close(): Promise<void> {
    for (const m of [...this.consumers]) await this.stop(m);
    if (!this.nc.isClosed()) await this.nc.drain();
  }

  private decode(data: Uint8Array): StoredEvent[] {
    return JSON.parse(dec.decode(data)) as StoredEvent[];
  }

  /** Reads a consumer's messages one at a time until it stops. */
  private run(
    messages: ConsumerMessages,
    onMessage: (m: { data: Uint8Array; ack(): void; nak(ms?: number): void }) => Promise<void>,
  ): void {
    this.consumers.add(messages);
    const loop = async () => {
      for await (const m of messages) {
        try {
          await onMessage(m);
        } catch (err) {
          this.log.error({ err }, 'event handler failed');
        }
      }
    };
    loop()
      .catch((err: unknown) => this.log.error({ err }, 'NATS consumer stopped'))
      .finally(() => this.consumers.delete(messages));
  }

  private async stop(messages: ConsumerMessages): Promise<void> {
    this.consumers.delete(messages);
    await messages.close().catch(() => undefined);
  }

  private async watchStatus(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (s.type === Events.Disconnect) {
        this.connected = false;
        this.log.warn('NATS connection lost; reconnecting');
      } else if (s.type === Events.Reconnect) {
        this.connected = true;
        this.log.info('NATS connection back');
      }
    }
  }
}
