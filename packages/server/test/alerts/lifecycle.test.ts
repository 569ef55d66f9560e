/**
 * /api/v1/alerts: acknowledge and resolve with who and when, invalid
 * transitions (409), a note too long (400), history and audit, filters and
 * pages, and scope: a ward operator neither sees nor acts on another ward's
 * alerts (404); a viewer reads but cannot act (403).
 */
import { beforeAll, expect, it } from 'vitest';
import type { Alert, AlertDetail } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { useEventsApp } from '../events/harness.js';
import { buildAsset, buildDevice, ingest, pickWards, type Ward } from '../events/factories.js';
import type { Caller } from '../support/app.js';
import { alertsOfRule, createRule, listAlerts } from './harness.js';

describeEachDb('alert lifecycle', (kind) => {
  const t = useEventsApp(kind);
  let wards: Ward[];
  let inA: Alert;
  let inB: Alert;
  let ruleId: string;
  let opA: Caller & { id: string };
  let opB: Caller & { id: string };

  beforeAll(async () => {
    const { cityops, admin, userWith } = t();
    await cityops.alerts.engine.start();
    wards = await pickWards(cityops.db, 2);
    const rule = await createRule(admin, {
      name: 'Door forced',
      severity: 'warning',
      kind: 'match',
      eventType: 'door.forced',
    });
    ruleId = rule.id;
    for (const ward of wards) {
      const asset = await buildAsset(cityops.db, { ward, type: 'sensor' });
      const device = await buildDevice(admin, asset.id);
      const res = await ingest(cityops, device.key, { type: 'door.forced' });
      expect(res.statusCode).toBe(202);
    }
    const alerts = await alertsOfRule(admin, rule.id, 2);
    inA = alerts.find((a) => a.adminUnit === wards[0]!.code)!;
    inB = alerts.find((a) => a.adminUnit === wards[1]!.code)!;
    opA = await userWith('operator', { units: [wards[0]!.code] });
    opB = await userWith('operator', { units: [wards[1]!.code] });
  });

  it('acknowledges, then resolves with a note; each step says who and when', async () => {
    const ack = await opA.post(`/api/v1/alerts/${inA.id}/acknowledge`, { note: 'Đang kiểm tra' });
    expect(ack.statusCode, ack.body).toBe(200);
    const acked = ack.json<AlertDetail>();
    expect(acked).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: { type: 'user', id: opA.id },
      resolvedAt: null,
    });
    expect(Date.parse(acked.acknowledgedAt!)).toBeGreaterThan(Date.parse(acked.openedAt) - 1);

    const again = await opA.post(`/api/v1/alerts/${inA.id}/acknowledge`);
    expect(again.statusCode).toBe(409);
    expect(again.json<{ detail: string }>().detail).toMatch(/acknowledged; only an open alert/);

    const res = await opA.post(`/api/v1/alerts/${inA.id}/resolve`, {
      note: 'False alarm, door re-locked',
    });
    expect(res.statusCode, res.body).toBe(200);
    const resolved = res.json<AlertDetail>();
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolvedBy: { type: 'user', id: opA.id },
      note: 'False alarm, door re-locked',
    });
    expect(resolved.history.map((h) => [h.action, h.fromStatus, h.toStatus, h.actor.type])).toEqual(
      [
        ['opened', null, 'open', 'system'],
        ['acknowledged', 'open', 'acknowledged', 'user'],
        ['resolved', 'acknowledged', 'resolved', 'user'],
      ],
    );
    expect(resolved.history[1]!.note).toBe('Đang kiểm tra');

    expect((await opA.post(`/api/v1/alerts/${inA.id}/resolve`)).statusCode).toBe(409);
    const ackResolved = await opA.post(`/api/v1/alerts/${inA.id}/acknowledge`);
    expect(ackResolved.statusCode).toBe(409);
    expect(ackResolved.json<{ detail: string }>().detail).toMatch(/resolved/);

    const audit = await t().admin.get(`/api/v1/audit?entity=${inA.id}`);
    const actions = audit.json<{ items: Array<{ action: string; actorId: string | null }> }>()
      .items;
    expect(actions.map((a) => a.action).sort()).toEqual([
      'alert.acknowledge',
      'alert.open',
      'alert.resolve',
    ]);
  });

  it('refuses a note longer than 2000 characters, changing nothing', async () => {
    const res = await opB.post(`/api/v1/alerts/${inB.id}/resolve`, { note: 'x'.repeat(2001) });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ errors: Array<{ path: string }> }>().errors[0]!.path).toBe('note');
    const ok = await opB.get(`/api/v1/alerts/${inB.id}`);
    expect(ok.json<AlertDetail>().status).toBe('open');
  });

  it('keeps a ward operator to its ward: another ward’s alert is not found, to read or act on', async () => {
    expect((await opA.get(`/api/v1/alerts/${inB.id}`)).statusCode).toBe(404);
    expect((await opA.post(`/api/v1/alerts/${inB.id}/acknowledge`)).statusCode).toBe(404);
    expect((await opA.post(`/api/v1/alerts/${inB.id}/resolve`)).statusCode).toBe(404);
    const seen = (await listAlerts(opA)).map((a) => a.id);
    expect(seen).toContain(inA.id);
    expect(seen).not.toContain(inB.id);
    const filtered = await listAlerts(opA, `adminUnit=${wards[1]!.code}`);
    expect(filtered).toEqual([]);
  });

  it('lets a viewer read alerts but not act on them', async () => {
    const viewer = await t().userWith('viewer');
    expect((await viewer.get(`/api/v1/alerts/${inB.id}`)).statusCode).toBe(200);
    expect((await viewer.post(`/api/v1/alerts/${inB.id}/acknowledge`)).statusCode).toBe(403);
  });

  it('filters by status, asset, severity, admin unit and rule, and pages', async () => {
    const { admin } = t();
    const ids = (q: string) => listAlerts(admin, q).then((items) => items.map((a) => a.id));
    expect(await ids(`rule=${ruleId}&status=resolved`)).toEqual([inA.id]);
    expect(await ids(`rule=${ruleId}&status=open`)).toEqual([inB.id]);
    expect(await ids(`rule=${ruleId}&status=open,acknowledged`)).toEqual([inB.id]);
    expect(await ids(`rule=${ruleId}&status=resolved,open`)).toEqual(
      [inB.id, inA.id].sort().reverse(),
    );
    expect(await ids(`asset=${inB.assetId}`)).toEqual([inB.id]);
    expect(await ids(`rule=${ruleId}&severity=critical`)).toEqual([]);
    expect(await ids(`rule=${ruleId}&adminUnit=${wards[1]!.code}`)).toEqual([inB.id]);
    const first = await admin.get(`/api/v1/alerts?rule=${ruleId}&limit=1`);
    const page = first.json<{ items: Alert[]; nextCursor: string }>();
    expect(page.items).toHaveLength(1);
    const second = await admin.get(
      `/api/v1/alerts?rule=${ruleId}&limit=1&cursor=${page.nextCursor}`,
    );
    const rest = second.json<{ items: Alert[]; nextCursor: string | null }>();
    expect(rest.items).toHaveLength(1);
    expect(rest.items[0]!.id).not.toBe(page.items[0]!.id);
    expect((await admin.get('/api/v1/alerts?status=closed')).statusCode).toBe(400);
  });
});
