// The reader's Web Worker (module worker, comlink). Loads the models once, picks the backend (WebGPU when the
// page asks for it and an adapter exists, else WASM), then decodes and reads one image per call.
import * as Comlink from 'comlink';
import * as ort from 'onnxruntime-web';
// Vite emits the WASM binary as an asset and gives its URL; the JS glue is inside the ORT bundle.
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import { ApiValidationError, parseRequest, type RequestInput } from '../api/options';
import { PlateEngine, type Backend } from '../engine';
import { decodeBlob, DecodeError } from './decode';
import { loadModels, openModelCache, type LoadProgress } from './load-models';
import type { BackendInfo, WorkerApi, WorkerInitOptions, WorkerReadResult } from './protocol';
import { holdForLife } from './lifeline';

let engine: PlateEngine | null = null;
let threads = 1;

/** models/ next to the app: the worker is src/worker/worker.ts in dev and assets/worker-*.js in a build. */
function defaultModelsBase(): string {
  return new URL(import.meta.env.DEV ? '../../models/' : '../models/', import.meta.url).href;
}

async function webgpuAvailable(): Promise<boolean> {
  const gpu = (self.navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) != null;
  } catch {
    return false;
  }
}

const api: WorkerApi = {
  async init(opts: WorkerInitOptions, onProgress?: (p: LoadProgress) => void): Promise<BackendInfo> {
    const available = self.crossOriginIsolated ? Math.min(4, self.navigator.hardwareConcurrency || 1) : 1;
    threads = opts.threads ? Math.max(1, Math.min(available, Math.floor(opts.threads))) : available;
    ort.env.wasm.numThreads = threads;
    ort.env.wasm.wasmPaths = { wasm: ortWasmUrl };
    ort.env.logLevel = 'error';
    const models = await loadModels(opts.modelsBase ?? defaultModelsBase(), {
      onProgress,
      cache: await openModelCache(),
    });
    const providers: Backend[] = opts.preferWebGPU !== false && (await webgpuAvailable()) ? ['webgpu', 'wasm'] : ['wasm'];
    if (engine) await engine.dispose();
    engine = await PlateEngine.create(ort, models, { executionProviders: providers });
    // The first run of a fresh worker pays ~1 s of one-off setup (more on WebGPU): pay it while loading.
    await engine.warmup();
    // The wasm ORT was pointed at, absolute: the page asks the service worker to keep it (docs/pwa.md).
    const wasmPath = (ort.env.wasm.wasmPaths as { wasm?: string | URL } | string | undefined);
    const wasmUrl = typeof wasmPath === 'object' && wasmPath?.wasm ? new URL(String(wasmPath.wasm), self.location.href).href : undefined;
    return { backend: engine.backend, threads, modelsVersion: engine.modelsVersion, wasmUrl };
  },

  async read(file: Blob, filename: string, input: RequestInput): Promise<WorkerReadResult> {
    if (!engine) throw new Error('the reader is not initialised');
    let req;
    try {
      req = parseRequest({ ...input, filename });
    } catch (e) {
      if (e instanceof ApiValidationError) return { ok: false, error: { code: e.code, message: e.message, filename } };
      throw e;
    }
    const t0 = performance.now();
    let image;
    try {
      image = await decodeBlob(file, filename);
    } catch (e) {
      const message = e instanceof DecodeError ? e.message : `${filename}: the image cannot be decoded (${String(e)})`;
      return { ok: false, error: { code: e instanceof DecodeError ? e.code : 400, message, filename } };
    }
    const decodeMs = performance.now() - t0;
    const { response, timings } = await engine.recognize(image, req, { decodeMs });
    return { ok: true, response, timings, backend: engine.backend };
  },

  // The page watches this lock to notice the worker ending silently (./lifeline.ts).
  hold: (name: string) => holdForLife(name),
};

// ORT's WASM threads start as workers from this same script (named "em-pthread"); they must not answer
// comlink's messages.
if (!self.name?.startsWith('em-pthread')) Comlink.expose(api);
