// ONNX Runtime sessions for the two models, on the first execution provider that works (webgpu, then wasm).
// WebGPU can fail late: a kernel the adapter cannot run, a lost device. When a run throws on WebGPU the pair is
// rebuilt on WASM and the run retried once, so one bad GPU costs one slow image, not a broken reader. A lost
// device (driver reset, GPU process crash, the tab's GPU taken back) is watched through GPUDevice.lost: a run in
// flight then may never settle, and ORT's WASM module runs one session at a time, so nothing more can run in this
// module: every run from then on throws WebGPUDeviceLostError, and the page's bridge starts a fresh worker on
// WASM and retries the image there (src/worker/bridge.ts).

import type * as OrtTypes from 'onnxruntime-web';

export type OrtModule = typeof import('onnxruntime-web');
export type Backend = 'webgpu' | 'wasm';
export type Tensor = OrtTypes.Tensor;
type Session = OrtTypes.InferenceSession;
export type Feeds = Record<string, Tensor>;
export type Outputs = Record<string, Tensor>;

export interface SessionGraphs {
  detector: Uint8Array;
  ocr: Uint8Array;
}

export type ModelKey = keyof SessionGraphs;

function sessionOptions(backend: Backend): OrtTypes.InferenceSession.SessionOptions {
  return {
    executionProviders: [backend],
    graphOptimizationLevel: 'all',
    // Outputs are read on the CPU right away; keep them there on every backend.
    preferredOutputLocation: 'cpu',
    // Errors only: node-placement warnings ("some nodes were not assigned...") would reach the page console.
    logSeverityLevel: 3,
  };
}

/** The WebGPU device was lost: start over on WASM in a fresh ORT instance (a fresh worker). */
export class WebGPUDeviceLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebGPUDeviceLost';
  }
}

/** True for a WebGPUDeviceLostError, also after it crossed a worker boundary (comlink keeps name and message). */
export function isWebGPUDeviceLost(e: unknown): boolean {
  return (e as { name?: unknown } | null)?.name === 'WebGPUDeviceLost';
}

/**
 * Once a device is lost, ORT's own pending GPU work (a `mapAsync` it does not await) rejects with "The Device was
 * lost…" as an unhandled rejection, which the page would log as an error. It is expected then: silence those only.
 */
let silencing = false;
function silenceLostDeviceRejections(): void {
  const g = globalThis as { addEventListener?: (t: string, fn: (e: PromiseRejectionEvent) => void) => void };
  if (silencing || typeof g.addEventListener !== 'function') return;
  silencing = true;
  g.addEventListener('unhandledrejection', (e) => {
    if (/device (was|is) lost/i.test(errorText(e.reason))) e.preventDefault();
  });
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class SessionPair {
  private sessions: Record<ModelKey, Session> | null;
  private _backend: Backend;
  /** Why a provider was skipped or abandoned, for diagnostics (the bridge's BackendInfo shows the result). */
  readonly notes: string[] = [];
  /** Rejects when the WebGPU device the sessions run on is lost (never settles on WASM). */
  private lost: Promise<never> = new Promise<never>(() => undefined);
  private lostReason: string | null = null;

  private constructor(
    private readonly ort: OrtModule,
    private readonly graphs: SessionGraphs,
    sessions: Record<ModelKey, Session>,
    backend: Backend,
  ) {
    this.sessions = sessions;
    this._backend = backend;
  }

  /** The provider the sessions run on now. */
  get backend(): Backend {
    return this._backend;
  }

  /** Creates both sessions on the first of `providers` where both load. */
  static async create(ort: OrtModule, graphs: SessionGraphs, providers: Backend[]): Promise<SessionPair> {
    const order = providers.length ? [...new Set(providers)] : (['wasm'] as Backend[]);
    const notes: string[] = [];
    let last: unknown = null;
    for (const backend of order) {
      try {
        const sessions = await SessionPair.open(ort, graphs, backend);
        const pair = new SessionPair(ort, graphs, sessions, backend);
        pair.notes.push(...notes);
        if (backend === 'webgpu') await pair.watchDevice();
        return pair;
      } catch (e) {
        last = e;
        notes.push(`${backend}: ${errorText(e)}`);
      }
    }
    throw new Error(`no execution provider could load the models (${notes.join('; ')})`, { cause: last });
  }

  private static async open(ort: OrtModule, graphs: SessionGraphs, backend: Backend): Promise<Record<ModelKey, Session>> {
    const opts = sessionOptions(backend);
    const detector = await ort.InferenceSession.create(graphs.detector, opts);
    try {
      const ocr = await ort.InferenceSession.create(graphs.ocr, opts);
      return { detector, ocr };
    } catch (e) {
      await detector.release().catch(() => undefined);
      throw e;
    }
  }

  /** Follows the WebGPU device ORT created for these sessions: when it is lost, runs move to WASM. */
  private async watchDevice(): Promise<void> {
    let device: { lost?: Promise<{ reason?: string; message?: string }> } | undefined;
    try {
      device = (await (this.ort.env as { webgpu?: { device?: unknown } } | undefined)?.webgpu?.device) as typeof device;
    } catch {
      device = undefined;
    }
    if (!device?.lost || typeof device.lost.then !== 'function') return;
    this.lost = device.lost.then((info) => {
      silenceLostDeviceRejections();
      this.lostReason = `the WebGPU device was lost (${info?.reason ?? 'unknown'}${info?.message ? `: ${info.message}` : ''})`;
      this.notes.push(this.lostReason);
      throw new WebGPUDeviceLostError(this.lostReason);
    });
    this.lost.catch(() => undefined);
  }

  /**
   * Runs one model; when a WebGPU run throws, falls back to WASM for good and retries once. When the WebGPU device
   * is lost (before or during the run) throws WebGPUDeviceLostError: see the top of this file.
   */
  async run(model: ModelKey, feeds: Feeds): Promise<Outputs> {
    if (this._backend === 'webgpu' && this.lostReason) throw new WebGPUDeviceLostError(this.lostReason);
    const sessions = this.live();
    try {
      if (this._backend !== 'webgpu') return (await sessions[model].run(feeds)) as Outputs;
      return (await Promise.race([sessions[model].run(feeds), this.lost])) as Outputs;
    } catch (e) {
      if (this._backend !== 'webgpu') throw e;
      if (this.lostReason) throw new WebGPUDeviceLostError(this.lostReason);
      this.notes.push(`webgpu run failed, switched to wasm: ${errorText(e)}`);
      await this.rebuild('wasm');
      return (await this.live()[model].run(feeds)) as Outputs;
    }
  }

  private live(): Record<ModelKey, Session> {
    if (!this.sessions) throw new Error('the engine was disposed');
    return this.sessions;
  }

  private async rebuild(backend: Backend): Promise<void> {
    const old = this.sessions;
    this.sessions = null;
    if (old) await Promise.all([old.detector.release(), old.ocr.release()].map((p) => p.catch(() => undefined)));
    this.sessions = await SessionPair.open(this.ort, this.graphs, backend);
    this._backend = backend;
  }

  tensor(type: 'uint8', data: Uint8Array, dims: number[]): Tensor {
    return new this.ort.Tensor(type, data, dims);
  }

  async release(): Promise<void> {
    const s = this.sessions;
    this.sessions = null;
    if (s) await Promise.all([s.detector.release(), s.ocr.release()].map((p) => p.catch(() => undefined)));
  }
}
