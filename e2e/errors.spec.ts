import { expect, test } from '@playwright/test';
import { card, chooseFiles, expectApiResponse, fixtureFile, openApp, rawJson, waitSettled } from './helpers';

test('a broken file gives one error row; the good ones around it are read', async ({ page }) => {
  const problems = await openApp(page);
  await chooseFiles(page, [
    fixtureFile('de_car_800x600.jpg'),
    { name: 'broken.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not a JPEG at all') },
    fixtureFile('ro_clean_800x600.png'),
  ]);
  await waitSettled(page, 3);
  await expect(card(page, 'broken.jpg')).toHaveAttribute('data-status', 'error');
  await expect(card(page, 'de_car_800x600.jpg')).toHaveAttribute('data-status', 'done');
  await expect(card(page, 'ro_clean_800x600.png')).toHaveAttribute('data-status', 'done');

  const errorRows = page.getByTestId('error-row');
  await expect(errorRows).toHaveCount(1);
  await expect(errorRows.locator('td').first()).toHaveText('broken.jpg');
  await expect(errorRows).toContainText(/\S/);
  // The table: the good images' rows, the error row between them, in queue order.
  const files = await page.getByTestId('results-table').locator('tbody tr td:first-child').allTextContents();
  expect([...new Set(files)]).toEqual(['de_car_800x600.jpg', 'broken.jpg', 'ro_clean_800x600.png']);

  // The failed image's details hold the API's error body.
  const err = await rawJson(page, 'broken.jpg');
  expect(Object.keys(err)).toEqual(['error']);
  expect(typeof err.error.code).toBe('number');
  expect(err.error.message.length).toBeGreaterThan(0);
  await expect(page.getByTestId('inspector').locator('img')).toHaveCount(0); // the browser cannot show it either
  const good = await rawJson(page, 'ro_clean_800x600.png');
  expectApiResponse(good, 'ro_clean_800x600.png');
  // Switching from the broken image to a good one shows the picture and its boxes again.
  await expect(page.getByTestId('inspector').locator('img')).toBeVisible();
  await expect(page.getByTestId('inspector').getByTestId('overlay-plate')).toHaveCount(good.results.length);
  await expect(page.getByTestId('progress-text')).toContainText('1 failed');
  expect(problems).toEqual([]);
});

test('a file named like HTML is shown as text, never run', async ({ page }) => {
  const problems = await openApp(page);
  const evil = '<img src=x onerror=alert(1)>.png';
  await chooseFiles(page, [fixtureFile('ro_clean_800x600.png', evil)]);
  await waitSettled(page, 1);
  await expect(card(page, evil).getByTestId('card-name')).toHaveText(evil);
  await expect(page.getByTestId('results-table').locator('tbody tr td').first()).toHaveText(evil);
  const json = await rawJson(page, evil);
  expect(json.filename).toBe(evil);
  await expect(page.getByTestId('inspector').getByRole('heading')).toHaveText(evil);
  // No element was made from the name: the only <img>s are the app's own, none with src "x".
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(await page.evaluate(() => document.body.innerHTML.includes('<img src=x'))).toBe(false);
  expect(problems).toEqual([]);
});

test('removing an image while it is read drops it; the queue goes on', async ({ page }) => {
  const problems = await openApp(page);
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', /^(webgpu|wasm)$/);
  await chooseFiles(page, [fixtureFile('two_cars_1280x720.jpg'), fixtureFile('tiny_ro_360x240.png')]);
  await page.getByRole('button', { name: 'Remove two_cars_1280x720.jpg' }).click();
  await waitSettled(page, 1);
  await expect(page.getByTestId('image-card')).toHaveCount(1);
  await expect(card(page, 'tiny_ro_360x240.png')).toHaveAttribute('data-status', 'done');
  const files = await page.getByTestId('results-table').locator('tbody tr td:first-child').allTextContents();
  expect([...new Set(files)]).toEqual(['tiny_ro_360x240.png']);
  // Clear empties the page.
  await page.getByTestId('clear').click();
  await expect(page.getByTestId('image-card')).toHaveCount(0);
  await expect(page.getByTestId('results-table')).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('a 12000×6750 photo (91 MP) is read downscaled: the plates of its original, boxes in its own pixels', async ({ page }) => {
  const sharp = (await import('sharp')).default;
  const name = 'two_cars_1280x720.jpg';
  const small = fixtureFile(name);
  const big = await sharp(small.buffer).resize(12000, 6750, { kernel: 'cubic' }).jpeg({ quality: 90 }).toBuffer();
  const problems = await openApp(page);
  await chooseFiles(page, [small, { name: 'huge_12000x6750.jpg', mimeType: 'image/jpeg', buffer: big }]);
  await waitSettled(page, 2);
  await expect(card(page, 'huge_12000x6750.jpg')).toHaveAttribute('data-status', 'done');
  const a = await rawJson(page, name);
  const b = await rawJson(page, 'huge_12000x6750.jpg');
  expectApiResponse(b, 'huge_12000x6750.jpg');
  expect(a.results.length).toBeGreaterThan(0);
  expect(b.results.map((r: { plate: string }) => r.plate).sort()).toEqual(a.results.map((r: { plate: string }) => r.plate).sort());
  const f = 12000 / 1280;
  for (const r of b.results) {
    const o = a.results.find((x: { plate: string }) => x.plate === r.plate);
    for (const k of ['xmin', 'ymin', 'xmax', 'ymax']) {
      expect(Math.abs(r.box[k] - o.box[k] * f)).toBeLessThan(0.04 * (o.box.xmax - o.box.xmin) * f + 2 * f);
    }
    expect(r.box.xmax).toBeLessThanOrEqual(12000);
    expect(r.box.ymax).toBeLessThanOrEqual(6750);
  }
  expect(problems).toEqual([]);
});
