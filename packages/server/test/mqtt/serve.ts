/**
 * `cityops serve` in a child process for the crash tests: started on given
 * settings, ready when /readyz says so, stopped with SIGTERM or killed with
 * SIGKILL; and devices created through its HTTP API.
 */
import type { ChildProcess } from 'node:child_process';
import { startCli, waitForOutput } from '../support/cli.js';
import { buildAsset } from '../assets/factories.js';
import { until } from './harness.js';

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
export async function createDevices(
  base: string,
  n: number,
): Promise<Array<{ id: string; key: string; assetId: string }>> {
  const token = await signIn(base);
  const devices: Array<{ id: string; key: string; assetId: string }> = [];
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
