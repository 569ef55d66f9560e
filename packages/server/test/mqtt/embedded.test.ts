/**
 * The embedded broker with real MQTT clients: device sign-in, own-topic
 * publish and subscribe rules, QoS 0 and QoS 1 storage with the PUBACK after
 * COMMIT, idempotent retries, readiness. On PGlite and on PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { StoredEvent } from '@cityops/contracts';
import { sql } from '../../src/core/db/sql.js';
import { eventsTopic } from '../../src/mqtt/topics.js';
import { describeEachDb } from '../support/db.js';
import { closed, connectDevice, event, sleep, until, useMqttApp } from './harness.js';

describeEachDb('MQTT embedded broker', (kind) => {
  const t = useMqttApp(kind);

  async function storedIds(deviceId: string): Promise<string[]> {
    const rows = await t().cityops.db.query<{ device_event_id: string }>(
      sql`SELECT device_event_id FROM events WHERE device_id = ${deviceId} ORDER BY seq`,
    );
    return rows.map((r) => r.device_event_id);
  }

  it('is part of /readyz', async () => {
    const res = await t().admin.get('/readyz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ checks: { mqtt: 'ok', database: 'ok' } });
  });

  it('signs a device in with its id and key; refuses and counts a wrong key, an unknown device, a disabled one, no credentials', async () => {
    const { mqttPort, device, admin, metric } = t();
    const good = await device();
    const client = await connectDevice(mqttPort, good);
    client.end();

    const refused = (p: Promise<unknown>) => expect(p).rejects.toMatchObject({ code: 4 });
    await refused(connectDevice(mqttPort, { id: good.id, key: `${good.key.slice(0, -2)}xx` }));
    await refused(connectDevice(mqttPort, { id: randomUUID(), key: good.key }));
    await refused(connectDevice(mqttPort, { id: 'not-a-device', key: 'nothing' }));
    await refused(connectDevice(mqttPort, { id: '', key: '' }));

    const off = await device();
    const session = await connectDevice(mqttPort, off);
    expect((await admin.patch(`/api/v1/devices/${off.id}`, { disabled: true })).statusCode).toBe(
      200,
    );
    await refused(connectDevice(mqttPort, off));
    // A session opened before the device was disabled ends at its next message.
    session.publish(eventsTopic(off.id), event('after-disable'), { qos: 1 });
    await closed(session);
    expect(await storedIds(off.id)).toEqual([]);

    const failures = (reason: string) =>
      metric('cityops_mqtt_auth_failures_total', `reason="${reason}"`);
    expect(await failures('bad_key')).toBe(1);
    expect(await failures('unknown_device')).toBe(3);
    expect(await failures('missing_credentials')).toBe(1);
    expect(
      await metric('cityops_mqtt_refused_total', 'reason="unknown_device",outcome="disconnected"'),
    ).toBe(1);
  });

  it('answers a QoS 1 PUBACK only once the event is stored and queryable', async () => {
    const { mqttPort, device, admin } = t();
    const d = await device();
    const client = await connectDevice(mqttPort, d);
    await client.publishAsync(eventsTopic(d.id), event('first', { battery: 90 }), { qos: 1 });
    const res = await admin.get(`/api/v1/events?asset=${d.assetId}`);
    const items = res.json<{ items: StoredEvent[] }>().items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      deviceEventId: 'first',
      source: 'mqtt',
      type: 'heartbeat',
      deviceId: d.id,
    });

    // Many in flight at once: each PUBACK finds its own event stored.
    const ids = Array.from({ length: 40 }, (_, i) => `burst-${i}`);
    const found = await Promise.all(
      ids.map(async (id) => {
        await client.publishAsync(eventsTopic(d.id), event(id), { qos: 1 });
        const [row] = await t().cityops.db.query<{ n: number }>(
          sql`SELECT count(*)::int AS n FROM events WHERE device_id = ${d.id} AND device_event_id = ${id}`,
        );
        return row!.n;
      }),
    );
    expect(found).toEqual(ids.map(() => 1));
    client.end();
  });

  it('holds the QoS 1 PUBACK while the event cannot be committed', async () => {
    const { mqttPort, device, cityops } = t();
    const d = await device();
    const client = await connectDevice(mqttPort, d);
    await client.publishAsync(eventsTopic(d.id), event('warm-up'), { qos: 1 });
    let release = () => undefined as void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let locked = () => undefined as void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // The writer's first step is this lock: while it is held, nothing commits.
    const holding = cityops.db.transaction(async (tx) => {
      await tx.query(sql`SELECT last_seq FROM event_seq WHERE id = 1 FOR UPDATE`);
      locked();
      await gate;
    });
    await isLocked;
    let acked = false;
    const publishing = client
      .publishAsync(eventsTopic(d.id), event('held'), { qos: 1 })
      .then(() => (acked = true));
    await sleep(500);
    expect(acked).toBe(false);
    release();
    await holding;
    await publishing;
    expect(await storedIds(d.id)).toEqual(['warm-up', 'held']);
    client.end();
  });

  it('stores QoS 0 messages and arrays of events', async () => {
    const { mqttPort, device, metric } = t();
    const d = await device();
    const before = await metric('cityops_mqtt_messages_total', 'result="stored"');
    const client = await connectDevice(mqttPort, d);
    await client.publishAsync(eventsTopic(d.id), event('q0'), { qos: 0 });
    await client.publishAsync(
      eventsTopic(d.id),
      JSON.stringify([
        { id: 'a1', type: 'heartbeat', data: {} },
        { id: 'a2', type: 'heartbeat', data: {} },
      ]),
      { qos: 1 },
    );
    await until(async () => (await storedIds(d.id)).length === 3);
    expect((await storedIds(d.id)).sort()).toEqual(['a1', 'a2', 'q0']);
    expect(await metric('cityops_mqtt_messages_total', 'result="stored"')).toBe(before + 2);
    client.end();
  });

  it('stores a repeated device event id once (a retry after a lost PUBACK)', async () => {
    const { mqttPort, device, metric } = t();
    const d = await device();
    const before = await metric('cityops_mqtt_messages_total', 'result="duplicate"');
    const first = await connectDevice(mqttPort, d);
    await first.publishAsync(eventsTopic(d.id), event('once', { n: 1 }), { qos: 1 });
    first.end();
    const again = await connectDevice(mqttPort, d);
    await again.publishAsync(eventsTopic(d.id), event('once', { n: 1 }), { qos: 1 });
    again.end();
    expect(await storedIds(d.id)).toEqual(['once']);
    expect(await metric('cityops_mqtt_messages_total', 'result="duplicate"')).toBe(before + 1);
  });

  it("disconnects a device that publishes outside its own events topic; others' sessions go on", async () => {
    const { mqttPort, device, metric } = t();
    const a = await device();
    const b = await device();
    const other = await connectDevice(mqttPort, b);
    for (const topic of [eventsTopic(b.id), `cityops/v1/devices/${a.id}/status`, 'anything']) {
      const client = await connectDevice(mqttPort, a);
      client.publish(topic, event(`to-${topic}`), { qos: 1 });
      await closed(client);
    }
    expect(await storedIds(b.id)).toEqual([]);
    expect(await storedIds(a.id)).toEqual([]);
    expect(
      await metric('cityops_mqtt_refused_total', 'reason="forbidden_topic",outcome="disconnected"'),
    ).toBe(3);
    await other.publishAsync(eventsTopic(b.id), event('still-here'), { qos: 1 });
    expect(await storedIds(b.id)).toEqual(['still-here']);
    other.end();
  });

  it('grants subscriptions under the device prefix only, and relays no events', async () => {
    const { mqttPort, device, metric } = t();
    const a = await device();
    const b = await device();
    const client = await connectDevice(mqttPort, a);
    const filters = [
      `cityops/v1/devices/${a.id}/commands/#`,
      `cityops/v1/devices/${a.id}/#`,
      `cityops/v1/devices/${b.id}/#`,
      'cityops/v1/devices/+/events',
      '#',
    ];
    // mqtt.js reports a refused filter as an error; the SUBACK holds the codes.
    const granted = await new Promise<number[]>((resolve) =>
      client.subscribe(filters, { qos: 1 }, (_err, _subs, suback) =>
        resolve((suback as { granted: number[] }).granted),
      ),
    );
    expect(granted).toEqual([1, 1, 128, 128, 128]);
    expect(await metric('cityops_mqtt_subscribe_denied_total', '')).toBe(3);

    const received: string[] = [];
    client.on('message', (topic) => received.push(topic));
    await client.publishAsync(eventsTopic(a.id), event('not-echoed'), { qos: 1 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received).toEqual([]);
    client.end();
  });

  it('keeps the sessions of two devices that use the same client id apart', async () => {
    const { mqttPort, device, cityops } = t();
    const a = await device();
    const b = await device();
    const ca = await connectDevice(mqttPort, a, { clientId: 'gateway' });
    const cb = await connectDevice(mqttPort, b, { clientId: 'gateway' });
    await ca.publishAsync(eventsTopic(a.id), event('from-a'), { qos: 1 });
    await cb.publishAsync(eventsTopic(b.id), event('from-b'), { qos: 1 });
    expect(ca.connected && cb.connected).toBe(true);
    expect(cityops.mqtt.broker?.connectedClients).toBeGreaterThanOrEqual(2);
    ca.end();
    cb.end();
  });
});
