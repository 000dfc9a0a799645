// Drives the reader: starts the worker, then reads queued images one at a time, in order, as they arrive.
// One at a time keeps the page responsive and the progress honest; the engine uses the threads.
import { parseRequest } from '../api/options';
import type { ApiError } from '../api/types';
import type { RequestInput } from '../api/options';
import { createReader, type ReaderBridge } from '../worker/bridge';
import { requestOf, useStore, type AnyResponse, type Options } from './store';
import { readItem, trackWebhook } from './cloud';

let bridge: ReaderBridge | null = null;
let running = false;
let current: { id: string; abort: AbortController } | null = null;

/** `?backend=wasm` forces WASM (tests compare backends); anything else tries WebGPU first. */
export function preferWebGPU(search = location.search): boolean {
  return new URLSearchParams(search).get('backend') !== 'wasm';
}

/** The options' validation error (the message the API would answer 400 with), or null when they are valid. */
export function optionsError(o: Options): string | null {
  try {
    parseRequest(requestOf(o, 'x.jpg'));
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Any rejection from the bridge as the API's error body. */
export function toApiError(e: unknown, filename: string): ApiError {
  const err = e as { toJSON?: () => unknown; error?: ApiError['error']; code?: unknown; message?: unknown } | null;
  if (err && typeof err.toJSON === 'function') {
    const j = err.toJSON() as Partial<ApiError> | null;
    if (j && j.error && typeof j.error.message === 'string') return { error: { ...j.error, filename } };
  }
  if (err && err.error && typeof err.error.message === 'string') return { error: { ...err.error, filename } };
  const code = typeof err?.code === 'number' ? err.code : 400;
  const message = typeof err?.message === 'string' && err.message ? err.message : String(e);
  return { error: { code, message, filename } };
}

function initReader(): void {
  if (!bridge) return;
  useStore.getState().setEngine({ status: 'loading', progress: null, error: null });
  bridge
    .init({
      preferWebGPU: preferWebGPU(),
      modelsBase: new URL('models/', document.baseURI).href,
      onProgress: (p) => useStore.getState().setEngine({ progress: p }),
    })
    .then((info) => {
      useStore.getState().setEngine({ status: 'ready', info, progress: null });
      void pump();
    })
    .catch((e: unknown) => {
      useStore.getState().setEngine({ status: 'error', error: e instanceof Error ? e.message : String(e) });
    });
}

export function startReader(): void {
  if (bridge) return;
  bridge = createReader();
  initReader();
  // Read whatever gets queued; stop reading an image that was removed or cleared.
  useStore.subscribe((s, prev) => {
    if (current && !s.items.some((i) => i.id === current!.id)) current.abort.abort();
    if (s.items !== prev.items || s.options !== prev.options || s.paused !== prev.paused) void pump();
  });
}

/** After a failed start (say, the models could not be fetched): try again. */
export function retryReader(): void {
  if (useStore.getState().engine.status === 'error') initReader();
}

/** A read can report a drop from WebGPU to WASM (a lost GPU device): the backend badge follows. */
function noteBackend(backend: 'webgpu' | 'wasm'): void {
  const info = useStore.getState().engine.info;
  if (info && info.backend !== backend) useStore.getState().setEngine({ info: { ...info, backend } });
}

async function pump(): Promise<void> {
  if (running || !bridge) return;
  running = true;
  try {
    for (;;) {
      const s = useStore.getState();
      if (s.engine.status !== 'ready' || s.paused) break;
      // Invalid options (say, a bad text_formats regex) hold the queue until they are fixed.
      if (optionsError(s.options)) break;
      const item = s.items.find((i) => i.status === 'queued');
      if (!item) break;
      const input = requestOf(s.options, item.name);
      const abort = new AbortController();
      current = { id: item.id, abort };
      s.updateItem(item.id, { status: 'reading', source: undefined, webhook: undefined });
      const t0 = performance.now();
      try {
        // The local reading alone, or with the cloud fallback / webhook when set up (./cloud.ts).
        const b = bridge;
        const { response, source, webhook } = await readItem(
          () => b.readDetailed(item.file, item.name, input, abort.signal).then((d) => (noteBackend(d.backend), d.response)),
          item.file,
          item.name,
          input,
          abort.signal,
        );
        if (!abort.signal.aborted) {
          useStore.getState().updateItem(item.id, { status: 'done', response, wallMs: performance.now() - t0, source });
          if (webhook) trackWebhook(item.id, response, webhook);
        }
      } catch (e) {
        if (!abort.signal.aborted) {
          useStore.getState().updateItem(item.id, { status: 'error', error: toApiError(e, item.name) });
        }
      } finally {
        current = null;
      }
    }
  } finally {
    running = false;
  }
}

/**
 * Reads one file with the page's engine, outside the queue (for the service worker's in-page API, say):
 * waits until the engine is ready; rejects like bridge.read.
 */
export async function readWithEngine(
  file: Blob,
  filename: string,
  input: RequestInput,
  signal?: AbortSignal,
): Promise<AnyResponse> {
  startReader();
  await new Promise<void>((resolve, reject) => {
    const check = (): boolean => {
      const st = useStore.getState().engine;
      if (st.status === 'ready') return resolve(), true;
      if (st.status === 'error') return reject(new Error(st.error ?? 'the reader failed to start')), true;
      return false;
    };
    if (check()) return;
    const unsub = useStore.subscribe(() => {
      if (check()) unsub();
    });
  });
  return bridge!.read(file, filename, input, signal);
}
