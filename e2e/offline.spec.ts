// The installable PWA: a manifest, a service worker (src/sw/sw.ts) that precaches the app shell and the models
// and keeps the one ORT wasm the page loaded, so that after one visit the page reads plates with the network off,
// still cross-origin isolated (threads).
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { backendOf, card, chooseFiles, fixture, fixtureFile, openApp, rawJson, waitSettled } from './helpers';

test('after one visit the app installs a service worker and reads a plate offline', async ({ page, context }) => {
  const problems = await openApp(page);

  // Installable: the manifest is linked and names the icons.
  const href = await page.locator('link[rel=manifest]').getAttribute('href');
  expect(href).toBeTruthy();
  const manifest = await (await page.request.get(new URL(href!, page.url()).href)).json();
  expect(manifest.name).toBe('Plate Reader');
  expect(manifest.display).toBe('standalone');
  expect(manifest.icons.map((i: any) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));

  // The SW is registered, installed (everything precached) and controls the page.
  await backendOf(page);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.scope);
  expect(scope).toBe(new URL('./', page.url()).href);
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller != null)).toBe(true);
  const precached = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      if (!name.includes('precache')) continue;
      for (const r of await (await caches.open(name)).keys()) urls.push(new URL(r.url).pathname);
    }
    return urls;
  });
  for (const want of [/\/index\.html$/, /\/assets\/worker-.*\.js$/, /\/models\/detector\.onnx$/, /\/models\/ocr\.onnx$/, /\/models\/manifest\.json$/]) {
    expect(precached.some((u) => want.test(u)), `${want} precached`).toBe(true);
  }
  // ORT's wasm builds are not precached (both would be ~40 MB); the one this page's engine loaded, fetched
  // before the SW controlled the page, is kept in the runtime cache, and only that one.
  expect(precached.filter((u) => u.endsWith('.wasm'))).toEqual([]);
  const wasmCached = () =>
    page.evaluate(async () => (await (await caches.open('alpr-ort-wasm')).keys()).map((r) => new URL(r.url).pathname));
  await expect.poll(wasmCached).toHaveLength(1);
  const [kept] = await wasmCached();
  expect(kept).toMatch(/\/assets\/ort-wasm[^/]*\.wasm$/);
  // With a WebGPU adapter the engine runs ORT's JSEP build, without one its WASM-only build (when the build has
  // both): the one it ran is the one kept.
  const builds = readdirSync(`${process.env.E2E_DIST || 'dist'}/assets`).filter((f) => f.endsWith('.wasm'));
  const hasAdapter = await page.evaluate(async () => {
    const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    return gpu ? (await gpu.requestAdapter().catch(() => null)) != null : false;
  });
  if (builds.length > 1) expect(kept).toMatch(hasAdapter ? /\.jsep-[^/]*\.wasm$/ : /\/ort-wasm-simd-threaded-[^/]*\.wasm$/);
  // Its bytes are a wasm module.
  const magic = await page.evaluate(async (path) => {
    const r = await (await caches.open('alpr-ort-wasm')).match(new URL(path, location.href).href);
    return Array.from(new Uint8Array(await r!.arrayBuffer()).subarray(0, 4));
  }, kept);
  expect(magic).toEqual([0x00, 0x61, 0x73, 0x6d]);

  // Offline: the reload comes from the SW, still cross-origin isolated, and a photo is read.
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Plate Reader' })).toBeVisible();
  expect(await page.evaluate(() => navigator.onLine)).toBe(false);
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  await backendOf(page);
  const threads = Number(await page.getByTestId('backend').getAttribute('data-threads'));
  expect(threads).toBeGreaterThanOrEqual(Math.min(2, await page.evaluate(() => navigator.hardwareConcurrency)));

  const name = 'two_cars_1280x720.jpg';
  await chooseFiles(page, [fixtureFile(name)]);
  await waitSettled(page, 1);
  await expect(card(page, name)).toHaveAttribute('data-status', 'done');
  const json = await rawJson(page, name);
  const readings = json.results.map((r: any) => r.plate);
  expect(fixture(name).plates.some((p) => readings.includes(p.text.toLowerCase())), readings.join(',')).toBe(true);

  await context.setOffline(false);
  expect(problems).toEqual([]);
});

test('a new version waiting shows "A new version is available — Reload"; Reload switches to it', async ({ page }) => {
  const problems = await openApp(page);
  await backendOf(page);
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller != null)).toBe(true);
  await expect(page.getByTestId('pwa-update')).toHaveCount(0);
  const first = await page.evaluate(() => navigator.serviceWorker.controller!.scriptURL);

  // Deploy a "new version": the same sw.js with one more byte (restored afterwards).
  const sw = `${process.env.E2E_DIST || 'dist'}/sw.js`;
  const original = readFileSync(sw);
  try {
    appendFileSync(sw, '\n// next version\n');
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
    const banner = page.getByTestId('pwa-update');
    await expect(banner).toContainText('A new version is available');
    const reloaded = page.waitForEvent('framenavigated');
    await banner.getByRole('button', { name: 'Reload' }).click();
    await reloaded;
    await expect(page.getByRole('heading', { name: 'Plate Reader' })).toBeVisible();
    await expect(page.getByTestId('pwa-update')).toHaveCount(0);
    // The page now runs under the new worker, which is active and nothing waits.
    const state = await page.evaluate(async () => {
      const reg = (await navigator.serviceWorker.getRegistration())!;
      return { waiting: reg.waiting != null, active: reg.active?.state, controlled: navigator.serviceWorker.controller != null };
    });
    expect(state).toEqual({ waiting: false, active: 'activated', controlled: true });
    expect(first).toMatch(/\/sw\.js$/);
  } finally {
    writeFileSync(sw, original);
  }
  expect(problems).toEqual([]);
});
