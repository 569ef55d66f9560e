/**
 * The external-broker subscriber (a private Mosquitto 2) while the store is
 * slow: one MQTT session hands the event writer many messages at once (not
 * one at a time), acknowledges none of them before COMMIT, and keeps its
 * connection (keep alive answered) while they wait. The store is made to wait
 * by a transaction holding the event sequence counter. Skipped, visibly,
 * where no `mosquitto` binary is found.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { sql } from '../../src/core/db/sql.js';
import type { CityOps } from '../../src/main.js';
import { eventsTopic } from '../../src/mqtt/topics.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { ADMIN_PASSWORD, callerFor, createAdmin } from '../support/app.js';
import { login, startCityOps } from '../events/harness.js';
import { buildDeviceOnNewAsset, pickWards, type TestDevice } from '../events/factories.js';
import { connectClient, metricOf, mosquittoBinary, sleep, until, useMosquitto } from './harness.js';

const bin = mosquittoBinary();
if (!bin) {
  process.stdout.write(
    '\n[cityops] no mosquitto binary (set CITYOPS_TEST_MOSQUITTO): the external broker tests are SKIPPED.\n',
  );
}

const KEEPALIVE_S = 2;

describe.skipIf(!bin)('MQTT upstream with a slow store', { timeout: 90_000 }, () => {
  const mosquitto = useMosquitto(bin ?? 'mosquitto');
  let testDb: TestDb;
  let cityops: CityOps;
  let device: TestDevice;
  let publisher: MqttClient;

  const metric = async (name: string, labels = '') =>
    metricOf((await cityops.app.inject('/metrics')).body, name, labels);
  const stored = async () =>
    (
      await testDb.db.query<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM events WHERE device_id = ${device.id}`,
      )
    )[0]!.n;

  beforeAll(async () => {
    testDb = await openTestDb('pglite');
    const { cityops: setup } = await startCityOps(testDb.db);
    await createAdmin(setup, 'mqtt.inflight@test.local');
    const admin = callerFor(setup, await login(setup, 'mqtt.inflight@test.local', ADMIN_PASSWORD));
    const [ward] = await pickWards(testDb.db, 1);
    device = await buildDeviceOnNewAsset(setup, admin, ward!);
    await setup.close();
    const clientId = `inflight-${randomBytes(3).toString('hex')}`;
    ({ cityops } = await startCityOps(testDb.db, {
      env: { CITYOPS_MQTT_URL: `${mosquitto().url}?clientId=${clientId}` },
      options: {
        mqtt: {
          upstream: {
            group: clientId,
            connections: 1,
            inFlight: 50,
            keepaliveSeconds: KEEPALIVE_S,
            maxReconnectMs: 1000,
          },
        },
      },
      listen: true,
    }));
    await until(async () => (await cityops.app.inject('/readyz')).statusCode === 200, 30_000);
    publisher = await connectClient(mosquitto().url, { protocolVersion: 5 });
  });

  afterAll(async () => {
    publisher?.end(true);
    await cityops?.close();
    await testDb?.drop();
  });

  const publish = (from: number, count: number) =>
    Promise.all(
      Array.from({ length: count }, (_, i) =>
        publisher.publishAsync(
          eventsTopic(device.id),
          JSON.stringify({ id: `m-${from + i}`, type: 'heartbeat', data: { n: from + i } }),
          { qos: 1 },
        ),
      ),
    );

  it('takes many messages of one session at once, acknowledges after COMMIT, and stays connected', async () => {
    // One message first: the device is known and cached before the store is held.
    await publish(0, 1);
    await until(async () => (await stored()) === 1);

    let release: () => void = () => undefined;
    let held: () => void = () => undefined;
    const isHeld = new Promise<void>((r) => (held = r));
    const holding = testDb.db.transaction(async (tx) => {
      await tx.query(sql`SELECT last_seq FROM event_seq WHERE id = 1 FOR UPDATE`);
      held();
      await new Promise<void>((r) => (release = r));
    });
    await isHeld;
    await publish(1, 40);
    // Forty messages reach the writer (one batch waiting on the counter, the rest queued),
    // though no PUBACK has gone back to the broker.
    await until(async () => (await metric('cityops_events_queue_depth')) >= 30, 15_000);
    expect(await metric('cityops_mqtt_messages_total', 'result="stored"')).toBe(1);

    // Three keep-alive periods with everything held: the session stays up.
    const seen: number[] = [];
    const until3 = Date.now() + 3 * KEEPALIVE_S * 1000;
    while (Date.now() < until3) {
      seen.push(await metric('cityops_mqtt_upstream_connected'));
      await sleep(250);
    }
    expect(seen.every((n) => n === 1)).toBe(true);

    release();
    await holding;
    await until(async () => (await stored()) === 41, 15_000);
    await until(
      async () => (await metric('cityops_mqtt_messages_total', 'result="stored"')) === 41,
      15_000,
    );
    // Acknowledged once each: nothing comes back from the broker later.
    await sleep(1500);
    expect(await stored()).toBe(41);
    expect(await metric('cityops_mqtt_messages_total', 'result="duplicate"')).toBe(0);
  });
});
