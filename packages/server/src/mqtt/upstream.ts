/**
 * CityOps as a subscriber of an external broker (CITYOPS_MQTT_URL, e.g.
 * Mosquitto 2). The broker authenticates devices and enforces their topics
 * with its own ACL; CityOps trusts it, takes the device id from the topic, and
 * refuses (and counts) a topic that names no known, enabled device.
 *
 * Each process opens `connections` MQTT 5 sessions with fixed client ids
 * (`<base>-<n>`; base from `?clientId=` in the URL, else host name and HTTP
 * port), clean start off and a session expiry, all in one shared subscription
 * `$share/cityops/cityops/v1/devices/+/events` at QoS 1: processes (and the
 * sessions of one process) split the messages, and messages queued while a
 * process is down reach it when it is back under the same ids.
 *
 * The PUBACK goes only after COMMIT, yet a session has many messages in
 * flight (up to `inFlight`, the Receive Maximum the broker is told): mqtt.js
 * reads a connection's packets one at a time and would read nothing more (no
 * other message, no PINGRESP) until a message's acknowledgement callback runs,
 * so the callback runs at once and the PUBACK it writes is held back until the
 * message is stored (see holdPubacks). A PUBACK held across a reconnection is
 * dropped: the broker sends the message again on the new connection. A refused message is acknowledged anyway (MQTT 5 reason code) and
 * counted, or the broker would resend it forever; a message the store cannot
 * take now (busy, database failure) is retried here, unacknowledged, so the
 * broker holds the rest. On stop, a message not yet stored stays unacknowledged
 * and the broker redelivers it after the restart.
 */
import os from 'node:os';
import mqtt, { type IConnackPacket, type IPublishPacket, type MqttClient } from 'mqtt';
import type { FastifyBaseLogger } from 'fastify';
import type { IngestPipeline } from '../ingest/index.js';
import { takeMessage, type Refusal } from './intake.js';
import type { MqttMetrics } from './metrics.js';
import { deviceOfEventsTopic, sharedEventsFilter } from './topics.js';

export interface UpstreamOptions {
  url: string;
  /** Base of the client ids; default `?clientId=` of the URL, else `cityops-<host>-<HTTP port>`. */
  clientId?: string;
  /** MQTT sessions of this process. */
  connections: number;
  /** Messages a session may have unacknowledged (its Receive Maximum, 1–65535). */
  inFlight: number;
  /** Shared subscription group; every CityOps process of one deployment uses the same. */
  group: string;
  /** How long the broker keeps a session (and queues its messages) while CityOps is away. */
  sessionExpirySeconds: number;
  /** Longest wait between reconnection attempts. */
  maxReconnectMs: number;
  /** MQTT keep alive: how often the session pings the broker when there is no other traffic. */
  keepaliveSeconds: number;
}

/** MQTT 5 PUBACK reason codes for a refused message. */
function pubackCode(reason: Refusal): number {
  switch (reason) {
    case 'malformed':
    case 'invalid':
    case 'too_large':
    case 'packet_too_large':
      return 0x99; // payload format invalid
    case 'unknown_device':
    case 'unauthorized':
    case 'forbidden_topic':
      return 0x87; // not authorized
    case 'rate_limited':
      return 0x97; // quota exceeded
    case 'busy':
    case 'error':
      return 0x80; // unspecified error
  }
}

interface Session {
  client: MqttClient;
  clientId: string;
  subscribed: boolean;
  failures: number;
  /** Counts the session's connections: a PUBACK is sent only on the connection its message came on. */
  connection: number;
  timer?: NodeJS.Timeout;
}

type SendPacket = (packet: { cmd: string; messageId?: number }, cb?: () => void) => void;

/**
 * Holds back the PUBACKs mqtt.js writes for QoS 1 messages taken by
 * `customHandleAcks`: mqtt.js writes one as soon as the callback runs and only
 * then reads the connection's next packet. `holding` gets the packet id just
 * before the callback; the PUBACK for it is swallowed (its write reported done,
 * so mqtt.js reads on), and the returned function sends the real one later.
 * This wraps mqtt.js's internal `_sendPacket` (mqtt 5.x); the upstream tests
 * fail if that changes.
 */
