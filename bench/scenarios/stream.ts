/**
 * Many live-stream clients on one CityOps: 1,000 concurrent SSE connections
 * (held by a reader in its own process) while events flow at a modest rate
 * through MQTT. The figure is the server's extra resident memory: RSS after
 * the clients connected and a settle period, minus RSS before them with the
 * same events flowing (each reading after a full GC of this process, which is
 * the server). It also checks that every client got every event.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Figure, Scenario } from '../harness.js';
import { freshDb } from '../support.js';
import { BenchChild } from '../lib/child.js';
import { createFleet, loadDevices, startBenchCityOps } from '../lib/cityops.js';
import { coresUsed, cpuSnapshot, loadAverage } from '../lib/cpu.js';
import type { LoadConfig, SseReport } from '../lib/load-types.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MiB = 2 ** 20;

/**
 * The process's memory after a full collection (when one can be had) and a
 * moment's rest, so that both readings start from the same state of the heap.
 */
async function settled(gc: (() => void) | undefined): Promise<NodeJS.MemoryUsage> {
  gc?.();
  await sleep(2000);
  gc?.();
  return process.memoryUsage();
}

/** A full collection on demand (this process is the server under test). */
function collector(): (() => void) | undefined {
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

export const streamScenario: Scenario = {
  name: 'stream',
  description:
    '1,000 concurrent SSE clients on one CityOps with events flowing: extra server memory',
  async run(ctx) {
    const clients = 1000;
    const rate = 20;
    const settleS = ctx.quick ? 8 : 20;
    const kind = ctx.postgresUrl ? 'postgres' : 'pglite';
    const b = await freshDb(kind, ctx.postgresUrl);
    const app = await startBenchCityOps(b.db);
    const gen = BenchChild.start('mqtt-load.ts', 'generator');
    const reader = BenchChild.start('sse-reader.ts', 'stream readers');
    const gc = collector();
    try {
      const fleet = await createFleet(app, 20);
      const config: LoadConfig = {
        url: app.mqttUrl!,
        devices: loadDevices(fleet, true),
        window: 4,
        qos: 1,
        rate,
        spikeEvery: 0,
      };
      await gen.ask({ cmd: 'connect', config }, 'connected');
      await gen.ask({ cmd: 'go' }, 'going');
      await sleep(settleS * 1000);
      const before = await settled(gc);
      ctx.log(
        `${b.label}: ${rate} events/s, no stream client: RSS ${(before.rss / MiB).toFixed(0)} MiB, ` +
          `heap ${(before.heapUsed / MiB).toFixed(0)} MiB${gc ? '' : ' (no full GC available)'}; load ${loadAverage()}`,
      );

      const t0 = performance.now();
      await reader.ask(
        {
          cmd: 'open',
          config: { url: `${app.base}/api/v1/stream`, token: app.token, clients, latency: false },
        },
        'opened',
        120_000,
      );
      ctx.log(`${clients} stream clients connected in ${(performance.now() - t0).toFixed(0)} ms`);
      await reader.ask({ cmd: 'mark' }, 'marked');
      const pids = { server: process.pid, generator: gen.pid, readers: reader.pid };
      const database = b.url ? new URL(b.url).pathname.slice(1) : undefined;
      const c0 = cpuSnapshot(pids, database);
      const seq0 = await app.cityops.events.service.lastSeq();
      const t1 = performance.now();
      await sleep(settleS * 1000);
      const after = await settled(gc);
      const seconds = (performance.now() - t1) / 1000;
      const cores = coresUsed(c0, cpuSnapshot(pids, database), seconds);
      const seq1 = await app.cityops.events.service.lastSeq();
      // Let the last events reach every client before counting.
      await sleep(1000);
      const streamed = seq1 - seq0;
      const report = await reader.ask<SseReport>({ cmd: 'report', atLeast: streamed }, 'report');
      const extra = (after.rss - before.rss) / MiB;
      const heap = (after.heapUsed - before.heapUsed) / MiB;
      ctx.log(
        `with ${report.open} clients open: RSS ${(after.rss / MiB).toFixed(0)} MiB (+${extra.toFixed(0)}), ` +
          `heap +${heap.toFixed(0)} MiB; ${cores}`,
      );
      ctx.log(
        `events per client in ${seconds.toFixed(0)} s: ${report.minEvents}–${report.maxEvents} ` +
          `(${streamed} stored meanwhile), ${report.outOfOrder} out of order`,
      );
      const figures: Figure[] = [
        {
          scenario: 'stream',
          name: `extra server RSS with ${clients} SSE clients, ${rate} events/s`,
          value: extra,
          unit: 'MiB',
          target: { max: 300 },
          on: b.label,
          note:
            `${((extra * 1024) / clients).toFixed(0)} KiB/client (heap +${heap.toFixed(0)} MiB), after a full GC; ${report.open}/${clients} open, ` +
            `each got ${report.minEvents}–${report.maxEvents} events; ${cores}; load ${loadAverage()}`,
        },
      ];
      if (report.open < clients || report.behind > 0) {
        figures.push({
          scenario: 'stream',
          name: 'stream clients dropped or missing events',
          value: Math.max(clients - report.open, report.behind),
          unit: 'clients',
          target: { max: 0 },
          on: b.label,
          note: `fewest events ${report.minEvents} of ${streamed}`,
        });
      }
      return figures;
    } finally {
      await gen.stop();
      await reader.stop();
      await app.close();
      await b.drop();
    }
  },
};
