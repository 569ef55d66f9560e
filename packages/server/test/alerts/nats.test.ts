/**
 * Two CityOps instances (as two processes) on one database with the NATS bus:
 * their rules engines share the queue group, so each event is evaluated once
 * across both, one alert opens for a rule and asset whichever instance takes
 * the events, and its change reaches the stream clients of both instances.
 * Needs NATS with JetStream (CITYOPS_TEST_NATS_URL, default
 * nats://127.0.0.1:4222); skipped, visibly, when there is none.
 */
import { expect, it } from 'vitest';
import { describeEachDb } from '../support/db.js';
import type { Caller } from '../support/app.js';
import { natsAvailable, useTwoNodesOnNats } from '../support/nats.js';
import { sql } from '../../src/core/db/sql.js';
import { buildAsset, buildDevice, ingest, pickWards } from '../events/factories.js';
import { subscribe } from '../stream/sse.js';
import { createRule, eventually, listAlerts } from './harness.js';

const natsUp = await natsAvailable('the NATS alert tests are');

describeEachDb('alerts across two instances on NATS', (kind) => {
  const { nodes } = useTwoNodesOnNats(kind, { up: natsUp, name: 'alerts' });

  it.skipIf(!natsUp)(
    'evaluates each event once across both and streams the alert to both',
    async () => {
      const [a, b] = nodes();
      const [ward] = await pickWards(a.cityops.db, 1);
      const asset = await buildAsset(a.cityops.db, { ward: ward! });
      const device = await buildDevice(a.admin, asset.id);
      const rule = await createRule(a.admin, {
        name: 'Vibration',
        severity: 'warning',
        kind: 'match',
        eventType: 'vibration.high',
        assetId: asset.id,
      });
      const auth = (c: Caller) => ({ authorization: `Bearer ${c.token}` });
      const onA = await subscribe(a.url, '/api/v1/stream?types=alert.*', auth(a.admin));
      const onB = await subscribe(b.url, '/api/v1/stream?types=alert.*', auth(b.admin));
      const start = await a.cityops.events.service.lastSeq();
      const before = a.cityops.alerts.engine.evaluated + b.cityops.alerts.engine.evaluated;

      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          ingest((i % 2 ? b : a).cityops, device.key, { type: 'vibration.high', data: { n: i } }),
        ),
      );
      await onA.until((c) => c.events.some((e) => e.event === 'alert'));
      await onB.until((c) => c.events.some((e) => e.event === 'alert'));
      onA.close();
      onB.close();

      const stored = async () => {
        const [r] = await a.cityops.db.query<{ n: number }>(
          sql`SELECT count(*)::int AS n FROM events WHERE seq > ${start}`,
        );
        return r!.n;
      };
      await eventually(async () => {
        const evaluated =
          a.cityops.alerts.engine.evaluated + b.cityops.alerts.engine.evaluated - before;
        expect(evaluated).toBe(await stored());
      }, 15_000);
      const alerts = await listAlerts(a.admin, `rule=${rule.id}`);
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.status).toBe('open');
      expect(alerts[0]!.count).toBeGreaterThanOrEqual(1);
      expect(alerts[0]!.count).toBeLessThanOrEqual(30);
    },
  );
});
