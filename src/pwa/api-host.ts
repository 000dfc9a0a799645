// The page's side of the in-page API (docs/pwa.md): the service worker forwards `POST /v1/plate-reader/` and
// `GET /info/` to a page of the app, because the engine runs in the page's worker. This answers them with
// readWithEngine() (src/app/runner.ts). It also tells the SW which ORT wasm the engine loaded (kept for offline
// use) and counts the page's own reads for GET /v1/statistics/.
import type { ApiError } from '../api/types';
import { readWithEngine, toApiError } from '../app/runner';
import { useStore } from '../app/store';
import type { ApiHostReply, ApiHostRequest, CacheWasmMessage, HostInfo } from '../sw/messages';
import { countRead } from './usage';

let started = false;

function reply(port: MessagePort | undefined, msg: ApiHostReply): void {
  port?.postMessage(msg);
}

async function answerRead(port: MessagePort | undefined, req: Extract<ApiHostRequest, { type: 'alpr-api-read' }>) {
  try {
    const response = await readWithEngine(req.file, req.filename, req.input);
    reply(port, { type: 'result', status: 201, body: response });
  } catch (e) {
    const body: ApiError = toApiError(e, req.filename);
    const status = Number.isInteger(body.error.code) && body.error.code >= 400 && body.error.code <= 599 ? body.error.code : 500;
    reply(port, { type: 'result', status, body });
  }
}

function hostInfo(): HostInfo {
  const e = useStore.getState().engine;
  return { status: e.status, backend: e.info?.backend ?? null, threads: e.info?.threads ?? null };
}

function onMessage(ev: MessageEvent): void {
  const data = ev.data as ApiHostRequest | null;
  if (!data || typeof data !== 'object') return;
  const port = ev.ports[0];
  if (data.type === 'alpr-api-read') {
    reply(port, { type: 'accepted' });
    void answerRead(port, data);
  } else if (data.type === 'alpr-api-info') {
    reply(port, { type: 'accepted' });
    reply(port, { type: 'result', status: 200, body: hostInfo() });
  }
}

/** Asks the active SW to keep the wasm the engine loaded (resolves once it is cached, or the SW refused). */
async function keepWasm(url: string): Promise<void> {
  const reg = await navigator.serviceWorker.ready;
  if (!reg.active) return;
  const channel = new MessageChannel();
  const done = new Promise<void>((resolve) => (channel.port1.onmessage = () => resolve()));
  const msg: CacheWasmMessage = { type: 'alpr-cache-wasm', url };
  reg.active.postMessage(msg, [channel.port2]);
  await done;
  channel.port1.close();
}

/** Starts answering the SW; idempotent. Not in `vite dev` (no SW there). */
export function startApiHost(): void {
  if (started || !('serviceWorker' in navigator) || import.meta.env.DEV) return;
  started = true;
  navigator.serviceWorker.addEventListener('message', onMessage);
  // Messages the SW sent before this listener existed are held until now.
  navigator.serviceWorker.startMessages();

  const kept = new Set<string>();
  const onEngine = (info: { wasmUrl?: string } | null) => {
    const url = info?.wasmUrl;
    if (!url || kept.has(url)) return;
    kept.add(url);
    keepWasm(url).catch((e: unknown) => console.warn('could not keep the reader\'s wasm for offline use:', e));
  };
  onEngine(useStore.getState().engine.info);
  useStore.subscribe((s, prev) => {
    if (s.engine.info !== prev.engine.info) onEngine(s.engine.info);
    // The page's own reads count in the statistics too (an item that turns "done").
    if (s.items !== prev.items) {
      const before = new Map(prev.items.map((i) => [i.id, i.status]));
      for (const item of s.items) {
        if (item.status === 'done' && before.get(item.id) !== 'done') {
          countRead('page').catch((e: unknown) => console.warn('could not count the read:', e));
        }
      }
    }
  });
}
