/**
 * A short-lived cache of public Open311 answers (lists and single requests
 * are the same for every caller and are what dashboards poll): an answer is
 * reused for `ttlMs` (default 2 s) and dropped at once when this process
 * creates or changes a report, by any channel (ReportChanges). Another process's writes show within the TTL.
 *
 * However many callers ask for the same missing answer at once, it is made
 * once and they all get it. Past its TTL, an answer is still given to the
 * callers that arrive while its replacement is being made (one query, a few
 * milliseconds; never more than one TTL past its time), so that an expiry never sends a burst of requests to the
 * database nor makes them wait. An answer dropped by clear() is never given.
 */
export interface CachedAnswer {
  /** UTF-8, encoded once however many times it is sent. */
  body: Buffer;
  type: string;
}

interface Entry {
  answer: CachedAnswer;
  until: number;
}

export class AnswerCache {
  private readonly entries = new Map<string, Entry>();
  /** Answers being made, by key. */
  private readonly making = new Map<string, Promise<CachedAnswer>>();
  /** Bumped by clear(): an answer made before the last clear() is not stored. */
  private generation = 0;

  constructor(
    readonly ttlMs: number,
    private readonly maxEntries = 1000,
  ) {}

  get(key: string, now = Date.now()): CachedAnswer | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.until <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return e.answer;
  }

  set(key: string, answer: CachedAnswer, now = Date.now()): void {
    if (this.ttlMs <= 0) return;
    if (!this.entries.has(key) && this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.delete(key);
    this.entries.set(key, { answer, until: now + this.ttlMs });
  }

  /**
   * The answer for key: the cached one while fresh; else made by `make`, once
   * for every caller waiting on it (a stale answer is given meanwhile).
   */
  async answer(key: string, make: () => Promise<CachedAnswer>): Promise<CachedAnswer> {
    if (this.ttlMs <= 0) return make();
    const now = Date.now();
    let e = this.entries.get(key);
    if (e && e.until > now) return e.answer;
    if (e && e.until + this.ttlMs <= now) e = undefined;
    let pending = this.making.get(key);
    if (!pending) {
      const generation = this.generation;
      pending = make()
        .then((answer) => {
          if (generation === this.generation) this.set(key, answer);
          return answer;
        })
        .finally(() => {
          if (this.making.get(key) === pending) this.making.delete(key);
        });
      this.making.set(key, pending);
      // A stale answer's caller does not wait; a failure then reaches the next caller.
      if (e) pending.catch(() => undefined);
    }
    return e ? e.answer : pending;
  }

  clear(): void {
    this.entries.clear();
    this.making.clear();
    this.generation++;
  }
}
