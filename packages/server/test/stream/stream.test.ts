/**
 * GET /api/v1/stream over real HTTP: resume after a dropped connection with
 * nothing lost or repeated, filters, scope, the access_token parameter and
 * heartbeats.
 */
import { expect, it } from 'vitest';
import { describeEachDb } from '../support/db.js';
import { useEventsApp } from '../events/harness.js';
import {
  buildDeviceOnNewAsset,
  ingest,
  pickWards,
  type IngestAnswer,
  type TestDevice,
  type Ward,
} from '../events/factories.js';
import { openStream, subscribe } from './sse.js';

const auth = (token: string | null) => ({ authorization: `Bearer ${token}` });

describeEachDb('live stream', (kind) => {
  const t = useEventsApp(kind, { listen: true, options: { stream: { heartbeatMs: 200 } } });
  let wards: Ward[];
  let devices: TestDevice[];

  it('resumes with Last-Event-ID after a drop in the middle of a burst: all 500, in order, once', async () => {
    const { cityops, admin, url } = t();
    wards = await pickWards(cityops.db, 2);
    devices = [
      await buildDeviceOnNewAsset(cityops, admin, wards[0]!),
      await buildDeviceOnNewAsset(cityops, admin, wards[1]!),
    ];
    const first = await subscribe(url, '/api/v1/stream?types=burst.*', auth(admin.token));
    const seqs: number[] = [];
    const burst = (async () => {
      for (let i = 0; i < 50; i++) {
        const device = devices[i % 2]!;
        const body = Array.from({ length: 10 }, (_, j) => ({
          type: 'burst.tick',
          data: { n: i * 10 + j },
        }));
        const res = await ingest(cityops, device.key, body);
        expect(res.statusCode).toBe(202);
        seqs.push(...res.json<IngestAnswer>().results.map((r) => r.seq));
      }
    })();
    await first.until((c) => c.events.length >= 100);
    first.close();
    const got = first.events.map((e) => e.id);
    await burst;
    expect(seqs).toHaveLength(500);
    expect(got.length).toBeLessThan(500);

    const last = got[got.length - 1]!;
    const second = await subscribe(url, '/api/v1/stream?types=burst.*', {
      ...auth(admin.token),
      'last-event-id': String(last),
    });
    const maxSeq = Math.max(...seqs);
    await second.until((c) => c.events.some((e) => e.id === maxSeq));
    second.close();
    const union = [...got, ...second.events.map((e) => e.id)];
    expect(union).toEqual([...seqs].sort((a, b) => a - b));
    expect(second.events.every((e) => e.event === 'event' && e.data.type === 'burst.tick')).toBe(
      true,
    );
  });

  it('replays with ?lastEventId= too, then goes live without a gap', async () => {
    const { cityops, admin, url } = t();
    const before = await ingest(cityops, devices[0]!.key, [
      { type: 'replay.a' },
      { type: 'replay.b' },
    ]);
    const [a] = before.json<IngestAnswer>().results;
    const c = await subscribe(
      url,
      `/api/v1/stream?types=replay.*&lastEventId=${a!.seq - 1}`,
      auth(admin.token),
    );
    await c.until((x) => x.events.length >= 2);
    const live = await ingest(cityops, devices[1]!.key, { type: 'replay.c' });
    const liveSeq = live.json<IngestAnswer>().results[0]!.seq;
    await c.until((x) => x.events.some((e) => e.id === liveSeq));
    c.close();
    expect(c.events.map((e) => e.data.type)).toEqual(['replay.a', 'replay.b', 'replay.c']);
  });

  it('applies filters and the caller’s scope to live events and to the replay', async () => {
    const { cityops, admin, url, userWith } = t();
    const operator = await userWith('operator', { units: [wards[0]!.code] });
    const viewer = await userWith('viewer');
    const start = (
      await ingest(cityops, devices[0]!.key, { type: 'mark.start' })
    ).json<IngestAnswer>().results[0]!.seq;
    const streams = {
      all: await subscribe(url, '/api/v1/stream', auth(admin.token)),
      fire: await subscribe(url, '/api/v1/stream?types=fire.*,status', auth(admin.token)),
      asset: await subscribe(url, `/api/v1/stream?asset=${devices[1]!.assetId}`, auth(admin.token)),
      unit: await subscribe(url, `/api/v1/stream?adminUnit=${wards[1]!.code}`, auth(admin.token)),
      province: await subscribe(url, '/api/v1/stream?adminUnit=19', auth(viewer.token)),
      ward: await subscribe(url, '/api/v1/stream', auth(operator.token)),
      wardReplay: await subscribe(url, '/api/v1/stream', {
        ...auth(operator.token),
        'last-event-id': String(start),
      }),
      token: await subscribe(url, `/api/v1/stream?types=fire.*&access_token=${operator.token}`),
    };
    const sent = [
      [0, 'fire.alarm'],
      [1, 'fire.alarm'],
      [0, 'status'],
      [1, 'env.reading'],
      [1, 'mark.end'],
    ] as const;
    for (const [d, type] of sent) {
      const data = type === 'status' ? { status: 'online' } : {};
      expect((await ingest(cityops, devices[d]!.key, { type, data })).statusCode).toBe(202);
    }
    await streams.all.until((c) => c.events.some((e) => e.data.type === 'mark.end'));
    await streams.province.until((c) => c.events.some((e) => e.data.type === 'mark.end'));
    await streams.ward.until((c) => c.events.some((e) => e.data.type === 'status'));
    await new Promise((r) => setTimeout(r, 300));
    const seen = (k: keyof typeof streams) =>
      streams[k].events.map(
        (e) => `${devices.findIndex((d) => d.assetId === e.data.assetId)}:${e.data.type}`,
      );
    for (const c of Object.values(streams)) c.close();

    expect(seen('all')).toEqual(sent.map(([d, type]) => `${d}:${type}`));
    expect(seen('fire')).toEqual(['0:fire.alarm', '1:fire.alarm', '0:status']);
    expect(seen('asset')).toEqual(['1:fire.alarm', '1:env.reading', '1:mark.end']);
    expect(seen('unit')).toEqual(['1:fire.alarm', '1:env.reading', '1:mark.end']);
    expect(seen('province')).toEqual(seen('all'));
    expect(seen('ward')).toEqual(['0:fire.alarm', '0:status']);
    expect(seen('wardReplay')).toEqual(['0:fire.alarm', '0:status']);
    expect(seen('token')).toEqual(['0:fire.alarm']);
  });

  it('refuses a missing or bad token, a caller without stream:read and bad filters', async () => {
    const { url, admin } = t();
    expect((await openStream(url, '/api/v1/stream')).status).toBe(401);
    expect((await openStream(url, '/api/v1/stream?access_token=cot_nope')).status).toBe(401);
    expect((await openStream(url, '/api/v1/stream', auth('cot_nope'))).status).toBe(401);
    expect((await openStream(url, '/api/v1/stream', auth(devices[0]!.key))).status).toBe(403);
    expect((await openStream(url, '/api/v1/stream?types=Fire!', auth(admin.token))).status).toBe(
      400,
    );
    const bad = await openStream(url, '/api/v1/stream', {
      ...auth(admin.token),
      'last-event-id': 'abc',
    });
    expect(bad.status).toBe(400);
  });

  it('sends heartbeat comments and counts its clients in /metrics', async () => {
    const { url, admin } = t();
    const c = await subscribe(url, '/api/v1/stream', auth(admin.token));
    await c.until((x) => x.comments.includes('ping'), 2000);
    const metrics = (await admin.get('/metrics')).body;
    expect(metrics).toMatch(/^cityops_stream_clients [1-9]/m);
    c.close();
  });
});
