// The benchmark page: the app's own worker (src/worker/worker.ts) behind comlink, driven by bench/run.js through
// window.alprBench. Images arrive as bytes and become Blobs, as a dropped file would.
import * as Comlink from 'comlink';
import type { WorkerApi, WorkerInitOptions } from '../src/worker/protocol';

let api: Comlink.Remote<WorkerApi> | null = null;

const bench = {
  async init(opts: WorkerInitOptions) {
    const worker = new Worker(new URL('../src/worker/worker.ts', import.meta.url), { type: 'module' });
    api = Comlink.wrap<WorkerApi>(worker);
    const t0 = performance.now();
    const info = await api.init(opts);
    const t1 = performance.now();
    // performance.now() counts from the navigation: t0 is when the page's script started the worker.
    return { ...info, phases: info.initMs, initMs: t1 - t0, startMs: t0, readyMs: t1, crossOriginIsolated: self.crossOriginIsolated };
  },
  /** One read, timed from the navigation (the first result of a page load). */
  async first(image: { name: string; bytes: number[] | Uint8Array }) {
    if (!api) throw new Error('init first');
    const t0 = performance.now();
    const r = await api.read(new Blob([new Uint8Array(image.bytes)], { type: 'image/jpeg' }), image.name, {});
    if (!r.ok) throw new Error(r.error.message);
    return { readMs: performance.now() - t0, resultMs: performance.now(), timings: r.timings };
  },
  /** One read per image; the API responses (or error bodies), for `npm run accuracy -- --browser`. */
  async readAll(images: { name: string; bytes: number[] | Uint8Array }[], config: Record<string, unknown>) {
    if (!api) throw new Error('init first');
    const out: unknown[] = [];
    for (const im of images) {
      const r = await api.read(new Blob([new Uint8Array(im.bytes)], { type: 'image/jpeg' }), im.name, { config });
      out.push(r.ok ? r.response : { error: r.error });
    }
    return out;
  },
  /** Reads each image `iterations` times (after one warm-up read each); returns per-read timings. */
  async run(images: { name: string; bytes: number[] | Uint8Array }[], config: Record<string, unknown>, iterations: number) {
    if (!api) throw new Error('init first');
    const blobs = images.map((im) => ({ name: im.name, blob: new Blob([new Uint8Array(im.bytes)], { type: 'image/jpeg' }) }));
    const rows: { name: string; total: number; decode: number; detect: number; read: number; shape: number; messaging: number; plates: number }[] = [];
    for (const { name, blob } of blobs) {
      await api.read(blob, name, { config });
      for (let i = 0; i < iterations; i++) {
        const t0 = performance.now();
        const r = await api.read(blob, name, { config });
        const total = performance.now() - t0;
        if (!r.ok) throw new Error(r.error.message);
        const t = r.timings;
        // messaging: the page's time minus the worker's own (comlink, structured clone, scheduling).
        const messaging = r.workerMs === undefined ? 0 : total - r.workerMs;
        rows.push({ name, total, decode: t.decode ?? 0, detect: t.detect, read: t.read, shape: t.shape, messaging, plates: r.response.results.length });
      }
    }
    return rows;
  },
};

(globalThis as unknown as { alprBench: typeof bench }).alprBench = bench;
document.body.dataset.ready = '1';
