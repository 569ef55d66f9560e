/**
 * MQTT ingestion, measured the way devices load CityOps: QoS 1, one small JSON
 * reading per message (three values, an id, the send time), from a fleet of
 * sensors connected through a load generator in its own process, with
 * threshold rules evaluated and one live-stream client reading every event
 * (also in its own process). Delivered = stored messages per second over the
 * window after a warm-up; every acknowledged message must be stored.
 *
 * In the same run, for comparison: the raw broker rate (Mosquitto, and Aedes
 * alone in its own process; QoS 1, the same payload, mqtt.js publisher and
 * subscriber processes) and the event store's own rate (the writer's
 * transaction alone, beside a plain INSERT of the same rows); and the
 * publish-to-stream latency at a paced 5,000 msg/s. CityOps runs on PostgreSQL
 * and on PGlite, with its embedded broker and subscribed to a private
 * Mosquitto (CITYOPS_MQTT_URL mode). Each figure's note says which process
 * used how much CPU and how loaded the machine was.
 *
 * The fleet stays under the per-device rate limit (50/s by default; 1,000
 * devices at 20,000 msg/s send 20/s each); the pipeline keeps its defaults, and
 * any refusal is printed.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type BenchContext, type Figure, type Scenario } from '../harness.js';
import { freshDb, type BenchDb } from '../support.js';
import { sql } from '../../packages/server/src/core/db/sql.js';
import { BenchChild } from '../lib/child.js';
import {
  counterOf,
  createFleet,
  histogramOf,
  createRules,
  loadDevices,
  refusals,
  startBenchCityOps,
  type BenchCityOps,
} from '../lib/cityops.js';
import { coresUsed, cpuSnapshot, loadAverage } from '../lib/cpu.js';
import type { LoadConfig, LoadDevice, LoadStats, SseReport, SubStats } from '../lib/load-types.js';
import { startMosquitto, type BenchBroker } from '../lib/mosquitto.js';
import { writerReference } from '../lib/writer-reference.js';

interface Params {
  devices: number;
  window: number;
  warmupS: number;
  measureS: number;
  latencyRate: number;
  spikeEvery: number;
}

const FULL: Params = {
  devices: 1000,
  window: 8,
  warmupS: 10,
  measureS: 30,
  latencyRate: 5000,
  spikeEvery: 10_000,
};
const QUICK: Params = {
  devices: 300,
  window: 8,
  warmupS: 3,
  measureS: 8,
  latencyRate: 5000,
  spikeEvery: 10_000,
};

/**
 * Which parts to run (for a closer look at one): CITYOPS_BENCH_INGEST_RUNS, a
 * comma-separated list of raw-mosquitto, raw-aedes, postgres:embedded,
 * postgres:mosquitto, postgres:writer, postgres:latency, pglite:embedded,
 * pglite:mosquitto, pglite:writer, pglite:latency. Default: all but
 * pglite:latency. The writer reference runs after a throughput run (it uses
 * that run's fleet).
 */
function wanted(run: string): boolean {
  const only = process.env.CITYOPS_BENCH_INGEST_RUNS;
  if (only) return only.split(',').includes(run);
  return run !== 'pglite:latency';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number) => Math.round(n).toLocaleString('en');

interface RawResult {
  rate: number;
  cores: string;
}

/** Publisher and subscriber processes through a bare broker: delivered msg/s at the subscriber. */
async function rawBrokerRate(
  url: string,
  brokerPid: number | undefined,
  p: Params,
): Promise<RawResult> {
  const sub = BenchChild.start('mqtt-sub.ts', 'subscriber');
  const pub = BenchChild.start('mqtt-load.ts', 'publisher');
  try {
    await sub.ask(
      { cmd: 'connect', config: { url, filter: 'bench/+/events', qos: 1 } },
      'connected',
    );
    const devices: LoadDevice[] = Array.from({ length: p.devices }, (_, i) => ({
      topic: `bench/${i}/events`,
    }));
    const config: LoadConfig = { url, devices, window: p.window, qos: 1, spikeEvery: 0 };
    await pub.ask({ cmd: 'connect', config }, 'connected', 120_000);
    await pub.ask({ cmd: 'go' }, 'going');
    await sleep(p.warmupS * 1000);
    const pids = { broker: brokerPid, publisher: pub.pid, subscriber: sub.pid };
    const s0 = await sub.ask<SubStats>({ cmd: 'stats' }, 'stats');
    const c0 = cpuSnapshot(pids);
    await sleep(p.measureS * 1000);
    const s1 = await sub.ask<SubStats>({ cmd: 'stats' }, 'stats');
    const seconds = (s1.at - s0.at) / 1000;
    const cores = coresUsed(c0, cpuSnapshot(pids), seconds);
    await pub.ask({ cmd: 'stop', drainMs: 5000 }, 'stopped', 30_000);
    return { rate: (s1.received - s0.received) / seconds, cores };
  } finally {
    await pub.stop();
    await sub.stop();
  }
}

