/**
 * A signal that reports changed: every path that creates or changes a
 * report (a submission from any channel, a workflow step, a staff edit, the
 * background jobs) calls changed() once its transaction has committed, and
 * the caches of answers made from reports (the Open311 lists) drop what they
 * hold. `count` goes up with each change, for caches keyed on it.
 */
export class ReportChanges {
  private readonly listeners = new Set<() => void>();
  private n = 0;

  get count(): number {
    return this.n;
  }

  /** Calls `fn` after each change; answers the function that stops it. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  changed(): void {
    this.n++;
    for (const fn of this.listeners) fn();
  }
}
