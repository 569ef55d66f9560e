/**
 * CityOps subscribed to an external broker (a private Mosquitto 2 per suite):
 * readiness follows the connection, device messages are stored, refused ones
 * are acknowledged and counted (never redelivered), two instances in one
 * shared subscription split the messages with none lost or doubled, and
 * messages queued while CityOps was away arrive when it is back under the
 * same client ids. Skipped, visibly, where no `mosquitto` binary is found.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { sql } from '../../src/core/db/sql.js';
import type { Db } from '../../src/core/db/db.js';
import type { CityOps } from '../../src/main.js';
import { eventsTopic } from '../../src/mqtt/topics.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { ADMIN_PASSWORD, callerFor, type Caller, createAdmin } from '../support/app.js';
import { login, startCityOps } from '../events/harness.js';
import { buildDeviceOnNewAsset, pickWards, type TestDevice } from '../events/factories.js';
import { connectClient, metricOf, mosquittoBinary, until, useMosquitto } from './harness.js';

const bin = mosquittoBinary();
if (!bin) {
  process.stdout.write(
    '\n[cityops] no mosquitto binary (set CITYOPS_TEST_MOSQUITTO): the external broker tests are SKIPPED.\n',
  );
}

describe.skipIf(!bin)('MQTT through an external broker (Mosquitto)', { timeout: 60_000 }, () => {
  const mosquitto = useMosquitto(bin ?? 'mosquitto');
  let testDb: TestDb;
  let db: Db;
  let admin: Caller;
  let device: TestDevice;
  let publisher: MqttClient;
  const running: CityOps[] = [];

  async function subscriber(clientId: string, group: string): Promise<CityOps> {
    const { cityops } = await startCityOps(db, {
      env: { CITYOPS_MQTT_URL: `${mosquitto().url}?clientId=${clientId}` },
      options: { mqtt: { upstream: { group, connections: 2, maxReconnectMs: 1000 } } },
      listen: true,
    });
    running.push(cityops);
    await until(async () => (await cityops.app.inject('/readyz')).statusCode === 200, 30_000);
    return cityops;
  }

  async function stop(cityops: CityOps): Promise<void> {
    running.splice(running.indexOf(cityops), 1);
    await cityops.close();
  }

  const metric = async (cityops: CityOps, name: string, labels: string) =>
    metricOf((await cityops.app.inject('/metrics')).body, name, labels);

  /** QoS 1 messages without device event ids (so a redelivery would be stored twice), tagged by n. */
  async function publish(deviceId: string, from: number, count: number): Promise<void> {
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        publisher.publishAsync(
          eventsTopic(deviceId),
          JSON.stringify({ type: 'heartbeat', data: { n: from + i } }),
          { qos: 1 },
        ),
      ),
    );
  }

  async function storedNs(deviceId: string): Promise<number[]> {
    const rows = await db.query<{ n: number }>(
      sql`SELECT (data->>'n')::int AS n FROM events WHERE device_id = ${deviceId} ORDER BY 1`,
    );
    return rows.map((r) => r.n);
  }

  const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

  beforeAll(async () => {
    testDb = await openTestDb('pglite');
    db = testDb.db;
    const { cityops } = await startCityOps(db);
    running.push(cityops);
    await createAdmin(cityops, 'mqtt.upstream@test.local');
    admin = callerFor(cityops, await login(cityops, 'mqtt.upstream@test.local', ADMIN_PASSWORD));
    const [ward] = await pickWards(db, 1);
    device = await buildDeviceOnNewAsset(cityops, admin, ward!);
    publisher = await connectClient(mosquitto().url, { protocolVersion: 5 });
  });

  afterAll(async () => {
    publisher?.end(true);
    for (const c of [...running].reverse()) await c.close();
    await testDb?.drop();
  });

  const newId = (what: string) => `${what}-${randomBytes(3).toString('hex')}`;

  it('is ready once subscribed, not ready while the broker is down, ready again after it returns', async () => {
    const cityops = await subscriber(newId('ready'), newId('g'));
    expect((await cityops.app.inject('/readyz')).json()).toMatchObject({
      checks: { mqtt: 'ok' },
    });
    expect(await metric(cityops, 'cityops_mqtt_upstream_connected', '')).toBe(2);
    await mosquitto().stop();
    await until(async () => (await cityops.app.inject('/readyz')).statusCode === 503);
    await mosquitto().start();
    await until(async () => (await cityops.app.inject('/readyz')).statusCode === 200, 15_000);
    publisher.end(true);
    publisher = await connectClient(mosquitto().url, { protocolVersion: 5 });
    await stop(cityops);
  });

  it('stores device messages; acknowledges and counts refused ones without getting them again', async () => {
    const clientId = newId('refuse');
    const group = newId('g');
    const cityops = await subscriber(clientId, group);
    await publish(device.id, 1000, 20);
    await until(
      async () => (await storedNs(device.id)).filter((n) => n >= 1000).length === 20,
      30_000,
    );
    await publisher.publishAsync(eventsTopic(randomUUID()), '{"type":"heartbeat","data":{}}', {
      qos: 1,
    });
    await publisher.publishAsync('cityops/v1/devices/not-a-device/events', '{}', { qos: 1 });
    await publisher.publishAsync(eventsTopic(device.id), '{"type": ', { qos: 1 });
    await publisher.publishAsync(eventsTopic(device.id), '{"data": {}}', { qos: 1 });
    const refused = (reason: string) =>
      metric(cityops, 'cityops_mqtt_refused_total', `reason="${reason}",outcome="acked"`);
    // Up to a session's in-flight limit of messages are handled at once, so
    // the refusals may be counted in any order: wait for all of them.
    await until(
      async () =>
        (await refused('invalid')) === 1 &&
        (await refused('unknown_device')) === 2 &&
        (await refused('malformed')) === 1,
    );
    expect(await refused('unknown_device')).toBe(2);
    expect(await refused('malformed')).toBe(1);
    expect(await refused('invalid')).toBe(1);
    expect(await metric(cityops, 'cityops_mqtt_messages_total', 'result="stored"')).toBe(20);

    // Under the same client ids, nothing comes back: they were acknowledged.
    await stop(cityops);
    const again = await subscriber(clientId, group);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await metric(again, 'cityops_mqtt_messages_total', 'result="refused"')).toBe(0);
    expect((await storedNs(device.id)).filter((n) => n >= 1000)).toEqual(range(1000, 20));
    await stop(again);
  });

  it('splits the messages between two instances in one shared subscription, none lost or doubled', async () => {
    const group = newId('g');
    const a = await subscriber(newId('a'), group);
    const b = await subscriber(newId('b'), group);
    await publish(device.id, 2000, 400);
    await until(
      async () => (await storedNs(device.id)).filter((n) => n >= 2000).length >= 400,
      30_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await storedNs(device.id)).filter((n) => n >= 2000)).toEqual(range(2000, 400));
    const byA = await metric(a, 'cityops_mqtt_messages_total', 'result="stored"');
    const byB = await metric(b, 'cityops_mqtt_messages_total', 'result="stored"');
    expect(byA + byB).toBe(400);
    expect(byA).toBeGreaterThan(50);
    expect(byB).toBeGreaterThan(50);
    await stop(a);
    await stop(b);
  });

  it('delivers the messages queued while CityOps was away once it is back under the same client ids', async () => {
    const clientId = newId('away');
    const group = newId('g');
    await stop(await subscriber(clientId, group));
    await publish(device.id, 3000, 100);
    const back = await subscriber(clientId, group);
    await until(
      async () => (await storedNs(device.id)).filter((n) => n >= 3000).length >= 100,
      30_000,
    );
    expect((await storedNs(device.id)).filter((n) => n >= 3000)).toEqual(range(3000, 100));
    await stop(back);
  });
});
