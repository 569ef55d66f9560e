/**
 * The embedded MQTT broker (Aedes, MQTT 3.1.1) for devices. A device signs in
 * with username = its id and password = its key, publishes events to its own
 * events topic only, and subscribes only under its own prefix. A message on
 * the events topic goes through the ingest pipeline inside Aedes'
 * `authorizePublish`, whose callback Aedes waits for before it writes the
 * PUBACK (lib/handlers/publish.js runs authorizePublish, then enqueuePublish,
 * which writes the PUBACK): so a QoS 1 PUBACK leaves only after COMMIT.
 *
 * What a refused message gets, since MQTT 3.1.1 has no negative PUBACK:
 * - bad content (not JSON, invalid, too large for the pipeline): acknowledged
 *   and dropped, and counted: resending it could never succeed, and a device
 *   that is disconnected instead would resend it forever;
 * - refused for now (rate limit, busy store, database failure, shutting
 *   down): QoS 1 is not acknowledged and the device is disconnected, so it
 *   resends after reconnecting; QoS 0 is dropped;
 * - a topic other than its own events topic, a device disabled since it
 *   connected, a packet over the size limit: the device is disconnected.
 * Events are not forwarded to MQTT subscribers (operators have the live stream).
 */
import net from 'node:net';
import {
  Aedes,
  type AuthErrorCode,
  type AuthenticateError,
  type Client,
  type PublishPacket,
} from 'aedes';
import type { FastifyBaseLogger } from 'fastify';
import { ConfigError } from '../core/config.js';
import type { DevicesService } from '../devices/index.js';
import type { IngestPipeline } from '../ingest/index.js';
import { GuardedConnection } from './frame-guard.js';
import { takeMessage, type Verdict } from './intake.js';
import type { MqttMetrics, RefusalOutcome } from './metrics.js';
import { isDeviceId, isEventsTopic, mayPublish, maySubscribe } from './topics.js';

export interface EmbeddedBrokerOptions {
  port: number;
  host: string;
  /** Largest MQTT packet a client may send; a bigger one closes its connection. */
  maxPacketBytes: number;
}

export interface EmbeddedBrokerDeps {
  devices: DevicesService;
  pipeline: IngestPipeline;
  metrics: MqttMetrics;
  log: FastifyBaseLogger;
}

/** CONNACK return code 4 of MQTT 3.1.1 (bad user name or password). */
const BAD_CREDENTIALS = 4 as AuthErrorCode;

class Disconnect extends Error {}

export class EmbeddedBroker {
  private broker: Aedes | undefined;
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly deviceOf = new WeakMap<Client, string>();
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;
  private boundPort = 0;

  constructor(
    private readonly deps: EmbeddedBrokerDeps,
    private readonly opts: EmbeddedBrokerOptions,
  ) {}

  /** The TCP port devices connect to (known once started). */
  get port(): number {
    return this.boundPort;
  }

  /** Device sessions now. */
  get connectedClients(): number {
    return this.broker?.connectedClients ?? 0;
  }

  ready(): boolean {
    return this.server?.listening === true && !this.stopping;
  }

