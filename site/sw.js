// Service worker: precaches the build output at install and serves our own
// GET requests cache-first, so the projector starts offline after one visit.
// It handles nothing else and never touches the user's data.
// The build replaces VERSION and PRECACHE.
'use strict';

const VERSION = '{{version}}';
const PRECACHE = {{precache}};
const CACHE = 'projector-' + VERSION;

self.addEventListener('install', (event) => {
  // Everything is cached before the worker counts as installed.
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)));
  // No skipWaiting here: a new version waits until the user agrees to reload.
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('projector-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  event.respondWith(
    caches.open(CACHE)
      .then((cache) => cache.match(req, { ignoreSearch: true }))
      .then((hit) => hit || fetch(req)),
  );
});
