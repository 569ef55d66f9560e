/**
 * A token bucket per device, in memory: `ratePerSecond` events sustained, up
 * to `burst` at once. One device's flood empties its own bucket only. Full
 * buckets are forgotten (a new bucket is full), so memory follows active devices.
 */
export interface TokenBucketOptions {
  ratePerSecond: number;
  burst: number;
  /** Milliseconds of a monotonic clock (tests pass their own). */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const PRUNE_AT = 10_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;

  constructor(private readonly opts: TokenBucketOptions) {
    this.now = opts.now ?? (() => performance.now());
  }

  /**
   * Takes `cost` tokens (at most a full bucket: a batch bigger than the burst
   * empties it). Answers 0 when taken, else the milliseconds until it could be.
   */
  take(key: string, cost: number): number {
    const now = this.now();
    const need = Math.min(cost, this.opts.burst);
    const b = this.refill(this.buckets.get(key), now);
    if (b.tokens < need) {
      this.buckets.set(key, b);
      return Math.ceil(((need - b.tokens) / this.opts.ratePerSecond) * 1000);
    }
    b.tokens -= need;
    if (this.buckets.size >= PRUNE_AT && !this.buckets.has(key)) this.prune(now);
    this.buckets.set(key, b);
    return 0;
  }

  private refill(b: Bucket | undefined, now: number): Bucket {
    if (!b) return { tokens: this.opts.burst, at: now };
    const tokens = Math.min(
      this.opts.burst,
      b.tokens + ((now - b.at) / 1000) * this.opts.ratePerSecond,
    );
    return { tokens, at: now };
  }

  private prune(now: number): void {
    for (const [key, b] of this.buckets) {
      if (this.refill(b, now).tokens >= this.opts.burst) this.buckets.delete(key);
    }
  }
}