  async start(): Promise<void> {
    const broker = await Aedes.createBroker({
      preConnect: (_client, packet, done) => {
        // Client ids are per device: one device cannot take over another's session.
        if (packet.username && packet.clientId) {
          packet.clientId = `${packet.username}/${packet.clientId}`;
        }
        done(null, true);
      },
      authenticate: (client, username, password, done) => {
        this.authenticate(client, username, password).then(
          (ok) => done(ok ? null : badCredentials(), ok),
          (err: unknown) => {
            this.deps.log.error({ err }, 'MQTT authentication failed');
            done(badCredentials(), false);
          },
        );
      },
      authorizePublish: (client, packet, done) => this.authorizePublish(client, packet, done),
      authorizeSubscribe: (client, sub, done) => {
        const deviceId = this.deviceOf.get(client);
        if (deviceId && maySubscribe(deviceId, sub.topic)) return done(null, sub);
        this.deps.metrics.subscriptionDenied();
        this.deps.log.warn({ deviceId, filter: sub.topic }, 'MQTT subscription refused');
        done(null, null);
      },
      // Device events stay in CityOps: they are stored, not relayed to subscribers.
      authorizeForward: (_client, packet) => (isEventsTopic(packet.topic) ? null : packet),
    });
    broker.on('clientError', (client, err) => {
      this.deps.log.debug({ clientId: client.id, err: err.message }, 'MQTT client error');
    });
    this.broker = broker;
    const server = net.createServer((socket) => this.accept(broker, socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        const why = err.code === 'EADDRINUSE' ? 'the port is in use' : err.message;
        reject(
          new ConfigError(
            `CITYOPS_MQTT_PORT: the MQTT broker cannot listen on ${this.opts.host}:${this.opts.port}: ${why} ` +
              '(choose another port, or 0 for no embedded broker and CITYOPS_MQTT_URL for an external one)',
          ),
        );
      });
      server.listen(this.opts.port, this.opts.host, () => resolve());
    });
    this.boundPort = (server.address() as net.AddressInfo).port;
    this.deps.log.info({ port: this.boundPort, host: this.opts.host }, 'MQTT broker listening');
  }

  /** Stops taking connections and messages, lets the messages in flight commit, then closes. */
  async stop(): Promise<void> {
    if (!this.broker || this.stopping) return;
    this.stopping = true;
    const closed = new Promise<void>((resolve) => this.server?.close(() => resolve()));
    await Promise.all([...this.inFlight]);
    await new Promise<void>((resolve) => this.broker!.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private accept(broker: Aedes, socket: net.Socket): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    const session: { client?: Client } = {};
    const conn = new GuardedConnection(socket, this.opts.maxPacketBytes, (err) => {
      const deviceId = session.client ? this.deviceOf.get(session.client) : undefined;
      this.deps.metrics.refused('packet_too_large', 'disconnected');
      this.deps.log.warn({ deviceId, size: err.size, limit: err.limit }, 'MQTT packet too large');
    });
    session.client = broker.handle(conn);
  }

  private async authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<boolean> {
    const { devices, metrics, log } = this.deps;
    if (!username || !password) {
      metrics.authFailed('missing_credentials');
      return false;
    }
    const identity = await devices.authenticate(username, password.toString('utf8'));
    if (identity) {
      this.deviceOf.set(client, identity.id);
      return true;
    }
    const known = isDeviceId(username) && (await devices.current(username)) !== null;
    metrics.authFailed(known ? 'bad_key' : 'unknown_device');
    log.warn(
      { deviceId: username, reason: known ? 'bad_key' : 'unknown_device' },
      'MQTT sign-in refused',
    );
    return false;
  }

  private authorizePublish(
    client: Client | null,
    packet: PublishPacket,
    done: (err?: Error | null) => void,
  ): void {
    // The broker's own messages ($SYS heartbeats) have no client.
    if (!client) return done(null);
    const deviceId = this.deviceOf.get(client);
    if (!deviceId || !mayPublish(deviceId, packet.topic)) {
      this.deps.metrics.refused('forbidden_topic', 'disconnected');
      this.deps.log.warn({ deviceId, topic: packet.topic }, 'MQTT publish refused: not its topic');
      return done(new Disconnect(`may not publish to ${packet.topic}`));
    }
    packet.retain = false;
    const work = this.take(deviceId, packet).then(done, (err: Error) => done(err));
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** Stores the message and answers what Aedes should do: null to go on (PUBACK), an error to disconnect. */
  private async take(deviceId: string, packet: PublishPacket): Promise<Error | null> {
    const verdict: Verdict = this.stopping
      ? { kind: 'refused', reason: 'busy', transient: true }
      : await takeMessage(this.deps.pipeline, deviceId, bytesOf(packet.payload));
    if (verdict.kind !== 'refused') {
      this.deps.metrics.stored(verdict.kind === 'duplicate');
      return null;
    }
    const qos0 = packet.qos === 0;
    let outcome: RefusalOutcome;
    if (verdict.reason === 'unknown_device') outcome = 'disconnected';
    else if (qos0) outcome = 'dropped';
    else outcome = verdict.transient ? 'disconnected' : 'acked';
    this.deps.metrics.refused(verdict.reason, outcome);
    if (outcome !== 'disconnected') return null;
    this.deps.log.info({ deviceId, reason: verdict.reason }, 'MQTT device disconnected');
    return new Disconnect(`message refused: ${verdict.reason}`);
  }
}

function bytesOf(payload: Buffer | string): Buffer {
  return typeof payload === 'string' ? Buffer.from(payload) : payload;
}

function badCredentials(): AuthenticateError {
  return Object.assign(new Error('Bad user name or password'), { returnCode: BAD_CREDENTIALS });
}
