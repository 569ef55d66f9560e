/**
 * Many live-stream clients on one CityOps: `cityops serve` in a process of its
 * own holds 1,000 concurrent SSE connections (opened by a reader in another
 * process) while events flow at a modest rate through its MQTT broker. The
 * figure is the server process's extra resident memory: RSS after the clients
 * connected and a settle period, minus RSS before them after the same settle
 * period with the same events flowing. It also checks that every client got
 * every event.
 */
import type { Figure, Scenario } from '../harness.js';
import { freshDb } from '../support.js';
import { BenchChild } from '../lib/child.js';
import { loadDevices } from '../lib/cityops.js';
import { coresUsed, cpuSnapshot, loadAverage } from '../lib/cpu.js';
import type { LoadConfig, SseReport } from '../lib/load-types.js';
import { createFleetOverHttp, serveCityOps, type ServedCityOps } from '../lib/serve.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MiB = 2 ** 20;

/** A value of the server's /metrics (summed over its label sets). */
async function metric(served: ServedCityOps, name: string): Promise<number> {
  const res = await fetch(`${served.base}/metrics`, {
    headers: { authorization: `Bearer ${served.token}` },
  });
  if (!res.ok) return NaN;
  return (await res.text())
    .split('\n')
    .filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
    .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

export const streamScenario: Scenario = {
  name: 'stream',
  description:
    '1,000 concurrent SSE clients on one cityops serve with events flowing: extra server memory',
  async run(ctx) {
    const clients = 1000;
    const rate = 20;
    const settleS = ctx.quick ? 10 : 30;
    const b = ctx.postgresUrl ? await freshDb('postgres', ctx.postgresUrl) : undefined;
    const label = b ? 'PostgreSQL' : 'PGlite';
    const served = await serveCityOps(b?.url);
    const gen = BenchChild.start('mqtt-load.ts', 'generator');
    const reader = BenchChild.start('sse-reader.ts', 'stream readers');
    try {
      const fleet = await createFleetOverHttp(served, 20);
      const config: LoadConfig = {
        url: served.mqttUrl,
        devices: loadDevices(fleet, true),
        window: 4,
        qos: 1,
        rate,
        spikeEvery: 0,
      };
      await gen.ask({ cmd: 'connect', config }, 'connected');
      await gen.ask({ cmd: 'go' }, 'going');
      // One client first, so that the stream's code is loaded before the baseline.
      await reader.ask(
        {
          cmd: 'open',
          config: {
            url: `${served.base}/api/v1/stream`,
            token: served.token,
            clients: 1,
            latency: false,
          },
        },
        'opened',
      );
      await sleep(settleS * 1000);
      const rss0 = await served.rss();
      const heap0 = await metric(served, 'cityops_nodejs_heap_size_used_bytes');
      ctx.log(
        `${label}: ${rate} events/s, 1 stream client: server RSS ${(rss0 / MiB).toFixed(0)} MiB, ` +
          `heap ${(heap0 / MiB).toFixed(0)} MiB; load ${loadAverage()}`,
      );

      const t0 = performance.now();
      await reader.ask(
        {
          cmd: 'open',
          config: {
            url: `${served.base}/api/v1/stream`,
            token: served.token,
            clients: clients - 1,
            latency: false,
          },
        },
        'opened',
        120_000,
      );
      ctx.log(`${clients} stream clients connected in ${(performance.now() - t0).toFixed(0)} ms`);
      await reader.ask({ cmd: 'mark' }, 'marked');
      const pids = { server: served.pid, generator: gen.pid, readers: reader.pid };
      const database = b?.url ? new URL(b.url).pathname.slice(1) : undefined;
      const c0 = cpuSnapshot(pids, database);
      const seq0 = await metric(served, 'cityops_mqtt_messages_total');
      const t1 = performance.now();
      await sleep(settleS * 1000);
      const rss1 = await served.rss();
      const heap1 = await metric(served, 'cityops_nodejs_heap_size_used_bytes');
      const open = await metric(served, 'cityops_stream_clients');
      const seconds = (performance.now() - t1) / 1000;
      const cores = coresUsed(c0, cpuSnapshot(pids, database), seconds);
      const seq1 = await metric(served, 'cityops_mqtt_messages_total');
      // Let the last events reach every client before counting.
      await sleep(1000);
      const streamed = seq1 - seq0;
      const report = await reader.ask<SseReport>({ cmd: 'report', atLeast: streamed }, 'report');
      const extra = (rss1 - rss0) / MiB;
      const heap = (heap1 - heap0) / MiB;
      ctx.log(
        `with ${open} clients on the server: RSS ${(rss1 / MiB).toFixed(0)} MiB (+${extra.toFixed(0)}), ` +
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
          on: label,
          note:
            `${((extra * 1024) / clients).toFixed(0)} KiB/client (heap +${heap.toFixed(0)} MiB); ` +
            `${report.open}/${clients} open, each got ${report.minEvents}–${report.maxEvents} events; ` +
            `${cores}; load ${loadAverage()}`,
        },
      ];
      if (report.open < clients || report.behind > 0) {
        figures.push({
          scenario: 'stream',
          name: 'stream clients dropped or missing events',
          value: Math.max(clients - report.open, report.behind),
          unit: 'clients',
          target: { max: 0 },
          on: label,
          note: `fewest events ${report.minEvents} of ${streamed}`,
        });
      }
      return figures;
    } finally {
      await gen.stop();
      await reader.stop();
      await served.stop();
      await b?.drop();
    }
  },
};
