/**
 * One queue of alerts (open, acknowledged or resolved), newest first, kept
 * current from the live stream: a change to an alert in the queue is applied
 * at once (and the alert leaves the queue when its status no longer fits);
 * an alert that enters the queue is read and put in its place.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Alert, AlertSeverity, AlertStatus } from '@cityops/contracts';
import { api } from '../../ui/api';
import { isAbort } from '../../ui/api/errors';
import { alertOf } from '../live/live-items';
import { useLiveEvents } from '../live/use-live';

const PAGE = 50;

export interface QueueFilter {
  status: AlertStatus;
  severity: AlertSeverity | '';
  unit: string;
}

export interface AlertQueue {
  items: readonly Alert[];
  state: 'loading' | 'ready' | 'error';
  error: unknown;
  more: boolean;
  loadMore: () => void;
  reload: () => void;
  /** Puts an alert the caller changed (acknowledge, resolve) in its new state. */
  applied: (alert: Alert) => void;
  /** Bumped whenever an alert of any queue changes (for counts). */
  changes: number;
}

const newestFirst = (a: Alert, b: Alert) =>
  b.openedAt.localeCompare(a.openedAt) || b.id.localeCompare(a.id);

function fits(f: QueueFilter, a: Pick<Alert, 'status' | 'severity' | 'adminUnit'>): boolean {
  if (a.status !== f.status) return false;
  if (f.severity && a.severity !== f.severity) return false;
  // A unit filter covers the units under it too: the server knows the tree, so check it there.
  return true;
}

export function useAlertQueue(filter: QueueFilter): AlertQueue {
  const [items, setItems] = useState<readonly Alert[]>([]);
  const [state, setState] = useState<AlertQueue['state']>('loading');
  const [error, setError] = useState<unknown>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [changes, setChanges] = useState(0);
  const filterRef = useRef(filter);
  filterRef.current = filter;
  const query = useCallback(
    (f: QueueFilter) => ({
      status: f.status,
      ...(f.severity ? { severity: f.severity } : {}),
      ...(f.unit ? { adminUnit: f.unit } : {}),
    }),
    [],
  );

  const key = `${filter.status}|${filter.severity}|${filter.unit}`;
  useEffect(() => {
    const ctl = new AbortController();
    setState('loading');
    setItems([]);
    api.alerts.list({ ...query(filter), limit: PAGE }, ctl.signal).then(
      (page) => {
        setItems(page.items);
        setCursor(page.nextCursor);
        setState('ready');
      },
      (err: unknown) => {
        if (isAbort(err) || ctl.signal.aborted) return;
        setError(err);
        setState('error');
      },
    );
    return () => ctl.abort();
    // `key` stands for the filter's fields.
  }, [key, attempt, query]);

  const loadMore = useCallback(() => {
    if (!cursor) return;
    api.alerts.list({ ...query(filterRef.current), limit: PAGE, cursor }).then(
      (page) => {
        setItems((cur) => {
          const known = new Set(cur.map((a) => a.id));
          return [...cur, ...page.items.filter((a) => !known.has(a.id))];
        });
        setCursor(page.nextCursor);
      },
      (err: unknown) => setError(err),
    );
  }, [cursor, query]);

  const place = useCallback((alert: Alert) => {
    setItems((cur) => {
      const rest = cur.filter((a) => a.id !== alert.id);
      if (!fits(filterRef.current, alert)) return rest;
      return [...rest, alert].sort(newestFirst);
    });
  }, []);

  // Alerts that entered this queue, read one by one (a burst of them is rare and short).
  const fetching = useRef(new Set<string>());
  const fetchInto = useCallback(
    (id: string) => {
      if (fetching.current.has(id)) return;
      fetching.current.add(id);
      api.alerts
        .get(id)
        .then(
          (detail) => {
            const { history: _history, ...alert } = detail;
            place(alert);
          },
          () => undefined,
        )
        .finally(() => fetching.current.delete(id));
    },
    [place],
  );

  useLiveEvents((batch) => {
    const f = filterRef.current;
    let any = false;
    for (const e of batch) {
      const m = alertOf(e);
      if (!m) continue;
      any = true;
      const unitOk = !f.unit || m.adminUnit === f.unit;
      setItems((cur) => {
        const known = cur.find((a) => a.id === m.id);
        if (!known) return cur;
        const next = {
          ...known,
          status: m.status,
          severity: m.severity,
          escalationLevel: m.escalationLevel,
        };
        return fits(f, next)
          ? cur.map((a) => (a.id === m.id ? next : a))
          : cur.filter((a) => a.id !== m.id);
      });
      if (fits(f, { status: m.status, severity: m.severity, adminUnit: m.adminUnit }) && unitOk)
        fetchInto(m.id);
    }
    if (any) setChanges((n) => n + 1);
  });

  return {
    items,
    state,
    error,
    more: cursor !== null,
    loadMore,
    reload: () => setAttempt((n) => n + 1),
    applied: (alert) => {
      place(alert);
      setChanges((n) => n + 1);
    },
    changes,
  };
}
