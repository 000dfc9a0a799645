import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import {
  backendOf,
  card,
  chooseFiles,
  expectApiResponse,
  fixture,
  fixtureFile,
  iou,
  openApp,
  rawJson,
  waitSettled,
} from './helpers';

test('a chosen photo: boxes and plate text over it, a table row per plate, the raw JSON in the API shape', async ({
  page,
}) => {
  const problems = await openApp(page);
  const name = 'two_cars_1280x720.jpg';
  const truth = fixture(name);
  await chooseFiles(page, [fixtureFile(name)]);
  await waitSettled(page, 1);
  await expect(card(page, name)).toHaveAttribute('data-status', 'done');
  expect(['webgpu', 'wasm']).toContain(await backendOf(page));

  const json = await rawJson(page, name);
  expectApiResponse(json, name);
  // The detector finds every plate of the scene, where it is.
  expect(json.results.length).toBe(truth.plates.length);
  for (const p of truth.plates) {
    const best = Math.max(...json.results.map((r: any) => iou(p.box, r.box)));
    expect(best, `a box over ${p.text}`).toBeGreaterThan(0.5);
  }
  // And reads them: at least one reading is the plate's text (the OCR's accuracy has its own tests).
  const readings = json.results.map((r: any) => r.plate);
  expect(truth.plates.some((p) => readings.includes(p.text.toLowerCase())), readings.join(',')).toBe(true);

  // The overlay: one box per plate on the card and in the details, labelled with the reading.
  const plates = json.results.map((r: any) => r.plate);
  const overlay = card(page, name).getByTestId('overlay-plate');
  await expect(overlay).toHaveCount(plates.length);
  for (const [i, plate] of plates.entries()) {
    await expect(overlay.nth(i)).toHaveAttribute('data-plate', plate);
    await expect(overlay.nth(i).locator('text')).toHaveText(plate.toUpperCase());
  }
  await expect(page.getByTestId('inspector').getByTestId('overlay-plate')).toHaveCount(plates.length);
  // The overlay lies over the picture: each box sits where its pixels are in the displayed image (measured
  // in one go, so that scrolling cannot move one between two measurements).
  const geometry = await card(page, name).evaluate((el) => {
    const img = el.querySelector('img')!;
    const r = img.getBoundingClientRect();
    // The image is shown "contain" in its frame: where its pixels land.
    const scale = Math.min(r.width / img.naturalWidth, r.height / img.naturalHeight);
    const ox = r.left + (r.width - img.naturalWidth * scale) / 2;
    const oy = r.top + (r.height - img.naturalHeight * scale) / 2;
    return [...el.querySelectorAll('[data-testid=overlay-plate] .overlay-box')].map((b) => {
      const br = b.getBoundingClientRect();
      return { left: (br.left - ox) / scale, top: (br.top - oy) / scale, right: (br.right - ox) / scale, bottom: (br.bottom - oy) / scale };
    });
  });
  expect(geometry).toHaveLength(json.results.length);
  geometry.forEach((g, i) => {
    const b = json.results[i].box;
    const tol = 12; // image pixels: the stroke is drawn in screen pixels, scaled down ~4.6x here
    expect(Math.abs(g.left - b.xmin), `left of box ${i}`).toBeLessThan(tol);
    expect(Math.abs(g.top - b.ymin), `top of box ${i}`).toBeLessThan(tol);
    expect(Math.abs(g.right - b.xmax), `right of box ${i}`).toBeLessThan(tol);
    expect(Math.abs(g.bottom - b.ymax), `bottom of box ${i}`).toBeLessThan(tol);
  });

  // The table: one row per plate with its scores.
  const rows = page.getByTestId('result-row');
  await expect(rows).toHaveCount(plates.length);
  for (const [i, r] of json.results.entries()) {
    const cells = rows.nth(i).locator('td');
    await expect(cells.nth(0)).toHaveText(name);
    await expect(cells.nth(1)).toHaveText(r.plate);
    await expect(cells.nth(2)).toHaveText(r.score.toFixed(3));
    await expect(cells.nth(3)).toHaveText(r.dscore.toFixed(3));
    await expect(cells.nth(4)).toContainText(r.region.code);
  }
  await expect(page.getByTestId('progress-text')).toContainText('1 image done');
  expect(problems).toEqual([]);
});

