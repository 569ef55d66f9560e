/**
 * /api/v1/alert-rules: each kind created and read back, validation errors that
 * name the field, PostGIS checks of geofence areas, scope, permissions,
 * patching (enable/disable, severity, fields), deletion, audit.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AlertRule } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import { useEventsApp } from '../events/harness.js';
import { buildAsset, pickWards, type Ward } from '../events/factories.js';
import { createRule, squareAround } from './harness.js';

interface Problem {
  status: number;
  detail: string;
  errors?: Array<{ path: string; message: string }>;
}

describeEachDb('alert rules', (kind) => {
  const t = useEventsApp(kind);
  let wards: Ward[];
  let assetId: string;

  beforeAll(async () => {
    wards = await pickWards(t().cityops.db, 2);
    assetId = (await buildAsset(t().cityops.db, { ward: wards[0]!, type: 'sensor' })).id;
  });

  it('creates and reads back a rule of each kind', async () => {
    const { admin } = t();
    const threshold = await createRule(admin, {
      name: 'PM2.5 high',
      severity: 'warning',
      kind: 'threshold',
      assetType: 'sensor',
      eventType: 'env.reading',
      field: 'pm25',
      op: '>',
      value: 75,
      clearValue: 60,
      message: { vi: 'Bụi mịn PM2.5 cao', en: 'High PM2.5' },
      escalateAfterMinutes: 15,
    });
    expect(threshold).toMatchObject({
      kind: 'threshold',
      enabled: true,
      assetType: 'sensor',
      field: 'pm25',
      op: '>',
      value: 75,
      clearValue: 60,
      notify: [],
    });
    const silence = await createRule(admin, {
      name: 'Camera offline',
      severity: 'critical',
      kind: 'silence',
      assetId,
      seconds: 300,
    });
    expect(silence).toMatchObject({ kind: 'silence', assetId, seconds: 300 });
    const match = await createRule(admin, {
      name: 'Fire alarm',
      severity: 'critical',
      kind: 'match',
      eventType: 'fire.*',
      assetType: 'fire_panel',
    });
    expect(match).toMatchObject({ kind: 'match', eventType: 'fire.*' });
    const area = squareAround(wards[0]!.lon, wards[0]!.lat);
    const geofence = await createRule(admin, {
      name: 'Left the depot',
      severity: 'info',
      kind: 'geofence',
      assetId,
      area,
      on: 'leave',
    });
    expect(geofence).toMatchObject({ kind: 'geofence', on: 'leave', area: { type: 'Polygon' } });

    const read = await admin.get(`/api/v1/alert-rules/${threshold.id}`);
    expect(read.json<AlertRule>()).toEqual(threshold);
    const list = await admin.get('/api/v1/alert-rules?kind=silence');
    expect(list.json<{ items: AlertRule[] }>().items.map((r) => r.id)).toContain(silence.id);
    const page = await admin.get('/api/v1/alert-rules?limit=2');
    expect(page.json<{ items: AlertRule[]; nextCursor: string }>().nextCursor).toBeTruthy();
  });

  describe('refuses bad rules with a 400 naming the field', () => {
    const base = { name: 'x', severity: 'warning' };
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['no kind', { ...base }, 'kind'],
      ['an unknown kind', { ...base, kind: 'sometimes' }, 'kind'],
      ['a bad severity', { ...base, severity: 'huge', kind: 'match', eventType: 'a' }, 'severity'],
      ['neither assetId nor assetType', { ...base, kind: 'silence', seconds: 60 }, 'assetId'],
      [
        'both assetId and assetType',
        {
          ...base,
          kind: 'silence',
          seconds: 60,
          assetType: 'camera',
          assetId: '0190f5a0-0000-7000-8000-000000000000',
        },
        'assetId',
      ],
      [
        'an unknown op',
        {
          ...base,
          kind: 'threshold',
          assetType: 'sensor',
          eventType: 'a',
          field: 'v',
          op: '=>',
          value: 1,
        },
        'op',
      ],
      [
        '">" with a string',
        {
          ...base,
          kind: 'threshold',
          assetType: 'sensor',
          eventType: 'a',
          field: 'v',
          op: '>',
          value: 'x',
        },
        'value',
      ],
      [
        'a clearValue on the wrong side',
        {
          ...base,
          kind: 'threshold',
          assetType: 'sensor',
          eventType: 'a',
          field: 'v',
          op: '>',
          value: 10,
          clearValue: 12,
        },
        'clearValue',
      ],
      [
        'a bad field path',
        {
          ...base,
          kind: 'threshold',
          assetType: 'sensor',
          eventType: 'a',
          field: 'a b',
          op: '>',
          value: 1,
        },
        'field',
      ],
      ['too few seconds', { ...base, kind: 'silence', assetType: 'camera', seconds: 1 }, 'seconds'],
      ['a bad event type', { ...base, kind: 'match', eventType: 'Fire Alarm' }, 'eventType'],
      [
        'a ring that does not close',
        {
          ...base,
          kind: 'geofence',
          assetType: 'sensor',
          on: 'enter',
          area: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [1, 0],
                [1, 1],
                [0, 1],
              ],
            ],
          },
        },
        'area',
      ],
      ['an unknown field', { ...base, kind: 'match', eventType: 'a', colour: 'red' }, 'colour'],
      [
        'e-mail with neither to nor role',
        { ...base, kind: 'match', eventType: 'a', notify: [{ channel: 'email' }] },
        'notify.0.to',
      ],
    ];
    it.each(cases)('%s', async (_name, body, path) => {
      const res = await t().admin.post('/api/v1/alert-rules', body);
      expect(res.statusCode, res.body).toBe(400);
      const problem = res.json<Problem>();
      const paths = problem.errors?.map((e) => e.path) ?? [];
      expect(
        paths.some((p) => p === path || p.startsWith(`${path}.`)),
        paths.join(),
      ).toBe(true);
    });
  });

  it('refuses a self-intersecting area (PostGIS), an unknown asset, unit or webhook', async () => {
    const { admin } = t();
    const bowtie = {
      type: 'Polygon',
      coordinates: [
        [
          [105.8, 21.5],
          [105.9, 21.6],
          [105.9, 21.5],
          [105.8, 21.6],
          [105.8, 21.5],
        ],
      ],
    };
    const geo = await admin.post('/api/v1/alert-rules', {
      name: 'bowtie',
      severity: 'info',
      kind: 'geofence',
      assetType: 'sensor',
      area: bowtie,
      on: 'enter',
    });
    expect(geo.statusCode).toBe(400);
    expect(geo.json<Problem>().errors?.[0]).toMatchObject({ path: 'area' });
    expect(geo.json<Problem>().detail).toMatch(/intersection/i);

    const asset = await admin.post('/api/v1/alert-rules', {
      name: 'ghost',
      severity: 'info',
      kind: 'silence',
      assetId: '0190f5a0-0000-7000-8000-000000000000',
      seconds: 60,
    });
    expect(asset.statusCode).toBe(400);
    expect(asset.json<Problem>().errors?.[0]?.path).toBe('assetId');

    const unit = await admin.post('/api/v1/alert-rules', {
      name: 'nowhere',
      severity: 'info',
      kind: 'match',
      eventType: 'a',
      adminUnit: 'NO-SUCH-UNIT',
    });
    expect(unit.json<Problem>().errors?.[0]?.path).toBe('adminUnit');

    const hook = await admin.post('/api/v1/alert-rules', {
      name: 'hook',
      severity: 'info',
      kind: 'match',
      eventType: 'a',
      notify: [{ channel: 'webhook', webhookId: '0190f5a0-0000-7000-8000-000000000000' }],
    });
    expect(hook.json<Problem>().errors?.[0]?.path).toBe('notify.0.webhookId');
  });

  it('patches: disable and enable, severity, fields; the result is checked as a whole', async () => {
    const { admin, cityops } = t();
    const rule = await createRule(admin, {
      name: 'Water level',
      severity: 'info',
      kind: 'threshold',
      assetType: 'sensor',
      eventType: 'env.reading',
      field: 'waterLevel',
      op: '>=',
      value: 3,
    });
    const off = await admin.patch(`/api/v1/alert-rules/${rule.id}`, { enabled: false });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json<AlertRule>()).toMatchObject({ enabled: false });
    const on = await admin.patch(`/api/v1/alert-rules/${rule.id}`, {
      enabled: true,
      severity: 'critical',
      value: 4.5,
      clearValue: 4,
    });
    expect(on.json<AlertRule>()).toMatchObject({
      enabled: true,
      severity: 'critical',
      value: 4.5,
      clearValue: 4,
    });
    expect(on.json<AlertRule>().armedAt > rule.armedAt).toBe(true);
    const bad = await admin.patch(`/api/v1/alert-rules/${rule.id}`, { clearValue: 9 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<Problem>().errors?.[0]?.path).toBe('clearValue');
    const kindChange = await admin.patch(`/api/v1/alert-rules/${rule.id}`, { kind: 'match' });
    expect(kindChange.statusCode).toBe(400);
    const removed = await admin.patch(`/api/v1/alert-rules/${rule.id}`, { clearValue: null });
    expect(removed.json<AlertRule>().clearValue).toBeUndefined();

    const audit = await admin.get(`/api/v1/audit?entity=${rule.id}`);
    const actions = audit.json<{ items: Array<{ action: string }> }>().items.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['alert_rule.create', 'alert_rule.update']));

    const del = await admin.delete(`/api/v1/alert-rules/${rule.id}`);
    expect(del.statusCode).toBe(204);
    expect((await admin.get(`/api/v1/alert-rules/${rule.id}`)).statusCode).toBe(404);
    expect(cityops).toBeDefined();
  });

  it('keeps rules in scope: a ward supervisor sees province-wide rules and its own, edits only its own', async () => {
    const { admin, userWith } = t();
    const ward = wards[0]!.code;
    const other = wards[1]!.code;
    const sup = await userWith('supervisor', { units: [ward] });
    const provinceWide = await createRule(admin, {
      name: 'Province',
      severity: 'info',
      kind: 'match',
      eventType: 'province.test',
    });
    const otherWard = await createRule(admin, {
      name: 'Other ward',
      severity: 'info',
      kind: 'match',
      eventType: 'other.test',
      adminUnit: other,
    });
    const noUnit = await sup.post('/api/v1/alert-rules', {
      name: 'mine',
      severity: 'info',
      kind: 'match',
      eventType: 'mine.test',
    });
    expect(noUnit.statusCode).toBe(400);
    expect(noUnit.json<Problem>().errors?.[0]?.path).toBe('adminUnit');
    const outside = await sup.post('/api/v1/alert-rules', {
      name: 'mine',
      severity: 'info',
      kind: 'match',
      eventType: 'mine.test',
      adminUnit: other,
    });
    expect(outside.json<Problem>().errors?.[0]?.path).toBe('adminUnit');
    const mine = await createRule(sup, {
      name: 'mine',
      severity: 'info',
      kind: 'match',
      eventType: 'mine.test',
      adminUnit: ward,
    });

    expect((await sup.get(`/api/v1/alert-rules/${provinceWide.id}`)).statusCode).toBe(200);
    expect((await sup.get(`/api/v1/alert-rules/${otherWard.id}`)).statusCode).toBe(404);
    expect(
      (await sup.patch(`/api/v1/alert-rules/${otherWard.id}`, { enabled: false })).statusCode,
    ).toBe(404);
    expect(
      (await sup.patch(`/api/v1/alert-rules/${provinceWide.id}`, { enabled: false })).statusCode,
    ).toBe(403);
    expect((await sup.patch(`/api/v1/alert-rules/${mine.id}`, { enabled: false })).statusCode).toBe(
      200,
    );
    const ids = (await sup.get('/api/v1/alert-rules?limit=1000'))
      .json<{ items: AlertRule[] }>()
      .items.map((r) => r.id);
    expect(ids).toContain(mine.id);
    expect(ids).toContain(provinceWide.id);
    expect(ids).not.toContain(otherWard.id);
  });

  it('lets viewers and operators read rules but not write them', async () => {
    const { userWith } = t();
    const viewer = await userWith('viewer');
    const operator = await userWith('operator');
    expect((await viewer.get('/api/v1/alert-rules')).statusCode).toBe(200);
    const body = { name: 'v', severity: 'info', kind: 'match', eventType: 'a' };
    expect((await viewer.post('/api/v1/alert-rules', body)).statusCode).toBe(403);
    expect((await operator.post('/api/v1/alert-rules', body)).statusCode).toBe(403);
  });
});