function holdPubacks(client: MqttClient, holding: Set<number>): SendPacket {
  const internal = client as unknown as { _sendPacket: SendPacket };
  if (typeof internal._sendPacket !== 'function') {
    throw new Error('this mqtt.js has no _sendPacket: see holdPubacks in upstream.ts');
  }
  const send = internal._sendPacket.bind(client);
  internal._sendPacket = (packet, cb, ...rest: unknown[]) => {
    if (packet.cmd === 'puback' && packet.messageId !== undefined) {
      if (holding.delete(packet.messageId)) {
        cb?.();
        return;
      }
    }
    (send as (...a: unknown[]) => void)(packet, cb, ...rest);
  };
  return send;
}

/** The URL without `clientId`, and that id (mqtt.js would let the query override ours). */
export function splitClientId(url: string): { url: string; clientId: string | null } {
  const u = new URL(url);
  const clientId = u.searchParams.get('clientId');
  u.searchParams.delete('clientId');
  return { url: u.toString(), clientId };
}

function redacted(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

export class UpstreamSubscriber {
  private readonly sessions: Session[] = [];
  private readonly working = new Set<Promise<void>>();
  private stopping = false;
  private wake: () => void = () => undefined;
  private readonly stopSignal = new Promise<void>((resolve) => (this.wake = resolve));
  /** When a message was last stored: tells a message the store always fails on from an outage. */
  private lastStoredAt = 0;

  constructor(
    private readonly deps: {
      pipeline: IngestPipeline;
      metrics: MqttMetrics;
      log: FastifyBaseLogger;
      httpPort: number;
    },
    private readonly opts: UpstreamOptions,
  ) {}

  /** Sessions that are connected and subscribed. */
  get connected(): number {
    return this.sessions.filter((s) => s.client.connected && s.subscribed).length;
  }

  ready(): boolean {
    return !this.stopping && this.sessions.length > 0 && this.connected === this.sessions.length;
  }

  /** Starts connecting (without waiting: readiness says when the broker is there). */
  start(): Promise<void> {
    const { url, clientId } = splitClientId(this.opts.url);
    const port = this.deps.httpPort || process.pid;
    const base = this.opts.clientId ?? clientId ?? `cityops-${os.hostname()}-${port}`;
    for (let n = 0; n < this.opts.connections; n++) this.open(url, `${base}-${n}`);
    this.deps.log.info(
      { url: redacted(url), clientIds: `${base}-0..${this.opts.connections - 1}` },
      'connecting to the MQTT broker',
    );
    return Promise.resolve();
  }

  /** Lets messages being stored finish, leaves the others unacknowledged, and disconnects. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.wake();
    for (const s of this.sessions) clearTimeout(s.timer);
    await Promise.all([...this.working]);
    await Promise.all(
      this.sessions.map((s) => s.client.endAsync(s.client.connected ? false : true)),
    );
  }

  private open(url: string, clientId: string): void {
    const holding = new Set<number>();
    const client = mqtt.connect(url, {
      clientId,
      protocolVersion: 5,
      clean: false,
      properties: {
        sessionExpiryInterval: this.opts.sessionExpirySeconds,
        receiveMaximum: this.opts.inFlight,
      },
      keepalive: this.opts.keepaliveSeconds,
      connectTimeout: 10_000,
      reconnectPeriod: 0,
      resubscribe: false,
      customHandleAcks: (topic, message, received, done) => {
        const packet = received as IPublishPacket;
        const id = packet.messageId;
        if (packet.qos !== 1 || id === undefined) {
          // QoS 2 (the subscription asks for 1, so only from an odd broker): the slow way.
          this.track(this.deliver(topic, message).then((code) => code !== null && done(code)));
          return;
        }
        const connection = session.connection;
        this.track(
          this.deliver(topic, message).then((code) => {
            if (code === null || session.connection !== connection || !client.connected) return;
            sendPacket({ cmd: 'puback', messageId: id, reasonCode: code } as never);
          }),
        );
        holding.add(id);
        done(0);
      },
    });
    const sendPacket = holdPubacks(client, holding);
    // customHandleAcks sees only QoS 1 and 2; QoS 0 messages (heartbeats,
    // counts) arrive as plain 'message' events, stored the same way with no ack.
    client.on('message', (topic, message, packet) => {
      if (packet.qos !== 0) return;
      this.track(this.deliver(topic, message));
    });
    const session: Session = { client, clientId, subscribed: false, failures: 0, connection: 0 };
    this.sessions.push(session);
    client.on('connect', (connack) => {
      session.connection += 1;
      holding.clear();
      this.subscribe(session, connack);
    });
    client.on('error', (err) => {
      if (session.failures === 0 || session.failures % 10 === 0) {
        this.deps.log.warn({ clientId, err: err.message }, 'MQTT broker connection failed');
      }
    });
    client.on('disconnect', (packet) => {
      this.deps.log.warn(
        { clientId, reasonCode: packet.reasonCode },
        'the MQTT broker closed the session',
      );
    });
    client.on('close', () => {
      session.subscribed = false;
      if (this.stopping) return;
      session.failures += 1;
      const wait = Math.min(this.opts.maxReconnectMs, 500 * 2 ** Math.min(session.failures, 10));
      clearTimeout(session.timer);
      session.timer = setTimeout(() => client.reconnect(), wait * (0.75 + Math.random() / 2));
    });
  }

  private subscribe(session: Session, connack: IConnackPacket): void {
    const filter = sharedEventsFilter(this.opts.group);
    session.client.subscribe(filter, { qos: 1 }, (err, granted) => {
      const code = granted?.[0]?.qos;
      if (err || code === undefined || code > 2) {
        this.deps.log.error(
          { clientId: session.clientId, filter, err: err?.message, code },
          'the MQTT broker refused the subscription',
        );
        session.client.end(true);
        return;
      }
      session.subscribed = true;
      session.failures = 0;
      this.deps.log.info(
        { clientId: session.clientId, sessionPresent: connack.sessionPresent },
        'subscribed to device events on the MQTT broker',
      );
    });
  }

  /** Keeps a message's work until it is done, so that stop() can wait for it. */
  private track(work: Promise<unknown>): void {
    const w = work.then(() => undefined);
    this.working.add(w);
    void w.finally(() => this.working.delete(w));
  }

  /** Waits, or less when stopping. */
  private async pause(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise((resolve) => (timer = setTimeout(resolve, ms))),
      this.stopSignal,
    ]);
    clearTimeout(timer);
  }

  /**
   * Stores one message; answers the PUBACK reason code, or null to leave it
   * unacknowledged (stopping before it could be stored).
   */
  private async deliver(topic: string, payload: Buffer): Promise<number | null> {
    const { pipeline, metrics, log } = this.deps;
    const deviceId = deviceOfEventsTopic(topic);
    if (!deviceId) {
      metrics.refused('unknown_device', 'acked');
      log.warn({ topic }, 'MQTT message on a topic that names no device');
      return pubackCode('unknown_device');
    }
    let firstFailure = 0;
    for (let attempt = 0; ; attempt++) {
      const verdict = await takeMessage(pipeline, deviceId, payload);
      if (verdict.kind !== 'refused') {
        this.lastStoredAt = Date.now();
        metrics.stored(verdict.kind === 'duplicate');
        return 0;
      }
      firstFailure ||= Date.now();
      // A message only this one fails on, while others are stored, will not get better.
      const poison = verdict.reason === 'error' && attempt >= 3 && this.lastStoredAt > firstFailure;
      if (!verdict.transient || verdict.reason === 'rate_limited' || poison) {
        metrics.refused(verdict.reason, 'acked');
        return pubackCode(verdict.reason);
      }
      if (this.stopping) return null;
      await this.pause(Math.min(5000, 100 * 2 ** attempt));
      if (this.stopping) return null;
    }
  }
}
