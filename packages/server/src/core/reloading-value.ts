/**
 * A value loaded from the database and kept for `ttlMs`: one load at a time
 * however many callers ask; past its time, the old value is answered while
 * the new one loads. invalidate() (after a change made in this process)
 * drops it at once, and a load that was under way when it was called is not
 * kept. A load that fails is retried by the next caller.
 */
export class ReloadingValue<T> {
  private value: { value: T; until: number } | undefined;
  private loading: Promise<T> | undefined;
  private generation = 0;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly ttlMs: number,
  ) {}

  get(): Promise<T> {
    const c = this.value;
    if (c && c.until > Date.now()) return Promise.resolve(c.value);
    const loading = this.reload();
    return c ? Promise.resolve(c.value) : loading;
  }

  invalidate(): void {
    this.value = undefined;
    this.loading = undefined;
    this.generation++;
  }

  private reload(): Promise<T> {
    if (this.loading) return this.loading;
    const generation = this.generation;
    const p = this.load()
      .then((value) => {
        if (generation === this.generation) this.value = { value, until: Date.now() + this.ttlMs };
        return value;
      })
      .finally(() => {
        if (this.loading === p) this.loading = undefined;
      });
    this.loading = p;
    p.catch(() => undefined);
    return p;
  }
}
