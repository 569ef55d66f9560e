/**
 * The hub hands events on in seq order with no gap: a batch that arrives
 * ahead of lower seqs (another process's, or one the bus lost) makes it read
 * the missing seqs from the store, and their late copies are skipped.
 */
import { Writable } from 'node:stream';
import type { ServerResponse } from 'node:http';
import { expect, it } from 'vitest';
import type { StoredEvent } from '@cityops/contracts';
import { InProcessBus } from '../../src/bus/in-process.js';
import { Metrics } from '../../src/core/metrics.js';
import { createLogger } from '../../src/core/logger.js';
import type { EventsService } from '../../src/events/events.service.js';
import { StreamHub } from '../../src/stream/hub.js';
import { storedEvent } from '../events/factories.js';

const log = createLogger('silent');

const event = (seq: number) => storedEvent(seq, { type: 'hub.test' });

/** A store holding seqs 1..last, as the events service answers them. */
function fakeStore(last: () => number) {
  const reads: Array<[number, number | undefined]> = [];
  const store = {
    lastSeq: () => Promise.resolve(last()),
    after: (f: { afterSeq: number; upToSeq?: number; limit: number }) => {
      reads.push([f.afterSeq, f.upToSeq]);
      const out: StoredEvent[] = [];
      for (let s = f.afterSeq + 1; s <= Math.min(f.upToSeq ?? last(), last()); s++) {
        if (out.length < f.limit) out.push(event(s));
      }
      return Promise.resolve(out);
    },
    unitsOf: () => Promise.resolve(undefined),
  };
  return { store: store as unknown as EventsService, reads };
}

function sink() {
  const ids: number[] = [];
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const m of chunk.toString().matchAll(/^id: (\d+)$/gm)) ids.push(Number(m[1]));
      cb();
    },
  });
  return { res: Object.assign(w, { on: w.on.bind(w) }) as unknown as ServerResponse, ids };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

it('reorders out-of-order batches and fills gaps from the store', async () => {
  let committed = 0;
  const { store, reads } = fakeStore(() => committed);
  const bus = new InProcessBus(log);
  const hub = new StreamHub(bus, store, log, new Metrics({ defaultMetrics: false }), {
    pollMs: 60_000,
  });
  const client = sink();
  await hub.attach(client.res, { scope: { all: true } });

  committed = 6;
  await bus.publish([4, 5, 6].map(event)); // 1..3 are committed but their batch is late
  await settle();
  expect(client.ids).toEqual([1, 2, 3, 4, 5, 6]);
  expect(reads).toContainEqual([0, 3]);

  await bus.publish([1, 2, 3].map(event)); // the late copy: skipped
  committed = 8;
  await bus.publish([7, 8].map(event));
  await settle();
  expect(client.ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  await hub.stop();
});

it('finds events the bus never brought with its poll', async () => {
  let committed = 0;
  const { store } = fakeStore(() => committed);
  const hub = new StreamHub(
    new InProcessBus(log),
    store,
    log,
    new Metrics({ defaultMetrics: false }),
    {
      pollMs: 20,
    },
  );
  const client = sink();
  await hub.attach(client.res, { scope: { all: true } });
  committed = 3; // stored, never published
  const deadline = Date.now() + 3000;
  while (client.ids.length < 3 && Date.now() < deadline) await settle();
  expect(client.ids).toEqual([1, 2, 3]);
  await hub.stop();
});
