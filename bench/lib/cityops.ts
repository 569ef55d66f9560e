/**
 * CityOps as the ingestion and stream benchmarks run it: in this process on a
 * free loopback port, with its embedded broker on a free port or subscribed to
 * an external broker, an administrator signed in, a fleet of sensors with one
 * device each, and a few threshold rules over their readings.
 */
import { loadConfig } from '../../packages/server/src/core/config.js';
import {
  createCityOps,
  type CityOps,
  type CityOpsOptions,
} from '../../packages/server/src/main.js';
import type { Db } from '../../packages/server/src/core/db/db.js';
import { sql } from '../../packages/server/src/core/db/sql.js';
import { systemActor } from '../../packages/server/src/core/auth/principal.js';
import { eventsTopic } from '../../packages/server/src/mqtt/topics.js';
import type { LoadDevice } from './load-types.js';
import { freePort } from './net.js';
import { signInAdministrator } from '../support.js';

export interface BenchCityOps {
  cityops: CityOps;
  base: string;
  token: string;
  /** The embedded broker's URL (none in external broker mode). */
  mqttUrl?: string;
  close(): Promise<void>;
}

/**
 * createCityOps options from CITYOPS_BENCH_OPTIONS (JSON), for a closer look
 * at a tuning: '{"events":{"writer":{"maxBatch":5000}}}'. None by default:
 * the figures are of CityOps as it ships.
 */
function tuning(): Partial<CityOpsOptions> {
  const json = process.env.CITYOPS_BENCH_OPTIONS;
  return json ? (JSON.parse(json) as Partial<CityOpsOptions>) : {};
}

export async function startBenchCityOps(
  db: Db,
  opts: { mqttUrl?: string; options?: Partial<CityOpsOptions> } = {},
): Promise<BenchCityOps> {
  const mqttPort = opts.mqttUrl ? 0 : await freePort();
  const config = loadConfig({
    CITYOPS_PORT: '0',
    CITYOPS_MQTT_PORT: String(mqttPort),
    ...(opts.mqttUrl ? { CITYOPS_MQTT_URL: opts.mqttUrl } : {}),
    // CITYOPS_BENCH_LOG=warn (or info…) shows the server's log during a closer look.
    CITYOPS_LOG_LEVEL: process.env.CITYOPS_BENCH_LOG ?? 'silent',
  });
  const cityops = await createCityOps({
    config,
    db,
    ...(process.env.CITYOPS_BENCH_LOG ? {} : { log: false }),
    ...opts.options,
    ...tuning(),
  });
  const base = await cityops.listen();
  const token = await signInAdministrator(cityops, base);
  if (opts.mqttUrl) {
    // External broker: ready once every session is subscribed.
    const until = Date.now() + 30_000;
    while (!cityops.mqtt.upstream?.ready()) {
      if (Date.now() > until) throw new Error('CityOps did not subscribe to the broker');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    cityops,
    base,
    token,
    ...(cityops.mqtt.broker ? { mqttUrl: `mqtt://127.0.0.1:${cityops.mqtt.broker.port}` } : {}),
    close: () => cityops.close(),
  };
}

/**
 * `n` sensors spread over central Thái Nguyên (each placed in its commune),
 * each with a device made through the devices service (its key hashed, audited).
 */
export async function createFleet(
  app: BenchCityOps,
  n: number,
): Promise<Array<{ id: string; key: string; assetId: string }>> {
  const { db } = app.cityops;
  const tag = `B${Date.now().toString(36)}`;
  const rows = await db.query<{ id: string }>(sql`
    INSERT INTO assets (id, type, code, name, geom, properties, status, search_text, admin_unit_code, created_at, updated_at)
    SELECT gen_random_uuid(), 'sensor', ${tag} || '-' || i, 'Cảm biến ' || i, g, '{}', 'online',
      lower(${tag} || '-' || i), admin_unit_at(g, current_date), now(), now()
    FROM (
      SELECT i, ST_SetSRID(ST_MakePoint(105.78 + (i % 40) * 0.003, 21.55 + (i / 40) * 0.002), 4326) AS g
      FROM generate_series(1, ${n}::int) i
    ) p
    RETURNING id`);
  const devices: Array<{ id: string; key: string; assetId: string }> = [];
  const scope = { all: true } as const;
  for (let i = 0; i < rows.length; i += 20) {
    const made = await Promise.all(
      rows.slice(i, i + 20).map(async ({ id: assetId }) => {
        const d = await app.cityops.devices.service.create(systemActor, scope, {
          assetId,
          name: 'Bench sensor',
        });
        return { id: d.id, key: d.key, assetId };
      }),
    );
    devices.push(...made);
  }
  return devices;
}

/** The fleet as the load generator sees it: its topic, and its sign-in on the embedded broker. */
export function loadDevices(
  fleet: Array<{ id: string; key: string }>,
  signIn: boolean,
): LoadDevice[] {
  return fleet.map((d) => ({
    topic: eventsTopic(d.id),
    ...(signIn ? { username: d.id, password: d.key } : {}),
  }));
}

/**
 * Threshold rules on the readings: two that never fire (PM2.5 above 500,
 * humidity at 100) and one that fires on the rare hot reading the generator
 * sends (temperature above 40 °C) and clears on the next normal one.
 */
export async function createRules(app: BenchCityOps): Promise<void> {
  const rules = [
    { name: 'PM2.5 nguy hại', field: 'pm25', op: '>', value: 500, severity: 'critical' },
    { name: 'Độ ẩm bão hòa', field: 'humidity', op: '>=', value: 100, severity: 'info' },
    { name: 'Nhiệt độ cao', field: 'temperature', op: '>', value: 40, severity: 'warning' },
  ];
  for (const r of rules) {
    const res = await fetch(`${app.base}/api/v1/alert-rules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${app.token}` },
      body: JSON.stringify({
        ...r,
        kind: 'threshold',
        assetType: 'sensor',
        eventType: 'env.reading',
      }),
    });
    if (res.status !== 201) throw new Error(`rule: ${res.status} ${await res.text()}`);
  }
}

/** A counter's value summed over the label sets that match `labels`. */
export async function counterOf(
  app: BenchCityOps,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = app.cityops.ctx.metrics.registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
    .reduce((s, v) => s + v.value, 0);
}

/** Refusals of MQTT messages by reason (rate limited, busy…), for the notes. */
export async function refusals(app: BenchCityOps): Promise<string> {
  const metric = app.cityops.ctx.metrics.registry.getSingleMetric('cityops_mqtt_refused_total');
  if (!metric) return '';
  const { values } = await metric.get();
  return values
    .filter((v) => v.value > 0)
    .map((v) => `${String(v.labels.reason)}/${String(v.labels.outcome)} ${v.value}`)
    .join(', ');
}

/** A histogram's sum and count so far (for means over a window). */
export async function histogramOf(
  app: BenchCityOps,
  name: string,
): Promise<{ sum: number; count: number }> {
  const metric = app.cityops.ctx.metrics.registry.getSingleMetric(name);
  if (!metric) return { sum: 0, count: 0 };
  const { values } = await metric.get();
  const total = (suffix: string) =>
    values
      .filter((v) => (v as { metricName?: string }).metricName === `${name}${suffix}`)
      .reduce((s, v) => s + v.value, 0);
  return { sum: total('_sum'), count: total('_count') };
}
