// The app's service worker (vite-plugin-pwa injectManifest builds it to sw.js; docs/pwa.md):
// - precaches the app shell, the models and the sample photos (the list Workbox injects at build time), serves
//   navigations from the cached index.html and drops the caches of older versions;
// - keeps ORT's wasm in a runtime cache, only the build the page actually loads (WASM-only or JSEP/WebGPU),
//   including the one fetched on the first visit before this worker controlled the page (the page names it);
// - answers the in-page API on the app's own origin: POST v1/plate-reader/, GET info/, GET v1/statistics/
//   (relative to the scope). Reading runs in a page of the app (the engine lives in its worker): the request is
//   forwarded to that page over a MessageChannel.
/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, matchPrecache, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';
import { ApiValidationError } from '../api/options';
import { version as appVersion } from '../../package.json';
import { countRead, statisticsBody, usageOf } from '../pwa/usage';
import { ApiHttpError, fetchUpload, parseApiRequest } from './api-request';
import type { ApiHostReply, ApiHostRequest, CacheWasmMessage, HostInfo } from './messages';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<PrecacheEntry | string> };

/** Runtime cache of ORT's wasm (one or both builds, whichever the page loaded). */
const WASM_CACHE = 'alpr-ort-wasm';
/** How long a page has to say it hosts the API before the next one is tried. */
const ACCEPT_MS = 3000;
/** A read that takes longer than this (a page frozen in the background, say) answers 504. */
const READ_MS = 5 * 60 * 1000;

const isWasm = (url: string) => /(^|\/)ort-wasm[^/]*\.wasm$/.test(url.split('?')[0]);
const entryUrl = (e: PrecacheEntry | string) => (typeof e === 'string' ? e : e.url);

// The build's wasm files come in the injected list only so this worker knows their URLs: they are not precached.
const manifest = self.__WB_MANIFEST;
const wasmUrls = new Set(manifest.map(entryUrl).filter(isWasm).map((u) => new URL(u, self.location.href).href));
precacheAndRoute(manifest.filter((e) => !isWasm(entryUrl(e))));
cleanupOutdatedCaches();
// The first install takes the open page at once (offline without a reload). An update waits for the user's
// "Reload" (SKIP_WAITING below); then it takes the pages too.
clientsClaim();

const scoped = (path: string) => new URL(path, self.registration.scope).pathname;
const API = {
  read: scoped('v1/plate-reader/'),
  info: scoped('info/'),
  stats: scoped('v1/statistics/'),
};
/** `/v1/plate-reader/` and `/v1/plate-reader` (the reference's examples use both). */
const isApiPath = (pathname: string, p: string) => pathname === p || pathname === p.slice(0, -1);
const apiRoute = (p: string) => ({ url }: { url: URL }) => url.origin === self.location.origin && isApiPath(url.pathname, p);

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      'Content-Type': 'application/json',
      // The page is cross-origin isolated (COEP require-corp); same-origin answers need no more, say so anyway.
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    },
  });
}
const apiError = (status: number, message: string) => json(status, { error: { code: status, message } });

/** Window clients of this app, the requesting one first. */
async function hostCandidates(clientId: string | undefined): Promise<Client[]> {
  const all = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const first = clientId ? all.find((c) => c.id === clientId) : undefined;
  return first ? [first, ...all.filter((c) => c !== first)] : [...all];
}

/** Asks one page; null when it does not accept within ACCEPT_MS (not the app, or an old version of it). */
function ask(client: Client, msg: ApiHostRequest): Promise<{ status: number; body: unknown } | null> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    let accepted = false;
    const done = (v: { status: number; body: unknown } | null) => {
      clearTimeout(timer);
      channel.port1.close();
      resolve(v);
    };
    let timer = setTimeout(() => done(null), ACCEPT_MS);
    channel.port1.onmessage = (ev: MessageEvent<ApiHostReply>) => {
      const reply = ev.data;
      if (reply?.type === 'accepted' && !accepted) {
        accepted = true;
        clearTimeout(timer);
        timer = setTimeout(
          () => done({ status: 504, body: { error: { code: 504, message: 'the page running the reader did not answer in time' } } }),
          READ_MS,
        );
      } else if (reply?.type === 'result') done({ status: reply.status, body: reply.body });
    };
    client.postMessage(msg, [channel.port2]);
  });
}

/** The first page of the app that takes the request; null when none is open. */
async function forward(clientId: string | undefined, msg: ApiHostRequest): Promise<{ status: number; body: unknown } | null> {
  for (const client of await hostCandidates(clientId)) {
    const answer = await ask(client, msg);
    if (answer) return answer;
  }
  return null;
}

