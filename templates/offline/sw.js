// Pathway field app: caches the app shell so the app starts without a connection. It caches no
// personal data: cases live only in IndexedDB, encrypted (static/offline/vault.js). The rule and
// the words (/offline/api/reference) are cached too: they hold no personal data.
const CACHE = "pathway-shell-{{ version }}";
const SHELL = ["{% url 'offline:shell' %}", "{% url 'offline:manifest' %}", "{% url 'offline:api-reference' %}"{% for file in files %}, "{{ file|escapejs }}"{% endfor %}];
const REFERENCE = "{% url 'offline:api-reference' %}";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL.filter((url) => url !== REFERENCE))).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key)))).then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin || !SHELL.includes(url.pathname)) {
    return;  // the API and everything else go to the network as usual
  }
  // Network first (a new version reaches a connected device at once), the cache when offline.
  event.respondWith(
    fetch(event.request).then((response) => {
      if (response.ok) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
      }
      return response;
    }).catch(() => caches.match(url.pathname))
  );
});
