import { describe, expect, it } from 'vitest';
import { SessionPair, type OrtModule } from './session';

interface Log {
  created: string[];
  released: string[];
  runs: string[];
}

/** A stand-in for onnxruntime-web: sessions tag their results with their provider and model. */
function fakeOrt(opts: { failCreate?: string[]; failRun?: string[] }, log: Log): OrtModule {
  class Tensor {
    constructor(
      readonly type: string,
      readonly data: Uint8Array,
      readonly dims: number[],
    ) {}
  }
  const InferenceSession = {
    async create(bytes: Uint8Array, o: { executionProviders: string[] }) {
      const ep = o.executionProviders[0];
      const model = bytes[0] === 1 ? 'detector' : 'ocr';
      if (opts.failCreate?.includes(ep)) throw new Error(`${ep} unavailable`);
      log.created.push(`${ep}:${model}`);
      return {
        async run() {
          log.runs.push(`${ep}:${model}`);
          if (opts.failRun?.includes(ep)) throw new Error(`${ep} kernel failed`);
          return { out: { ep, model } };
        },
        async release() {
          log.released.push(`${ep}:${model}`);
        },
      };
    },
  };
  return { InferenceSession, Tensor } as unknown as OrtModule;
}

const graphs = { detector: Uint8Array.of(1), ocr: Uint8Array.of(2) };
const newLog = (): Log => ({ created: [], released: [], runs: [] });

describe('SessionPair', () => {
  it('uses the first provider that loads both models', async () => {
    const log = newLog();
    const s = await SessionPair.create(fakeOrt({}, log), graphs, ['webgpu', 'wasm']);
    expect(s.backend).toBe('webgpu');
    expect(log.created).toEqual(['webgpu:detector', 'webgpu:ocr']);
  });

  it('falls back to wasm when webgpu cannot create a session', async () => {
    const log = newLog();
    const s = await SessionPair.create(fakeOrt({ failCreate: ['webgpu'] }, log), graphs, ['webgpu', 'wasm']);
    expect(s.backend).toBe('wasm');
    expect(s.notes.join()).toMatch(/webgpu unavailable/);
  });

  it('when a webgpu run throws, rebuilds both sessions on wasm and retries once', async () => {
    const log = newLog();
    const s = await SessionPair.create(fakeOrt({ failRun: ['webgpu'] }, log), graphs, ['webgpu', 'wasm']);
    const out = (await s.run('ocr', {})) as unknown as { out: { ep: string; model: string } };
    expect(out.out).toEqual({ ep: 'wasm', model: 'ocr' });
    expect(s.backend).toBe('wasm');
    expect(log.runs).toEqual(['webgpu:ocr', 'wasm:ocr']);
    expect(log.released.sort()).toEqual(['webgpu:detector', 'webgpu:ocr']);
    expect(log.created).toEqual(['webgpu:detector', 'webgpu:ocr', 'wasm:detector', 'wasm:ocr']);
    // later runs stay on wasm
    await s.run('detector', {});
    expect(log.runs.at(-1)).toBe('wasm:detector');
  });

  it('a failing wasm run is not retried', async () => {
    const log = newLog();
    const s = await SessionPair.create(fakeOrt({ failRun: ['wasm'] }, log), graphs, ['wasm']);
    await expect(s.run('detector', {})).rejects.toThrow(/wasm kernel failed/);
    expect(log.runs).toEqual(['wasm:detector']);
  });

  it('rejects with every reason when no provider loads', async () => {
    const log = newLog();
    await expect(
      SessionPair.create(fakeOrt({ failCreate: ['webgpu', 'wasm'] }, log), graphs, ['webgpu', 'wasm']),
    ).rejects.toThrow(/webgpu: webgpu unavailable; wasm: wasm unavailable/);
  });

  it('refuses to run after release', async () => {
    const s = await SessionPair.create(fakeOrt({}, newLog()), graphs, ['wasm']);
    await s.release();
    await expect(s.run('ocr', {})).rejects.toThrow(/disposed/);
  });
});
