/** Devices through the API: keys shown once and stored hashed, disable, rotate, scope, audit. */
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeEachDb } from '../support/db.js';
import { sql } from '../../src/core/db/sql.js';
import { systemClock } from '../../src/core/clock.js';
import { DevicesService } from '../../src/devices/index.js';
import { useEventsApp } from '../events/harness.js';
import { buildAsset, buildDevice, ingest, pickWards, type Ward } from '../events/factories.js';

describeEachDb('devices', (kind) => {
  const t = useEventsApp(kind);
  let wards: Ward[];
  const ward = (i: number) => wards[i]!;

  it('creates a device with a key shown once, stored only as a hash, and audits it', async () => {
    const { cityops, admin } = t();
    wards = await pickWards(cityops.db, 2);
    const asset = await buildAsset(cityops.db, { ward: ward(0) });
    const res = await admin.post('/api/v1/devices', { assetId: asset.id, name: 'PM2.5 probe' });
    expect(res.statusCode).toBe(201);
    const d = res.json<{ id: string; key: string; keyPrefix: string; disabled: boolean }>();
    expect(d.key).toMatch(/^cod_/);
    expect(d.key.startsWith(d.keyPrefix)).toBe(true);
    expect(d.disabled).toBe(false);

    const got = await admin.get(`/api/v1/devices/${d.id}`);
    expect(got.statusCode).toBe(200);
    expect(got.json()).not.toHaveProperty('key');
    const list = await admin.get(`/api/v1/devices?asset=${asset.id}`);
    expect(list.json<{ items: Array<{ id: string }> }>().items.map((x) => x.id)).toEqual([d.id]);

    const [row] = await cityops.db.query<{ key_hash: string }>(
      sql`SELECT key_hash FROM devices WHERE id = ${d.id}`,
    );
    expect(row!.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.key_hash).not.toContain(d.key);

    const audit = await admin.get(`/api/v1/audit?entity=${d.id}`);
    const entries = audit.json<{ items: Array<{ action: string }> }>().items;
    expect(entries.map((e) => e.action)).toEqual(['device.create']);
    expect(audit.body).not.toContain(d.key);
  });

  it('turns a device key into a device caller, with no permissions', async () => {
    const { cityops, admin } = t();
    const asset = await buildAsset(cityops.db, { ward: ward(0) });
    const d = await buildDevice(admin, asset.id);
    const me = await cityops.app.inject({
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${d.key}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ kind: 'device', permissions: [] });
    const list = await cityops.app.inject({
      url: '/api/v1/devices',
      headers: { authorization: `Bearer ${d.key}` },
    });
    expect(list.statusCode).toBe(403);
  });

  it('refuses a disabled device and takes it back when enabled again', async () => {
    const { cityops, admin } = t();
    const asset = await buildAsset(cityops.db, { ward: ward(0) });
    const d = await buildDevice(admin, asset.id);
    expect((await ingest(cityops, d.key, { type: 'heartbeat' })).statusCode).toBe(202);

    const off = await admin.patch(`/api/v1/devices/${d.id}`, { disabled: true });
    expect(off.json()).toMatchObject({ disabled: true });
    expect((await ingest(cityops, d.key, { type: 'heartbeat' })).statusCode).toBe(401);
    expect(await cityops.devices.service.authenticate(d.id, d.key)).toBeNull();

    await admin.patch(`/api/v1/devices/${d.id}`, { disabled: false });
    expect((await ingest(cityops, d.key, { type: 'heartbeat' })).statusCode).toBe(202);
    const actions = (await admin.get(`/api/v1/audit?entity=${d.id}`))
      .json<{ items: Array<{ action: string }> }>()
      .items.map((e) => e.action);
    expect(actions).toEqual(['device.enable', 'device.disable', 'device.create']);
  });

  it('answers an old entry while reading it again, and sees a device disabled elsewhere after that read', async () => {
    const { cityops, admin } = t();
    const asset = await buildAsset(cityops.db, { ward: ward(0) });
    const d = await buildDevice(admin, asset.id);
    // A second process's view of the same devices, with a short cache.
    const other = new DevicesService(cityops.db, cityops.ctx.audit, systemClock, {
      cacheTtlMs: 40,
    });
    expect(await other.current(d.id)).toMatchObject({ id: d.id, assetId: asset.id });

    // Disabled by this process: the other one still holds its entry.
    await admin.patch(`/api/v1/devices/${d.id}`, { disabled: true });
    await new Promise((r) => setTimeout(r, 60));
    // The entry is old: answered at once, and read again behind it.
    expect(await other.current(d.id)).toMatchObject({ id: d.id });
    await expect.poll(() => other.current(d.id), { timeout: 5000 }).toBeNull();
    // Unknown devices are never answered from an old entry.
    expect(await other.current(randomUUID())).toBeNull();
  });

  it('rotates a key: the new one works at once, the old one no longer', async () => {
    const { cityops, admin } = t();
    const asset = await buildAsset(cityops.db, { ward: ward(0) });
    const d = await buildDevice(admin, asset.id);
    const res = await admin.post(`/api/v1/devices/${d.id}/rotate-key`);
    expect(res.statusCode).toBe(200);
    const rotated = res.json<{ key: string; rotatedAt: string | null }>();
    expect(rotated.key).not.toBe(d.key);
    expect(rotated.rotatedAt).not.toBeNull();
    expect((await ingest(cityops, d.key, { type: 'heartbeat' })).statusCode).toBe(401);
    expect((await ingest(cityops, rotated.key, { type: 'heartbeat' })).statusCode).toBe(202);
    const svc = cityops.devices.service;
    expect(await svc.authenticate(d.id, d.key)).toBeNull();
    expect(await svc.authenticate(d.id, rotated.key)).toMatchObject({
      id: d.id,
      assetId: asset.id,
    });
    expect(await svc.authenticate(asset.id, rotated.key)).toBeNull();
    expect(await svc.authenticate(d.id, 'cod_not-a-key')).toBeNull();
  });

  it('keeps devices within the caller’s scope', async () => {
    const { cityops, admin, userWith } = t();
    const mine = await buildAsset(cityops.db, { ward: ward(0) });
    const theirs = await buildAsset(cityops.db, { ward: ward(1) });
    const myDevice = await buildDevice(admin, mine.id);
    const theirDevice = await buildDevice(admin, theirs.id);
    const supervisor = await userWith('supervisor', { units: [ward(0).code] });

    const list = await supervisor.get('/api/v1/devices?limit=1000');
    const ids = list.json<{ items: Array<{ id: string }> }>().items.map((x) => x.id);
    expect(ids).toContain(myDevice.id);
    expect(ids).not.toContain(theirDevice.id);
    expect((await supervisor.get(`/api/v1/devices/${theirDevice.id}`)).statusCode).toBe(404);
    expect(
      (await supervisor.patch(`/api/v1/devices/${theirDevice.id}`, { disabled: true })).statusCode,
    ).toBe(404);

    const create = await supervisor.post('/api/v1/devices', { assetId: theirs.id });
    expect(create.statusCode).toBe(400);
    expect(create.json<{ errors: Array<{ path: string }> }>().errors[0]!.path).toBe('assetId');
    expect((await supervisor.post('/api/v1/devices', { assetId: mine.id })).statusCode).toBe(201);

    const operator = await userWith('operator');
    expect((await operator.get('/api/v1/devices')).statusCode).toBe(200);
    expect((await operator.post('/api/v1/devices', { assetId: mine.id })).statusCode).toBe(403);
  });

  it('paginates the list and refuses an unknown asset', async () => {
    const { cityops, admin } = t();
    const asset = await buildAsset(cityops.db, { ward: ward(1) });
    for (let i = 0; i < 3; i++) await buildDevice(admin, asset.id, `d${i}`);
    const first = (await admin.get(`/api/v1/devices?asset=${asset.id}&limit=2`)).json<{
      items: unknown[];
      nextCursor: string;
    }>();
    expect(first.items).toHaveLength(2);
    const second = (
      await admin.get(`/api/v1/devices?asset=${asset.id}&limit=2&cursor=${first.nextCursor}`)
    ).json<{ items: unknown[]; nextCursor: string | null }>();
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const unknown = await admin.post('/api/v1/devices', {
      assetId: '0190f5a0-0000-7000-8000-000000000000',
    });
    expect(unknown.statusCode).toBe(400);
  });
});
