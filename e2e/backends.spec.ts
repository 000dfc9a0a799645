import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { backendOf, chooseFiles, fixture, fixtureFile, openApp } from './helpers';

// Runs in the "webgpu" project (Chromium with --enable-unsafe-webgpu: the SwiftShader software adapter).
// SwiftShader runs WebGPU on the CPU, tens of seconds per photo here: two scenes (three plates) suffice.
const fixtures = ['tiny_ro_360x240.png', 'two_cars_1280x720.jpg'].map(fixture);

async function readAll(page: Page, query: string) {
  const problems = await openApp(page, query);
  const backend = await backendOf(page);
  await chooseFiles(page, fixtures.map((f) => fixtureFile(f.file)));
  await expect(page.locator('[data-testid=image-card][data-status=done]')).toHaveCount(fixtures.length, {
    timeout: 300_000,
  });
  const [json] = await Promise.all([
    page.waitForEvent('download').then(async (d) => JSON.parse(readFileSync((await d.path())!, 'utf8'))),
    page.getByTestId('export-json').click(),
  ]);
  expect(problems).toEqual([]);
  return { backend, json: json as any[] };
}

test('WebGPU and WASM read the same plates', async ({ page }) => {
  test.setTimeout(600_000);
  const gpu = await readAll(page, '');
  expect(gpu.backend).toBe('webgpu');
  const wasm = await readAll(page, '?backend=wasm');
  expect(wasm.backend).toBe('wasm');

  expect(gpu.json.length).toBe(fixtures.length);
  let plates = 0;
  for (let i = 0; i < fixtures.length; i++) {
    const a = gpu.json[i].results;
    const b = wasm.json[i].results;
    expect(a.map((r: any) => r.plate), fixtures[i].file).toEqual(b.map((r: any) => r.plate));
    for (let k = 0; k < a.length; k++) {
      for (const side of ['xmin', 'ymin', 'xmax', 'ymax']) {
        expect(Math.abs(a[k].box[side] - b[k].box[side]), `${fixtures[i].file} ${side}`).toBeLessThanOrEqual(2);
      }
      expect(Math.abs(a[k].score - b[k].score)).toBeLessThanOrEqual(0.02);
      expect(Math.abs(a[k].dscore - b[k].dscore)).toBeLessThanOrEqual(0.02);
      expect(a[k].region.code).toBe(b[k].region.code);
    }
    plates += a.length;
  }
  expect(plates).toBeGreaterThan(0);
});
