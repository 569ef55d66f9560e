/* The citizen app's service worker: keeps the app shell for offline use.
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
