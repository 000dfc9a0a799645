// Recovery mid-batch, in the real browser (docs/robustness.md#recovery):
// - the reader worker dies while it reads an image (an uncaught out-of-memory error, or the worker ending without
//   a word) -> a new worker, the image retried once, then marked failed; the rest of the batch is read;
// - the WebGPU device is lost mid-batch -> the reads go on on WASM, and the backend badge says so ("webgpu" project);
// - the detector's copy in Cache Storage is corrupted, or stale against models/manifest.json (also with the
//   service worker's precached copy damaged) -> the checksum catches it, the model is fetched again, reading works.
// The faults are made from outside, through Playwright's handle on the worker (worker.evaluate): nothing in the
// app exists for the tests.
import { expect, test, type Page, type Worker } from '@playwright/test';
import { backendOf, card, chooseFiles, fixtureFile, openApp, waitSettled } from './helpers';

const FILE = 'tiny_ro_360x240.png';
const as = (name: string) => fixtureFile(FILE, name);
/** The plates an image's card shows. */
const plates = (page: Page, name: string) => card(page, name).locator('.plate-chip').allTextContents();

/**
 * Installs, in a reader worker, a listener that runs before the worker's own work on a `read` call (comlink's
 * message `{ type: 'APPLY', path: ['read'], argumentList: [file, filename, input] }`) and kills the worker when the
 * file's name is in `fault`: 'oom' throws an uncaught RangeError as Chrome's allocator does ("Array buffer
 * allocation failed"); 'close' ends the worker silently (self.close(): no error event reaches the page).
 * Resolves with whether `w` is a reader worker (ORT's own thread workers, named "em-pthread", are left alone).
 */
async function armWorker(w: Worker, fault: Record<string, 'oom' | 'close'>): Promise<boolean> {
  return w.evaluate((fault) => {
    if (self.name !== 'alpr-reader') return false;
    self.addEventListener('message', (ev: MessageEvent) => {
      const d = ev.data as { type?: string; path?: string[]; argumentList?: { value?: unknown }[] } | null;
      if (!d || d.type !== 'APPLY' || d.path?.[0] !== 'read') return;
      const how = fault[String(d.argumentList?.[1]?.value)];
      if (how === 'close') self.close();
      if (how === 'oom') {
        setTimeout(() => {
          throw new RangeError('Array buffer allocation failed');
        });
      }
    });
    return true;
  }, fault);
}

/**
 * Arms every reader worker the page starts: the first with `first`, each later one (restarts) with `later`.
 * Returns the number armed so far. (ORT's thread workers are asked their name too; one that is blocked in a wait
 * never answers, so nothing waits on all of them.)
 */
function armReaderWorkers(page: Page, first: Record<string, 'oom' | 'close'>, later: Record<string, 'oom' | 'close'>) {
  let readers = 0;
  let armed = 0;
  page.on('worker', (w) => {
    void w
      .evaluate(() => self.name)
      .then((name) => (name === 'alpr-reader' ? armWorker(w, readers++ === 0 ? first : later) : false))
      .then((ok) => void (ok && armed++))
      .catch(() => undefined);
  });
  return () => armed;
}

