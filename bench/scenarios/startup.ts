/**
 * Start-up and memory of the embedded default, as an operator starts it:
 * package.json's start script (the built bin) on a fresh data folder with demo data, then
 * again on the existing folder; resident memory idle with demo data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, type Figure, type Scenario } from '../harness.js';

async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitReady(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('not ready in time');
}

async function rssMiB(pid: number): Promise<number> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** `npm start` as package.json has it (its flags and environment), run without npm in between. */
async function startScript(): Promise<string> {
  const pkg = JSON.parse(await fs.readFile(path.join(repoRoot, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  return pkg.scripts.start;
}

/** The server's process: the shell's one child, or the shell itself where it ran its last command in place. */
async function serverPid(shell: ChildProcess): Promise<number> {
  const pid = shell.pid!;
  const children = await fs.readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  const [child] = children.trim().split(/\s+/).filter(Boolean).map(Number);
  return child ?? pid;
}

async function start(
  script: string,
  dataDir: string,
  port: number,
  mqttPort: number,
): Promise<{ child: ChildProcess; ms: number }> {
  const t0 = performance.now();
  const { CITYOPS_DATABASE_URL: _embedded, ...env } = process.env;
  const child = spawn('sh', ['-c', script], {
    cwd: repoRoot,
    env: {
      ...env,
      CITYOPS_DATA_DIR: dataDir,
      CITYOPS_PORT: String(port),
      // The embedded broker on a free port (1883 may be taken), so that the demo's
      // simulated devices connect and send as they do under `npm start`.
      CITYOPS_MQTT_PORT: String(mqttPort),
      CITYOPS_DEMO: '1',
      CITYOPS_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitReady(port, child, 180_000);
  return { child, ms: performance.now() - t0 };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.on('exit', r));
  process.kill(await serverPid(child), 'SIGTERM');
  await exited;
}

export const startupScenario: Scenario = {
  name: 'startup',
  description:
    'npm start to /readyz (first start with demo data, then on the existing data folder), idle memory',
  async run(ctx) {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cityops-bench-start-'));
    const figures: Figure[] = [];
    try {
      const script = await startScript();
      const port = await freePort();
      const mqttPort = await freePort();
      const first = await start(script, dataDir, port, mqttPort);
      ctx.log(`first start with demo data: ${first.ms.toFixed(0)} ms`);
      await stop(first.child);
      const again: number[] = [];
      let rss = NaN;
      for (let i = 0; i < (ctx.quick ? 1 : 3); i++) {
        const run = await start(script, dataDir, port, mqttPort);
        again.push(run.ms);
        if (i === 0) {
          await new Promise((r) => setTimeout(r, 10_000));
          rss = await rssMiB(await serverPid(run.child));
        }
        await stop(run.child);
      }
      again.sort((a, b) => a - b);
      const med = again[Math.floor(again.length / 2)]!;
      figures.push(
        {
          scenario: 'startup',
          name: 'first start with demo data to /readyz',
          value: first.ms / 1000,
          unit: 's',
          target: { max: 60 },
          on: 'PGlite',
        },
        {
          scenario: 'startup',
          name: 'start on an existing data folder to /readyz (median)',
          value: med / 1000,
          unit: 's',
          target: { max: 5 },
          on: 'PGlite',
        },
        {
          scenario: 'startup',
          name: 'resident memory, idle, demo data',
          value: rss,
          unit: 'MiB',
          target: { max: 400 },
          on: 'PGlite',
        },
      );
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
    return figures;
  },
};
