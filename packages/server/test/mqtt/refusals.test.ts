/**
 * Bad input on the embedded broker: malformed and invalid messages are
 * acknowledged, dropped and counted while the device stays connected;
 * payloads over the ingest limit likewise; packets over the broker's limit
 * close the connection; a flooding device is rate-limited while another
 * device's messages are still stored promptly. Other devices never notice.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { sql } from '../../src/core/db/sql.js';
import { eventsTopic } from '../../src/mqtt/topics.js';
import { openTestDb } from '../support/db.js';
import { startCityOps } from '../events/harness.js';
import {
  closed,
  connectDevice,
  encodeQos0Publishes,
  event,
  freePort,
  sleep,
  useMqttApp,
} from './harness.js';
import type { TestDevice } from '../events/factories.js';

const RATE = 20;

describe('MQTT refusals on the embedded broker', () => {
  const t = useMqttApp('pglite', {
    options: { ingest: { ratePerSecond: RATE, burst: RATE, maxPayloadBytes: 8 * 1024 } },
  });

  async function stored(deviceId: string): Promise<number> {
    const [row] = await t().cityops.db.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM events WHERE device_id = ${deviceId}`,
    );
    return row!.n;
  }

  const refusedMetric = (reason: string, outcome: string) =>
    t().metric('cityops_mqtt_refused_total', `reason="${reason}",outcome="${outcome}"`);

  /** Another device publishing a QoS 1 event every 100 ms (under its rate); answers its PUBACK delays. */
  function steadyPublisher(client: MqttClient, device: TestDevice) {
    let running = true;
    const delays: number[] = [];
    const done = (async () => {
      for (let i = 0; running; i++) {
        const started = performance.now();
        await client.publishAsync(eventsTopic(device.id), event(`steady-${i}`), { qos: 1 });
        delays.push(performance.now() - started);
        await sleep(100);
      }
    })();
    return {
      async stop() {
        running = false;
        await done;
        return delays;
      },
    };
  }

  it('acknowledges, drops and counts malformed and invalid messages; the device stays connected', async () => {
    const { mqttPort, device } = t();
    const bad = await device();
    const good = await device();
    const other = await connectDevice(mqttPort, good);
    const steady = steadyPublisher(other, good);
    const client = await connectDevice(mqttPort, bad);
    const topic = eventsTopic(bad.id);
    await client.publishAsync(topic, '{"type": "heartbeat", ', { qos: 1 });
    await client.publishAsync(topic, JSON.stringify({ data: {} }), { qos: 1 });
    await client.publishAsync(topic, JSON.stringify({ type: 'traffic.count', data: {} }), {
      qos: 1,
    });
    await client.publishAsync(topic, 'not json at all', { qos: 0 });
    await client.publishAsync(topic, event('fine'), { qos: 1 });
    expect(client.connected).toBe(true);
    const delays = await steady.stop();

    expect(await stored(bad.id)).toBe(1);
    expect(await stored(good.id)).toBe(delays.length);
    expect(await refusedMetric('malformed', 'acked')).toBe(1);
    expect(await refusedMetric('invalid', 'acked')).toBe(2);
    expect(await refusedMetric('malformed', 'dropped')).toBe(1);
    expect(await t().metric('cityops_ingest_rejected_total', 'reason="malformed"')).toBe(2);
    client.end();
    other.end();
  });

  it('drops a payload over the ingest limit but closes the connection of a packet over the broker limit', async () => {
    const { mqttPort, device } = t();
    const d = await device();
    const other = await device();
    const bystander = await connectDevice(mqttPort, other);
    const client = await connectDevice(mqttPort, d);
    const padded = (bytes: number) =>
      JSON.stringify({ type: 'heartbeat', data: { pad: 'x'.repeat(bytes) } });
    // Over the 8 KiB payload limit, under the packet limit (payload limit + 1 KiB).
    await client.publishAsync(eventsTopic(d.id), padded(8 * 1024 + 200), { qos: 1 });
    expect(client.connected).toBe(true);
    expect(await refusedMetric('too_large', 'acked')).toBe(1);

    client.publish(eventsTopic(d.id), padded(64 * 1024), { qos: 1 });
    await closed(client);
    expect(await refusedMetric('packet_too_large', 'disconnected')).toBe(1);
    expect(await stored(d.id)).toBe(0);

    await bystander.publishAsync(eventsTopic(other.id), event('unaffected'), { qos: 1 });
    expect(await stored(other.id)).toBe(1);
    bystander.end();
  });

  it('rate-limits a flooding device without starving another', async () => {
    const { mqttPort, device } = t();
    const flooder = await device();
    const calm = await device();
    const before = await refusedMetric('rate_limited', 'dropped');
    const calmClient = await connectDevice(mqttPort, calm);
    const steady = steadyPublisher(calmClient, calm);
    const flood = await connectDevice(mqttPort, flooder);
    const sent = 3000;
    const packets = encodeQos0Publishes(
      eventsTopic(flooder.id),
      Array.from({ length: sent }, (_, i) => event(`f-${i}`)),
    );
    await new Promise((resolve) => flood.stream.write(packets, resolve));
    await flood.endAsync();
    await sleep(1000);
    const delays = await steady.stop();

    const dropped = (await refusedMetric('rate_limited', 'dropped')) - before;
    const floodStored = await stored(flooder.id);
    expect(floodStored).toBeGreaterThanOrEqual(RATE);
    expect(floodStored).toBeLessThan(sent / 4);
    expect(floodStored + dropped).toBe(sent);
    // The calm device: everything stored, none slowed to a crawl.
    expect(await stored(calm.id)).toBe(delays.length);
    expect(delays.length).toBeGreaterThanOrEqual(8);
    expect(Math.max(...delays)).toBeLessThan(1000);
    calmClient.end();
  });

  it('disconnects a device whose QoS 1 message is over its rate, without acknowledging it', async () => {
    const { mqttPort, device } = t();
    const d = await device();
    const before = await refusedMetric('rate_limited', 'disconnected');
    const client = await connectDevice(mqttPort, d);
    const acked: string[] = [];
    for (let i = 0; i < RATE * 3; i++) {
      const id = `q1-${i}`;
      client.publish(eventsTopic(d.id), event(id), { qos: 1 }, (err) => {
        if (!err) acked.push(id);
      });
    }
    await closed(client);
    client.end(true);
    expect(await refusedMetric('rate_limited', 'disconnected')).toBeGreaterThan(before);
    expect(acked.length).toBeLessThan(RATE * 3);
    // Whatever was acknowledged is stored.
    const rows = await t().cityops.db.query<{ device_event_id: string }>(
      sql`SELECT device_event_id FROM events WHERE device_id = ${d.id}`,
    );
    const storedIds = new Set(rows.map((r) => r.device_event_id));
    expect(acked.filter((id) => !storedIds.has(id))).toEqual([]);
  });
});

describe('MQTT broker start', () => {
  it('stops the start, naming CITYOPS_MQTT_PORT, when the port is taken', async () => {
    const port = await freePort();
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    const testDb = await openTestDb('pglite');
    try {
      await expect(
        startCityOps(testDb.db, { env: { CITYOPS_MQTT_PORT: String(port) }, listen: true }),
      ).rejects.toThrow(/^CITYOPS_MQTT_PORT: .*port is in use/);
    } finally {
      squatter.close();
      await testDb.drop();
    }
  });
});