test.describe('in the chromium project', () => {
  test.beforeEach(({}, info) => test.skip(info.project.name !== 'chromium', 'the WASM project only'));

  test('the worker dies mid-batch: a new worker, the image retried once, then failed; the batch goes on', async ({ page }) => {
    // once.png kills the first worker (out of memory); always.png kills every worker (silently), so its retry on
    // the second fresh worker dies too and it is marked failed.
    const readerWorkers = armReaderWorkers(page, { 'once.png': 'oom', 'always.png': 'close' }, { 'always.png': 'close' });
    const problems = await openApp(page, '?backend=wasm');
    expect(await backendOf(page)).toBe('wasm');
    await expect.poll(readerWorkers).toBe(1);

    const names = ['a.png', 'once.png', 'b.png', 'always.png', 'c.png'];
    await chooseFiles(page, names.map(as));
    await waitSettled(page, names.length);

    for (const n of ['a.png', 'once.png', 'b.png', 'c.png']) await expect(card(page, n)).toHaveAttribute('data-status', 'done');
    await expect(card(page, 'always.png')).toHaveAttribute('data-status', 'error');
    // The results table keeps the order; the failed image is one error row with the API's 500 and the reason.
    const files = await page.getByTestId('results-table').locator('tbody tr td:first-child').allTextContents();
    expect([...new Set(files)]).toEqual(names);
    const errorRow = page.getByTestId('error-row');
    await expect(errorRow).toHaveCount(1);
    await expect(errorRow).toContainText('always.png: the reader failed (the reader worker stopped');
    // The retried image reads like the others (same photo, same plates).
    expect(await plates(page, 'a.png')).not.toEqual([]);
    expect(await plates(page, 'once.png')).toEqual(await plates(page, 'a.png'));
    // One worker at the start, then one per death: once.png 1, always.png 2 (first try and retry).
    await expect.poll(readerWorkers).toBe(4);
    expect(await backendOf(page)).toBe('wasm');
    expect(problems).toEqual([]);
  });

  /** The detector's entry in the models cache: its key and bytes; and the manifest's detector entry. */
  async function detectorCache(page: Page) {
    return page.evaluate(async () => {
      const cache = await caches.open('alpr-models-v1');
      const keys = (await cache.keys()).map((r) => r.url).filter((u) => u.split('?')[0].endsWith('/detector.onnx'));
      const manifest = await (await fetch('models/manifest.json', { cache: 'no-store' })).json();
      const hashes: string[] = [];
      for (const k of keys) {
        const buf = await (await cache.match(k))!.arrayBuffer();
        const h = new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
        hashes.push([...h].map((b) => b.toString(16).padStart(2, '0')).join(''));
      }
      return { keys, hashes, sha256: manifest.models.detector.sha256 as string };
    });
  }

  async function readOne(page: Page, name: string) {
    await chooseFiles(page, [as(name)]);
    await waitSettled(page, 1);
    await expect(card(page, name)).toHaveAttribute('data-status', 'done');
  }

  test('a corrupted or stale cached detector is caught by the checksum, fetched again, and reading works', async ({ page }) => {
    const problems = await openApp(page, '?backend=wasm');
    await backendOf(page);
    await readOne(page, 'first.png');
    const first = await detectorCache(page);
    expect(first.keys).toHaveLength(1);
    expect(first.keys[0]).toMatch(new RegExp(`/models/detector\\.onnx\\?sha256=${first.sha256}$`));
    expect(first.hashes).toEqual([first.sha256]);

    // 1. Corrupted: bytes flipped in the middle of the cached graph, under the same key.
    await page.evaluate(async (key) => {
      const cache = await caches.open('alpr-models-v1');
      const bytes = new Uint8Array(await (await cache.match(key))!.arrayBuffer());
      for (let i = bytes.length >> 1; i < (bytes.length >> 1) + 64; i++) bytes[i] ^= 0xff;
      await cache.put(key, new Response(bytes));
    }, first.keys[0]);
    const corrupted = await detectorCache(page);
    expect(corrupted.hashes[0]).not.toBe(first.sha256);
    await page.reload();
    await backendOf(page);
    await readOne(page, 'after-corruption.png');
    expect(await detectorCache(page)).toEqual(first);

    // 2. Stale, same key: another valid ONNX graph (an older model, a bad deploy) where the detector should be.
    await page.evaluate(async (key) => {
      const cache = await caches.open('alpr-models-v1');
      const other = await (await fetch('models/ocr.onnx')).arrayBuffer();
      await cache.put(key, new Response(other));
    }, first.keys[0]);
    expect((await detectorCache(page)).hashes[0]).not.toBe(first.sha256);
    await page.reload();
    await backendOf(page);
    await readOne(page, 'after-stale-bytes.png');
    expect(await detectorCache(page)).toEqual(first);

    // 3. Stale version: only an earlier model version is cached (its key names another hash, as after an update).
    const oldKey = first.keys[0].replace(first.sha256, '0'.repeat(64));
    await page.evaluate(
      async ([key, oldKey]) => {
        const cache = await caches.open('alpr-models-v1');
        const old = await (await fetch('models/ocr.onnx')).arrayBuffer();
        await cache.delete(key);
        await cache.put(oldKey, new Response(old));
      },
      [first.keys[0], oldKey],
    );
    expect((await detectorCache(page)).keys).toEqual([oldKey]);
    await page.reload();
    await backendOf(page);
    await readOne(page, 'after-update.png');
    // The current version is fetched and kept; the old one is dropped.
    expect(await detectorCache(page)).toEqual(first);

    // 4. Damaged on the way as well: the service worker's precached copy is corrupted too, so the plain fetch
    // gets bad bytes again; the loader's one retry bypasses the precache and gets the server's copy.
    await page.evaluate(async () => void (await navigator.serviceWorker.ready));
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller != null)).toBe(true);
    const damaged = await page.evaluate(async (key) => {
      const flip = async (cache: Cache, req: Request | string) => {
        const res = (await cache.match(req))!;
        const bytes = new Uint8Array(await res.arrayBuffer());
        for (let i = bytes.length >> 1; i < (bytes.length >> 1) + 64; i++) bytes[i] ^= 0xff;
        await cache.put(req, new Response(bytes, { headers: res.headers }));
      };
      let n = 0;
      for (const name of await caches.keys()) {
        if (!name.includes('precache')) continue;
        const cache = await caches.open(name);
        for (const r of await cache.keys()) {
          if (new URL(r.url).pathname.endsWith('/models/detector.onnx')) (await flip(cache, r), n++);
        }
      }
      await flip(await caches.open('alpr-models-v1'), key);
      return n;
    }, first.keys[0]);
    expect(damaged).toBe(1);
    await page.reload();
    await backendOf(page);
    await readOne(page, 'after-precache-damage.png');
    expect(await detectorCache(page)).toEqual(first);
    expect(problems).toEqual([]);
  });
});

