/**
 * The console's one live connection (GET /api/v1/stream), shared by every
 * view of the page: the feed, the map's live status, the alarm banner, the
 * alert queues, the video wall. It starts from the newest stored events,
 * resumes with Last-Event-ID after any drop (so nothing is missed), backs off
 * while the server is away, and says how the connection is doing.
 *
 * Memory stays flat however long it runs: the recent events are a fixed-size
 * ring, listeners are removed by the functions subscribe() answers, and the
 * only timers are one watchdog and one pending reconnect.
 */
import type { StoredEvent } from '@cityops/contracts';
import { api } from '../../ui/api';
import { readSse, type SseMessage } from './sse';

export type LiveStatus = 'idle' | 'connecting' | 'live' | 'reconnecting';

export interface LiveSnapshot {
  status: LiveStatus;
  /** When the connection was last lost (ms since epoch); null while it never was. */
  lostAt: number | null;
  /** When it came back after a loss. */
  resumedAt: number | null;
  /** Failed attempts since the last success. */
  attempts: number;
}

export type LiveListener = (batch: readonly StoredEvent[]) => void;

export interface LiveHubOptions {
  /** How many recent events the ring keeps for views that open later. */
  capacity?: number;
  /** How many stored events to start from. */
  backlog?: number;
  /** No byte for this long (the server pings every 15 s): the connection is dead. */
  silenceMs?: number;
  /** Delays before reconnecting: the first, and the most. */
  retryMs?: { first: number; max: number };
}

