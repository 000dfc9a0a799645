import { describe, expect, it } from 'vitest';
import { Reader, ReaderError, type BridgeDeps } from './bridge';
import type { WorkerReadResult } from './protocol';

type ReadImpl = (filename: string, workerNo: number) => Promise<WorkerReadResult>;

const ok = (filename: string): WorkerReadResult => ({
  ok: true,
  response: { processing_time: 1, results: [], filename, version: 1, camera_id: null, timestamp: 't' },
  timings: { detect: 0, read: 0, shape: 0 },
  backend: 'wasm',
});

function harness(readImpl: ReadImpl) {
  const state = { workers: 0, terminated: 0, inits: [] as unknown[], active: 0, maxActive: 0, sent: [] as string[] };
  const listeners: Array<Map<string, (ev: Event) => void>> = [];
  const deps: BridgeDeps = {
    createWorker() {
      const no = state.workers++;
      const l = new Map<string, (ev: Event) => void>();
      listeners[no] = l;
      return {
        addEventListener: (type, fn) => void l.set(type, fn),
        terminate: () => void state.terminated++,
      };
    },
    wrap() {
      const no = state.workers - 1;
      return {
        async init(opts) {
          state.inits.push(opts);
          await delay(1);
          return { backend: 'wasm' as const, threads: 1, modelsVersion: `v${no}` };
        },
        async read(_file, filename) {
          state.sent.push(filename);
          state.active++;
          state.maxActive = Math.max(state.maxActive, state.active);
          try {
            return await readImpl(filename, no);
          } finally {
            state.active--;
          }
        },
      };
    },
    proxy: (fn) => fn,
  };
  const crash = (workerNo: number, message = 'boom') =>
    listeners[workerNo].get('error')!({ message, preventDefault() {} } as unknown as Event);
  return { reader: new Reader(deps), state, crash };
}

const blob = new Blob(['x']);
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Reader (bridge)', () => {
  it('reads one image at a time, in order', async () => {
    const { reader, state } = harness(async (f) => {
      await delay(f === 'a.jpg' ? 30 : 1);
      return ok(f);
    });
    expect(await reader.init({ modelsBase: '/m/', preferWebGPU: false })).toEqual({ backend: 'wasm', threads: 1, modelsVersion: 'v0' });
    const order: string[] = [];
    await Promise.all(
      ['a.jpg', 'b.jpg', 'c.jpg'].map((f) => reader.read(blob, f, {}).then((r) => order.push(r.filename))),
    );
    expect(order).toEqual(['a.jpg', 'b.jpg', 'c.jpg']);
    expect(state.maxActive).toBe(1);
    const d = await reader.readDetailed(blob, 'd.jpg', {});
    expect(d.backend).toBe('wasm');
    expect(d.timings).toEqual({ detect: 0, read: 0, shape: 0 });
    expect(d.response.filename).toBe('d.jpg');
    expect(state.inits).toEqual([{ modelsBase: '/m/', preferWebGPU: false }]);
  });

  it('an abort while queued never reaches the worker; an abort while reading rejects at once', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { reader, state } = harness(async (f) => {
      if (f === 'slow.jpg') await gate;
      return ok(f);
    });
    await reader.init();
    const running = new AbortController();
    const queued = new AbortController();
    const p1 = reader.read(blob, 'slow.jpg', {}, running.signal);
    const p2 = reader.read(blob, 'queued.jpg', {}, queued.signal);
    const p3 = reader.read(blob, 'next.jpg', {});
    queued.abort();
    await expect(p2).rejects.toMatchObject({ name: 'AbortError' });
    await delay(5);
    running.abort();
    await expect(p1).rejects.toMatchObject({ name: 'AbortError' });
    release();
    expect((await p3).filename).toBe('next.jpg');
    expect(state.sent).toEqual(['slow.jpg', 'next.jpg']);
    const pre = new AbortController();
    pre.abort();
    await expect(reader.read(blob, 'x.jpg', {}, pre.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it("rejects a bad file with the API's error body", async () => {
    const { reader } = harness(async (f) => ({ ok: false, error: { code: 400, message: `${f}: not an image` } }));
    await reader.init();
    const err = await reader.read(blob, 'broken.jpg', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReaderError);
    expect((err as ReaderError).code).toBe(400);
    expect((err as ReaderError).toJSON()).toEqual({ error: { code: 400, message: 'broken.jpg: not an image', filename: 'broken.jpg' } });
  });

  it('restarts a worker whose engine threw and retries the image once', async () => {
    const { reader, state } = harness(async (f, no) => {
      if (no === 0) throw new Error('RuntimeError: memory access out of bounds');
      return ok(f);
    });
    await reader.init({ modelsBase: '/m/' });
    expect((await reader.read(blob, 'a.jpg', {})).filename).toBe('a.jpg');
    expect(state.workers).toBe(2);
    expect(state.terminated).toBe(1);
    expect(state.inits).toEqual([{ modelsBase: '/m/' }, { modelsBase: '/m/' }].map((o) => ({ ...o, preferWebGPU: undefined })));
    expect(reader.restarts).toBe(1);
  });

  it('restarts after a worker crash event and rejects with a 500 when the retry fails too', async () => {
    const h = harness(async (f, no) => {
      if (f === 'kills.jpg') {
        setTimeout(() => h.crash(no, 'out of memory'), 1);
        return new Promise<WorkerReadResult>(() => undefined);
      }
      return ok(f);
    });
    await h.reader.init();
    const err = await h.reader.read(blob, 'kills.jpg', {}).catch((e: unknown) => e);
    expect((err as ReaderError).toJSON()).toEqual({
      error: { code: 500, message: expect.stringMatching(/kills\.jpg: the reader failed .*out of memory/), filename: 'kills.jpg' },
    });
    expect(h.state.sent).toEqual(['kills.jpg', 'kills.jpg']);
    // the reader goes on with a fresh worker
    expect((await h.reader.read(blob, 'fine.jpg', {})).filename).toBe('fine.jpg');
    expect(h.state.workers).toBe(3);
  });

  it('a second init replaces the worker; the first init settles instead of hanging', async () => {
    const { reader, state } = harness(async (f) => ok(f));
    const first = reader.init({ modelsBase: '/a/' });
    const second = reader.init({ modelsBase: '/b/' });
    const settled = await Promise.allSettled([first, second]);
    expect(settled[1]).toMatchObject({ status: 'fulfilled', value: { modelsVersion: 'v1' } });
    expect(settled[0].status).toBe('rejected');
    expect(state.terminated).toBe(1);
    expect((await reader.read(blob, 'a.jpg', {})).filename).toBe('a.jpg');
  });

  it('dispose rejects what is queued and ends the worker', async () => {
    const { reader, state } = harness(() => new Promise<WorkerReadResult>(() => undefined));
    await reader.init();
    const a = reader.read(blob, 'a.jpg', {});
    const b = reader.read(blob, 'b.jpg', {});
    await delay(1);
    reader.dispose();
    await expect(a).rejects.toMatchObject({ name: 'AbortError' });
    await expect(b).rejects.toMatchObject({ name: 'AbortError' });
    expect(state.terminated).toBe(1);
    await expect(reader.read(blob, 'c.jpg', {})).rejects.toThrow(/disposed/);
  });
});