test.describe('in the webgpu project', () => {
  test.beforeEach(({}, info) => test.skip(info.project.name !== 'webgpu', 'needs the WebGPU adapter (--enable-unsafe-webgpu)'));

  test('the WebGPU device is lost mid-batch: the reads go on on WASM, and the badge says so', async ({ page }) => {
    test.setTimeout(600_000);
    // When the read of lose.png reaches the worker, the next GPU command ORT records destroys its device first:
    // the device is lost in the middle of that read.
    page.on('worker', (w) => {
      void w
        .evaluate(() => {
          if (self.name !== 'alpr-reader') return;
          let armed = false;
          const proto = (self as unknown as { GPUDevice: { prototype: Record<string, (...a: unknown[]) => unknown> } }).GPUDevice.prototype;
          const create = proto.createCommandEncoder;
          proto.createCommandEncoder = function (this: { destroy(): void }, ...a: unknown[]) {
            if (armed) {
              armed = false;
              this.destroy();
            }
            return create.apply(this, a);
          };
          self.addEventListener('message', (ev: MessageEvent) => {
            const d = ev.data as { type?: string; path?: string[]; argumentList?: { value?: unknown }[] } | null;
            if (d?.type === 'APPLY' && d.path?.[0] === 'read' && d.argumentList?.[1]?.value === 'lose.png') armed = true;
          });
        })
        .catch(() => undefined);
    });
    const problems = await openApp(page);
    // SwiftShader runs WebGPU on the CPU: loading and each read take tens of seconds here.
    const slow = { timeout: 300_000 };
    await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'webgpu', slow);

    await chooseFiles(page, [as('before.png')]);
    await expect(card(page, 'before.png')).toHaveAttribute('data-status', 'done', slow);
    expect(await backendOf(page)).toBe('webgpu');

    await chooseFiles(page, [as('lose.png'), as('after.png')]);
    for (const n of ['lose.png', 'after.png']) await expect(card(page, n)).toHaveAttribute('data-status', 'done', slow);
    await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'wasm');
    await expect(page.getByTestId('backend')).toHaveText(/WASM/);
    // Same plates before and after the switch.
    expect(await plates(page, 'before.png')).not.toEqual([]);
    expect(await plates(page, 'lose.png')).toEqual(await plates(page, 'before.png'));
    expect(await plates(page, 'after.png')).toEqual(await plates(page, 'before.png'));
    expect(problems).toEqual([]);
  });
});
