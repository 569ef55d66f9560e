/**
 * The outbox's IndexedDB store: reports made offline, with their photos as
 * blobs, until they are sent. The service worker (sw.js) opens the same
 * database to send them by Background Sync while the app is closed, so the
 * names and the record's shape here are a contract with it.
 */
import type { ReportDraft } from '../api';

export const DB_NAME = 'cityops-citizen';
export const DB_VERSION = 1;
export const STORE = 'outbox';

export type OutboxState = 'queued' | 'sending' | 'sent' | 'failed';

export interface OutboxItem {
  id: string;
  createdAt: string;
  draft: ReportDraft;
  /** JPEGs already resized in the browser. */
  photos: Blob[];
  /** The citizen token to send with (null: anonymous, a follow token comes back). */
  token: string | null;
  /**
   * The Idempotency-Key of this report (a UUID made once): every attempt sends
   * it, so a retry after a lost answer gets the first report back. Items
   * queued before keys existed get one at their next attempt.
   */
  key?: string;
  /** The token the first attempt was sent with (retries keep it: the key is the sender's). */
  sender?: string | null;
  /** The photos' ids once uploaded (retries send the same report, not new uploads). */
  photoIds?: string[] | null;
  /** For the list of waiting reports. */
  categoryName: { vi: string; en: string };
  state: OutboxState;
  attempts: number;
  /** The server's reason when it refused the report (state `failed`). */
  error: string | null;
  result: { reportId: string; followToken: string | null } | null;
}

let opening: Promise<IDBDatabase> | null = null;

export function openDb(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE))
        req.result.createObjectStore(STORE, { keyPath: 'id' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB unavailable'));
  }).catch((err: unknown) => {
    opening = null;
    throw err;
  });
  return opening;
}

function run<T>(
  mode: IDBTransactionMode,
  work: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  return openDb().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const req = work(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(req.result);
        tx.onerror = () => reject(tx.error ?? new Error('IndexedDB error'));
        tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
      }),
  );
}

export const outboxDb = {
  all: () =>
    run<OutboxItem[]>('readonly', (s) => s.getAll() as IDBRequest<OutboxItem[]>).then((items) =>
      items.sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    ),
  get: (id: string) =>
    run<OutboxItem | undefined>('readonly', (s) => s.get(id) as IDBRequest<OutboxItem | undefined>),
  put: (item: OutboxItem) => run('readwrite', (s) => s.put(item)).then(() => undefined),
  delete: (id: string) => run('readwrite', (s) => s.delete(id)).then(() => undefined),
};
