/**
 * The MQTT load generator, run in its own process (see child.ts): many mqtt.js
 * connections, one per device, each keeping a window of un-acknowledged QoS 1
 * publishes in flight; as fast as the PUBACKs come back, or paced at a total
 * rate. Every message has its own id and carries its send time
 * (`data.sentAt`, ms since the epoch) for the stream latency figure.
 *
 * Commands: `connect` (the devices, the window, the rate), `go`, `pause`,
 * `resume`, `stats`, `stop` (no new messages; waits for the ones in flight),
 * `exit`. It answers `connected`, `stats` and `stopped`.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { cpuSeconds, onCommands, tell, type Command } from './child.js';
import type { LoadConfig, LoadStats } from './load-types.js';

interface Conn {
  client: MqttClient;
  topic: string;
  prefix: string;
  inFlight: number;
  n: number;
}

let config: LoadConfig;
const conns: Conn[] = [];
let running = false;
let paused = false;
let issued = 0;
let sent = 0;
let acked = 0;
let errors = 0;
let closes = 0;
let startedAt = 0;
let pacer: NodeJS.Timeout | undefined;
let cursor = 0;

/** ~114 bytes: an id, the type and three readings, and the send time. */
function payload(c: Conn): string {
  const n = ++c.n;
  const g = issued++;
  // Now and then (one message in `spikeEvery`) a hot reading, for a rule that fires rarely.
  const hot = config.spikeEvery > 0 && g % config.spikeEvery === config.spikeEvery - 1;
  const temperature = hot ? 45.5 : 24 + (g % 97) / 10;
  const pm25 = 5 + (g % 613) / 10;
  const humidity = 40 + (g % 451) / 10;
  return (
    `{"id":"${c.prefix}-${n}","type":"env.reading","data":{"pm25":${pm25.toFixed(1)},` +
    `"temperature":${temperature.toFixed(1)},"humidity":${humidity.toFixed(1)},"sentAt":${Date.now()}}}`
  );
}

function publish(c: Conn): void {
  c.inFlight++;
  sent++;
  c.client.publish(c.topic, payload(c), { qos: config.qos }, (err) => {
    c.inFlight--;
    if (err) errors++;
    else acked++;
    if (!config.rate) pump(c);
  });
}

/** Unpaced: keep the window full. */
function pump(c: Conn): void {
  while (running && !paused && c.client.connected && c.inFlight < config.window) publish(c);
}

/** Paced: every few ms, the messages now due, spread over the connections in turn. */
function tick(): void {
  if (!running || paused || !config.rate) return;
  let due = Math.floor(((performance.now() - startedAt) / 1000) * config.rate) - sent;
  let idle = 0;
  while (due > 0 && idle < conns.length) {
    const c = conns[cursor++ % conns.length]!;
    if (c.client.connected && c.inFlight < config.window) {
      publish(c);
      due--;
      idle = 0;
    } else {
      idle++;
    }
  }
}

function connect(i: number): Promise<Conn> {
  const d = config.devices[i]!;
  const client = mqtt.connect(config.url, {
    protocolVersion: config.protocolVersion ?? 4,
    clientId: `bench-${process.pid}-${i}`,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: 30_000,
    keepalive: 60,
    ...(d.username ? { username: d.username, password: d.password } : {}),
  });
  return new Promise((resolve, reject) => {
    client.once('connect', () => {
      client.on('error', () => undefined);
      client.on('close', () => closes++);
      resolve({
        client,
        topic: d.topic,
        prefix: `${i.toString(36)}x${process.pid.toString(36)}`,
        inFlight: 0,
        n: 0,
      });
    });
    client.once('error', reject);
  });
}

function stats(): LoadStats {
  return {
    type: 'stats',
    sent,
    acked,
    errors,
    closes,
    inFlight: sent - acked - errors,
    cpuSeconds: cpuSeconds(),
    at: Date.now(),
  };
}

onCommands({
  async connect(m: Command) {
    config = m.config as LoadConfig;
    // A few at a time: a thousand at once would overflow the listen backlog.
    for (let i = 0; i < config.devices.length; i += 50) {
      const batch = [];
      for (let j = i; j < Math.min(config.devices.length, i + 50); j++) batch.push(connect(j));
      conns.push(...(await Promise.all(batch)));
    }
    tell({ type: 'connected', connections: conns.length });
  },
  go() {
    running = true;
    startedAt = performance.now();
    if (config.rate) pacer = setInterval(tick, 2);
    else for (const c of conns) pump(c);
    tell({ type: 'going' });
  },
  pause() {
    paused = true;
  },
  resume() {
    if (!paused) return;
    paused = false;
    if (config.rate) {
      // Paced: do not catch up on the time paused.
      startedAt = performance.now() - (sent / config.rate) * 1000;
    } else {
      for (const c of conns) pump(c);
    }
  },
  stats() {
    tell(stats());
  },
  async stop(m: Command) {
    running = false;
    clearInterval(pacer);
    const until = Date.now() + Number(m.drainMs ?? 30_000);
    while (sent - acked - errors > 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 20));
    }
    tell({ ...stats(), type: 'stopped' });
  },
  async exit() {
    await Promise.all(conns.map((c) => c.client.endAsync(true).catch(() => undefined)));
  },
});
