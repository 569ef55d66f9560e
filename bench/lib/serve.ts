/**
 * `cityops serve` (from source) in a process of its own, as an operator runs
 * it: for figures about the server process itself, such as its resident
 * memory. Ready when /readyz says so; an administrator is made on first start
 * and signed in; sensors with devices are made through the HTTP API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../harness.js';
import { freePort } from './net.js';

const ADMIN = { email: 'bench.admin@bench.local', password: 'bench-admin-password' };

export interface ServedCityOps {
  base: string;
  mqttUrl: string;
  token: string;
  pid: number;
  /** Resident memory of the server process now, in bytes. */
  rss(): Promise<number>;
  stop(): Promise<void>;
}

export async function serveCityOps(databaseUrl: string | undefined): Promise<ServedCityOps> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cityops-bench-serve-'));
  const port = await freePort();
  const mqttPort = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      path.join(repoRoot, 'bench/lib/cityops-cli.ts'),
      'serve',
    ],
    {
      cwd: repoRoot,
      env: {
        ...Object.fromEntries(
          Object.entries(process.env).filter(([k]) => !k.startsWith('CITYOPS_')),
        ),
        CITYOPS_PORT: String(port),
        CITYOPS_MQTT_PORT: String(mqttPort),
        CITYOPS_DATA_DIR: dataDir,
        ...(databaseUrl ? { CITYOPS_DATABASE_URL: databaseUrl } : {}),
        CITYOPS_DEMO: '0',
        CITYOPS_LOG_LEVEL: 'warn',
        CITYOPS_ADMIN_EMAIL: ADMIN.email,
        CITYOPS_ADMIN_PASSWORD: ADMIN.password,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await fs.rm(dataDir, { recursive: true, force: true });
  };
  try {
    const until = Date.now() + 180_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`cityops serve exited with ${child.exitCode}`);
      const ok = await fetch(`${base}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      if (Date.now() > until) throw new Error('cityops serve was not ready in time');
      await new Promise((r) => setTimeout(r, 200));
    }
    const res = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    if (!res.ok) throw new Error(`sign-in: ${res.status} ${await res.text()}`);
    const { token } = (await res.json()) as { token: string };
    return {
      base,
      mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
      token,
      pid: child.pid!,
      async rss() {
        const status = await fs.readFile(`/proc/${child.pid}/status`, 'utf8');
        return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) * 1024;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Sensors in central Thái Nguyên with a device each, through the HTTP API. */
export async function createFleetOverHttp(
  served: ServedCityOps,
  n: number,
): Promise<Array<{ id: string; key: string }>> {
  const call = async <T>(url: string, body: unknown): Promise<T> => {
    const res = await fetch(`${served.base}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${served.token}` },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const fleet: Array<{ id: string; key: string }> = [];
  for (let i = 0; i < n; i++) {
    const asset = await call<{ id: string }>('/api/v1/assets', {
      type: 'sensor',
      code: `BENCH-S-${i}`,
      name: `Cảm biến ${i}`,
      geometry: { type: 'Point', coordinates: [105.8442 + i * 0.001, 21.5925] },
      properties: {},
    });
    fleet.push(await call<{ id: string; key: string }>('/api/v1/devices', { assetId: asset.id }));
  }
  return fleet;
}