async function rawAedesRate(p: Params): Promise<RawResult> {
  const broker = BenchChild.start('aedes-broker.ts', 'aedes');
  try {
    const { port } = await broker.ask<{ type: string; port: number }>(
      { cmd: 'listen' },
      'listening',
    );
    return await rawBrokerRate(`mqtt://127.0.0.1:${port}`, broker.pid, p);
  } finally {
    await broker.stop();
  }
}

type BrokerMode = 'embedded' | 'mosquitto';

interface RunResult {
  rate: number;
  acked: number;
  stored: number;
  notStored: number;
  cores: string;
  elu: number;
  refused: string;
  stream: SseReport;
  sent: number;
  /** PostgreSQL checkpoints (of the whole server) that began in the measured window. */
  checkpoints?: number;
}

/** Checkpoints the PostgreSQL server has begun so far (timed and requested); undefined on PGlite. */
async function checkpointCount(b: BenchDb): Promise<number | undefined> {
  if (!b.url) return undefined;
  const [row] = await b.db.query<{ n: number }>(
    sql`SELECT (checkpoints_timed + checkpoints_req)::bigint AS n FROM pg_stat_bgwriter`,
  );
  return Number(row?.n ?? 0);
}

/** The event writer's transactions so far: how many, their events and their time. */
async function writerStats(app: BenchCityOps) {
  const size = await histogramOf(app, 'cityops_events_write_batch_size');
  const time = await histogramOf(app, 'cityops_events_write_seconds');
  return { count: size.count, events: size.sum, seconds: time.sum };
}

/** MQTT events stored after a seq. */
async function storedInDb(b: BenchDb, afterSeq: number): Promise<number> {
  const [row] = await b.db.query<{ n: number }>(
    sql`SELECT count(*)::int AS n FROM events WHERE seq > ${afterSeq} AND source = 'mqtt'`,
  );
  return row!.n;
}

async function lastSeq(b: BenchDb): Promise<number> {
  const [row] = await b.db.query<{ n: number }>(
    sql`SELECT last_seq::bigint AS n FROM event_seq WHERE id = 1`,
  );
  return Number(row?.n ?? 0);
}

/**
 * One CityOps over the database with the broker mode given; the generator
 * either as fast as acknowledgements allow or paced at `rate`.
 */
