/**
 * A private Mosquitto for the benchmark, on a free loopback port: anonymous,
 * no persistence, and a deep queue per session (as the MQTT README advises for
 * CityOps), so a subscriber that falls behind gets its messages late rather
 * than never. A private broker also leaves no CityOps sessions (clean start
 * off, 7-day expiry) behind on the machine's shared one. Set
 * CITYOPS_BENCH_MQTT_URL to use an existing broker instead.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitForPort } from './net.js';

export interface BenchBroker {
  url: string;
  /** The broker's process, when we started it (for its CPU time). */
  pid?: number;
  label: string;
  stop(): Promise<void>;
}

export async function startMosquitto(): Promise<BenchBroker | null> {
  const given = process.env.CITYOPS_BENCH_MQTT_URL;
  if (given) return { url: given, label: `Mosquitto at ${given}`, stop: () => Promise.resolve() };
  const bin = process.env.CITYOPS_BENCH_MOSQUITTO ?? 'mosquitto';
  if (spawnSync(bin, ['-h'], { encoding: 'utf8' }).error) return null;
  const port = await freePort();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cityops-bench-mosquitto-'));
  const conf = path.join(dir, 'mosquitto.conf');
  await fs.writeFile(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      'max_queued_messages 1000000',
      'log_dest stderr',
      'log_type error',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForPort(port, 10_000);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    pid: child.pid!,
    label: 'Mosquitto',
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
