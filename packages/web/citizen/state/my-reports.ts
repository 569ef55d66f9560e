/**
 * The citizen's reports: their own (under every token this device holds) and
 * the ones they chose to follow from the duplicate check (public views, kept
 * by number in localStorage). Polled every minute while the app is visible
 * and when it comes back to the front; a change of status becomes a
 * notification (the Notifications API when allowed) and an in-app notice.
 */
import { useSyncExternalStore } from 'react';
import type { ReportStatus } from '@cityops/contracts';
import { ApiError } from '../../ui/api/errors';
import { citizenApi, type CitizenReport, type PublicReportDetail } from '../api';
import { identity } from './identity';

const WATCH_KEY = 'cityops.citizen.watching';
const KNOWN_KEY = 'cityops.citizen.known';
const POLL_MS = 60_000;

export interface OwnReport {
  report: CitizenReport;
  /** The token that owns it (to read and rate it). */
  token: string;
}

export interface Notice {
  id: string;
  status: ReportStatus;
  at: number;
}

export interface MyReports {
  state: 'idle' | 'loading' | 'ready' | 'error';
  own: OwnReport[];
  watched: PublicReportDetail[];
  error: unknown;
  notices: Notice[];
}

function readJson<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback;
  }
}

function writeJson(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage disabled: remembered for this page only.
  }
}

let state: MyReports = { state: 'idle', own: [], watched: [], error: null, notices: [] };
const listeners = new Set<() => void>();

function set(next: Partial<MyReports>): void {
  state = { ...state, ...next };
  for (const l of listeners) l();
}

export function useMyReports(): MyReports {
  return useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    () => state,
  );
}

// ------------------------------------------------------------- following

export const watching = {
  ids: (): string[] => readJson<string[]>(WATCH_KEY, []),
  has: (id: string) => watching.ids().includes(id),
  add(id: string): void {
    const ids = watching.ids();
    if (!ids.includes(id)) writeJson(WATCH_KEY, [...ids, id]);
    void refreshMyReports();
  },
  remove(id: string): void {
    writeJson(
      WATCH_KEY,
      watching.ids().filter((i) => i !== id),
    );
    set({ watched: state.watched.filter((r) => r.id !== id) });
  },
};

/**
 * Follows a report seen on the map or in the duplicate check: on the server
 * when the device holds a citizen token (it then shows in my reports, with
 * its notifications), else on this device only. Answers the number followed
 * (a merged report's original) and where.
 */
export async function followReport(
  id: string,
  status: ReportStatus,
): Promise<{ id: string; where: 'account' | 'device' }> {
  const token = identity.submitToken();
  if (!token) {
    watching.add(id);
    markSeen(id, status);
    return { id, where: 'device' };
  }
  const followed = await citizenApi.follow(token, id);
  markSeen(followed.id, followed.status);
  if (watching.has(id)) watching.remove(id);
  await refreshMyReports();
  return { id: followed.id, where: 'account' };
}

/** Stops following a report followed with followReport(). */
export async function unfollowReport(id: string): Promise<void> {
  const own = state.own.find((o) => o.report.id === id && o.report.following);
  if (!own) {
    watching.remove(id);
    return;
  }
  await citizenApi.unfollow(own.token, id);
  await refreshMyReports();
}

/** The token owning a report of this device, if one does. */
export const tokenOf = (id: string) => state.own.find((o) => o.report.id === id)?.token;

// ------------------------------------------------------------- notifications

async function showNotification(id: string, title: string, body: string): Promise<void> {
  const url = `/citizen/reports/${id}`;
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  // One notification a report, as the service worker's (sw.js): a newer one replaces it.
  const options = { body, icon: '/citizen/icons/icon-192.png', tag: `report-${id}`, data: { url } };
  try {
    const reg = await navigator.serviceWorker?.getRegistration('/citizen/');
    if (reg) {
      await reg.showNotification(title, options);
      return;
    }
    new Notification(title, options);
  } catch {
    // Some browsers allow notifications only from a service worker; the in-app notice stays.
  }
}

/**
 * Compares statuses with the last ones seen; tells the citizen about changes:
 * in the app, and by a notification unless a push about the report has shown
 * one already (`pushed`).
 */
