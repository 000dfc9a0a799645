// What the service worker and the app's page say to each other (postMessage). The SW asks the page's engine to
// read (the engine runs in the page's worker; a service worker cannot host it), the page answers on the
// MessageChannel port that came with the request: first `accepted` (so the SW knows this page hosts the API),
// then `result`.
import type { RequestInput } from '../api/options';

/** SW → page, with a MessagePort. */
export type ApiHostRequest =
  | { type: 'alpr-api-read'; file: Blob; filename: string; input: RequestInput }
  | { type: 'alpr-api-info' };

/** Page → SW, on the port. */
export type ApiHostReply =
  | { type: 'accepted' }
  | { type: 'result'; status: number; body: unknown };

/** What the page reports for /info/. */
export interface HostInfo {
  status: 'idle' | 'loading' | 'ready' | 'error';
  backend: 'webgpu' | 'wasm' | null;
  threads: number | null;
}

/** Page → SW (no port needed): the ORT wasm the page's engine loaded, to keep for offline use. */
export interface CacheWasmMessage {
  type: 'alpr-cache-wasm';
  url: string;
}

/** workbox-window's update message: the waiting SW takes over (sent only on the user's "Reload"). */
export interface SkipWaitingMessage {
  type: 'SKIP_WAITING';
}
