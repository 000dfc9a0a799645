import { describe, expect, it } from 'vitest';
import { Reader, type BridgeDeps } from './bridge';
import type { WorkerReadResult } from './protocol';

describe('Reader after a lost WebGPU device', () => {
  it('starts the next worker on WASM, retries the image there, and keeps WASM for later restarts', async () => {
    const inits: unknown[] = [];
    let workers = 0;
    const deps: BridgeDeps = {
      createWorker: () => (workers++, { addEventListener: () => undefined, terminate: () => undefined }),
      wrap: () => {
        let backend: 'webgpu' | 'wasm' = 'wasm';
        return {
          async init(opts) {
            inits.push({ ...opts });
            backend = opts.preferWebGPU === false ? 'wasm' : 'webgpu';
            return { backend, threads: 1, modelsVersion: 'v' };
          },
          async read(_f: Blob, filename: string): Promise<WorkerReadResult> {
            if (backend === 'webgpu' && filename === 'lose.jpg') {
              // As comlink rebuilds a thrown error on the page: name and message.
              throw Object.assign(new Error('the WebGPU device was lost (destroyed)'), { name: 'WebGPUDeviceLost' });
            }
            if (filename === 'crash.jpg' && workers === 2) throw new Error('out of memory');
            return {
              ok: true,
              response: { processing_time: 1, results: [], filename, version: 1, camera_id: null, timestamp: 't' },
              timings: { detect: 0, read: 0, shape: 0 },
              backend,
            };
          },
        };
      },
      proxy: (fn) => fn,
    };
    const reader = new Reader(deps);
    expect((await reader.init({ preferWebGPU: true })).backend).toBe('webgpu');
    expect((await reader.readDetailed(new Blob(['x']), 'a.jpg', {})).backend).toBe('webgpu');
    const lost = await reader.readDetailed(new Blob(['x']), 'lose.jpg', {});
    expect(lost.backend).toBe('wasm');
    expect(lost.response.filename).toBe('lose.jpg');
    // A later crash restarts the worker on WASM again, not WebGPU.
    expect((await reader.readDetailed(new Blob(['x']), 'crash.jpg', {})).backend).toBe('wasm');
    expect(inits).toEqual([{ preferWebGPU: true }, { preferWebGPU: false }, { preferWebGPU: false }]);
    expect(reader.restarts).toBe(2);
  });
});