test('dropped and pasted files are read, and "Try a sample" loads the samples', async ({ page }) => {
  const problems = await openApp(page);
  const files = ['de_car_800x600.jpg', 'ro_clean_800x600.png'].map((f) => fixtureFile(f));
  // A drop as the browser delivers it: a DataTransfer with the files, on the drop zone.
  const dt = await page.evaluateHandle((list) => {
    const d = new DataTransfer();
    for (const f of list) d.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: f.mimeType }));
    return d;
  }, files.map((f) => ({ name: f.name, mimeType: f.mimeType, bytes: [...f.buffer] })));
  await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer: dt });
  await waitSettled(page, 2);
  for (const f of files) {
    await expect(card(page, f.name)).toHaveAttribute('data-status', 'done');
    const json = await rawJson(page, f.name);
    expectApiResponse(json, f.name);
    expect(json.results.length).toBeGreaterThan(0);
  }

  // A paste (a screenshot on the clipboard arrives as "image.png"): queued under a distinct name.
  const png = fixtureFile('tiny_ro_360x240.png');
  await page.evaluate((bytes) => {
    const d = new DataTransfer();
    d.items.add(new File([new Uint8Array(bytes)], 'image.png', { type: 'image/png' }));
    document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: d, bubbles: true, cancelable: true }));
  }, [...png.buffer]);
  await waitSettled(page, 3);
  await expect(page.getByTestId('card-name').nth(2)).toHaveText(/^pasted-.+\.png$/);

  await page.getByTestId('try-sample').click();
  await waitSettled(page, 6);
  await expect(page.getByTestId('image-card')).toHaveCount(6);
  await expect(card(page, 'two_cars_1280x720.jpg')).toHaveAttribute('data-status', 'done');
  expect(problems).toEqual([]);
});

test('options are sent: re-reading with camera_id and vehicle mode gives the nested shape', async ({ page }) => {
  const problems = await openApp(page);
  const name = 'de_car_800x600.jpg';
  await chooseFiles(page, [fixtureFile(name)]);
  await waitSettled(page, 1);
  expectApiResponse(await rawJson(page, name), name);

  await page.getByTestId('options').evaluate((d: HTMLDetailsElement) => (d.open = true));
  await page.getByLabel('Camera ID').fill('gate-3');
  await page.getByLabel('Detection mode').selectOption('vehicle');
  await expect(page.getByTestId('config-json')).toHaveText('{"detection_mode":"vehicle"}');
  await page.getByRole('button', { name: 'Re-read all with these options' }).click();
  await expect(card(page, name)).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('raw-json')).toContainText('"camera_id": "gate-3"');
  const json = JSON.parse((await page.getByTestId('raw-json').textContent())!);
  expect(Object.keys(json)).toEqual(['filename', 'timestamp', 'camera_id', 'processing_time', 'results']);
  expect(json.results.length).toBeGreaterThan(0);
  expect(json.results[0].plate.type).toBe('Plate');
  // The table reads the nested shape too.
  await expect(page.getByTestId('row-plate').first()).toHaveText(json.results[0].plate.props.plate[0].value);

  // An invalid text_formats regex holds the queue and says why.
  await page.getByLabel('Text formats').fill('[a-');
  await expect(page.getByTestId('options-error')).toContainText('text_formats');
  expect(problems).toEqual([]);
});

test('a chosen folder: its images are read with their paths, other files are skipped', async ({ page }, info) => {
  const problems = await openApp(page);
  const dir = info.outputPath('photos');
  mkdirSync(`${dir}/day 2`, { recursive: true });
  copyFileSync('tests/fixtures/tiny_ro_360x240.png', `${dir}/tiny.png`);
  copyFileSync('tests/fixtures/de_car_800x600.jpg', `${dir}/day 2/car.jpg`);
  writeFileSync(`${dir}/notes.txt`, 'not a photo');
  await page.getByTestId('folder-input').setInputFiles(dir);
  await waitSettled(page, 2);
  const names = await page.getByTestId('card-name').allTextContents();
  expect(names.sort()).toEqual(['photos/day 2/car.jpg', 'photos/tiny.png']);
  const json = await rawJson(page, 'photos/day 2/car.jpg');
  expectApiResponse(json, 'photos/day 2/car.jpg');
  expect(problems).toEqual([]);
});

test('a phone photo stored sideways with an EXIF orientation is read upright: same plates, boxes in the upright pixels', async ({
  page,
}) => {
  const sharp = (await import('sharp')).default;
  const name = 'two_cars_1280x720.jpg';
  // The same picture stored turned 90° anticlockwise, with EXIF orientation 6 ("turn 90° clockwise to show").
  const upright = await sharp(fixtureFile(name).buffer).jpeg({ quality: 100 }).toBuffer();
  const sideways = await sharp(upright).rotate(270).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer();
  expect((await sharp(sideways).metadata()).width).toBe(720);
  const problems = await openApp(page);
  await chooseFiles(page, [
    { name: 'upright.jpg', mimeType: 'image/jpeg', buffer: upright },
    { name: 'sideways.jpg', mimeType: 'image/jpeg', buffer: sideways },
  ]);
  await waitSettled(page, 2);
  const a = await rawJson(page, 'upright.jpg');
  const b = await rawJson(page, 'sideways.jpg');
  expect(a.results.length).toBe(fixture(name).plates.length);
  expect(b.results.map((r: { plate: string }) => r.plate).sort()).toEqual(a.results.map((r: { plate: string }) => r.plate).sort());
  for (const r of b.results) {
    const o = a.results.find((x: { plate: string }) => x.plate === r.plate);
    expect(iou([o.box.xmin, o.box.ymin, o.box.xmax, o.box.ymax], r.box)).toBeGreaterThan(0.8);
    expect(r.box.xmax).toBeLessThanOrEqual(1280);
    expect(r.box.ymax).toBeLessThanOrEqual(720);
  }
  expect(problems).toEqual([]);
});
