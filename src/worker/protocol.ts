// What crosses the worker boundary (comlink). Errors a caller should see (bad file, bad options) come back as
// values, because comlink keeps only an Error's name and message; a thrown error means the reader itself failed
// and the bridge restarts the worker.
import type { RequestInput } from '../api/options';
import type { ApiError, PlateReaderResponse, VehicleModeResponse } from '../api/types';
import type { EngineTimings } from '../engine/pipeline';
import type { DecoderChoice } from './decode';
import type { LoadProgress } from './load-models';

export interface BackendInfo {
  backend: 'webgpu' | 'wasm';
  threads: number;
  modelsVersion: string;
  /** The ORT wasm binary the engine loaded (absolute URL): the service worker keeps it for offline use. */
  wasmUrl?: string;
  /**
   * Where init's time went, ms (the benchmark prints it): ORT's script, models and ORT's runtime (both from the
   * start of init, in parallel), then the sessions and the warm-up.
   */
  initMs?: { ort: number; models: number; runtime: number; sessions: number; warmup: number };
}

export interface WorkerInitOptions {
  /** URL of the models folder (ends with '/'); default: models/ next to the app. */
  modelsBase?: string;
  preferWebGPU?: boolean;
  /** WASM threads (capped by what the page can use); default min(4, cores) when cross-origin isolated, else 1. */
  threads?: number;
  /**
   * true: the detector's input resampled by the browser's canvas instead of the engine's JS letterbox (default
   * false: faster by a few ms, less accurate; see src/worker/decode.ts).
   */
  nativeResize?: boolean;
  /** 'auto' (default): pixels read through a VideoFrame where it can; 'canvas': always drawImage + getImageData (decode.ts). */
  decoder?: DecoderChoice;
}

export type WorkerReadResult =
  | {
      ok: true;
      response: PlateReaderResponse | VehicleModeResponse;
      timings: EngineTimings;
      backend: 'webgpu' | 'wasm';
      /** The read's whole time inside the worker (ms): the caller's time minus this is the messaging. */
      workerMs?: number;
    }
  | { ok: false; error: ApiError['error'] };

export interface WorkerApi {
  init(opts: WorkerInitOptions, onProgress?: (p: LoadProgress) => void): Promise<BackendInfo>;
  read(file: Blob, filename: string, input: RequestInput): Promise<WorkerReadResult>;
  /**
   * Takes the Web Lock `name` for the worker's whole life; resolves true once held (false without Web Locks).
   * The page then waits for the same lock, which it gets only when the worker is gone (./lifeline.ts).
   */
  hold(name: string): Promise<boolean>;
}
