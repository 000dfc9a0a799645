import { describe, expect, it } from 'vitest';
import { Reader, type BridgeDeps } from './bridge';
import { holdForLife, watchLife, type LocksLike } from './lifeline';
import type { WorkerReadResult } from './protocol';

/** An in-memory Web Locks: exclusive locks, granted in request order, released when the callback's promise settles
 * or (for a "worker") when its owner ends. */
function fakeLocks() {
  type Req = { owner: string; cb: () => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void };
  const held = new Map<string, string>(); // lock -> owner
  const waiting = new Map<string, Req[]>();
  const grant = (name: string) => {
    if (held.has(name)) return;
    const q = waiting.get(name) ?? [];
    const next = q.shift();
    if (!next) return;
    held.set(name, next.owner);
    Promise.resolve()
      .then(next.cb)
      .then(next.resolve, next.reject)
      .finally(() => {
        if (held.get(name) === next.owner) held.delete(name);
        grant(name);
      });
  };
  const forOwner = (owner: string): LocksLike => ({
    request(name, options, cb) {
      return new Promise((resolve, reject) => {
        const req: Req = { owner, cb, resolve, reject };
        const q = waiting.get(name) ?? [];
        q.push(req);
        waiting.set(name, q);
        options.signal?.addEventListener('abort', () => {
          const i = q.indexOf(req);
          if (i >= 0) {
            q.splice(i, 1);
            reject(new DOMException('aborted', 'AbortError'));
          }
        });
        grant(name);
      });
    },
  });
  /** The owner ends: its locks go. */
  const end = (owner: string) => {
    for (const [name, o] of [...held]) {
      if (o === owner) {
        held.delete(name);
        grant(name);
      }
    }
  };
  return { forOwner, end, held };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('lifeline', () => {
  it('the watcher is called when the holder ends, not before, and not after an abort', async () => {
    const locks = fakeLocks();
    expect(await holdForLife('alpr-worker-life-1', locks.forOwner('w1'))).toBe(true);
    let gone = 0;
    watchLife(locks.forOwner('page'), 'alpr-worker-life-1', new AbortController().signal, () => gone++);
    await tick();
    expect(gone).toBe(0);
    locks.end('w1');
    await tick();
    expect(gone).toBe(1);

    expect(await holdForLife('alpr-worker-life-2', locks.forOwner('w2'))).toBe(true);
    const stop = new AbortController();
    watchLife(locks.forOwner('page'), 'alpr-worker-life-2', stop.signal, () => gone++);
    stop.abort();
    locks.end('w2');
    await tick();
    expect(gone).toBe(1);
  });

  it('without Web Locks, or with a foreign name, nothing is held', async () => {
    expect(await holdForLife('alpr-worker-life-x', null)).toBe(false);
    expect(await holdForLife('someone-elses-lock', fakeLocks().forOwner('w'))).toBe(false);
  });
});

describe('Reader with a worker that ends silently', () => {
  const ok = (filename: string): WorkerReadResult => ({
    ok: true,
    response: { processing_time: 1, results: [], filename, version: 1, camera_id: null, timestamp: 't' },
    timings: { detect: 0, read: 0, shape: 0 },
    backend: 'wasm',
  });

  /** Workers whose reads of `dies` never answer: the worker just ends (no error event). */
  function harness(dies: (filename: string, workerNo: number) => boolean) {
    const locks = fakeLocks();
    const state = { workers: 0, terminated: [] as number[], sent: [] as string[] };
    const deps: BridgeDeps = {
      locks: locks.forOwner('page'),
      createWorker() {
        const no = state.workers++;
        return { addEventListener: () => undefined, terminate: () => void (state.terminated.push(no), locks.end(`w${no}`)) };
      },
      wrap() {
        const no = state.workers - 1;
        return {
          hold: (name: string) => holdForLife(name, locks.forOwner(`w${no}`)),
          init: async () => ({ backend: 'wasm' as const, threads: 1, modelsVersion: `v${no}` }),
          read: (_f: Blob, filename: string) => {
            state.sent.push(`${filename}@${no}`);
            if (!dies(filename, no)) return Promise.resolve(ok(filename));
            setTimeout(() => locks.end(`w${no}`), 2);
            return new Promise<WorkerReadResult>(() => undefined);
          },
        };
      },
      proxy: (fn) => fn,
    };
    return { reader: new Reader(deps), state };
  }

  it('retries the in-flight image once on a new worker, then marks it failed; the batch goes on', async () => {
    const { reader, state } = harness((f, no) => f === 'always.jpg' || (f === 'once.jpg' && no === 0));
    await reader.init();
    const names = ['a.jpg', 'once.jpg', 'b.jpg', 'always.jpg', 'c.jpg'];
    const out = await Promise.all(
      names.map((n) =>
        reader.read(new Blob(['x']), n, {}).then(
          (r) => r.filename,
          (e: { code?: number; message: string }) => `error ${e.code}: ${e.message}`,
        ),
      ),
    );
    expect(out.slice(0, 3)).toEqual(['a.jpg', 'once.jpg', 'b.jpg']);
    expect(out[3]).toMatch(/^error 500: always\.jpg: the reader failed \(the reader worker stopped/);
    expect(out[4]).toBe('c.jpg');
    expect(state.sent).toEqual(['a.jpg@0', 'once.jpg@0', 'once.jpg@1', 'b.jpg@1', 'always.jpg@1', 'always.jpg@2', 'c.jpg@3']);
    expect((reader as Reader).restarts).toBe(3);
  });

  it('a worker the bridge stops itself is not taken for a crash', async () => {
    const { reader, state } = harness(() => false);
    await reader.init();
    await reader.init(); // restarts by hand: the first worker is terminated
    await tick();
    expect(state.workers).toBe(2);
    expect((reader as Reader).restarts).toBe(0);
    expect(await reader.read(new Blob(['x']), 'a.jpg', {})).toMatchObject({ filename: 'a.jpg' });
    expect(state.workers).toBe(2);
  });
});
