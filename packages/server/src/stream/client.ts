/**
 * One Server-Sent Events client: its filter and scope, and how frames reach
 * it. While the stored events it missed are replayed, live events wait in a
 * bounded buffer; then it goes live, skipping what the replay already sent.
 * A client that cannot keep up (too much unsent) is dropped, not buffered
 * forever: it reconnects with Last-Event-ID and loses nothing.
 */
import type { Writable } from 'node:stream';
import { eventTypeMatches, type StoredEvent } from '@cityops/contracts';
import type { Scope } from '../core/auth/principal.js';

export interface ClientFilter {
  scope: Scope;
  types?: readonly string[] | undefined;
  /** Admin-unit codes with their descendants. */
  units?: readonly string[] | undefined;
  assetId?: string | undefined;
}

export interface ClientLimits {
  /** Live events held while the replay runs. */
  maxBuffered: number;
  /** Bytes written but not yet taken by the socket, longer than `slowGraceMs`: too slow. */
  maxUnsent: number;
  slowGraceMs: number;
  /** Bytes unsent at which a client is dropped at once (bounds memory per client). */
  hardMaxUnsent: number;
}

/**
 * An event as one SSE frame: `id:` the seq, `event:` the kind, `data:` the
 * JSON. Alert changes stored as `alert.*` events go out as `event: alert`, so
 * they resume with Last-Event-ID like everything else.
 */
export function frameOf(e: StoredEvent): string {
  const kind = e.type.startsWith('alert.') ? 'alert' : 'event';
  return `id: ${e.seq}\nevent: ${kind}\ndata: ${JSON.stringify(e)}\n\n`;
}

/** Fast membership tests for a filter, built once per client. */
function matcher(f: ClientFilter): (e: StoredEvent) => boolean {
  const units = f.units ? new Set(f.units) : undefined;
  const scopeUnits = f.scope.all ? undefined : new Set(f.scope.units);
  const scopeAgencies = f.scope.all ? undefined : new Set(f.scope.agencies);
  return (e) => {
    if (scopeUnits && scopeAgencies) {
      const inUnit = e.adminUnit !== null && scopeUnits.has(e.adminUnit);
      const inAgency = e.agencyCode !== null && scopeAgencies.has(e.agencyCode);
      if (!inUnit && !inAgency) return false;
    }
    if (f.assetId && e.assetId !== f.assetId) return false;
    if (units && (e.adminUnit === null || !units.has(e.adminUnit))) return false;
    if (f.types && !f.types.some((p) => eventTypeMatches(e.type, p))) return false;
    return true;
  };
}

export class SseClient {
  private live = false;
  private closed = false;
  private buffer: Array<{ seq: number; frame: string }> = [];
  private slowCheck: NodeJS.Timeout | undefined;
  /** The last seq written to this client. */
  lastSent: number;
  readonly matches: (e: StoredEvent) => boolean;

  constructor(
    private readonly res: Writable,
    readonly filter: ClientFilter,
    private readonly limits: ClientLimits,
    private readonly onDrop: (client: SseClient, reason: string) => void,
    startAfter: number,
  ) {
    this.matches = matcher(filter);
    this.lastSent = startAfter;
  }

  get isClosed(): boolean {
    return this.closed || this.res.destroyed;
  }

  /** A live event from the hub (already known to match). */
  offer(seq: number, frame: string): void {
    this.offerAll([{ seq, frame }]);
  }

  /** Live events in seq order (already known to match), written to the socket at once. */
  offerAll(items: ReadonlyArray<{ seq: number; frame: string }>): void {
    if (this.isClosed || items.length === 0) return;
    if (!this.live) {
      if (this.buffer.length + items.length > this.limits.maxBuffered) {
        this.drop('buffer_full');
        return;
      }
      this.buffer.push(...items);
      return;
    }
    let out = '';
    for (const item of items) {
      if (item.seq <= this.lastSent) continue;
      out += item.frame;
      this.lastSent = item.seq;
    }
    if (out === '') return;
    this.res.write(out);
    this.checkPace();
  }

  /** A stored event from the replay. */
  replay(seq: number, frame: string): void {
    this.write(seq, frame);
  }

  /** Ends the replay: sends the buffered live events it did not already cover. */
  goLive(): void {
    for (const b of this.buffer) this.write(b.seq, b.frame);
    this.buffer = [];
    this.live = true;
  }

  comment(text: string): void {
    if (!this.isClosed) this.res.write(`: ${text}\n\n`);
  }

  /** Resolves when the socket has taken what was written (for the replay's pace). */
  async drained(): Promise<void> {
    if (this.isClosed || this.res.writableLength < 64 * 1024) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.slowCheck);
    this.buffer = [];
    if (!this.res.destroyed) this.res.end();
  }

  private write(seq: number, frame: string): void {
    if (this.isClosed || seq <= this.lastSent) return;
    this.res.write(frame);
    this.lastSent = seq;
    if (this.live) this.checkPace();
  }

  /**
   * A burst may leave much unsent for a moment; a client still behind after
   * the grace period is too slow. Past the hard limit it goes at once.
   */
  private checkPace(): void {
    const unsent = this.res.writableLength;
    if (unsent > this.limits.hardMaxUnsent) {
      this.drop('slow');
    } else if (unsent > this.limits.maxUnsent && !this.slowCheck) {
      this.slowCheck = setTimeout(() => {
        this.slowCheck = undefined;
        if (this.res.writableLength > this.limits.maxUnsent) this.drop('slow');
      }, this.limits.slowGraceMs);
      this.slowCheck.unref();
    }
  }

  private drop(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.slowCheck);
    this.buffer = [];
    this.res.destroy();
    this.onDrop(this, reason);
  }
}