function notifyChanges(
  current: Array<{ id: string; status: ReportStatus }>,
  describe: (id: string, status: ReportStatus) => { title: string; body: string },
  pushed: ReadonlySet<string>,
): void {
  const known = readJson<Record<string, ReportStatus>>(KNOWN_KEY, {});
  const notices = [...state.notices];
  for (const r of current) {
    const before = known[r.id];
    if (before && before !== r.status) {
      notices.unshift({ id: r.id, status: r.status, at: Date.now() });
      const text = describe(r.id, r.status);
      if (!pushed.has(r.id)) void showNotification(r.id, text.title, text.body);
    }
    known[r.id] = r.status;
  }
  writeJson(KNOWN_KEY, known);
  set({ notices: notices.slice(0, 10) });
}

/** Tells the citizen about a report's new status now (a report the outbox has just sent). */
export function announce(id: string, status: ReportStatus): void {
  markSeen(id, status);
  set({ notices: [{ id, status, at: Date.now() }, ...state.notices].slice(0, 10) });
  const text = describeChange(id, status);
  void showNotification(id, text.title, text.body);
}

export function dismissNotice(id: string): void {
  set({ notices: state.notices.filter((n) => n.id !== id) });
}

/** Marks a report as seen in its current status (no notice for the citizen's own doing). */
export function markSeen(id: string, status: ReportStatus): void {
  const known = readJson<Record<string, ReportStatus>>(KNOWN_KEY, {});
  known[id] = status;
  writeJson(KNOWN_KEY, known);
}

// ------------------------------------------------------------- loading

let describeChange: (id: string, status: ReportStatus) => { title: string; body: string } = (
  id,
  status,
) => ({ title: `CityOps #${id}`, body: status });

/** How a change is worded (set by the app in the current language). */
export function setChangeWording(fn: typeof describeChange): void {
  describeChange = fn;
}

let loading: Promise<void> | null = null;

export function refreshMyReports(): Promise<void> {
  loading ??= load().finally(() => (loading = null));
  return loading;
}

/** Reports a push told about (its notification shown by the service worker), for the next load. */
const pushed = new Set<string>();

/** A push about report `id` arrived: loads again (after a load under way, which may predate it). */
export function refreshAfterPush(id: string | null): Promise<void> {
  if (id) pushed.add(id);
  return (loading ?? Promise.resolve()).then(refreshMyReports, refreshMyReports);
}

async function load(): Promise<void> {
  const told = new Set(pushed);
  pushed.clear();
  if (state.state === 'idle' || state.state === 'error') set({ state: 'loading' });
  const own = new Map<string, OwnReport>();
  let error: unknown = null;
  for (const token of identity.allTokens()) {
    try {
      const page = await citizenApi.mine(token);
      for (const report of page.items)
        if (!own.has(report.id)) own.set(report.id, { report, token });
    } catch (err) {
      // A token the server no longer knows (expired, revoked) is of no more use.
      if (err instanceof ApiError && err.status === 401) identity.dropToken(token);
      else error = err;
    }
  }
  const watched: PublicReportDetail[] = [];
  for (const id of watching.ids()) {
    if (own.has(id)) continue;
    try {
      watched.push(await citizenApi.publicOne(id));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) watching.remove(id);
      else error = err;
    }
  }
  const ownList = [...own.values()].sort((a, b) => Number(b.report.id) - Number(a.report.id));
  notifyChanges(
    [...ownList.map((o) => o.report), ...watched].map((r) => ({ id: r.id, status: r.status })),
    describeChange,
    told,
  );
  set({
    state: error && ownList.length === 0 && watched.length === 0 ? 'error' : 'ready',
    own: ownList,
    watched,
    error,
  });
}

/** Polls while the app is visible. */
export function startPolling(): () => void {
  void refreshMyReports();
  const timer = window.setInterval(() => {
    if (document.visibilityState === 'visible' && navigator.onLine) void refreshMyReports();
  }, POLL_MS);
  const onVisible = () => {
    if (document.visibilityState === 'visible') void refreshMyReports();
  };
  document.addEventListener('visibilitychange', onVisible);
  window.addEventListener('online', onVisible);
  return () => {
    window.clearInterval(timer);
    document.removeEventListener('visibilitychange', onVisible);
    window.removeEventListener('online', onVisible);
  };
}
