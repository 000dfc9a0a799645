import { readFileSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';

export const FIXTURES = 'tests/fixtures';

export interface FixturePlate {
  text: string;
  region: string;
  box: [number, number, number, number];
}
export interface Fixture {
  file: string;
  width: number;
  height: number;
  plates: FixturePlate[];
}
export const fixtures: Fixture[] = JSON.parse(readFileSync(`${FIXTURES}/fixtures.json`, 'utf8')).images;
export const fixture = (file: string): Fixture => {
  const f = fixtures.find((x) => x.file === file);
  if (!f) throw new Error(`no fixture ${file}`);
  return f;
};

export interface UploadFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}
export const fixtureFile = (file: string, name = file): UploadFile => ({
  name,
  mimeType: file.endsWith('.png') ? 'image/png' : 'image/jpeg',
  buffer: readFileSync(`${FIXTURES}/${file}`),
});

/**
 * Opens the app. Returns the page errors and dialogs seen so far (an injected script would raise an alert):
 * a spec ends with `expect(problems).toEqual([])`.
 */
export async function openApp(page: Page, query = ''): Promise<string[]> {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.type()} ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(`./${query}`);
  await expect(page.getByRole('heading', { name: 'Plate Reader' })).toBeVisible();
  return problems;
}

/** Waits until the reader is ready and returns its backend. */
export async function backendOf(page: Page): Promise<string> {
  const badge = page.getByTestId('backend');
  await expect(badge).toHaveAttribute('data-backend', /^(webgpu|wasm)$/);
  return (await badge.getAttribute('data-backend'))!;
}

export async function chooseFiles(page: Page, files: UploadFile[]): Promise<void> {
  await page.getByTestId('file-input').setInputFiles(files);
}

/** Waits until `n` images are read or failed. */
export async function waitSettled(page: Page, n: number): Promise<void> {
  await expect(page.locator('[data-testid=image-card][data-status=done], [data-testid=image-card][data-status=error]')).toHaveCount(n);
}

/** The card of an image by its exact file name (names are text, so this is how the user sees them). */
export const card = (page: Page, name: string) =>
  page.getByTestId('image-card').filter({ has: page.getByTestId('card-name').getByText(name, { exact: true }) });

/** Opens an image's details and returns its raw JSON, parsed. */
export async function rawJson(page: Page, name: string): Promise<any> {
  await card(page, name).getByRole('button', { name: `Show details of ${name}` }).click();
  const pre = page.getByTestId('raw-json');
  await expect(page.getByTestId('inspector').getByRole('heading')).toHaveText(name);
  return JSON.parse((await pre.textContent())!);
}

const isInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v);
const isScore = (v: unknown) => typeof v === 'number' && v >= 0 && v <= 1;
function checkBox(b: any, where: string) {
  expect(Object.keys(b), `${where} keys`).toEqual(['xmin', 'ymin', 'xmax', 'ymax']);
  for (const k of ['xmin', 'ymin', 'xmax', 'ymax']) expect(isInt(b[k]), `${where}.${k} integer`).toBe(true);
}

/** The Snapshot API's default response shape: field names, order and types (../shared/reference/). */
export function expectApiResponse(r: any, filename: string): void {
  expect(Object.keys(r)).toEqual(['processing_time', 'results', 'filename', 'version', 'camera_id', 'timestamp']);
  expect(typeof r.processing_time).toBe('number');
  expect(r.filename).toBe(filename);
  expect(r.version).toBe(1);
  expect(r.camera_id).toBeNull();
  expect(r.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  expect(Array.isArray(r.results)).toBe(true);
  r.results.forEach((res: any, i: number) => {
    const at = `results[${i}]`;
    expect(Object.keys(res).slice(0, 7), `${at} keys`).toEqual([
      'box',
      'plate',
      'region',
      'vehicle',
      'score',
      'candidates',
      'dscore',
    ]);
    checkBox(res.box, `${at}.box`);
    expect(res.box.xmax).toBeGreaterThan(res.box.xmin);
    expect(res.box.ymax).toBeGreaterThan(res.box.ymin);
    expect(res.plate).toMatch(/^[a-z0-9]+$/);
    expect(Object.keys(res.region)).toEqual(['code', 'score']);
    expect(typeof res.region.code).toBe('string');
    expect(isScore(res.region.score)).toBe(true);
    expect(Object.keys(res.vehicle)).toEqual(['score', 'type', 'box']);
    expect(isScore(res.vehicle.score)).toBe(true);
    expect(typeof res.vehicle.type).toBe('string');
    checkBox(res.vehicle.box, `${at}.vehicle.box`);
    expect(isScore(res.score)).toBe(true);
    expect(isScore(res.dscore)).toBe(true);
    expect(res.candidates.length).toBeGreaterThan(0);
    expect(res.candidates[0]).toEqual({ score: res.score, plate: res.plate });
    for (const c of res.candidates) {
      expect(Object.keys(c)).toEqual(['score', 'plate']);
      expect(isScore(c.score)).toBe(true);
    }
  });
}

export function iou(a: [number, number, number, number], b: { xmin: number; ymin: number; xmax: number; ymax: number }) {
  const ix = Math.max(0, Math.min(a[2], b.xmax) - Math.max(a[0], b.xmin));
  const iy = Math.max(0, Math.min(a[3], b.ymax) - Math.max(a[1], b.ymin));
  const inter = ix * iy;
  const area = (a[2] - a[0]) * (a[3] - a[1]) + (b.xmax - b.xmin) * (b.ymax - b.ymin) - inter;
  return area > 0 ? inter / area : 0;
}