/** A fixed-size ring of the newest items. */
export class Ring<T> {
  private readonly items: Array<T | undefined>;
  private next = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    this.items = new Array<T | undefined>(capacity);
  }

  push(item: T): void {
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.size; i++)
      out.push(this.items[(this.next - this.size + i + this.capacity) % this.capacity]!);
    return out;
  }

  clear(): void {
    this.items.fill(undefined);
    this.next = 0;
    this.size = 0;
  }

  get length(): number {
    return this.size;
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = window.setTimeout(done, ms);
    function done() {
      window.clearTimeout(timer);
      signal.removeEventListener('abort', done);
      window.removeEventListener('online', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
    // The network is back: try at once rather than at the end of the back-off.
    window.addEventListener('online', done, { once: true });
  });

export class LiveHub {
  private readonly listeners = new Set<LiveListener>();
  private readonly statusListeners = new Set<() => void>();
  private readonly ring: Ring<StoredEvent>;
  /** The seq of the newest event received (not part of the snapshot: it changes with every event). */
  private lastSeq: number | null = null;
  private snap: LiveSnapshot = {
    status: 'idle',
    lostAt: null,
    resumedAt: null,
    attempts: 0,
  };
  private run: AbortController | null = null;
  private readonly opts: Required<LiveHubOptions>;

  constructor(opts: LiveHubOptions = {}) {
    this.opts = {
      capacity: opts.capacity ?? 500,
      backlog: opts.backlog ?? 100,
      silenceMs: opts.silenceMs ?? 40_000,
      retryMs: opts.retryMs ?? { first: 1_000, max: 15_000 },
    };
    this.ring = new Ring(this.opts.capacity);
  }

  snapshot(): LiveSnapshot {
    return this.snap;
  }

  /** The seq of the newest event received, or null before the first. */
  get newestSeq(): number | null {
    return this.lastSeq;
  }

  /** The newest events received (oldest first), for a view that opens after they came. */
  recent(): StoredEvent[] {
    return this.ring.toArray();
  }

  subscribe(listener: LiveListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStatus(listener: () => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Connects (once); later calls do nothing while it runs. */
  start(): void {
    if (this.run) return;
    const run = new AbortController();
    this.run = run;
    void this.loop(run.signal);
  }

  /** Disconnects and forgets everything (sign-out). */
  stop(): void {
    this.run?.abort();
    this.run = null;
    this.ring.clear();
    this.lastSeq = null;
    this.set({ status: 'idle', lostAt: null, resumedAt: null, attempts: 0 });
  }

  private set(patch: Partial<LiveSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const l of this.statusListeners) l();
  }

  private async loop(signal: AbortSignal): Promise<void> {
    await this.loadBacklog(signal);
    let wasLive = false;
    while (!signal.aborted) {
      this.set({ status: wasLive || this.snap.attempts > 0 ? 'reconnecting' : 'connecting' });
      const attempt = new AbortController();
      const stopAttempt = () => attempt.abort();
      signal.addEventListener('abort', stopAttempt, { once: true });
      let lastActivity = Date.now();
      const watchdog = window.setInterval(() => {
        if (Date.now() - lastActivity > this.opts.silenceMs) attempt.abort();
      }, 5_000);
      let refused = false;
      try {
        const token = api.client.getToken();
        const headers: Record<string, string> = { accept: 'text/event-stream' };
        if (token) headers.authorization = `Bearer ${token}`;
        if (this.lastSeq !== null) headers['last-event-id'] = String(this.lastSeq);
        const res = await fetch(api.client.url('/api/v1/stream'), {
          headers,
          cache: 'no-store',
          signal: attempt.signal,
        });
        api.client.reportReachable(true);
        if (res.status === 401) {
          refused = true;
          api.client.sessionRefused();
        } else if (res.ok && res.body) {
          await readSse(
            res.body,
            {
              onActivity: () => {
                lastActivity = Date.now();
              },
              onComment: (text) => {
                // The server says `connected` once nothing can be missed any more.
                if (text === 'connected') {
                  wasLive = true;
                  this.set({
                    status: 'live',
                    attempts: 0,
                    resumedAt: this.snap.lostAt !== null ? Date.now() : null,
                  });
                }
              },
              onMessages: (messages) => this.take(messages),
            },
            attempt.signal,
          );
        }
      } catch {
        // A network error or an abort: handled below like an ended stream.
        if (!signal.aborted && !attempt.signal.aborted) api.client.reportReachable(false);
      } finally {
        window.clearInterval(watchdog);
        signal.removeEventListener('abort', stopAttempt);
      }
      if (signal.aborted || refused) return;
      const attempts = this.snap.attempts + 1;
      this.set({
        status: 'reconnecting',
        attempts,
        lostAt: this.snap.status === 'live' ? Date.now() : (this.snap.lostAt ?? Date.now()),
        resumedAt: null,
      });
      const { first, max } = this.opts.retryMs;
      const delay = Math.min(max, first * 2 ** Math.min(attempts - 1, 6));
      await sleep(delay * (0.8 + Math.random() * 0.4), signal);
    }
  }

  /** The newest stored events, so that views start full and the stream resumes right after them. */
  private async loadBacklog(signal: AbortSignal): Promise<void> {
    if (this.lastSeq !== null) return;
    try {
      const page = await api.events.list({ limit: this.opts.backlog }, signal);
      if (signal.aborted) return;
      const events = [...page.items].sort((a, b) => a.seq - b.seq);
      for (const e of events) this.ring.push(e);
      const last = events[events.length - 1];
      if (last) this.lastSeq = last.seq;
      if (events.length > 0) this.emit(events);
    } catch {
      // No history (no permission, or the server is away): start from now.
    }
  }

  private take(messages: SseMessage[]): void {
    const batch: StoredEvent[] = [];
    let last = this.lastSeq ?? 0;
    for (const m of messages) {
      if (m.event !== 'event' && m.event !== 'alert') continue;
      let e: StoredEvent;
      try {
        e = JSON.parse(m.data) as StoredEvent;
      } catch {
        continue;
      }
      // A replay may repeat what the backlog already had.
      if (e.seq <= last) continue;
      last = e.seq;
      this.ring.push(e);
      batch.push(e);
    }
    if (batch.length === 0) return;
    this.lastSeq = last;
    this.emit(batch);
  }

  private emit(batch: readonly StoredEvent[]): void {
    for (const l of this.listeners) {
      try {
        l(batch);
      } catch (err) {
        // One broken view must not stop the others from getting events.
        console.warn('live listener failed', err);
      }
    }
  }
}

/** The page's live connection. */
export const liveHub = new LiveHub();
