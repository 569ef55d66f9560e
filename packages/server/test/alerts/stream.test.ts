/**
 * Alert changes on the live stream, over real HTTP: `event: alert` frames
 * (stored `alert.*` events) for opening and acknowledging, in the caller's
 * scope, and replayed after a reconnect with Last-Event-ID.
 */
import { expect, it } from 'vitest';
import type { AlertMessage } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { useEventsApp } from '../events/harness.js';
import { buildAsset, buildDevice, ingest, pickWards } from '../events/factories.js';
import { subscribe, type SseConnection } from '../stream/sse.js';
import { createRule } from './harness.js';

const auth = (token: string | null) => ({ authorization: `Bearer ${token}` });

/** The alert messages a connection got: `event: alert` frames, their data's `data`. */
function alertsIn(c: SseConnection): Array<{ id: number; type: string; message: AlertMessage }> {
  return c.events
    .filter((e) => e.event === 'alert')
    .map((e) => {
      const stored = e.data as unknown as { type: string; data: AlertMessage };
      return { id: e.id, type: stored.type, message: stored.data };
    });
}

describeEachDb('alerts on the live stream', (kind) => {
  const t = useEventsApp(kind, { listen: true, options: { stream: { heartbeatMs: 500 } } });

  it('sends each change as event: alert, scope-filtered, and replays it on resume', async () => {
    const { cityops, admin, url, userWith } = t();
    const [a, b] = await pickWards(cityops.db, 2);
    const devices = [];
    for (const ward of [a!, b!]) {
      const asset = await buildAsset(cityops.db, { ward, type: 'sensor' });
      devices.push(await buildDevice(admin, asset.id));
    }
    const opB = await userWith('operator', { units: [b!.code] });
    const rule = await createRule(admin, {
      name: 'Smoke',
      severity: 'critical',
      kind: 'match',
      eventType: 'smoke.detected',
    });
    const all = await subscribe(url, '/api/v1/stream', auth(admin.token));
    const wardB = await subscribe(url, '/api/v1/stream?types=alert.*', auth(opB.token));

    await ingest(cityops, devices[0]!.key, { type: 'smoke.detected' });
    await all.until((c) => alertsIn(c).length >= 1);
    const [opened] = alertsIn(all);
    expect(opened).toMatchObject({
      type: 'alert.opened',
      message: {
        ruleId: rule.id,
        assetId: devices[0]!.assetId,
        status: 'open',
        severity: 'critical',
        title: 'Smoke',
        adminUnit: a!.code,
        change: 'opened',
      },
    });

    const ack = await admin.post(`/api/v1/alerts/${opened!.message.id}/acknowledge`);
    expect(ack.statusCode).toBe(200);
    await all.until((c) => alertsIn(c).length >= 2);
    expect(alertsIn(all)[1]).toMatchObject({
      type: 'alert.acknowledged',
      message: { id: opened!.message.id, status: 'acknowledged', change: 'acknowledged' },
    });

    await ingest(cityops, devices[1]!.key, { type: 'smoke.detected' });
    await wardB.until((c) => alertsIn(c).length >= 1);
    await all.until((c) => alertsIn(c).length >= 3);
    expect(alertsIn(wardB).map((x) => x.message.adminUnit)).toEqual([b!.code]);
    expect(wardB.events.every((e) => e.event === 'alert')).toBe(true);
    all.close();
    wardB.close();

    const resumed = await subscribe(url, '/api/v1/stream?types=alert.*', {
      ...auth(admin.token),
      'last-event-id': String(opened!.id - 1),
    });
    await resumed.until((c) => alertsIn(c).length >= 3);
    expect(alertsIn(resumed).map((x) => x.type)).toEqual([
      'alert.opened',
      'alert.acknowledged',
      'alert.opened',
    ]);
    resumed.close();
  });
});
