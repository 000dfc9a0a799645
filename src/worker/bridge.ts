// The page's handle on the reader worker (used by the app and the widget): one image at a time, in order;
// AbortSignal support; and a restart when the worker dies or its engine throws (the in-flight image is retried
// once on the fresh worker, then rejected with an API-style 500 error). A worker "dies" when it fires `error`
// or `messageerror`, when a call to it throws, or when it ends without a word (seen through a Web Lock it holds
// for its life, ./lifeline.ts), so a dead worker never leaves a read waiting.
import * as Comlink from 'comlink';
import type { RequestInput } from '../api/options';
import type { ApiError, PlateReaderResponse, VehicleModeResponse } from '../api/types';
import type { LoadProgress } from './load-models';
import type { EngineTimings } from '../engine/pipeline';
import type { BackendInfo, WorkerApi, WorkerReadResult } from './protocol';
import { lifelineName, pageLocks, watchLife, type LocksLike } from './lifeline';
import { isWebGPUDeviceLost } from '../engine/session';

export type { BackendInfo } from './protocol';
export type { LoadProgress } from './load-models';

export interface InitOptions {
  onProgress?: (p: LoadProgress) => void;
  preferWebGPU?: boolean;
  modelsBase?: string;
}

export interface ReaderBridge {
  init(opts?: InitOptions): Promise<BackendInfo>;
  /** Rejects with an ApiError-shaped Error (`code`, `error`, `toJSON()`) for bad files; an AbortError on abort. */
  read(
    file: Blob,
    filename: string,
    input: RequestInput,
    signal?: AbortSignal,
  ): Promise<PlateReaderResponse | VehicleModeResponse>;
  /** As read(), with the engine's per-stage times (ms) and the backend that ran it (it can drop to wasm). */
  readDetailed(file: Blob, filename: string, input: RequestInput, signal?: AbortSignal): Promise<ReadDetails>;
  dispose(): void;
}

export interface ReadDetails {
  response: PlateReaderResponse | VehicleModeResponse;
  timings: EngineTimings;
  backend: 'webgpu' | 'wasm';
}

/** An error the API would answer with: `{ error: { code, message } }` via toJSON(). */
export class ReaderError extends Error {
  readonly code: number;
  readonly error: ApiError['error'];
  constructor(error: ApiError['error']) {
    super(error.message);
    this.name = 'ReaderError';
    this.code = error.code;
    this.error = error;
  }
  toJSON(): ApiError {
    return { error: { ...this.error } };
  }
}

class WorkerCrash extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerCrash';
  }
}

function abortError(): Error {
  return typeof DOMException !== 'undefined'
    ? new DOMException('The read was aborted', 'AbortError')
    : Object.assign(new Error('The read was aborted'), { name: 'AbortError' });
}

/** The parts of a Worker the bridge uses (tests pass a fake). */
export interface WorkerLike {
  addEventListener(type: 'error' | 'messageerror', fn: (ev: Event) => void): void;
  terminate(): void;
}

/** The worker's calls the bridge makes; `hold` is optional (without it only events and throws show a crash). */
export type RemoteApi = Pick<WorkerApi, 'init' | 'read'> & Partial<Pick<WorkerApi, 'hold'>>;

export interface BridgeDeps {
  createWorker: () => WorkerLike;
  wrap: (w: WorkerLike) => RemoteApi;
  proxy: <T extends object>(fn: T) => T;
  /** Web Locks, to notice a worker that ends silently; null or absent: not watched that way. */
  locks?: LocksLike | null;
}

interface Job {
  file: Blob;
  filename: string;
  input: RequestInput;
  resolve: (r: ReadDetails) => void;
  reject: (e: unknown) => void;
  settled: boolean;
  cleanup: () => void;
}

interface Live {
  worker: WorkerLike;
  remote: RemoteApi;
  /** Aborted when the bridge stops the worker itself (so its end is not taken for a crash). */
  watch: AbortController;
  /** Rejects when the worker reports an uncaught error, or is stopped. */
  crashed: Promise<never>;
  stop: (why: Error) => void;
}

export class Reader implements ReaderBridge {
  private live: Live | null = null;
  private ready: Promise<BackendInfo> | null = null;
  private opts: InitOptions = {};
  /** The backend the current worker started on (a read can report a drop to wasm). */
  private startedOn: BackendInfo['backend'] | null = null;
  private queue: Job[] = [];
  private busy = false;
  private current: Job | null = null;
  private disposed = false;
  /** How many times the worker was restarted after a failure (diagnostics, tests). */
  restarts = 0;

  constructor(private readonly deps: BridgeDeps) {}

  init(opts: InitOptions = {}): Promise<BackendInfo> {
    if (this.disposed) return Promise.reject(new Error('the reader was disposed'));
    this.opts = opts;
    this.ready = this.start();
    return this.ready;
  }

