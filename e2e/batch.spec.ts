// A batch of 1,000 images, 10 % of them broken, through the page as a user would: chosen with the file input,
// paused midway (nothing new starts), resumed, read to the end. Every good image is read, every broken one is
// one error row naming the file, the order is the drop order everywhere (progress, table, JSON and CSV export),
// and the main thread never blocks for long: long tasks (PerformanceObserver 'longtask', > 50 ms) are recorded
// from the moment the files are added to the end of the batch, printed, and bounded.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import sharp from 'sharp';
import { FIXTURES, fixtures, openApp, type UploadFile } from './helpers';

const N = 1000;
/** Every 10th file (index % 10 === 7) is broken: 100 of 1,000. */
const isBroken = (i: number) => i % 10 === 7;
/**
 * The bound on any main-thread task of the page while 1,000 images are read, and on its handling of the 1,000-file
 * drop. Not a speed test (`npm run bench` is): the figures are printed (idle machine: 2 long tasks, max 98 ms, see
 * docs/robustness.md), and the bound only catches the failures the fixes removed — the drop as one 2.8–3.4 s task,
 * every update re-rendering 1,000 cards — with room for a 2-core machine whose cores other jobs take (seen in CI
 * runs beside other work: single tasks of ~1 s stretched by the OS). The structural check below (cards in the DOM)
 * is the load-independent one.
 */
const MAX_LONG_TASK_MS = 2000;
/** The gallery is windowed: with 1,000 images queued, only the cards near the screen are in the page. */
const MAX_CARDS_IN_DOM = 200;

/**
 * Small, quick-to-read good images: a band of each fixture scene around its first plate (4:1, so the detector's
 * 640 px input is 640×160), scaled to 320 px wide, as JPEG (two qualities, and mirrored) and PNG.
 */
async function goodImages(): Promise<{ ext: string; mime: string; buffer: Buffer }[]> {
  const out: { ext: string; mime: string; buffer: Buffer }[] = [];
  for (const f of fixtures) {
    const bandH = Math.round(f.width / 4);
    const [, y0, , y1] = f.plates[0]?.box ?? [0, f.height / 2, 0, f.height / 2];
    const top = Math.max(0, Math.min(f.height - bandH, Math.round((y0 + y1) / 2 - bandH / 2)));
    const src = sharp(readFileSync(`${FIXTURES}/${f.file}`)).extract({ left: 0, top, width: f.width, height: bandH }).resize({ width: 320 });
    for (const q of [70, 85]) out.push({ ext: 'jpg', mime: 'image/jpeg', buffer: await src.clone().jpeg({ quality: q }).toBuffer() });
    out.push({ ext: 'png', mime: 'image/png', buffer: await src.clone().png().toBuffer() });
    out.push({ ext: 'jpg', mime: 'image/jpeg', buffer: await src.clone().flop().jpeg({ quality: 80 }).toBuffer() });
  }
  return out;
}

