/**
 * The rows of a live feed: the newest events that pass the filter, from the
 * stored history and then live, newest first, at most `max` of them. Live
 * events are applied a few times a second (not one render per event) and not
 * at all while the feed is paused (they are counted instead).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { StoredEvent } from '@cityops/contracts';
import { api } from '../../ui/api';
import { liveHub } from '../live/live-hub';
import { feedMatches, type FeedFilter } from '../live/live-items';
import { useLiveEvents } from '../live/use-live';

const FLUSH_MS = 100;

export interface Feed {
  items: readonly StoredEvent[];
  loading: boolean;
  error: unknown;
  paused: boolean;
  setPaused: (paused: boolean) => void;
  /** Events that arrived while paused. */
  waiting: number;
}

/** Newest first, without duplicates, at most `max`. */
export function mergeNewest(
  a: readonly StoredEvent[],
  b: readonly StoredEvent[],
  max: number,
): StoredEvent[] {
  const seen = new Set<number>();
  const out: StoredEvent[] = [];
  for (const e of [...a, ...b].sort((x, y) => y.seq - x.seq)) {
    if (seen.has(e.seq)) continue;
    seen.add(e.seq);
    out.push(e);
    if (out.length >= max) break;
  }
  return out;
}

export function useFeed(filter: FeedFilter, max: number, opts: { history?: boolean } = {}): Feed {
  const [items, setItems] = useState<readonly StoredEvent[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [paused, setPausedState] = useState(false);
  const [waiting, setWaiting] = useState(0);
  const pending = useRef<StoredEvent[]>([]);
  const timer = useRef<number | null>(null);
  const pausedRef = useRef(false);
  const filterRef = useRef(filter);
  filterRef.current = filter;
  const history = opts.history ?? true;

  const flush = useCallback(() => {
    timer.current = null;
    const batch = pending.current;
    pending.current = [];
    if (batch.length > 0) setItems((cur) => mergeNewest(batch, cur, max));
  }, [max]);

  useEffect(
    () => () => {
      if (timer.current !== null) window.clearTimeout(timer.current);
    },
    [],
  );

  // A new filter: start from what the page already received, then the stored history.
  const key = `${filter.kind}|${filter.type}|${filter.unit}|${filter.severity}`;
  useEffect(() => {
    const ctl = new AbortController();
    pending.current = [];
    setItems(
      mergeNewest(
        liveHub.recent().filter((e) => feedMatches(filter, e)),
        [],
        max,
      ),
    );
    setError(null);
    if (!history) {
      setLoading(false);
      return;
    }
    setLoading(true);
    const type = filter.kind === 'alerts' && !filter.type ? 'alert.*' : filter.type;
    api.events
      .list(
        {
          limit: Math.min(max, 200),
          ...(type ? { type } : {}),
          ...(filter.unit ? { adminUnit: filter.unit } : {}),
        },
        ctl.signal,
      )
      .then(
        (page) => {
          if (ctl.signal.aborted) return;
          const stored = page.items.filter((e) => feedMatches(filter, e));
          setItems((cur) => mergeNewest(cur, stored, max));
          setLoading(false);
        },
        (err: unknown) => {
          if (ctl.signal.aborted) return;
          setError(err);
          setLoading(false);
        },
      );
    return () => ctl.abort();
    // `key` stands for the filter's fields.
  }, [key, max, history]);

  useLiveEvents((batch) => {
    const f = filterRef.current;
    const matching = batch.filter((e) => feedMatches(f, e));
    if (matching.length === 0) return;
    if (pausedRef.current) {
      setWaiting((n) => n + matching.length);
      // Keep the newest ones to show on resume; the rest are in the history.
      pending.current = mergeNewest(matching, pending.current, max);
      return;
    }
    pending.current.push(...matching);
    if (pending.current.length > max) pending.current = mergeNewest(pending.current, [], max);
    timer.current ??= window.setTimeout(flush, FLUSH_MS);
  });

  const setPaused = useCallback(
    (p: boolean) => {
      pausedRef.current = p;
      setPausedState(p);
      if (!p) {
        setWaiting(0);
        flush();
      }
    },
    [flush],
  );

  return { items, loading, error, paused, setPaused, waiting };
}