  private start(): Promise<BackendInfo> {
    this.kill();
    const worker = this.deps.createWorker();
    let stop: (why: Error) => void = () => undefined;
    const crashed = new Promise<never>((_, reject) => {
      stop = reject;
      worker.addEventListener('error', (ev) => {
        ev.preventDefault?.();
        const msg = (ev as ErrorEvent).message;
        reject(new WorkerCrash(`the reader worker crashed${msg ? `: ${msg}` : ''}`));
      });
      worker.addEventListener('messageerror', () => reject(new WorkerCrash('the reader worker sent an unreadable message')));
    });
    crashed.catch(() => undefined);
    const remote = this.deps.wrap(worker);
    const watch = new AbortController();
    this.live = { worker, remote, watch, crashed, stop };
    const locks = this.deps.locks;
    if (locks && remote.hold) {
      const name = lifelineName();
      remote.hold(name).then(
        (held) => {
          if (held) watchLife(locks, name, watch.signal, () => stop(new WorkerCrash('the reader worker stopped (it ended without an error: out of memory, or closed by the browser)')));
        },
        () => undefined,
      );
    }
    const { onProgress, preferWebGPU, modelsBase } = this.opts;
    const init = remote.init({ preferWebGPU, modelsBase }, onProgress ? this.deps.proxy(onProgress) : undefined);
    const ready = Promise.race([init, crashed]).then((info) => {
      this.startedOn = info.backend;
      return info;
    });
    ready.catch(() => undefined);
    return ready;
  }

  private kill(): void {
    if (this.live) {
      this.live.watch.abort();
      this.live.worker.terminate();
      // Whatever still waits on this worker (an init, a read) settles now instead of never.
      this.live.stop(new WorkerCrash('the reader worker was stopped'));
    }
    this.live = null;
  }

  async read(
    file: Blob,
    filename: string,
    input: RequestInput,
    signal?: AbortSignal,
  ): Promise<PlateReaderResponse | VehicleModeResponse> {
    return (await this.readDetailed(file, filename, input, signal)).response;
  }

  readDetailed(file: Blob, filename: string, input: RequestInput, signal?: AbortSignal): Promise<ReadDetails> {
    return new Promise((resolve, reject) => {
      if (this.disposed) return reject(new Error('the reader was disposed'));
      if (signal?.aborted) return reject(abortError());
      const onAbort = () => {
        if (job.settled) return;
        job.settled = true;
        const i = this.queue.indexOf(job);
        if (i >= 0) this.queue.splice(i, 1);
        reject(abortError());
      };
      const job: Job = {
        file,
        filename,
        input,
        settled: false,
        resolve: (r) => {
          if (job.settled) return;
          job.settled = true;
          job.cleanup();
          resolve(r);
        },
        reject: (e) => {
          if (job.settled) return;
          job.settled = true;
          job.cleanup();
          reject(e);
        },
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(job);
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length) {
        const job = this.queue.shift()!;
        if (job.settled) continue;
        this.current = job;
        try {
          await this.run(job);
        } finally {
          this.current = null;
        }
      }
    } finally {
      this.busy = false;
    }
  }

  private async run(job: Job): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (!this.ready || !this.live) {
        job.reject(new Error('call init() before read()'));
        return;
      }
      let result: WorkerReadResult;
      try {
        await this.ready;
        const live = this.live;
        result = await Promise.race([live.remote.read(job.file, job.filename, job.input), live.crashed]);
      } catch (e) {
        if (this.disposed) {
          job.reject(abortError());
          return;
        }
        // The worker died or its engine threw: start a fresh one (the next images need it either way). After a lost
        // WebGPU device, on WASM from then on.
        if (isWebGPUDeviceLost(e)) this.opts = { ...this.opts, preferWebGPU: false };
        this.restarts++;
        this.ready = this.start();
        if (attempt >= 1) {
          const why = e instanceof Error ? e.message : String(e);
          job.reject(new ReaderError({ code: 500, message: `${job.filename}: the reader failed (${why})`, filename: job.filename }));
          return;
        }
        continue;
      }
      if (result.ok && result.backend === 'wasm' && this.startedOn === 'webgpu') {
        // WebGPU failed for good in this worker (device lost, a kernel that cannot run): a restarted worker
        // must not try it again.
        this.opts = { ...this.opts, preferWebGPU: false };
      }
      if (result.ok) job.resolve({ response: result.response, timings: result.timings, backend: result.backend });
      else job.reject(new ReaderError({ ...result.error, filename: result.error.filename ?? job.filename }));
      return;
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const job of this.queue.splice(0)) job.reject(abortError());
    this.current?.reject(abortError());
    this.kill();
    this.ready = null;
  }
}

export function createReader(): ReaderBridge {
  return new Reader({
    createWorker: () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'alpr-reader' }),
    wrap: (w) => Comlink.wrap<WorkerApi>(w as Worker) as unknown as RemoteApi,
    proxy: (fn) => Comlink.proxy(fn),
    locks: pageLocks(),
  });
}
