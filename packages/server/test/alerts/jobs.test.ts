/**
 * The periodic jobs with a clock the test moves: silence (a camera with no
 * heartbeat for 300 s, counted from the later of its last event and the rule's
 * arming; cleared when heard again; reopened; alert events do not count as
 * being heard) and escalation (severity up one step per period without
 * acknowledgement, the next role notified, at most to the last role).
 */
import { beforeAll, expect, it } from 'vitest';
import type { Alert } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { useEventsApp } from '../events/harness.js';
import {
  buildAsset,
  buildDevice,
  ingest,
  pickWards,
  type TestDevice,
  type Ward,
} from '../events/factories.js';
import { sql } from '../../src/core/db/sql.js';
import { outboxOfAlert } from '../../src/notifications/outbox.repo.js';
import { alertOf, alertsOfRule, createRule, eventually, FakeClock, listAlerts } from './harness.js';

const S = 1000;
const MIN = 60 * S;

describeEachDb('alert jobs', (kind) => {
  const clock = new FakeClock();
  // E-mail is configured (nothing is sent: the outbox worker is not started here).
  const t = useEventsApp(kind, { clock, env: { CITYOPS_SMTP_URL: 'smtp://127.0.0.1:9' } });
  let wards: Ward[];

  const camera = async (ward: Ward): Promise<TestDevice> => {
    const asset = await buildAsset(t().cityops.db, { ward, type: 'camera' });
    return buildDevice(t().admin, asset.id);
  };
  const heartbeat = async (d: TestDevice) =>
    expect((await ingest(t().cityops, d.key, { type: 'heartbeat' })).statusCode).toBe(202);
  const storedAlertEvents = async (assetId: string) => {
    const [r] = await t().cityops.db.query<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM events WHERE asset_id = ${assetId} AND type LIKE 'alert.%'`);
    return r!.n;
  };

  beforeAll(async () => {
    await t().cityops.alerts.engine.start();
    wards = await pickWards(t().cityops.db, 2);
  });

  it('silence: opens for a silent camera, clears when it is heard, reopens', async () => {
    const { admin, cityops } = t();
    const job = cityops.alerts.silence;
    const [talking, mute] = [await camera(wards[0]!), await camera(wards[0]!)];
    const elsewhere = await camera(wards[1]!);
    const rule = await createRule(admin, {
      name: 'Camera offline',
      severity: 'critical',
      kind: 'silence',
      assetType: 'camera',
      adminUnit: wards[0]!.code,
      seconds: 300,
    });
    expect((await job.runOnce()).ran).toBe(true);
    expect(await listAlerts(admin, `rule=${rule.id}`)).toEqual([]);

    clock.advance(200 * S);
    await heartbeat(talking);
    clock.advance(150 * S);
    const first = await job.runOnce();
    expect(first.changes.map((c) => [c.action, c.row.asset_id])).toEqual([
      ['opened', mute.assetId],
    ]);
    const [muteAlert] = await alertsOfRule(admin, rule.id, 1);
    expect(muteAlert).toMatchObject({
      kind: 'silence',
      severity: 'critical',
      status: 'open',
      lastEventSeq: null,
      details: { seconds: 300, lastSeenAt: null },
    });
    // The alert's own event is stored on the camera; it is not the camera being heard.
    await eventually(async () => expect(await storedAlertEvents(mute.assetId)).toBe(1));
    clock.advance(10 * S);
    expect((await job.runOnce()).changes).toEqual([]);

    clock.advance(200 * S);
    const second = await job.runOnce();
    expect(second.changes.map((c) => [c.action, c.row.asset_id])).toEqual([
      ['opened', talking.assetId],
    ]);
    const [talkingAlert] = await alertsOfRule(admin, rule.id, 2);

    await heartbeat(talking);
    const third = await job.runOnce();
    expect(third.changes.map((c) => [c.action, c.row.asset_id])).toEqual([
      ['cleared', talking.assetId],
    ]);
    const cleared = await alertOf(admin, talkingAlert!.id);
    expect(cleared).toMatchObject({ status: 'resolved', resolvedBy: { type: 'system' } });
    expect((await alertOf(admin, muteAlert!.id)).status).toBe('open');

    clock.advance(301 * S);
    const fourth = await job.runOnce();
    expect(fourth.changes.map((c) => [c.action, c.row.asset_id])).toEqual([
      ['opened', talking.assetId],
    ]);
    const all = await listAlerts(admin, `rule=${rule.id}`);
    expect(all.filter((a) => a.assetId === elsewhere.assetId)).toEqual([]);
    expect(all.filter((a) => a.status !== 'resolved')).toHaveLength(2);
  });

  it('silence: a disabled rule opens nothing; enabling it again starts the count afresh', async () => {
    const { admin, cityops } = t();
    const cam = await camera(wards[1]!);
    const rule = await createRule(admin, {
      name: 'Quiet',
      severity: 'warning',
      kind: 'silence',
      assetId: cam.assetId,
      seconds: 60,
      enabled: false,
    });
    clock.advance(10 * MIN);
    await cityops.alerts.silence.runOnce();
    expect(await listAlerts(admin, `rule=${rule.id}`)).toEqual([]);
    await admin.patch(`/api/v1/alert-rules/${rule.id}`, { enabled: true });
    clock.advance(30 * S);
    await cityops.alerts.silence.runOnce();
    expect(await listAlerts(admin, `rule=${rule.id}`)).toEqual([]);
    clock.advance(31 * S);
    await cityops.alerts.silence.runOnce();
    await alertsOfRule(admin, rule.id, 1);
  });

  it.skipIf(kind === 'pglite')(
    'silence: a process that cannot take the job lock skips the round (PostgreSQL; PGlite has one connection)',
    async () => {
      const { cityops } = t();
      await cityops.db.transaction(async (tx) => {
        await tx.query(sql`SELECT pg_advisory_xact_lock(72000020)`);
        expect((await cityops.alerts.silence.runOnce()).ran).toBe(false);
      });
      expect((await cityops.alerts.silence.runOnce()).ran).toBe(true);
    },
  );

  it('escalation: info → warning → critical, supervisor then administrator; acknowledged alerts stay', async () => {
    const { admin, cityops, userWith } = t();
    const job = cityops.alerts.escalation;
    const asset = await buildAsset(cityops.db, { ward: wards[0]!, type: 'sensor' });
    const device = await buildDevice(admin, asset.id);
    const other = await buildDevice(
      admin,
      (await buildAsset(cityops.db, { ward: wards[0]!, type: 'sensor' })).id,
    );
    const rule = await createRule(admin, {
      name: 'Water on the road',
      severity: 'info',
      kind: 'match',
      eventType: 'flood.detected',
      escalateAfterMinutes: 5,
    });
    await ingest(cityops, device.key, { type: 'flood.detected' });
    await ingest(cityops, other.key, { type: 'flood.detected' });
    const alerts = await alertsOfRule(admin, rule.id, 2);
    const alert = alerts.find((a) => a.assetId === asset.id)!;
    const acked = alerts.find((a) => a.assetId !== asset.id)!;
    const operator = await userWith('operator');
    expect((await operator.post(`/api/v1/alerts/${acked.id}/acknowledge`)).statusCode).toBe(200);

    clock.advance(4 * MIN);
    expect((await job.runOnce()).changes).toEqual([]);
    clock.advance(2 * MIN);
    expect((await job.runOnce()).changes.map((c) => c.row.id)).toEqual([alert.id]);
    let now = await alertOf(admin, alert.id);
    expect(now).toMatchObject({ severity: 'warning', escalationLevel: 1, status: 'open' });
    expect(now.history.at(-1)).toMatchObject({
      action: 'escalated',
      actor: { type: 'system' },
      severity: 'warning',
    });
    expect(now.history.at(-1)!.note).toMatch(/supervisor/);

    clock.advance(3 * MIN);
    expect((await job.runOnce()).changes).toEqual([]);
    clock.advance(2 * MIN);
    await job.runOnce();
    now = await alertOf(admin, alert.id);
    expect(now).toMatchObject({ severity: 'critical', escalationLevel: 2 });
    clock.advance(60 * MIN);
    expect((await job.runOnce()).changes).toEqual([]);
    expect((await alertOf(admin, acked.id)) as Alert).toMatchObject({
      severity: 'info',
      escalationLevel: 0,
    });

    const mails = (await outboxOfAlert(cityops.db, alert.id)).filter((r) => r.channel === 'email');
    expect(mails.map((m) => [m.event, m.target])).toEqual([
      ['alert.escalated', { channel: 'email', role: 'supervisor' }],
      ['alert.escalated', { channel: 'email', role: 'administrator' }],
    ]);
  });
});
