/**
 * Two deployments on one NATS server (CITYOPS_NATS_PREFIX): each has its own
 * stream, subjects and durable consumers, and neither sees the other's
 * events. Needs NATS with JetStream (CITYOPS_TEST_NATS_URL, default
 * nats://127.0.0.1:4222); skipped, visibly, when there is none.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from 'nats';
import { createLogger } from '../../src/core/logger.js';
import { loadConfig } from '../../src/core/config.js';
import { NatsBus, natsNames } from '../../src/bus/nats.js';
import { NATS_URL, natsAvailable } from '../support/nats.js';
import { storedEvent } from '../events/factories.js';

const natsUp = await natsAvailable('the NATS prefix tests are');

const log = createLogger('silent');

const event = (seq: number, type: string) =>
  storedEvent(seq, { type, id: `0190f5a0-0000-7000-8000-${String(seq).padStart(12, '0')}` });

describe('NATS names of a deployment', () => {
  it('keeps the names of the default prefix', () => {
    const n = natsNames();
    expect([n.stream, n.subject, n.durable('rules')]).toEqual([
      'CITYOPS_EVENTS',
      'cityops.events',
      'cityops_rules',
    ]);
    const m = natsNames('thai-nguyen_2');
    expect([m.stream, m.subject, m.durable('rules')]).toEqual([
      'THAI_NGUYEN_2_EVENTS',
      'thai-nguyen_2.events',
      'thai-nguyen_2_rules',
    ]);
  });

  it('takes the prefix from CITYOPS_NATS_PREFIX and refuses one NATS cannot name things after', () => {
    expect(loadConfig({}).natsPrefix).toBe('cityops');
    expect(loadConfig({ CITYOPS_NATS_PREFIX: 'city-b' }).natsPrefix).toBe('city-b');
    for (const bad of ['a.b', 'a*', 'with space', 'x'.repeat(33)]) {
      expect(() => loadConfig({ CITYOPS_NATS_PREFIX: bad })).toThrow(/^CITYOPS_NATS_PREFIX: /);
    }
    expect(() => natsNames('a.b')).toThrow(/NATS prefix "a.b"/);
  });
});

describe.skipIf(!natsUp)('two deployments on one NATS server', () => {
  const tag = randomBytes(3).toString('hex');
  const prefixes = [`test_a${tag}`, `test_b${tag}`];
  const buses: NatsBus[] = [];

  afterAll(async () => {
    for (const b of buses) await b.close();
    const nc = await connect({ servers: NATS_URL });
    const jsm = await nc.jetstreamManager();
    for (const p of prefixes) await jsm.streams.delete(natsNames(p).stream).catch(() => undefined);
    await nc.close();
  });

  it('keep their events and their rule consumers apart', async () => {
    for (const prefix of prefixes)
      buses.push(await NatsBus.connect({ url: NATS_URL, log, prefix }));
    const [a, b] = buses as [NatsBus, NatsBus];
    const seen = { a: [] as string[], b: [] as string[], qa: [] as string[], qb: [] as string[] };
    await a.subscribe((es) => void seen.a.push(...es.map((e) => e.type)));
    await b.subscribe((es) => void seen.b.push(...es.map((e) => e.type)));
    await a.subscribeQueue('rules', (es) => void seen.qa.push(...es.map((e) => e.type)));
    await b.subscribeQueue('rules', (es) => void seen.qb.push(...es.map((e) => e.type)));

    await a.publish([event(1, 'from.a')]);
    await b.publish([event(1, 'from.b'), event(2, 'from.b')]);
    const deadline = Date.now() + 10_000;
    while (
      Date.now() < deadline &&
      seen.qa.length + seen.qb.length + seen.a.length + seen.b.length < 6
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    // Nothing more arrives a little later either.
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual({
      a: ['from.a'],
      b: ['from.b', 'from.b'],
      qa: ['from.a'],
      qb: ['from.b', 'from.b'],
    });

    const nc = await connect({ servers: NATS_URL });
    try {
      const jsm = await nc.jetstreamManager();
      for (const p of prefixes) {
        const names = natsNames(p);
        const info = await jsm.streams.info(names.stream);
        expect(info.config.subjects).toEqual([`${names.subject}.>`]);
        const consumer = await jsm.consumers.info(names.stream, names.durable('rules'));
        expect(consumer.name).toBe(`${p}_rules`);
      }
    } finally {
      await nc.close();
    }
  });
});
