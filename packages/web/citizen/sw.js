/* The citizen app's service worker: keeps the app shell for offline use, sends
   the reports queued offline by Background Sync (also when the app is closed),
   shows the server's push messages about reports (status changes) in the
   citizen's language, and opens a report when its notification is tapped.
   The build fills in the cache version and the list of the shell's files. */
const CACHE = 'cityops-citizen-__CITYOPS_VERSION__';
const PRECACHE = __CITYOPS_PRECACHE__;
const SHELL = '/citizen/';

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((k) => k.startsWith('cityops-citizen-') && k !== CACHE)
            .map((k) => caches.delete(k)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  // Pages of the app: the network first (fresh content), the cached shell when offline.
  if (request.mode === 'navigate' && url.pathname.startsWith('/citizen')) {
    event.respondWith(
      fetch(request).catch(() => caches.match(SHELL).then((hit) => hit || Response.error())),
    );
    return;
  }

  // Hashed build files and the app's static files: the cache first.
  if (url.pathname.startsWith('/assets/') || url.pathname.startsWith('/citizen/icons/')) {
    event.respondWith(
      caches.match(request).then(
        (hit) =>
          hit ||
          fetch(request).then((res) => {
            if (res.ok) {
              const copy = res.clone();
              void caches.open(CACHE).then((cache) => cache.put(request, copy));
            }
            return res;
          }),
      ),
    );
  }
  // Everything else (the API) goes to the network as usual.
});

// ------------------------------------------------------------------ outbox
// Reports queued offline: the store and record of citizen/outbox/db.ts, sent
// with the same steps as citizen/outbox/outbox.ts (photos first, then the
// report), under the same Web Lock so that the app and this worker never send
// one twice.

const DB_NAME = 'cityops-citizen';
const STORE = 'outbox';
const SYNC_TAG = 'cityops-outbox';

function openDb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE))
        req.result.createObjectStore(STORE, { keyPath: 'id' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function inStore(db, mode, work) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const req = work(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(req.result);
    tx.onerror = () => reject(tx.error);
  });
}

async function call(path, init, token) {
  const headers = { accept: 'application/json', ...init.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(path, { ...init, headers });
  if (!res.ok) {
    let detail = res.statusText;
    try {
      const body = await res.json();
      detail = body.detail || body.title || detail;
    } catch {
      // Not a problem+json body; the status text will do.
    }
    const err = new Error(detail);
    err.status = res.status;
    throw err;
  }
  return res.json();
}

const transient = (err) =>
  !err.status || err.status === 408 || err.status === 429 || err.status >= 500;

async function sendQueued() {
  const db = await openDb();
  const items = await inStore(db, 'readonly', (s) => s.getAll());
  items.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  let carried = null;
  const sent = [];
  try {
    for (const item of items) {
      if (item.state === 'failed' || item.state === 'sent') continue;
      // The first attempt fixes the Idempotency-Key and the sender; retries send the same
      // report (a lost answer then gets the first report back, never a second).
      const token = item.sender !== undefined ? item.sender : item.token || carried;
      const key = item.key || self.crypto.randomUUID();
      const attempts = item.attempts + 1;
      let tried = { ...item, key, sender: token, attempts };
      try {
        await inStore(db, 'readwrite', (s) => s.put({ ...tried, state: 'sending' }));
        let photoIds = item.photoIds;
        if (!photoIds) {
          photoIds = [];
          for (const photo of item.photos) {
            const file = await call(
              '/api/v1/files',
              {
                method: 'POST',
                headers: { 'content-type': photo.type || 'image/jpeg' },
                body: photo,
              },
              token,
            );
            photoIds.push(file.id);
          }
          tried = { ...tried, photoIds };
          await inStore(db, 'readwrite', (s) => s.put({ ...tried, state: 'sending' }));
        }
        const created = await call(
          '/api/v1/citizen/reports',
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'idempotency-key': key },
            body: JSON.stringify({ ...item.draft, photoIds }),
          },
          token,
        );
        carried = carried || created.followToken;
        const result = { reportId: created.report.id, followToken: created.followToken };
        await inStore(db, 'readwrite', (s) => s.put({ ...tried, state: 'sent', result }));
        sent.push(created.report.id);
      } catch (err) {
        const again = transient(err);
        await inStore(db, 'readwrite', (s) =>
          s.put({
            ...tried,
            state: again ? 'queued' : 'failed',
            error: again ? null : err.message,
          }),
        );
        // Thrown, the sync is retried by the browser later.
        if (again) throw err;
      }
    }
  } finally {
    await tellClients(sent);
  }
}

async function tellClients(sent) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  for (const w of windows) w.postMessage({ type: 'cityops:outbox-changed' });
  if (windows.length > 0 || sent.length === 0 || self.Notification?.permission !== 'granted')
    return;
  for (const id of sent)
    await self.registration.showNotification(`CityOps #${id}`, {
      body: 'Phản ánh của bạn đã được gửi. / Your report has been sent.',
      icon: '/citizen/icons/icon-192.png',
      tag: `report-${id}`,
      data: { url: `/citizen/reports/${id}` },
    });
}

self.addEventListener('sync', (event) => {
  if (event.tag !== SYNC_TAG) return;
  const locks = self.navigator.locks;
  event.waitUntil(locks ? locks.request(SYNC_TAG, sendQueued) : sendQueued());
});

// ------------------------------------------------------------------ push
// A message of the server (src/reports/notify.ts, PushMessage of the
// contracts): {reportId, event, lang, textVi, textEn, url}, in the language the
// citizen chose when turning notifications on (Vietnamese unless English).

const PUSH_TITLE = {
  vi: (id) => `Phản ánh #${id}`,
  en: (id) => `Report #${id}`,
};
const PUSH_FALLBACK = {
  vi: 'Phản ánh của bạn có cập nhật mới.',
  en: 'There is news about your report.',
};

self.addEventListener('push', (event) => {
  let msg = {};
  try {
    msg = event.data ? event.data.json() : {};
  } catch {
    msg = {};
  }
  const lang = msg.lang === 'en' ? 'en' : 'vi';
  const id = /^\d{1,18}$/.test(String(msg.reportId || '')) ? String(msg.reportId) : null;
  const body = (lang === 'en' ? msg.textEn : msg.textVi) || PUSH_FALLBACK[lang];
  const url = id ? `/citizen/reports/${id}` : '/citizen/mine';
  event.waitUntil(
    (async () => {
      await self.registration.showNotification(id ? PUSH_TITLE[lang](id) : 'CityOps', {
        body,
        lang,
        icon: '/citizen/icons/icon-192.png',
        tag: id ? `report-${id}` : 'cityops',
        renotify: true,
        data: { url },
      });
      // An open app refreshes its list of reports.
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      for (const w of windows) w.postMessage({ type: 'cityops:push', reportId: id });
    })(),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || '/citizen/';
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => new URL(w.url).pathname.startsWith('/citizen'));
      if (open) {
        open.postMessage({ type: 'cityops:open', url });
        return open.focus();
      }
      return self.clients.openWindow(url);
    }),
  );
});
