// The reader's Web Worker (module worker, comlink). Loads the models once, picks the backend (WebGPU when the
// page asks for it and an adapter exists, else WASM), then decodes and reads one image per call.
import * as Comlink from 'comlink';
import { ApiValidationError, parseRequest, type RequestInput } from '../api/options';
import { PlateEngine, type Backend, type OrtModule } from '../engine';
import { decodeBlob, DecodeError, type DecoderChoice } from './decode';
import { loadModels, openModelCache, type LoadProgress } from './load-models';
import type { BackendInfo, WorkerApi, WorkerInitOptions, WorkerReadResult } from './protocol';
import { holdForLife } from './lifeline';

let engine: PlateEngine | null = null;
let threads = 1;
let nativeResize = false;
let decoder: DecoderChoice = 'auto';

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

/** One of ORT's two builds, loaded on demand: both share one API, they differ in the wasm they run. */
interface OrtBuild {
  ort: OrtModule;
  /** The wasm binary's absolute URL (Vite emits it as an asset; the JS glue is inside the ORT bundle). */
  wasmUrl: string;
}

/**
 * ORT's JSEP build (WebGPU and WASM; its wasm is 28 MB, 6.7 MB gzipped) only when WebGPU can be used, else its
 * WASM-only build (14 MB, 3.7 MB gzipped). Dynamic imports: a browser without WebGPU never fetches the other.
 */
const ortBuilds: Partial<Record<Backend, Promise<OrtBuild>>> = {};

/**
 * A one-node ONNX graph (Identity on a uint8[1]; 67 bytes). Opening it starts ORT's WASM runtime (fetch and
 * compile of the wasm, the thread pool) while the real models are still downloading or being read from the cache.
 */
const TINY_MODEL = new Uint8Array([
  8, 7, 18, 0, 58, 55, 10, 16, 10, 1, 120, 18, 1, 121, 34, 8, 73, 100, 101, 110, 116, 105, 116, 121, 18, 1, 119, 90, 15, 10,
  1, 120, 18, 10, 10, 8, 8, 2, 18, 4, 10, 2, 8, 1, 98, 15, 10, 1, 121, 18, 10, 10, 8, 8, 2, 18, 4, 10, 2, 8, 1, 66, 4, 10,
  0, 16, 13,
]);
function loadOrt(kind: Backend): Promise<OrtBuild> {
  ortBuilds[kind] ??= (async () => {
    const [ort, wasm] =
      kind === 'webgpu'
        ? await Promise.all([import('onnxruntime-web'), import('onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url')])
        : await Promise.all([import('onnxruntime-web/wasm'), import('onnxruntime-web/ort-wasm-simd-threaded.wasm?url')]);
    return { ort, wasmUrl: new URL(wasm.default, self.location.href).href };
  })();
  return ortBuilds[kind];
}

const api: WorkerApi = {
  async init(opts: WorkerInitOptions, onProgress?: (p: LoadProgress) => void): Promise<BackendInfo> {
    const available = self.crossOriginIsolated ? Math.min(4, self.navigator.hardwareConcurrency || 1) : 1;
    threads = opts.threads ? Math.max(1, Math.min(available, Math.floor(opts.threads))) : available;
    nativeResize = opts.nativeResize === true;
    decoder = opts.decoder === 'canvas' ? 'canvas' : 'auto';
    const t0 = performance.now();
    // The models download while ORT's script loads.
    let tModels = 0;
    const models = openModelCache()
      .then((cache) => loadModels(opts.modelsBase ?? defaultModelsBase(), { onProgress, cache }))
      .finally(() => (tModels = performance.now() - t0));
    models.catch(() => undefined); // awaited below; not an unhandled rejection if ORT fails first
    const webgpu = opts.preferWebGPU !== false && (await webgpuAvailable());
    // The wasm ORT loads, absolute: the page asks the service worker to keep it (docs/pwa.md).
    const { ort, wasmUrl } = await loadOrt(webgpu ? 'webgpu' : 'wasm');
    const tOrt = performance.now() - t0;
    ort.env.wasm.numThreads = threads;
    ort.env.wasm.wasmPaths = { wasm: wasmUrl };
    ort.env.logLevel = 'error';
    const providers: Backend[] = webgpu ? ['webgpu', 'wasm'] : ['wasm'];
    if (engine) await engine.dispose();
    // ORT's runtime starts (wasm fetched and compiled, streaming; the browser caches the compiled code) while the
    // models load. A failure here is not final: the real sessions below report it with their own error.
    const runtime = ort.InferenceSession.create(TINY_MODEL, { executionProviders: ['wasm'] }).then(
      (s) => s.release(),
      () => undefined,
    );
    const [bundle] = await Promise.all([models, runtime]);
    const tRuntime = performance.now() - t0;
    const t1 = performance.now();
    engine = await PlateEngine.create(ort, bundle, { executionProviders: providers });
    const t2 = performance.now();
    // The first run of a fresh worker pays one-off setup (more on WebGPU): pay it while loading.
    await engine.warmup();
    const initMs = { ort: tOrt, models: tModels, runtime: tRuntime, sessions: t2 - t1, warmup: performance.now() - t2 };
    return { backend: engine.backend, threads, modelsVersion: engine.modelsVersion, wasmUrl, initMs };
  },

  async read(file: Blob, filename: string, input: RequestInput): Promise<WorkerReadResult> {
    if (!engine) throw new Error('the reader is not initialised');
    const tIn = performance.now();
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
      image = await decodeBlob(file, filename, { nativeResize, decoder });
    } catch (e) {
      const message = e instanceof DecodeError ? e.message : `${filename}: the image cannot be decoded (${String(e)})`;
      return { ok: false, error: { code: e instanceof DecodeError ? e.code : 400, message, filename } };
    }
    const decodeMs = performance.now() - t0;
    const { response, timings } = await engine.recognize(image, req, { decodeMs });
    return { ok: true, response, timings, backend: engine.backend, workerMs: performance.now() - tIn };
  },

  // The page watches this lock to notice the worker ending silently (./lifeline.ts).
  hold: (name: string) => holdForLife(name),
};

// ORT's WASM threads start as workers (named "em-pthread") from ORT's own chunk; should one ever load this
// script, it must not answer comlink's messages.
if (!self.name?.startsWith('em-pthread')) Comlink.expose(api);
