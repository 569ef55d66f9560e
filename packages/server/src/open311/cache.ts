/**
 * A short-lived cache of public Open311 answers (lists and single requests
 * are the same for every caller and are what dashboards poll): an answer is
 * reused for `ttlMs` (default 2 s) and dropped at once when this process
 * takes a new request. Another process's writes show within the TTL.
 */
export interface CachedAnswer {
  body: string;
  type: string;
}

export class AnswerCache {
  private readonly entries = new Map<string, { answer: CachedAnswer; until: number }>();

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
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { answer, until: now + this.ttlMs });
  }

  clear(): void {
    this.entries.clear();
  }
}
