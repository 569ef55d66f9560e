/**
 * The stream hub of a process: one bus subscription feeding every SSE client.
 * It hands events on strictly in seq order with no gap. Seqs are dense and
 * follow commit order, so when a batch arrives ahead of a lower seq (another
 * process's batch still on its way, or a message the bus lost), the missing
 * seqs are already committed: the hub reads them from the store and moves on;
 * the late copies are skipped. A slow poll of the last committed seq catches a
 * loss with nothing after it. Each event is serialized once for all clients.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import { Gauge, type Counter } from 'prom-client';
import type { StoredEvent } from '@cityops/contracts';
import type { Metrics } from '../core/metrics.js';
import type { EventBus, Unsubscribe } from '../bus/bus.js';
import type { EventsService } from '../events/events.service.js';
import { SseClient, frameOf, type ClientFilter, type ClientLimits } from './client.js';

export interface HubOptions extends Partial<ClientLimits> {
  heartbeatMs?: number;
  /** How often the last committed seq is checked for events the bus did not bring. */
  pollMs?: number;
  maxClients?: number;
}

const FILL_PAGE = 5000;
const REPLAY_PAGE = 500;

export class StreamHub {
  private readonly clients = new Set<SseClient>();
  private readonly pending = new Map<number, StoredEvent>();
  private lastSeq = 0;
  private started: Promise<void> | undefined;
  private unsubscribe: Unsubscribe | undefined;
  private chain: Promise<void> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  private seenAtLastPoll = 0;
  private readonly limits: ClientLimits;
  private readonly dropped: Counter<'reason'>;
  readonly maxClients: number;

  constructor(
    private readonly bus: EventBus,
    private readonly events: EventsService,
    private readonly log: FastifyBaseLogger,
    metrics: Metrics,
    private readonly opts: HubOptions = {},
  ) {
    const maxUnsent = opts.maxUnsent ?? 1024 * 1024;
    this.limits = {
      maxBuffered: opts.maxBuffered ?? 10_000,
      maxUnsent,
      slowGraceMs: opts.slowGraceMs ?? 5_000,
      hardMaxUnsent: opts.hardMaxUnsent ?? Math.max(16 * 1024 * 1024, 8 * maxUnsent),
    };
    this.maxClients = opts.maxClients ?? 5000;
    const gauge: Gauge = new Gauge({
      name: 'cityops_stream_clients',
      help: 'Open live-stream (SSE) connections',
      registers: [metrics.registry],
      collect: () => gauge.set(this.clients.size),
    });
    this.dropped = metrics.counter({
      name: 'cityops_stream_dropped_total',
      help: 'Stream clients dropped because they could not keep up',
      labelNames: ['reason'],
    });
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Subscribes to the bus on first use (and starts the heartbeat and the poll). */
  start(): Promise<void> {
    this.started ??= (async () => {
      this.lastSeq = await this.events.lastSeq();
      this.seenAtLastPoll = this.lastSeq;
      this.unsubscribe = await this.bus.subscribe((batch) => this.enqueue(() => this.take(batch)));
      const beat = setInterval(() => this.heartbeat(), this.opts.heartbeatMs ?? 15_000);
      const poll = setInterval(() => this.enqueue(() => this.poll()), this.opts.pollMs ?? 2_000);
      beat.unref();
      poll.unref();
      this.timers = [beat, poll];
    })();
    return this.started;
  }

  /**
   * Attaches a client: live events go to its buffer at once, then the stored
   * events after `lastEventId` are replayed, then it goes live.
   */
  async attach(res: ServerResponse, filter: ClientFilter, lastEventId?: number): Promise<void> {
    await this.start();
    const client = new SseClient(
      res,
      filter,
      this.limits,
      (c, reason) => this.drop(c, reason),
      lastEventId ?? this.lastSeq,
    );
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
    // From here on nothing is missed: tell the client it is subscribed.
    client.comment('connected');
    if (lastEventId !== undefined) {
      let after = lastEventId;
      for (;;) {
        const page = await this.events.after({ ...filter, afterSeq: after, limit: REPLAY_PAGE });
        for (const e of page) client.replay(e.seq, frameOf(e));
        if (page.length < REPLAY_PAGE || client.isClosed) break;
        after = page[page.length - 1]!.seq;
        await client.drained();
      }
    }
    client.goLive();
  }

  /** Ends every client (shutdown) and stops listening. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const c of this.clients) c.close();
    this.clients.clear();
    this.unsubscribe?.();
    await this.chain;
  }

  closeClients(): void {
    for (const c of this.clients) c.close();
    this.clients.clear();
  }

  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain
      .then(step)
      .catch((err: unknown) => this.log.error({ err }, 'stream hub step failed'));
  }

  private async take(batch: readonly StoredEvent[]): Promise<void> {
    if (this.clients.size === 0) {
      // Nobody to keep in order for: just follow along, without reading the store.
      for (const e of batch) if (e.seq > this.lastSeq) this.lastSeq = e.seq;
      this.pending.clear();
      return;
    }
    for (const e of batch) if (e.seq > this.lastSeq) this.pending.set(e.seq, e);
    while (this.pending.size > 0) {
      let e = this.pending.get(this.lastSeq + 1);
      if (e) {
        const run: StoredEvent[] = [];
        while (e) {
          this.pending.delete(e.seq);
          run.push(e);
          this.lastSeq = e.seq;
          e = this.pending.get(this.lastSeq + 1);
        }
        this.dispatch(run);
        continue;
      }
      // A gap before the lowest pending seq: those seqs are committed; read them.
      await this.fill(Math.min(...this.pending.keys()) - 1);
    }
  }

  /** Delivers stored events up to a seq from the store. */
  private async fill(upTo: number): Promise<void> {
    while (this.lastSeq < upTo) {
      const rows = await this.events.after({
        scope: { all: true },
        afterSeq: this.lastSeq,
        upToSeq: upTo,
        limit: FILL_PAGE,
      });
      for (const e of rows) this.pending.delete(e.seq);
      if (rows.length > 0) this.dispatch(rows);
      // Seqs missing from the store (removed by retention) are skipped.
      this.lastSeq = rows.length < FILL_PAGE ? upTo : rows[rows.length - 1]!.seq;
    }
  }

  /** Events committed a poll ago and still not brought by the bus are read from the store. */
  private async poll(): Promise<void> {
    if (this.clients.size === 0) {
      this.lastSeq = await this.events.lastSeq();
      this.seenAtLastPoll = this.lastSeq;
      this.pending.clear();
      return;
    }
    const stale = this.seenAtLastPoll;
    this.seenAtLastPoll = await this.events.lastSeq();
    if (stale > this.lastSeq) {
      this.log.warn({ from: this.lastSeq + 1, to: stale }, 'stream: events missed by the bus');
      await this.fill(stale);
      await this.take([]);
    }
  }

  /** Each event is serialized once; each client gets its share of a batch in one write. */
  private dispatch(events: readonly StoredEvent[]): void {
    if (this.clients.size === 0) return;
    const frames = new Array<string | undefined>(events.length);
    for (const c of this.clients) {
      const items: Array<{ seq: number; frame: string }> = [];
      events.forEach((e, i) => {
        if (c.matches(e)) items.push({ seq: e.seq, frame: (frames[i] ??= frameOf(e)) });
      });
      c.offerAll(items);
    }
  }

  private heartbeat(): void {
    for (const c of this.clients) c.comment('ping');
  }

  private drop(client: SseClient, reason: string): void {
    this.clients.delete(client);
    this.dropped.inc({ reason });
    this.log.info({ reason }, 'stream client dropped');
  }
}
