// Fetches the models for the browser: manifest.json, then each graph with byte-level progress, each checked
// against the manifest's SHA-256 and kept in Cache Storage under a key that names the hash, so a new model
// version is fetched once and a corrupted or stale cached copy is never used.
import {
  MODEL_NAMES,
  ModelIntegrityError,
  parseManifest,
  verifyModel,
  type ModelBundle,
  type ModelManifest,
  type ModelName,
} from '../engine/models';

export interface LoadProgress {
  loaded: number;
  total: number;
  file: string;
}

export interface LoadModelsOptions {
  onProgress?: (p: LoadProgress) => void;
  /** Injected for tests; the global fetch otherwise. */
  fetch?: typeof fetch;
  /** Cache Storage, or null to skip caching (tests, or a browser without it). */
  cache?: Cache | null;
}

export const CACHE_NAME = 'alpr-models-v1';

/** Opens the models cache when the browser has Cache Storage (and the context may use it). */
export async function openModelCache(): Promise<Cache | null> {
  try {
    return typeof caches !== 'undefined' ? await caches.open(CACHE_NAME) : null;
  } catch {
    return null;
  }
}

async function readWithProgress(res: Response, expected: number, onChunk: (n: number) => void): Promise<Uint8Array> {
  if (!res.body) {
    const buf = new Uint8Array(await res.arrayBuffer());
    onChunk(buf.byteLength);
    return buf;
  }
  const reader = res.body.getReader();
  let out = new Uint8Array(expected > 0 ? expected : 1 << 20);
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (n + value.byteLength > out.byteLength) {
      const bigger = new Uint8Array(Math.max(out.byteLength * 2, n + value.byteLength));
      bigger.set(out.subarray(0, n));
      out = bigger;
    }
    out.set(value, n);
    n += value.byteLength;
    onChunk(value.byteLength);
  }
  return n === out.byteLength ? out : out.slice(0, n);
}

/** Loads manifest.json and both graphs from `base` (a URL ending in '/'). */
export async function loadModels(base: string, opts: LoadModelsOptions = {}): Promise<ModelBundle> {
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const cache = opts.cache ?? null;
  const baseUrl = base.endsWith('/') ? base : base + '/';
  const manifestUrl = new URL('manifest.json', baseUrl).href;
  const mres = await doFetch(manifestUrl, { cache: 'no-cache' });
  if (!mres.ok) throw new Error(`cannot load ${manifestUrl}: HTTP ${mres.status}`);
  const manifest: ModelManifest = parseManifest(await mres.json());

  const total = MODEL_NAMES.reduce((s, n) => s + manifest.models[n].bytes, 0);
  let loaded = 0;
  const report = (file: string) => opts.onProgress?.({ loaded: Math.min(loaded, total), total, file });

  const graphs = {} as Record<ModelName, Uint8Array>;
  for (const name of MODEL_NAMES) {
    const entry = manifest.models[name];
    const url = new URL(entry.file, baseUrl).href;
    const key = `${url}?sha256=${entry.sha256}`;
    const before = loaded;
    let bytes: Uint8Array | null = null;
    let fromCache = false;
    if (cache) {
      const hit = await cache.match(key).catch(() => undefined);
      if (hit) {
        const cached = new Uint8Array(await hit.arrayBuffer());
        try {
          await verifyModel(cached, entry);
          bytes = cached;
          fromCache = true;
          loaded += entry.bytes;
          report(entry.file);
        } catch {
          await cache.delete(key).catch(() => false);
        }
      }
    }
    // Fetch, verify; a mismatch may be a stale or damaged copy on the way (the HTTP cache, the app's service worker
    // precache), so refetch once bypassing both: `cache: 'reload'` for the HTTP cache, and a query the service
    // worker's precache route does not match (it serves its copy whatever the request's cache mode).
    for (let attempt = 0; !bytes; attempt++) {
      loaded = before;
      const res = await doFetch(attempt === 0 ? url : `${url}?fresh=${Date.now().toString(36)}`, {
        cache: attempt === 0 ? 'default' : 'reload',
      });
      if (!res.ok) throw new Error(`cannot load ${url}: HTTP ${res.status}`);
      const got = await readWithProgress(res, entry.bytes, (n) => {
        loaded += n;
        report(entry.file);
      });
      try {
        await verifyModel(got, entry);
        bytes = got;
      } catch (e) {
        if (attempt >= 1) {
          throw new ModelIntegrityError(
            `${(e as Error).message}. The model files and manifest.json disagree: rebuild it with node scripts/build-manifest.js`,
          );
        }
      }
    }
    graphs[name] = bytes;
    if (cache && !fromCache) {
      await cache
        .put(key, new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'Content-Type': 'application/octet-stream' } }))
        .catch(() => undefined);
      // Drop other versions of this file.
      const keys = await cache.keys().catch(() => [] as Request[]);
      await Promise.all(
        keys
          .filter((r) => r.url.split('?')[0] === url && r.url !== key)
          .map((r) => cache.delete(r).catch(() => false)),
      );
    }
  }
  return { manifest, detector: graphs.detector, ocr: graphs.ocr };
}
