import { describe, expect, it } from 'vitest';
import { isWebGPUDeviceLost, SessionPair, WebGPUDeviceLostError, type OrtModule } from './session';

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
  it('the run in flight (which would never settle) rejects with WebGPUDeviceLostError, and so does every later run', async () => {
    const { ort, log, lose } = fakeOrt();
    const s = await SessionPair.create(ort, graphs, ['webgpu', 'wasm']);
    expect(((await s.run('detector', {})) as unknown as Out).out.ep).toBe('webgpu');
    lose();
    const err = await s.run('ocr', {}).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(WebGPUDeviceLostError);
    expect(isWebGPUDeviceLost(err)).toBe(true);
    expect((err as Error).message).toBe('the WebGPU device was lost (destroyed: Device was destroyed.)');
    // Not retried in this ORT instance: its one-run-at-a-time slot is still taken by the abandoned run.
    await expect(s.run('detector', {})).rejects.toThrow(WebGPUDeviceLostError);
    expect(log.runs).toEqual(['webgpu:detector', 'webgpu:ocr']);
    expect(log.created).toEqual(['webgpu:detector', 'webgpu:ocr']);
  });

  it('a device lost between runs: the next run rejects without touching the GPU', async () => {
    const { ort, log, lose } = fakeOrt();
    const s = await SessionPair.create(ort, graphs, ['webgpu', 'wasm']);
    lose();
    await new Promise((r) => setTimeout(r, 1));
    await expect(s.run('detector', {})).rejects.toThrow(/WebGPU device was lost/);
    expect(log.runs).toEqual([]);
    expect(s.notes.join('\n')).toMatch(/WebGPU device was lost/);
  });

  it('a name-only copy (as comlink rebuilds it on the page) is still recognised', () => {
    expect(isWebGPUDeviceLost(Object.assign(new Error('x'), { name: 'WebGPUDeviceLost' }))).toBe(true);
    expect(isWebGPUDeviceLost(new Error('WebGPUDeviceLost'))).toBe(false);
    expect(isWebGPUDeviceLost(null)).toBe(false);
  });
});
