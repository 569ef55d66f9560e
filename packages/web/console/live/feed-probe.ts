/**
 * A measuring hook for the benchmarks and end-to-end tests: when an event's
 * data carries `sentAt` (ms since epoch, set by whoever published it), the
 * time from then until its row is on screen is recorded in
 * `window.__cityopsFeedProbe`. Bounded, and idle when no event carries `sentAt`.
 */
declare global {
  interface Window {
    __cityopsFeedProbe?: { latencies: number[]; rows: number };
  }
}

const MAX = 20_000;

export function recordRendered(data: Record<string, unknown>): void {
  const sentAt = data.sentAt;
  if (typeof sentAt !== 'number') return;
  const probe = (window.__cityopsFeedProbe ??= { latencies: [], rows: 0 });
  probe.rows += 1;
  if (probe.latencies.length >= MAX) probe.latencies.splice(0, MAX / 2);
  probe.latencies.push(Date.now() - sentAt);
}
