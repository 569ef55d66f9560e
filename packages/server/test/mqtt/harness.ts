/**
 * Helpers of the MQTT tests: free ports, a CityOps listening with its
 * embedded broker, device clients (mqtt.js, MQTT 3.1.1), a private Mosquitto
 * per suite (skipped, visibly, where the binary is missing), and metrics.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { CityOps, CityOpsOptions } from '../../src/main.js';
import { ADMIN_PASSWORD, callerFor, type Caller, createAdmin } from '../support/app.js';
import { openTestDb, type DbKind, type TestDb } from '../support/db.js';
import { login, startCityOps } from '../events/harness.js';
import { buildDeviceOnNewAsset, pickWards, type TestDevice } from '../events/factories.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A metric's value in /metrics text (0 when absent); `labels` as printed, '' for none. */
export function metricOf(text: string, name: string, labels: string): number {
  const head = labels ? `${name}{${labels}} ` : `${name} `;
  const line = text.split('\n').find((l) => l.startsWith(head));
  return line ? Number(line.slice(head.length)) : 0;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until the check holds (or throws after the timeout). */
export async function until(check: () => Promise<boolean> | boolean, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(25);
  }
}

export interface MqttApp {
  cityops: CityOps;
  testDb: TestDb;
  admin: Caller;
  mqttPort: number;
  /** A new asset in a ward with one device. */
  device: (type?: string) => Promise<TestDevice>;
  metric: (name: string, labels: string) => Promise<number>;
}

let admins = 0;

/** A CityOps per suite with its embedded broker on a free port. */
export function useMqttApp(
  kind: DbKind,
  opts: { options?: Partial<CityOpsOptions>; env?: Record<string, string> } = {},
): () => MqttApp {
  let ctx: MqttApp | undefined;
  beforeAll(async () => {
    const mqttPort = await freePort();
    const testDb = await openTestDb(kind);
    const { cityops } = await startCityOps(testDb.db, {
      env: { CITYOPS_MQTT_PORT: String(mqttPort), ...opts.env },
      ...(opts.options ? { options: opts.options } : {}),
      listen: true,
    });
    const email = `mqtt.admin.${++admins}@test.local`;
    await createAdmin(cityops, email);
    const admin = callerFor(cityops, await login(cityops, email, ADMIN_PASSWORD));
    const [ward] = await pickWards(cityops.db, 1);
    ctx = {
      cityops,
      testDb,
      admin,
      mqttPort,
      device: (type = 'sensor') => buildDeviceOnNewAsset(cityops, admin, ward!, type),
      metric: async (name, labels) => metricOf((await admin.get('/metrics')).body, name, labels),
    };
  });
  afterAll(async () => {
    await ctx?.cityops.close();
    await ctx?.testDb.drop();
  });
  return () => {
    if (!ctx) throw new Error('the MQTT test app is not ready');
    return ctx;
  };
}

/** Connects as a device (MQTT 3.1.1, no automatic reconnect); rejects with the CONNACK refusal. */
export function connectDevice(
  port: number,
  device: { id: string; key: string },
  opts: IClientOptions = {},
): Promise<MqttClient> {
  return connectClient(`mqtt://127.0.0.1:${port}`, {
    username: device.id,
    password: device.key,
    ...opts,
  });
}

export function connectClient(url: string, opts: IClientOptions = {}): Promise<MqttClient> {
  const client = mqtt.connect(url, {
    clientId: `test-${randomBytes(4).toString('hex')}`,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...opts,
  });
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
    client.once('close', () => reject(new Error('closed before CONNACK')));
  });
}

/** Resolves when the client's connection is closed (by the broker or by us). */
export function closed(client: MqttClient, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!client.connected) return resolve();
    const timer = setTimeout(() => reject(new Error('still connected')), timeoutMs);
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export function event(id: string | undefined, data: Record<string, unknown> = {}) {
  return JSON.stringify({ ...(id ? { id } : {}), type: 'heartbeat', data });
}

/**
 * QoS 0 PUBLISH packets encoded in one buffer: a flood written to a client's
 * socket at once, without mqtt.js' per-message work in the test process.
 */
export function encodeQos0Publishes(topic: string, payloads: string[]): Buffer {
  const t = Buffer.from(topic);
  return Buffer.concat(
    payloads.map((p) => {
      const body = Buffer.concat([
        Buffer.from([t.length >> 8, t.length & 0xff]),
        t,
        Buffer.from(p),
      ]);
      const length: number[] = [];
      let n = body.length;
      do {
        length.push((n % 128) | (n >= 128 ? 0x80 : 0));
        n = Math.floor(n / 128);
      } while (n > 0);
      return Buffer.concat([Buffer.from([0x30, ...length]), body]);
    }),
  );
}

export function mosquittoBinary(): string | null {
  const bin = process.env.CITYOPS_TEST_MOSQUITTO ?? 'mosquitto';
  const probe = spawnSync(bin, ['-h'], { encoding: 'utf8' });
  return probe.error ? null : bin;
}

export interface Mosquitto {
  url: string;
  port: number;
  /** Stops it (SIGTERM: the persistence file is written) and starts it again on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** A private Mosquitto per suite on a free loopback port, persisting to a temporary folder. */
export function useMosquitto(bin: string): () => Mosquitto {
  let m: { mosquitto: Mosquitto; dir: string } | undefined;
  beforeAll(async () => {
    m = await startMosquitto(bin);
  });
  afterAll(async () => {
    await m?.mosquitto.stop();
    if (m) await fs.rm(m.dir, { recursive: true, force: true });
  });
  return () => {
    if (!m) throw new Error('mosquitto is not running');
    return m.mosquitto;
  };
}

async function startMosquitto(bin: string): Promise<{ mosquitto: Mosquitto; dir: string }> {
  const port = await freePort();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cityops-mosquitto-'));
  const conf = path.join(dir, 'mosquitto.conf');
  await fs.writeFile(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      `user ${os.userInfo().username}`,
      'persistence true',
      `persistence_location ${dir}/`,
      'max_queued_messages 100000',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      '',
    ].join('\n'),
  );
  let child: ChildProcess | undefined;
  let output = '';
  const mosquitto: Mosquitto = {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    async start() {
      child = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
      await until(
        () =>
          new Promise<boolean>((resolve) => {
            const s = net.connect(port, '127.0.0.1');
            s.once('connect', () => {
              s.destroy();
              resolve(true);
            });
            s.once('error', () => resolve(false));
          }),
        10_000,
      ).catch((err: Error) => {
        throw new Error(`${err.message}: mosquitto did not start\n${output}`);
      });
    },
    async stop() {
      const c = child;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((resolve) => c.once('exit', resolve));
      c.kill('SIGTERM');
      await exited;
    },
    async restart() {
      await mosquitto.stop();
      await mosquitto.start();
    },
  };
  await mosquitto.start();
  return { mosquitto, dir };
}