async function runCityOps(
  b: BenchDb,
  mode: BrokerMode,
  mosquitto: BenchBroker | null,
  p: Params,
  ctx: BenchContext,
  opts: { rate?: number; latency?: boolean; fleet: number },
): Promise<RunResult> {
  const external = mode === 'mosquitto';
  const app: BenchCityOps = await startBenchCityOps(b.db, {
    ...(external ? { mqttUrl: mosquitto!.url } : {}),
    options: {
      mqtt: {
        upstream: {
          // One stable id for every run, as the README asks of a deployment: each run takes
          // over the sessions of the one before. With an id per run, the previous run's
          // sessions stayed in the shared subscription until they expired, the broker went on
          // giving them their share of the messages, and those were lost with them (the
          // PGlite + Mosquitto run after the PostgreSQL one stalled at half its messages).
          clientId: `bench-${process.pid}`,
          sessionExpirySeconds: 60,
          // The default (8) unless a closer look asks for another number of sessions.
          ...(process.env.CITYOPS_BENCH_UPSTREAM_SESSIONS
            ? { connections: Number(process.env.CITYOPS_BENCH_UPSTREAM_SESSIONS) }
            : {}),
        },
      },
    },
  });
  const gen = BenchChild.start('mqtt-load.ts', 'generator');
  const reader = BenchChild.start('sse-reader.ts', 'stream reader');
  try {
    const fleet = await fleetOf(b, app, opts.fleet);
    const before = await lastSeq(b);
    await reader.ask(
      {
        cmd: 'open',
        config: {
          url: `${app.base}/api/v1/stream`,
          token: app.token,
          clients: 1,
          latency: opts.latency ?? false,
        },
      },
      'opened',
    );
    const config: LoadConfig = {
      url: external ? mosquitto!.url : app.mqttUrl!,
      devices: loadDevices(fleet, !external),
      window: p.window,
      qos: 1,
      spikeEvery: p.spikeEvery,
      ...(opts.rate ? { rate: opts.rate } : {}),
    };
    await gen.ask({ cmd: 'connect', config }, 'connected', 180_000);
    const stored = () => counterOf(app, 'cityops_mqtt_messages_total', { result: 'stored' });

    // On an external broker nothing slows the generator down: the backlog is kept
    // in bounds here, deep enough to keep every CityOps session busy.
    let backlogWatch: Promise<void> | undefined;
    let watching = external;
    if (external) {
      const maxBacklog = 5_000;
      backlogWatch = (async () => {
        let paused = false;
        while (watching) {
          const s = await gen.ask<LoadStats>({ cmd: 'stats' }, 'stats');
          const backlog = s.acked - (await stored());
          if (!paused && backlog > maxBacklog) {
            paused = true;
            gen.send({ cmd: 'pause' });
          } else if (paused && backlog < maxBacklog / 2) {
            paused = false;
            gen.send({ cmd: 'resume' });
          }
          await sleep(100);
        }
      })();
    }

    await gen.ask({ cmd: 'go' }, 'going');
    await sleep(p.warmupS * 1000);
    await reader.ask({ cmd: 'mark' }, 'marked');
    const pids = {
      server: process.pid,
      generator: gen.pid,
      stream: reader.pid,
      ...(external && mosquitto?.pid ? { broker: mosquitto.pid } : {}),
    };
    const database = b.url ? new URL(b.url).pathname.slice(1) : undefined;
    const c0 = cpuSnapshot(pids, database);
    const elu0 = performance.eventLoopUtilization();
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    const writes0 = await writerStats(app);
    const checkpoints0 = await checkpointCount(b);
    const n0 = await stored();
    const t0 = performance.now();
    const g0 = await gen.ask<LoadStats>({ cmd: 'stats' }, 'stats');
    for (let s = 0; s < p.measureS; s += 5) {
      await sleep(Math.min(5, p.measureS - s) * 1000);
      ctx.log(
        `   … ${fmt(((await stored()) - n0) / ((performance.now() - t0) / 1000))} msg/s stored so far`,
      );
    }
    const n1 = await stored();
    const seconds = (performance.now() - t0) / 1000;
    const g1 = await gen.ask<LoadStats>({ cmd: 'stats' }, 'stats');
    const elu = performance.eventLoopUtilization(elu0).utilization;
    loopDelay.disable();
    const delay = `${(loopDelay.percentile(50) / 1e6).toFixed(0)}/${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms`;
    const cores = coresUsed(c0, cpuSnapshot(pids, database), seconds);
    const stream = await reader.ask<SseReport>({ cmd: 'report' }, 'report');
    const writes1 = await writerStats(app);
    const checkpoints1 = await checkpointCount(b);
    const txs = Math.max(1, writes1.count - writes0.count);
    const perTx = (writes1.events - writes0.events) / txs;
    const txMs = ((writes1.seconds - writes0.seconds) / txs) * 1000;
    ctx.log(
      `   event writer: ${fmt(txs / seconds)} transactions/s, ${perTx.toFixed(0)} events and ` +
        `${txMs.toFixed(1)} ms each on average; server event loop delay p50/p99 ${delay}`,
    );

    const end = await gen.ask<LoadStats>({ cmd: 'stop', drainMs: 60_000 }, 'stopped', 90_000);
    watching = false;
    await backlogWatch;
    // External broker: what the broker acknowledged reaches CityOps a little later.
    const until = Date.now() + 120_000;
    let logged = Date.now();
    while ((await stored()) < end.acked && Date.now() < until) {
      await sleep(200);
      if (Date.now() - logged > 5000) {
        logged = Date.now();
        const up = app.cityops.mqtt.upstream;
        ctx.log(
          `   … draining: ${fmt(await stored())} of ${fmt(end.acked)} stored` +
            (up ? `, ${up.connected} broker sessions up` : ''),
        );
      }
    }
    const inDb = await storedInDb(b, before);
    return {
      rate: (n1 - n0) / seconds,
      acked: end.acked,
      stored: inDb,
      notStored: Math.max(0, end.acked - inDb),
      cores,
      elu,
      refused: await refusals(app),
      stream,
      sent: (g1.sent - g0.sent) / seconds,
      ...(checkpoints0 !== undefined && checkpoints1 !== undefined
        ? { checkpoints: checkpoints1 - checkpoints0 }
        : {}),
    };
  } finally {
    await gen.stop();
    await reader.stop();
    await app.close();
  }
}