/** Ten kinds of broken file, each a file a user could have on disk. */
function brokenFile(kind: number, jpeg: Buffer, png: Buffer): { tag: string; ext: string; mime: string; buffer: Buffer } {
  switch (kind) {
    case 0:
      return { tag: 'empty', ext: 'jpg', mime: 'image/jpeg', buffer: Buffer.alloc(0) };
    case 1:
      return { tag: 'cut-jpeg', ext: 'jpg', mime: 'image/jpeg', buffer: jpeg.subarray(0, Math.floor(jpeg.length / 2)) };
    case 2:
      return { tag: 'text', ext: 'jpg', mime: 'image/jpeg', buffer: Buffer.from('not a photo, a shopping list: milk, eggs\n') };
    case 3: {
      // an ISO-BMFF 'ftyp heic' header with nothing decodable after it (what an iPhone photo starts with)
      const b = Buffer.alloc(64);
      b.writeUInt32BE(24, 0);
      b.write('ftypheic', 4, 'latin1');
      b.write('mif1heic', 16, 'latin1');
      return { tag: 'heic', ext: 'heic', mime: 'image/heic', buffer: b };
    }
    case 4:
      return { tag: 'cut-png', ext: 'png', mime: 'image/png', buffer: png.subarray(0, Math.floor(png.length / 3)) };
    case 5:
      return { tag: 'pdf', ext: 'jpg', mime: 'image/jpeg', buffer: Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n') };
    case 6:
      return { tag: 'random', ext: 'png', mime: 'image/png', buffer: Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 2654435761) >>> 24)) };
    case 7:
      return { tag: 'jpeg-header-only', ext: 'jpg', mime: 'image/jpeg', buffer: jpeg.subarray(0, 2) };
    case 8:
      return { tag: 'html', ext: 'png', mime: 'image/png', buffer: Buffer.from('<!doctype html><title>saved page</title>') };
    default:
      return { tag: 'zip', ext: 'jpg', mime: 'image/jpeg', buffer: Buffer.from('PK\u0003\u0004\u0014\u0000\u0000\u0000', 'latin1') };
  }
}

async function corpus(): Promise<UploadFile[]> {
  const good = await goodImages();
  const jpeg = good[0].buffer;
  const png = good[2].buffer;
  const files: UploadFile[] = [];
  for (let i = 0; i < N; i++) {
    const n = String(i + 1).padStart(4, '0');
    if (isBroken(i)) {
      const b = brokenFile(Math.floor(i / 10) % 10, jpeg, png);
      files.push({ name: `${n}-broken-${b.tag}.${b.ext}`, mimeType: b.mime, buffer: b.buffer });
    } else {
      const g = good[i % good.length];
      files.push({ name: `${n}-ok.${g.ext}`, mimeType: g.mime, buffer: g.buffer });
    }
  }
  return files;
}

/** The queue's counters, as the toolbar publishes them. */
async function counts(page: Page): Promise<{ total: number; finished: number; reading: number; queued: number }> {
  const bar = page.getByTestId('toolbar');
  const [total, finished, reading, queued] = await Promise.all(
    ['data-total', 'data-finished', 'data-reading', 'data-queued'].map(async (a) => Number(await bar.getAttribute(a))),
  );
  return { total, finished, reading, queued };
}

async function longTasks(page: Page, from = 0): Promise<{ count: number; max: number; total: number }> {
  return page.evaluate((from) => {
    const d = ((window as unknown as { __longTasks: number[] }).__longTasks ?? []).slice(from);
    return { count: d.length, max: d.length ? Math.max(...d) : 0, total: d.reduce((a, b) => a + b, 0) };
  }, from);
}

test.describe.configure({ timeout: 480_000 });

