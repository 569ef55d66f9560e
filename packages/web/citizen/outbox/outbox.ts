/**
 * Reports waiting to be sent. A report made offline (or whose sending found
 * no network) is queued in IndexedDB with its photos and sent when the
 * connection returns: on the `online` event, at app start, every 30 s while
 * something waits, and by the service worker's Background Sync where the
 * browser has it (also when the app is closed). A Web Lock keeps the app and
 * the service worker from sending the same report twice, and each report's
 * Idempotency-Key keeps a retry after a lost answer from making a second.
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

/**
 * One report's sending, kept across attempts: its Idempotency-Key, the token
 * it goes with, and its photos' ids once uploaded.
 */
export interface Attempt {
  key: string;
  token: string | null;
  photoIds: string[] | null;
}

export const newAttempt = (token: string | null): Attempt => ({
  key: crypto.randomUUID(),
  token,
  photoIds: null,
});

/**
 * Uploads the photos (unless this attempt did already), then sends the report
 * with the attempt's Idempotency-Key (the same steps as sw.js's).
 */
export async function sendReport(
  draft: ReportDraft,
  photos: Blob[],
  attempt: Attempt,
  uploaded?: (photoIds: string[]) => Promise<void>,
): Promise<ReportCreated> {
  if (!attempt.photoIds) {
    const ids: string[] = [];
    for (const p of photos) ids.push((await citizenApi.uploadPhoto(p, attempt.token)).id);
    attempt.photoIds = ids;
    await uploaded?.(ids);
  }
  try {
    return await citizenApi.submit(
      { ...draft, photoIds: attempt.photoIds },
      attempt.token,
      attempt.key,
    );
  } catch (err) {
    // Photos kept too long are no longer attachable: upload them again next time.
    if (err instanceof ApiError && err.problem?.errors?.some((e) => e.path.startsWith('photoIds')))
      attempt.photoIds = null;
    throw err;
  }
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
      // The first attempt fixes the key and the sender; retries send the same.
      const attempt: Attempt = {
        key: item.key ?? crypto.randomUUID(),
        token: item.sender !== undefined ? item.sender : (item.token ?? identity.submitToken()),
        photoIds: item.photoIds ?? null,
      };
      const tried = { ...item, key: attempt.key, sender: attempt.token };
      try {
        await outboxDb.put({ ...tried, state: 'sending', attempts: item.attempts + 1 });
        await refresh();
        const created = await sendReport(item.draft, item.photos, attempt, (photoIds) =>
          outboxDb.put({ ...tried, photoIds, state: 'sending', attempts: item.attempts + 1 }),
        );
        await outboxDb.put({
          ...tried,
          photoIds: attempt.photoIds,
          state: 'sent',
          result: { reportId: created.report.id, followToken: created.followToken },
        });
        if (created.followToken) identity.addFollowToken(created.followToken);
        await settle();
      } catch (err) {
        const transient = isTransient(err);
        await outboxDb.put({
          ...tried,
          photoIds: attempt.photoIds,
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

/**
 * Queues a report; asks for a Background Sync and tries at once when online.
 * `tried`: the attempt already made (its key, token and uploads are kept, so
 * that the report it may have made is not made twice).
 */
export async function enqueue(
  draft: ReportDraft,
  photos: Blob[],
  categoryName: OutboxItem['categoryName'],
  tried?: Attempt,
): Promise<void> {
  await outboxDb.put({
    id: crypto.randomUUID(),
    createdAt: new Date().toISOString(),
    draft,
    photos,
    token: tried ? tried.token : identity.submitToken(),
    key: tried?.key ?? crypto.randomUUID(),
    ...(tried ? { sender: tried.token, photoIds: tried.photoIds } : {}),
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