const fleets = new WeakMap<BenchDb, Array<{ id: string; key: string; assetId: string }>>();

/** The database's sensor fleet (made once per database, through the first CityOps on it). */
async function fleetOf(b: BenchDb, app: BenchCityOps, n: number) {
  let fleet = fleets.get(b);
  if (!fleet || fleet.length < n) {
    fleet = await createFleet(app, n);
    await createRules(app);
    fleets.set(b, fleet);
  }
  return fleet.slice(0, n);
}

function pct(a: number, b: number): string {
  return `${((a / b) * 100).toFixed(0)}%`;
}

function rawFigure(on: string, raw: RawResult, at: string): Figure {
  return {
    scenario: 'ingest',
    name: 'raw broker: QoS 1 publish → subscribe (mqtt.js processes)',
    value: raw.rate,
    unit: 'msg/s',
    on,
    note: `${raw.cores}; ${at}`,
  };
}

export const ingestScenario: Scenario = {
  name: 'ingest',
  description:
    'MQTT QoS 1 → stored msg/s with rules and a stream client (PostgreSQL, PGlite; embedded broker and Mosquitto), beside the raw broker rates; publish-to-stream latency at 5,000 msg/s',
  async run(ctx) {
    const p = ctx.quick ? QUICK : FULL;
    const figures: Figure[] = [];
    const at = () => `load ${loadAverage()}`;
    const mosquitto = await startMosquitto();
    if (!mosquitto) ctx.log('no mosquitto binary: the Mosquitto figures are left out');
    try {
      ctx.log(`raw brokers (${p.devices} publishers, window ${p.window}, QoS 1), ${at()}`);
      const raws: Record<BrokerMode, RawResult | undefined> = {
        mosquitto: undefined,
        embedded: undefined,
      };
      if (mosquitto && wanted('raw-mosquitto')) {
        const raw = await rawBrokerRate(mosquitto.url, mosquitto.pid, p);
        ctx.log(`Mosquitto raw: ${fmt(raw.rate)} msg/s; ${raw.cores}`);
        figures.push(rawFigure('Mosquitto', raw, at()));
        raws.mosquitto = raw;
      }
      if (wanted('raw-aedes')) {
        const raw = await rawAedesRate(p);
        ctx.log(`Aedes raw: ${fmt(raw.rate)} msg/s; ${raw.cores}`);
        figures.push(rawFigure('Aedes alone', raw, at()));
        raws.embedded = raw;
      }

      const kinds = ctx.postgresUrl ? (['postgres', 'pglite'] as const) : (['pglite'] as const);
      for (const kind of kinds) {
        const modes = (['embedded', 'mosquitto'] as const).filter(
          (m) => wanted(`${kind}:${m}`) && (m === 'embedded' || mosquitto),
        );
        // Latency on PostgreSQL; on PGlite only when asked or when there is no PostgreSQL.
        const latency =
          wanted(`${kind}:latency`) ||
          (kind === 'pglite' && !ctx.postgresUrl && !process.env.CITYOPS_BENCH_INGEST_RUNS);
        if (modes.length === 0 && !latency) continue;
        const b = await freshDb(kind, ctx.postgresUrl);
        try {
          for (const mode of modes) {
            const raw = raws[mode];
            const rawName = mode === 'embedded' ? 'Aedes' : 'Mosquitto';
            const on = `${b.label}, ${mode === 'embedded' ? 'embedded broker' : 'Mosquitto'}`;
            ctx.log(`${on}: ${p.devices} devices, window ${p.window}, ${at()}`);
            const r = await runCityOps(b, mode, mosquitto, p, ctx, { fleet: p.devices });
            const ratio = raw
              ? `${pct(r.rate, raw.rate)} of raw ${rawName} (${fmt(raw.rate)}) in the same run`
              : `raw ${rawName} not measured`;
            ctx.log(
              `${on}: ${fmt(r.rate)} msg/s stored (generator sent ${fmt(r.sent)}/s${mode === 'mosquitto' ? ', held back to a bounded backlog' : ''}), ${ratio}; ` +
                `server event loop ${(r.elu * 100).toFixed(0)}% busy; ${r.cores}`,
            );
            ctx.log(
              `${on}: ${fmt(r.acked)} acknowledged, ${fmt(r.stored)} stored; the stream client ` +
                `(${r.stream.open ? 'still connected' : 'DROPPED'}) got ${fmt(r.stream.totalEvents)} ` +
                `events in the window, ${r.stream.outOfOrder} out of order` +
                (r.refused ? `; refused: ${r.refused}` : ''),
            );
            figures.push(
              {
                scenario: 'ingest',
                name: `MQTT QoS 1 → stored, ${p.devices} devices, 3 rules, 1 stream client`,
                value: r.rate,
                unit: 'msg/s',
                target: { min: kind === 'postgres' ? 10_000 : 3_000 },
                on,
                note: `${ratio}; ${r.cores}; ${at()}`,
              },
              {
                scenario: 'ingest',
                name: 'acknowledged but not stored',
                value: r.notStored,
                unit: 'msg',
                target: { max: 0 },
                on,
                note: `${fmt(r.acked)} acked, ${fmt(r.stored)} stored${r.refused ? `; refused: ${r.refused}` : ''}`,
              },
            );
          }
          const fleet = fleets.get(b);
          if (fleet && wanted(`${kind}:writer`)) {
            const ref = await writerReference(b.db, fleet, ctx.quick ? 10 : 30);
            const writerRate = 1000 / (ref.writerMs / 1000);
            const rawRate = 1000 / (ref.rawMs / 1000);
            ctx.log(
              `${b.label}: the event writer's transaction alone, 1,000 events: ${ref.writerMs.toFixed(0)} ms ` +
                `(${fmt(writerRate)} events/s); plain INSERT … unnest: ${ref.rawMs.toFixed(0)} ms (${fmt(rawRate)}/s)`,
            );
            figures.push(
              {
                scenario: 'ingest',
                name: 'event writer transaction alone (storeEvents), 1,000 events',
                value: writerRate,
                unit: 'events/s',
                on: b.label,
                note: `${ref.writerMs.toFixed(0)} ms each; ${pct(writerRate, rawRate)} of the raw INSERT; ${at()}`,
              },
              {
                scenario: 'ingest',
                name: 'same rows, raw INSERT … unnest reference',
                value: rawRate,
                unit: 'events/s',
                on: b.label,
                note: `${ref.rawMs.toFixed(0)} ms per 1,000 rows`,
              },
            );
          }
          if (latency) {
            // The throughput runs just before wrote at 15,000+ msg/s and left what a steady
            // 5,000/s does not: hundreds of thousands of rows autovacuum has not reached yet,
            // and dirty pages and WAL for a checkpoint. Both done here, as a database long in
            // use has them, so that the latency run does not pay for them (its note counts
            // the checkpoints that still began in its window).
            if (b.url) {
              await b.db.exec('VACUUM (ANALYZE) events, asset_state');
              await b.db.exec('CHECKPOINT');
            }
            ctx.log(`${b.label}: latency at ${fmt(p.latencyRate)} msg/s paced, ${at()}`);
            const r = await runCityOps(b, 'embedded', mosquitto, p, ctx, {
              fleet: p.devices,
              rate: p.latencyRate,
              latency: true,
            });
            const l = r.stream.latency!;
            ctx.log(
              `${b.label}: publish → stream p50 ${l.p50} ms, p99 ${l.p99} ms, max ${l.max} ms over ` +
                `${fmt(l.n)} events; stored ${fmt(r.rate)} msg/s; ${r.cores}`,
            );
            const on = `${b.label}, embedded broker`;
            figures.push(
              {
                scenario: 'ingest',
                name: 'publish → stream client latency p50',
                value: l.p50,
                unit: 'ms',
                on,
                note: `at ${fmt(r.rate)} msg/s stored (paced ${fmt(p.latencyRate)}), ${fmt(l.n)} samples; ${at()}`,
              },
              {
                scenario: 'ingest',
                name: 'publish → stream client latency p99',
                value: l.p99,
                unit: 'ms',
                ...(kind === 'postgres' ? { target: { max: 100 } } : {}),
                on,
                note: `max ${l.max} ms; ${r.checkpoints !== undefined ? `${r.checkpoints} PostgreSQL checkpoints began in the window; ` : ''}${r.cores}`,
              },
            );
          }
        } finally {
          await b.drop();
        }
      }
    } finally {
      await mosquitto?.stop();
    }
    return figures;
  },
};