test('1,000 images, 100 broken: paused, resumed, all read in order, no long task on the main thread', async ({ page }) => {
  const files = await corpus();
  // fast mode (one detection pass at 640 px): the batch is about the queue, not the reading
  await page.addInitScript(() => {
    localStorage.setItem('plate-reader-options', JSON.stringify({ state: { options: { mode: 'fast' } }, version: 1 }));
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push(e.duration);
    }).observe({ type: 'longtask' });
    const c = window as unknown as { __changeMs: number[]; __changeAt: number };
    c.__changeMs = [];
    window.addEventListener('change', () => (c.__changeAt = performance.now()), { capture: true });
    window.addEventListener('change', () => c.__changeMs.push(performance.now() - c.__changeAt));
  });
  const problems = await openApp(page);
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', /^(webgpu|wasm)$/);
  await page.evaluate(() => ((window as unknown as { __longTasks: number[] }).__longTasks.length = 0));

  // Chosen from disk (paths, as a user's file chooser gives them: the browser reads the files, not page script).
  const dir = mkdtempSync(join(tmpdir(), 'batch-e2e-'));
  const paths = files.map((f) => {
    const p = join(dir, f.name);
    writeFileSync(p, f.buffer);
    return p;
  });
  const t0 = Date.now();
  await page.getByTestId('file-input').setInputFiles(paths);
  await expect(page.getByTestId('toolbar')).toHaveAttribute('data-total', String(N));
  await page.waitForTimeout(300);
  const adding = await longTasks(page);
  const addedAt = adding.count;
  // The page's own share of that task: its 'change' handling, React's render and commit included (window capture
  // to window bubble), and within it the store's addFiles (User Timing 'plate-reader:add-files'). The rest of the
  // task is the browser making the 1,000-file list before the event (a Chromium trace showed ~440 ms of a 530 ms task).
  const addMs = await page.evaluate(() => performance.getEntriesByName('plate-reader:add-files').map((e) => e.duration));
  const changeMs = await page.evaluate(() => (window as unknown as { __changeMs: number[] }).__changeMs);
  console.log(
    `adding ${N} files: ${adding.count} long task(s), max ${adding.max.toFixed(0)} ms; of it the page's change handling ` +
      `${changeMs.map((d) => d.toFixed(0)).join(', ')} ms, its addFiles ${addMs.map((d) => d.toFixed(1)).join(', ')} ms`,
  );
  expect(changeMs).toHaveLength(1);
  expect(changeMs[0]).toBeLessThanOrEqual(MAX_LONG_TASK_MS);
  expect(addMs).toHaveLength(1);
  expect(addMs[0]).toBeLessThanOrEqual(MAX_LONG_TASK_MS);
  const cardsInDom = await page.getByTestId('image-card').count();
  console.log(`image cards in the page with ${N} queued: ${cardsInDom}`);
  expect(cardsInDom).toBeLessThanOrEqual(MAX_CARDS_IN_DOM);

  // Pause midway: the image in flight finishes, nothing new starts.
  await expect.poll(async () => (await counts(page)).finished, { timeout: 300_000 }).toBeGreaterThanOrEqual(300);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('toolbar')).toHaveAttribute('data-reading', '0');
  await expect(page.getByTestId('progress-text')).toContainText('Paused');
  const paused = await counts(page);
  expect(paused.finished).toBeGreaterThanOrEqual(300);
  expect(paused.finished).toBeLessThan(N);
  for (let i = 0; i < 6; i++) {
    await page.waitForTimeout(500);
    expect(await counts(page)).toEqual(paused);
  }
  const midway = await longTasks(page, addedAt);
  console.log(
    `paused at ${paused.finished} of ${N} (${((Date.now() - t0) / 1000).toFixed(0)} s); long tasks so far: ${midway.count}, max ${midway.max.toFixed(0)} ms`,
  );

  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByTestId('toolbar')).toHaveAttribute('data-finished', String(N), { timeout: 400_000 });
  const secs = (Date.now() - t0) / 1000;
  // The reading is over: the tasks from here on are the checks' own DOM queries and the exports, measured apart.
  await page.waitForTimeout(300);
  const reading = await longTasks(page, addedAt);
  const endedAt = addedAt + reading.count;
  await expect(page.getByTestId('progress-text')).toContainText(`${N} images done`);
  await expect(page.getByTestId('progress-text')).toContainText('100 failed');

  // The table: one error row per broken file, every file in drop order.
  await expect(page.getByTestId('error-row')).toHaveCount(100);
  const tableFiles = await page.getByTestId('results-table').locator('tbody tr td:first-child').allTextContents();
  const dedup = tableFiles.filter((f, i) => f !== tableFiles[i - 1]);
  expect(dedup).toEqual(files.map((f) => f.name));
  const errorNames = await page.getByTestId('error-row').locator('td:first-child').allTextContents();
  expect(errorNames).toEqual(files.filter((_, i) => isBroken(i)).map((f) => f.name));

  // JSON export: 1,000 entries in drop order; each broken file an API error whose message names it.
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
  const entries = JSON.parse(readFileSync(await json.path(), 'utf8')) as any[];
  expect(entries).toHaveLength(N);
  entries.forEach((e, i) => {
    const name = files[i].name;
    if (isBroken(i)) {
      expect(Object.keys(e), name).toEqual(['error']);
      expect(e.error.code, name).toBeGreaterThanOrEqual(400);
      expect(e.error.message, name).toContain(name);
    } else {
      expect(e.filename, name).toBe(name);
      expect(Array.isArray(e.results), name).toBe(true);
    }
  });
  // CSV export: the same order, an error row per broken file.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const rows = readFileSync(await csv.path(), 'utf8').trim().split('\r\n').slice(1);
  const csvNames = rows.map((r) => r.split(',')[0]).filter((f, i, a) => f !== a[i - 1]);
  expect(csvNames).toEqual(files.map((f) => f.name));
  expect(rows.filter((r) => !r.endsWith(',')).length).toBe(100);

  const kinds = new Map<string, number>();
  for (const e of entries.filter((x) => x.error)) {
    const why = String(e.error.message).replace(/^[^:]+: /, '').replace(/\(.*\)/, '(…)');
    kinds.set(why, (kinds.get(why) ?? 0) + 1);
  }
  console.log(`batch of ${N}: ${N - 100} read, 100 errors, ${secs.toFixed(0)} s`);
  console.log(`error messages: ${[...kinds].map(([k, v]) => `${v} × "${k}"`).join('; ')}`);
  const after = await longTasks(page, endedAt);
  console.log(
    `main-thread long tasks while reading ${N} images (after adding, to the end of the batch): ${reading.count}, max ${reading.max.toFixed(0)} ms, ` +
      `total ${reading.total.toFixed(0)} ms (bound ${MAX_LONG_TASK_MS} ms)`,
  );
  console.log(`then the checks' DOM queries of the 1,000-row table and the two exports: ${after.count} long task(s), max ${after.max.toFixed(0)} ms`);
  // Reading: no task over the bound.
  expect(reading.max).toBeLessThanOrEqual(MAX_LONG_TASK_MS);
  expect(problems).toEqual([]);
});

