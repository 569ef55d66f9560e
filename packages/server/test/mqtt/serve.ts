/**
 * `cityops serve` in a child process for the crash tests: started on given
 * settings, ready when /readyz says so, stopped with SIGTERM or killed with
 * SIGKILL; devices created through its HTTP API; and a crash run, such a
 * server on a database of its own with devices streaming to it, and what it
 * stored read back once it has stopped.
 */
import fs from 'node:fs/promises';
import type { ChildProcess } from 'node:child_process';
import { sql } from '../../src/core/db/sql.js';
import { openDatabase } from '../../src/core/db/open.js';
import type { Db } from '../../src/core/db/db.js';
import { eventsTopic } from '../../src/mqtt/topics.js';
import { startCli, templateDataDir, waitForOutput } from '../support/cli.js';
import { openTestDb, type DbKind } from '../support/db.js';
import { buildAsset } from '../assets/factories.js';
import { freePort, until } from './harness.js';
import { DeviceStream, type StreamOptions } from './publisher.js';

const ADMIN = { email: 'crash.admin@test.local', password: 'crash-admin-password' };

export interface Served {
  url: string;
  child: ChildProcess;
  /** SIGKILL: no shutdown work at all. */
  kill(): void;
  /** SIGTERM, and wait for the exit. */
  stop(): Promise<void>;
}

export async function serveChild(env: Record<string, string>): Promise<Served> {
  const child = startCli(['serve'], {
    // From source, like the in-process tests (not from a build that may be older).
    NODE_OPTIONS: '--conditions=source',
    CITYOPS_DEMO: '0',
    CITYOPS_ADMIN_EMAIL: ADMIN.email,
    CITYOPS_ADMIN_PASSWORD: ADMIN.password,
    ...env,
  });
  let output = '';
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await Promise.race([
    waitForOutput(child, /CityOps console: (http:\/\/\S+)\//, 60_000),
    exited.then(() => Promise.reject(new Error(`cityops serve exited:\n${output}`))),
  ]);
  const url = /(http:\/\/\S+)\//.exec(line)![1]!;
  await until(async () => (await fetch(`${url}/readyz`)).status === 200, 60_000);
  return {
    url,
    child,
    kill: () => child.kill('SIGKILL'),
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function call<T>(url: string, token: string | null, method: string, body?: unknown) {
  const res = await fetch(url, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Sensors with one device each, made through the API as the first administrator. */
export async function createDevices(base: string, n: number): Promise<Device[]> {
  const token = await signIn(base);
  const devices: Device[] = [];
  for (let i = 0; i < n; i++) {
    const asset = await call<{ id: string }>(`${base}/api/v1/assets`, token, 'POST', buildAsset());
    const device = await call<{ id: string; key: string }>(
      `${base}/api/v1/devices`,
      token,
      'POST',
      { assetId: asset.id },
    );
    devices.push({ ...device, assetId: asset.id });
  }
  return devices;
}

const tokens = new Map<string, string>();

/** A token of the first administrator (signed in once per server: sign-ins are rate-limited). */
async function signIn(base: string): Promise<string> {
  let token = tokens.get(base);
  if (!token) {
    token = (await call<{ token: string }>(`${base}/api/v1/auth/login`, null, 'POST', ADMIN)).token;
    tokens.set(base, token);
  }
  return token;
}

/** How many events the assets have, read through the API (up to 1,000 each). */
export async function countEvents(base: string, assetIds: string[]): Promise<number> {
  const token = await signIn(base);
  let n = 0;
  for (const id of assetIds) {
    const page = await call<{ items: unknown[] }>(
      `${base}/api/v1/events?asset=${id}&limit=1000`,
      token,
      'GET',
    );
    n += page.items.length;
  }
  return n;
}

export interface Device {
  id: string;
  key: string;
  assetId: string;
}

export interface CrashRun {
  /** The settings the server runs on (the same after a restart). */
  env: Record<string, string>;
  devices: Device[];
  /** One per device, in the same order. */
  streams: DeviceStream[];
  /** The server running now. */
  server(): Served;
  /** SIGKILL the server. */
  kill(): void;
  /** Start the server again on the same settings and data. */
  restart(): Promise<void>;
  /** Stop the server with SIGTERM and wait for its exit. */
  stop(): Promise<void>;
  /**
   * Once stopped: for each device (in order), the ids of its events stored
   * from MQTT, and the device events stored more than once.
   */
  stored(): Promise<{ perDevice: Array<Set<string>>; repeated: unknown[] }>;
}

/**
 * `cityops serve` on a data folder of its own (and on a PostgreSQL database of
 * its own for 'postgres'), with `env` added to its settings, and `devices`
 * devices each streaming its events with `stream`; `body` runs on them. After
 * it, all stopped and removed.
 */
export async function withCrashRun(
  kind: DbKind,
  opts: {
    env: Record<string, string>;
    devices: number;
    stream: (device: Device) => Omit<StreamOptions, 'topic' | 'prefix'>;
  },
  body: (run: CrashRun) => Promise<void>,
): Promise<void> {
  const testDb = kind === 'postgres' ? await openTestDb('postgres') : undefined;
  const dataDir = await templateDataDir();
  const env: Record<string, string> = {
    CITYOPS_DATA_DIR: dataDir,
    CITYOPS_PORT: String(await freePort()),
    ...opts.env,
    ...(testDb?.url ? { CITYOPS_DATABASE_URL: testDb.url } : {}),
  };
  let server: Served | undefined;
  const streams: DeviceStream[] = [];
  try {
    server = await serveChild(env);
    const devices = await createDevices(server.url, opts.devices);
    for (const [i, d] of devices.entries()) {
      streams.push(
        new DeviceStream({ ...opts.stream(d), topic: eventsTopic(d.id), prefix: `d${i}` }),
      );
    }
    await body({
      env,
      devices,
      streams,
      server: () => server!,
      kill: () => server!.kill(),
      async restart() {
        server = await serveChild(env);
      },
      async stop() {
        await server!.stop();
        server = undefined;
      },
      async stored() {
        const db: Db = testDb?.db ?? (await openDatabase({ dataDir, databaseUrl: undefined }));
        try {
          const repeated = await db.query(sql`
            SELECT device_id, device_event_id, count(*) AS n FROM events
            WHERE source = 'mqtt' GROUP BY device_id, device_event_id HAVING count(*) > 1`);
          const rows = await db.query<{ device_id: string; device_event_id: string }>(
            sql`SELECT device_id, device_event_id FROM events WHERE source = 'mqtt'`,
          );
          const perDevice = devices.map(
            (d) => new Set(rows.filter((r) => r.device_id === d.id).map((r) => r.device_event_id)),
          );
          return { perDevice, repeated };
        } finally {
          if (!testDb) await db.close();
        }
      },
    });
  } finally {
    server?.kill();
    await Promise.all(streams.map((s) => s.close()));
    await testDb?.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}
