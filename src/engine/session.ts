// ONNX Runtime sessions for the two models, on the first execution provider that works (webgpu, then wasm).
// WebGPU can fail late: a kernel the adapter cannot run, a lost device. When a run throws on WebGPU the pair is
// rebuilt on WASM and the run retried once, so one bad GPU costs one slow image, not a broken reader. A lost
// device (driver reset, GPU process crash, the tab's GPU taken back) is watched through GPUDevice.lost: a run in
// flight when it happens is abandoned and redone on WASM (a run on a lost device may never settle), and every
// later run goes straight to WASM.

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
      this.lostReason = `the WebGPU device was lost (${info?.reason ?? 'unknown'}${info?.message ? `: ${info.message}` : ''})`;
      throw new Error(this.lostReason);
    });
    this.lost.catch(() => undefined);
  }

  /** Runs one model; on a WebGPU failure (a throw, a lost device) falls back to WASM for good and retries once. */
  async run(model: ModelKey, feeds: Feeds): Promise<Outputs> {
    if (this._backend === 'webgpu' && this.lostReason) await this.toWasm(this.lostReason, false);
    const sessions = this.live();
    try {
      if (this._backend !== 'webgpu') return (await sessions[model].run(feeds)) as Outputs;
      return (await Promise.race([sessions[model].run(feeds), this.lost])) as Outputs;
    } catch (e) {
      if (this._backend !== 'webgpu') throw e;
      await this.toWasm(`webgpu run failed, switched to wasm: ${errorText(e)}`, !this.lostReason);
      return (await this.live()[model].run(feeds)) as Outputs;
    }
  }

  private async toWasm(note: string, releaseOld: boolean): Promise<void> {
    this.notes.push(note);
    await this.rebuild('wasm', releaseOld);
    this.lost = new Promise<never>(() => undefined);
  }

  private live(): Record<ModelKey, Session> {
    if (!this.sessions) throw new Error('the engine was disposed');
    return this.sessions;
  }

  private async rebuild(backend: Backend, releaseOld = true): Promise<void> {
    const old = this.sessions;
    this.sessions = null;
    if (old) {
      const released = Promise.all([old.detector.release(), old.ocr.release()].map((p) => p.catch(() => undefined)));
      // On a lost device a release may never settle: let it go in the background.
      if (releaseOld) await released;
    }
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
