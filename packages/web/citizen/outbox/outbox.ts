/**
 * Reports waiting to be sent. A report made offline (or whose sending found
 * no network) is queued in IndexedDB with its photos and sent when the
 * connection returns: on the `online` event, at app start, every 30 s while
 * something waits, and by the service worker's Background Sync where the
 * browser has it (also when the app is closed). A Web Lock keeps the app and
 * the service worker from sending the same report twice.
 */
import { useSyncExternalStore } from 'react';
import { ApiError } from '../../ui/api/errors';
import { citizenApi, type ReportCreated, type ReportDraft } from '../api';
import { identity } from '../state/identity';
import { announce, refreshMyReports } from '../state/my-reports';
import { outboxDb, type OutboxItem } from './db';

export const SYNC_TAG = 'cityops-outbox';
const LOCK = 'cityops-outbox';
const RETRY_MS = 30_000;

/** Uploads the photos, then sends the report (the same steps as sw.js's). */
export async function sendReport(
  draft: ReportDraft,
  photos: Blob[],
  token: string | null,
): Promise<ReportCreated> {
  const photoIds: string[] = [];
  for (const p of photos) photoIds.push((await citizenApi.uploadPhoto(p, token)).id);
  return citizenApi.submit({ ...draft, photoIds }, token);
}

/** Whether a failure means "try again later" rather than "the server refused it". */
export function isTransient(err: unknown): boolean {
  if (!(err instanceof ApiError)) return true;
  return err.unreachable || err.status === 429 || err.status === 408 || err.status >= 500;
}

// ------------------------------------------------------------- the list, for React

let snapshot: readonly OutboxItem[] = [];
const listeners = new Set<() => void>();

async function refresh(): Promise<void> {
  try {
    snapshot = await outboxDb.all();
  } catch {
    snapshot = [];
  }
  for (const l of listeners) l();
}

export function useOutbox(): readonly OutboxItem[] {
  return useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    () => snapshot,
  );
}

/** Sent items (here or by the service worker): keep their follow token, then forget them. */
async function settle(): Promise<void> {
  let settled = 0;
  for (const item of await outboxDb.all()) {
    if (item.state !== 'sent' || !item.result) continue;
    if (item.result.followToken) identity.addFollowToken(item.result.followToken);
    announce(item.result.reportId, 'received');
    await outboxDb.delete(item.id);
    settled++;
  }
  // The new reports belong in "my reports" now.
  if (settled > 0) void refreshMyReports();
}

async function withLock(work: () => Promise<void>): Promise<void> {
  if ('locks' in navigator) {
    await navigator.locks.request(LOCK, work);
    return;
  }
  await work();
}

let flushing: Promise<void> | null = null;

/** Sends what waits, oldest first; stops at the first network failure. */
export function flushOutbox(): Promise<void> {
  flushing ??= withLock(async () => {
    await settle();
    for (const item of await outboxDb.all()) {
      if (item.state === 'failed' || item.state === 'sent') continue;
      const token = item.token ?? identity.submitToken();
      try {
        await outboxDb.put({ ...item, state: 'sending', attempts: item.attempts + 1 });
        await refresh();
        const created = await sendReport(item.draft, item.photos, token);
        await outboxDb.put({
          ...item,
          state: 'sent',
          result: { reportId: created.report.id, followToken: created.followToken },
        });
        if (created.followToken) identity.addFollowToken(created.followToken);
        await settle();
      } catch (err) {
        const transient = isTransient(err);
        await outboxDb.put({
          ...item,
          attempts: item.attempts + 1,
          state: transient ? 'queued' : 'failed',
          error: transient ? null : err instanceof ApiError ? err.message : String(err),
        });
        if (transient) break;
      }
    }
  })
    .catch(() => undefined)
    .finally(() => {
      flushing = null;
      void refresh();
    });
  return flushing;
}

/** Queues a report; asks for a Background Sync and tries at once when online. */
export async function enqueue(
  draft: ReportDraft,
  photos: Blob[],
  categoryName: OutboxItem['categoryName'],
): Promise<void> {
  await outboxDb.put({
    id: crypto.randomUUID(),
    createdAt: new Date().toISOString(),
    draft,
    photos,
    token: identity.submitToken(),
    categoryName,
    state: 'queued',
    attempts: 0,
    error: null,
    result: null,
  });
  await refresh();
  await requestSync();
  if (navigator.onLine) void flushOutbox();
}

export async function removeQueued(id: string): Promise<void> {
  await outboxDb.delete(id);
  await refresh();
}

/** Sends the failed item again (say after the citizen fixed their connection or sign-in). */
export async function retryQueued(id: string): Promise<void> {
  const item = await outboxDb.get(id);
  if (!item) return;
  await outboxDb.put({ ...item, state: 'queued', error: null });
  await refresh();
  void flushOutbox();
}

interface SyncRegistration {
  sync?: { register(tag: string): Promise<void> };
}

async function requestSync(): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  try {
    const reg: (ServiceWorkerRegistration & SyncRegistration) | undefined = await Promise.race([
      navigator.serviceWorker.ready,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 2000)),
    ]);
    await reg?.sync?.register(SYNC_TAG);
  } catch {
    // No Background Sync here (or not allowed): the app's own retries send it.
  }
}

/** Starts the outbox: a first attempt, then on `online`, on the worker's word, and every 30 s. */
export function startOutbox(): () => void {
  void refresh().then(() => flushOutbox());
  const onOnline = () => void flushOutbox();
  const onMessage = (e: MessageEvent<{ type?: string }>) => {
    if (e.data?.type === 'cityops:outbox-changed') void settle().then(refresh);
  };
  window.addEventListener('online', onOnline);
  navigator.serviceWorker?.addEventListener('message', onMessage);
  const timer = window.setInterval(() => {
    if (navigator.onLine && snapshot.some((i) => i.state === 'queued')) void flushOutbox();
  }, RETRY_MS);
  return () => {
    window.removeEventListener('online', onOnline);
    navigator.serviceWorker?.removeEventListener('message', onMessage);
    window.clearInterval(timer);
  };
}
