/** One stream client's pacing: a client that stops reading is dropped; a burst alone is not. */
import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { SseClient, frameOf } from '../../src/stream/client.js';
import { storedEvent } from '../events/factories.js';

/** A socket that takes writes but never sends them (a client that stopped reading) until told. */
function socket() {
  const held: Array<() => void> = [];
  let reading = false;
  const w = new Writable({
    highWaterMark: 1024,
    write(_chunk, _enc, cb) {
      if (reading) cb();
      else held.push(() => cb());
    },
  });
  const flush = () => {
    reading = true;
    held.splice(0).forEach((cb) => cb());
  };
  return { w, flush };
}

const limits = { maxBuffered: 3, maxUnsent: 1000, slowGraceMs: 20, hardMaxUnsent: 5000 };
const frame = (n: number) => `id: ${n}\ndata: ${'x'.repeat(300)}\n\n`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('drops a live client that stays behind longer than the grace period', async () => {
  const s = socket();
  const drops: string[] = [];
  const c = new SseClient(s.w, { scope: { all: true } }, limits, (_c, r) => drops.push(r), 0);
  c.goLive();
  for (let i = 1; i <= 5; i++) c.offer(i, frame(i));
  expect(drops).toEqual([]);
  await sleep(50);
  expect(drops).toEqual(['slow']);
  expect(c.isClosed).toBe(true);
});

it('keeps a client that catches up within the grace period', async () => {
  const s = socket();
  const drops: string[] = [];
  const c = new SseClient(s.w, { scope: { all: true } }, limits, (_c, r) => drops.push(r), 0);
  c.goLive();
  for (let i = 1; i <= 5; i++) c.offer(i, frame(i));
  s.flush();
  await sleep(50);
  expect(drops).toEqual([]);
  expect(c.lastSent).toBe(5);
});

it('drops at once past the hard limit, and when the replay buffer overflows', () => {
  const drops: string[] = [];
  const live = new SseClient(
    socket().w,
    { scope: { all: true } },
    limits,
    (_c, r) => drops.push(r),
    0,
  );
  live.goLive();
  for (let i = 1; i <= 20; i++) live.offer(i, frame(i));
  expect(drops).toEqual(['slow']);

  const replaying = new SseClient(
    socket().w,
    { scope: { all: true } },
    limits,
    (_c, r) => drops.push(r),
    0,
  );
  for (let i = 1; i <= 4; i++) replaying.offer(i, frame(i));
  expect(drops).toEqual(['slow', 'buffer_full']);
});

it('skips live events the replay already sent, in order', () => {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  const c = new SseClient(w, { scope: { all: true } }, limits, () => undefined, 10);
  c.offer(12, frame(12));
  c.offer(13, frame(13));
  c.replay(11, frame(11));
  c.replay(12, frame(12));
  c.goLive();
  c.offer(14, frame(14));
  expect(chunks.map((x) => Number(/^id: (\d+)/.exec(x)![1]))).toEqual([11, 12, 13, 14]);
});

it('frames alert.* events as `event: alert`, the others as `event: event`', () => {
  const e = storedEvent(7, { type: 'alert.opened', source: 'rule' });
  expect(frameOf(e)).toMatch(/^id: 7\nevent: alert\ndata: \{.*\}\n\n$/);
  expect(frameOf({ ...e, type: 'fire.alarm' })).toMatch(/^id: 7\nevent: event\n/);
});