async function handleRead(event: FetchEvent): Promise<Response> {
  try {
    const call = await parseApiRequest(event.request, { baseUrl: self.registration.scope });
    const file = call.upload ?? (await fetchUpload(call.uploadUrl!));
    const answer = await forward(event.clientId || event.resultingClientId, {
      type: 'alpr-api-read',
      file,
      filename: call.filename,
      input: call.input,
    });
    if (!answer) {
      return apiError(
        503,
        `no page of the app is open to run the reader: open ${self.registration.scope} in a tab of this browser and try again`,
      );
    }
    if (answer.status === 201) await countRead('api').catch(() => undefined);
    return json(answer.status, answer.body);
  } catch (e) {
    if (e instanceof ApiHttpError) return json(e.status, e.toJSON());
    if (e instanceof ApiValidationError) return json(400, e.toJSON());
    return apiError(500, `the in-page API failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function modelVersions(): Promise<{ version: string; [name: string]: string } | null> {
  try {
    const res = (await matchPrecache('models/manifest.json')) ?? (await fetch(new URL('models/manifest.json', self.registration.scope)));
    const m = (await res.json()) as { version: string; models: Record<string, { version: string }> };
    return { version: m.version, ...Object.fromEntries(Object.entries(m.models).map(([k, v]) => [k, v.version])) };
  } catch {
    return null;
  }
}

async function handleInfo(event: FetchEvent): Promise<Response> {
  const [models, usage, host] = await Promise.all([
    modelVersions(),
    usageOf().catch(() => ({ api: 0, page: 0 })),
    forward(event.clientId, { type: 'alpr-api-info' }),
  ]);
  const engine = (host?.body ?? null) as HostInfo | null;
  // The SDK's /info/ fields that apply (version, total_calls, usage, webhooks), then the local engine's.
  return json(200, {
    version: appVersion,
    total_calls: null,
    usage: { calls: usage.api + usage.page, api_calls: usage.api, page_reads: usage.page },
    webhooks: [],
    models,
    backend: engine?.backend ?? null,
    threads: engine?.threads ?? null,
    engine: engine?.status ?? 'no page open',
  });
}

async function handleStatistics(): Promise<Response> {
  const now = new Date();
  const usage = await usageOf(now).catch(() => ({ api: 0, page: 0 }));
  return json(200, statisticsBody(usage, now));
}

const notAllowed = (allow: string) => async ({ request }: { request: Request }) =>
  apiError(405, `method ${request.method} not allowed (use ${allow})`);

registerRoute(apiRoute(API.read), ({ event }) => handleRead(event as FetchEvent), 'POST');
registerRoute(apiRoute(API.read), notAllowed('POST'), 'GET');
registerRoute(apiRoute(API.info), ({ event }) => handleInfo(event as FetchEvent), 'GET');
registerRoute(apiRoute(API.stats), handleStatistics, 'GET');

// ORT's wasm: from the cache once there. Only what the page fetches lands here (see the message below).
registerRoute(
  ({ url }) => url.origin === self.location.origin && isWasm(url.pathname),
  new CacheFirst({ cacheName: WASM_CACHE }),
);

// Navigations (any app URL, reloads offline) get the cached app shell; the API, models and widget do not.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('index.html'), {
    denylist: [/\/models\//, /\/widget/, /\/v1\//, /\/info\/?$/],
  }),
);

/** Caches the wasm the page's engine loaded (the first visit fetched it before this worker was in control). */
async function cacheWasm(url: string): Promise<void> {
  const href = new URL(url, self.location.href).href;
  if (new URL(href).origin !== self.location.origin || !isWasm(href)) return;
  if (wasmUrls.size > 0 && !wasmUrls.has(href)) return; // not this version's
  const cache = await caches.open(WASM_CACHE);
  if (await cache.match(href)) return;
  await cache.add(href);
}

/** Drops wasm builds of earlier versions from the runtime cache. */
async function pruneWasm(): Promise<void> {
  if (wasmUrls.size === 0) return;
  const cache = await caches.open(WASM_CACHE);
  for (const req of await cache.keys()) if (!wasmUrls.has(req.url)) await cache.delete(req);
}

self.addEventListener('activate', (event) => event.waitUntil(pruneWasm()));

self.addEventListener('message', (event) => {
  const data = event.data as CacheWasmMessage | { type?: string } | null;
  if (data?.type === 'SKIP_WAITING') void self.skipWaiting();
  else if (data?.type === 'alpr-cache-wasm' && typeof (data as CacheWasmMessage).url === 'string') {
    const work = cacheWasm((data as CacheWasmMessage).url).then(
      () => event.ports[0]?.postMessage({ ok: true }),
      (e: unknown) => event.ports[0]?.postMessage({ ok: false, error: String(e) }),
    );
    event.waitUntil(work);
  }
});
