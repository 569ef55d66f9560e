/**
 * Two CityOps instances (as two processes) on one database, each with its own
 * NATS connection: an event ingested through either reaches the stream clients
 * of both, in seq order, and a queue group across both handles each event once.
 * Needs NATS with JetStream (CITYOPS_TEST_NATS_URL, default nats://127.0.0.1:4222);
 * skipped, visibly, when there is none.
 */
import { expect, it } from 'vitest';
import type { StoredEvent } from '@cityops/contracts';
import { describeEachDb } from '../support/db.js';
import type { Caller } from '../support/app.js';
import { natsAvailable, useTwoNodesOnNats } from '../support/nats.js';
import { chunkMessages } from '../../src/bus/nats.js';
import {
  buildDevice,
  buildAsset,
  ingest,
  pickWards,
  storedEvent,
  type IngestAnswer,
} from '../events/factories.js';
import { subscribe } from '../stream/sse.js';

const natsUp = await natsAvailable('the NATS bus tests are');

it('splits a large batch into messages under the size limit, in order', () => {
  const e = (seq: number) => storedEvent(seq, { type: 'x', data: { pad: 'x'.repeat(100) } });
  const parts = chunkMessages([1, 2, 3, 4, 5].map(e), 700);
  expect(parts.length).toBeGreaterThan(1);
  const seqs = parts.flatMap((p) =>
    (JSON.parse(new TextDecoder().decode(p.body)) as StoredEvent[]).map((x) => x.seq),
  );
  expect(seqs).toEqual([1, 2, 3, 4, 5]);
  expect(parts.every((p) => p.body.length <= 700)).toBe(true);
});

describeEachDb('NATS bus across two instances', (kind) => {
  const { suffix, nodes } = useTwoNodesOnNats(kind, { up: natsUp, name: 'test' });

  it.skipIf(!natsUp)(
    'delivers every event to the stream clients of both, and each queued event once',
    async () => {
      const [a, b] = nodes();
      const handled: Array<{ node: string; seq: number }> = [];
      const group = `rules-${suffix}`;
      const stopA = await a.bus.subscribeQueue(group, (events) => {
        handled.push(...events.map((e) => ({ node: 'A', seq: e.seq })));
      });
      const stopB = await b.bus.subscribeQueue(group, (events) => {
        handled.push(...events.map((e) => ({ node: 'B', seq: e.seq })));
      });
      const auth = (c: Caller) => ({ authorization: `Bearer ${c.token}` });
      const onA = await subscribe(a.url, '/api/v1/stream?types=nats.*', auth(a.admin));
      const onB = await subscribe(b.url, '/api/v1/stream?types=nats.*', auth(b.admin));

      const [ward] = await pickWards(a.cityops.db, 1);
      const asset = await buildAsset(a.cityops.db, { ward: ward! });
      const device = await buildDevice(a.admin, asset.id);
      const seqs: number[] = [];
      await Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          const via = i % 3 === 0 ? b : a;
          const body = Array.from({ length: 10 }, (_, j) => ({
            type: 'nats.tick',
            data: { n: i * 10 + j },
          }));
          const res = await ingest(via.cityops, device.key, body);
          expect(res.statusCode).toBe(202);
          seqs.push(...res.json<IngestAnswer>().results.map((r) => r.seq));
        }),
      );
      const all = [...seqs].sort((x, y) => x - y);
      const maxSeq = all[all.length - 1]!;
      await onA.until((c) => c.events.some((e) => e.id === maxSeq));
      await onB.until((c) => c.events.some((e) => e.id === maxSeq));
      onA.close();
      onB.close();
      expect(onA.events.map((e) => e.id)).toEqual(all);
      expect(onB.events.map((e) => e.id)).toEqual(all);

      const deadline = Date.now() + 15_000;
      while (handled.length < all.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 500));
      stopA();
      stopB();
      // Each event once across both; how NATS shares the batches between A and B is its choice.
      expect(handled.map((h) => h.seq).sort((x, y) => x - y)).toEqual(all);
    },
  );
});