test('Cancel keeps what was read and removes the images not read yet; new files are read again', async ({ page }) => {
  const good = await goodImages();
  const files: UploadFile[] = Array.from({ length: 40 }, (_, i) => ({
    name: `c${String(i + 1).padStart(2, '0')}.${good[i % good.length].ext}`,
    mimeType: good[i % good.length].mime,
    buffer: good[i % good.length].buffer,
  }));
  const problems = await openApp(page);
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', /^(webgpu|wasm)$/);
  await page.getByTestId('file-input').setInputFiles(files);
  await expect.poll(async () => (await counts(page)).finished).toBeGreaterThanOrEqual(3);
  await page.getByRole('button', { name: 'Cancel' }).click();
  // the image in flight finishes; every image not started is gone
  await expect(page.getByTestId('toolbar')).toHaveAttribute('data-reading', '0');
  const after = await counts(page);
  expect(after.queued).toBe(0);
  expect(after.finished).toBe(after.total);
  expect(after.total).toBeGreaterThanOrEqual(3);
  expect(after.total).toBeLessThan(40);
  await expect(page.getByTestId('progress-text')).toContainText(`${after.total} images done`);
  await expect(page.getByTestId('progress-text')).toContainText(`cancelled: ${40 - after.total} images not read, removed`);
  await expect(page.getByRole('button', { name: 'Pause' })).toHaveCount(0);
  // the kept cards are the first ones, in order
  const names = await page.getByTestId('card-name').allTextContents();
  expect(names).toEqual(files.slice(0, after.total).map((f) => f.name));
  // adding files after a cancel reads them (the queue is not left paused)
  await page.getByTestId('file-input').setInputFiles([files[39]]);
  await expect(page.getByTestId('toolbar')).toHaveAttribute('data-finished', String(after.total + 1));
  await expect(page.getByTestId('progress-text')).not.toContainText('cancelled');
  expect(problems).toEqual([]);
});
