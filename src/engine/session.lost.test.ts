import { describe, expect, it } from 'vitest';
import { SessionPair, type OrtModule } from './session';

/** A stand-in for onnxruntime-web whose WebGPU device can be lost; a webgpu run on a lost device never settles. */
function fakeOrt() {
  const log = { runs: [] as string[], released: [] as string[], created: [] as string[] };
  let loseDevice!: (info: { reason: string; message: string }) => void;
  let isLost = false;
  const device = {
    lost: new Promise<{ reason: string; message: string }>((r) => (loseDevice = r)),
  };
  const InferenceSession = {
    async create(bytes: Uint8Array, o: { executionProviders: string[] }) {
      const ep = o.executionProviders[0];
      const model = bytes[0] === 1 ? 'detector' : 'ocr';
      log.created.push(`${ep}:${model}`);
      return {
        run() {
          log.runs.push(`${ep}:${model}`);
          if (ep === 'webgpu' && isLost) return new Promise(() => undefined);
          return Promise.resolve({ out: { ep, model } });
        },
        release() {
          log.released.push(`${ep}:${model}`);
          return ep === 'webgpu' && isLost ? new Promise(() => undefined) : Promise.resolve();
        },
      };
    },
  };
  const ort = { InferenceSession, Tensor: class {}, env: { webgpu: { get device() { return Promise.resolve(device); } } } };
  const lose = () => {
    isLost = true;
    loseDevice({ reason: 'destroyed', message: 'Device was destroyed.' });
  };
  return { ort: ort as unknown as OrtModule, log, lose };
}

const graphs = { detector: Uint8Array.of(1), ocr: Uint8Array.of(2) };
type Out = { out: { ep: string } };

describe('SessionPair when the WebGPU device is lost', () => {
  it('abandons the run in flight, redoes it on wasm, and stays on wasm', async () => {
    const { ort, log, lose } = fakeOrt();
    const s = await SessionPair.create(ort, graphs, ['webgpu', 'wasm']);
    expect(((await s.run('detector', {})) as unknown as Out).out.ep).toBe('webgpu');
    lose();
    // The run on the lost device would never settle; it is redone on wasm.
    expect(((await s.run('ocr', {})) as unknown as Out).out.ep).toBe('wasm');
    expect(s.backend).toBe('wasm');
    expect(((await s.run('detector', {})) as unknown as Out).out.ep).toBe('wasm');
    expect(log.runs).toEqual(['webgpu:detector', 'webgpu:ocr', 'wasm:ocr', 'wasm:detector']);
    expect(s.notes.join('\n')).toMatch(/WebGPU device was lost \(destroyed: Device was destroyed\.\)/);
  });

  it('a device lost between runs: the next run goes to wasm without touching webgpu', async () => {
    const { ort, log, lose } = fakeOrt();
    const s = await SessionPair.create(ort, graphs, ['webgpu', 'wasm']);
    lose();
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 1));
    expect(((await s.run('detector', {})) as unknown as Out).out.ep).toBe('wasm');
    expect(log.runs).toEqual(['wasm:detector']);
    expect(log.created).toEqual(['webgpu:detector', 'webgpu:ocr', 'wasm:detector', 'wasm:ocr']);
  });
});
