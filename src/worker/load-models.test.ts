import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadModels, type LoadProgress } from './load-models';

const BASE = 'https://app.example/models/';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function files(detector: Uint8Array, ocr: Uint8Array, manifestOf = { detector, ocr }) {
  const entry = (file: string, bytes: Uint8Array, config: object) => ({
    file,
    bytes: bytes.byteLength,
    sha256: sha(bytes),
    version: '1',
    sidecar: file.replace('.onnx', '.json'),
    config,
  });
  const manifest = {
    version: 'detector@1+ocr@1',
    models: {
      detector: entry('detector.onnx', manifestOf.detector, { version: '1', stride: 8, input_multiple: 32, sizes: { fast: 640, default: 640 } }),
      ocr: entry('ocr.onnx', manifestOf.ocr, { version: '1', height: 64, width: 160, slots: 10, alphabet: 'AB', crop_pad: [0.06, 0.12] }),
    },
  };
  return { 'manifest.json': JSON.stringify(manifest), 'detector.onnx': detector, 'ocr.onnx': ocr } as Record<string, string | Uint8Array>;
}

/** A fetch over a file table; streams binaries in 3 chunks; records every request. */
function fakeFetch(table: () => Record<string, string | Uint8Array>, log: string[]): typeof fetch {
  return (async (url: string | URL, init?: RequestInit) => {
    const [name, query] = String(url).slice(BASE.length).split('?');
    log.push(`${name}${query ? `?${query.replace(/=.*/, '=…')}` : ''}:${init?.cache ?? ''}`);
    const body = table()[name];
    if (body === undefined) return new Response('nope', { status: 404 });
    if (typeof body === 'string') return new Response(body);
    const third = Math.ceil(body.byteLength / 3);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < body.byteLength; i += third) c.enqueue(body.slice(i, i + third));
        c.close();
      },
    });
    return new Response(stream);
  }) as typeof fetch;
}

class MemoryCache {
  store = new Map<string, Uint8Array>();
  async match(key: string) {
    const b = this.store.get(key);
    return b ? new Response(b.slice()) : undefined;
  }
  async put(key: string, res: Response) {
    this.store.set(key, new Uint8Array(await res.arrayBuffer()));
  }
  async delete(key: string | Request) {
    return this.store.delete(typeof key === 'string' ? key : key.url);
  }
  async keys() {
    return [...this.store.keys()].map((k) => new Request(k));
  }
}

const det = Uint8Array.from({ length: 100 }, (_, i) => i);
const ocr = Uint8Array.from({ length: 50 }, (_, i) => 255 - i);

describe('loadModels', () => {
  it('fetches the manifest and both graphs with byte progress up to the total', async () => {
    const log: string[] = [];
    const progress: LoadProgress[] = [];
    const b = await loadModels(BASE, { fetch: fakeFetch(() => files(det, ocr), log), onProgress: (p) => progress.push(p) });
    expect(Array.from(b.detector)).toEqual(Array.from(det));
    expect(Array.from(b.ocr)).toEqual(Array.from(ocr));
    expect(b.manifest.version).toBe('detector@1+ocr@1');
    expect(progress.at(-1)).toEqual({ loaded: 150, total: 150, file: 'ocr.onnx' });
    expect(progress.length).toBeGreaterThanOrEqual(6);
    const loaded = progress.map((p) => p.loaded);
    expect(loaded).toEqual([...loaded].sort((a, b) => a - b));
  });

  it('serves verified graphs from the cache on the next load, and refetches a corrupted cached copy', async () => {
    const cache = new MemoryCache();
    const log: string[] = [];
    const fetchIt = fakeFetch(() => files(det, ocr), log);
    await loadModels(BASE, { fetch: fetchIt, cache: cache as unknown as Cache });
    expect(cache.store.size).toBe(2);
    log.length = 0;
    await loadModels(BASE, { fetch: fetchIt, cache: cache as unknown as Cache });
    expect(log).toEqual(['manifest.json:no-cache']);
    // corrupt the cached detector
    const key = [...cache.store.keys()].find((k) => k.includes('detector'))!;
    cache.store.set(key, Uint8Array.from(det, (v) => v ^ 1));
    log.length = 0;
    const b = await loadModels(BASE, { fetch: fetchIt, cache: cache as unknown as Cache });
    expect(log).toEqual(['manifest.json:no-cache', 'detector.onnx:default']);
    expect(Array.from(b.detector)).toEqual(Array.from(det));
  });

  it('a new model version replaces the old cached one', async () => {
    const cache = new MemoryCache();
    let current = files(det, ocr);
    const fetchIt = fakeFetch(() => current, []);
    await loadModels(BASE, { fetch: fetchIt, cache: cache as unknown as Cache });
    const det2 = Uint8Array.from(det, (v) => v + 1);
    current = files(det2, ocr);
    const b = await loadModels(BASE, { fetch: fetchIt, cache: cache as unknown as Cache });
    expect(Array.from(b.detector)).toEqual(Array.from(det2));
    expect([...cache.store.keys()].filter((k) => k.includes('detector.onnx'))).toEqual([`${BASE}detector.onnx?sha256=${sha(det2)}`]);
  });

  it('retries once bypassing the HTTP cache, then names the mismatch', async () => {
    const log: string[] = [];
    const stale = files(det, ocr, { detector: Uint8Array.from(det, (v) => v ^ 7), ocr });
    await expect(loadModels(BASE, { fetch: fakeFetch(() => stale, log) })).rejects.toThrow(
      /detector\.onnx sha256 .* does not match manifest\.json.*build-manifest/,
    );
    // The retry also bypasses a service worker's precache (which matches the URL without a query).
    expect(log).toEqual(['manifest.json:no-cache', 'detector.onnx:default', 'detector.onnx?fresh=…:reload']);
  });

  it('a damaged copy on the way (HTTP cache, service worker precache) is bypassed by the retry and not cached', async () => {
    const log: string[] = [];
    const good = files(det, ocr);
    const damaged = { ...good, 'detector.onnx': Uint8Array.from(det, (v, i) => (i === 50 ? v ^ 1 : v)) };
    // A fetch where the plain URL gets the damaged copy and a URL with a query reaches the server.
    const inner = fakeFetch(() => good, log);
    const viaSw = (async (url: string | URL, init?: RequestInit) =>
      String(url).endsWith('/detector.onnx') ? fakeFetch(() => damaged, [])(url, init) : inner(url, init)) as typeof fetch;
    const cache = new MemoryCache();
    const b = await loadModels(BASE, { fetch: viaSw, cache: cache as unknown as Cache });
    expect(Array.from(b.detector)).toEqual(Array.from(det));
    expect(log).toContain('detector.onnx?fresh=…:reload');
    expect(Array.from(cache.store.get(`${BASE}detector.onnx?sha256=${sha(det)}`)!)).toEqual(Array.from(det));
  });

  it('reports a missing manifest with its URL', async () => {
    await expect(loadModels('https://app.example/nothing/', { fetch: fakeFetch(() => ({}), []) })).rejects.toThrow(
      /manifest\.json: HTTP 404/,
    );
  });
});
