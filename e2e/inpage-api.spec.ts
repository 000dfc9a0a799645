// The in-page API: the service worker answers POST v1/plate-reader/, GET info/ and GET v1/statistics/ on the
// app's own origin, reading with the engine of an open page of the app (src/sw/sw.ts, src/pwa/api-host.ts).
// Code written for the cloud API (fetch + FormData) runs unchanged against it.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { backendOf, chooseFiles, fixture, fixtureFile, openApp, rawJson, waitSettled } from './helpers';

interface Answer {
  status: number;
  type: string | null;
  body: any;
}

/** POSTs a FormData built in the page: `upload` as a File (from base64 bytes) or as a base64 string. */
async function postForm(
  page: Page,
  fields: Array<[string, string]>,
  upload?: { file: string; as: 'file' | 'base64'; name?: string },
  path = 'v1/plate-reader/',
): Promise<Answer> {
  const b64 = upload ? readFileSync(`tests/fixtures/${upload.file}`).toString('base64') : null;
  return page.evaluate(
    async ({ fields, b64, as, name, path }) => {
      const body = new FormData();
      if (b64 !== null) {
        if (as === 'base64') body.append('upload', b64);
        else body.append('upload', new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name!));
      }
      for (const [k, v] of fields) body.append(k, v);
      const res = await fetch(path, { method: 'POST', body });
      const text = await res.text();
      return { status: res.status, type: res.headers.get('content-type'), body: JSON.parse(text) };
    },
    { fields, b64, as: upload?.as ?? 'file', name: upload?.name ?? upload?.file, path },
  );
}

async function getJson(page: Page, path: string): Promise<Answer> {
  return page.evaluate(async (path) => {
    const res = await fetch(path);
    return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
  }, path);
}

const plates = (json: any) => json.results.map((r: any) => r.plate);

async function controlledApp(page: Page): Promise<string[]> {
  const problems = await openApp(page);
  await backendOf(page);
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller != null)).toBe(true);
  return problems;
}

test('fetch + FormData against the page\'s own /v1/plate-reader/ gives the page\'s reading; info, statistics, offline', async ({ page, context }) => {
  const problems = await controlledApp(page);
  const name = 'two_cars_1280x720.jpg';
  const stats0 = await getJson(page, 'v1/statistics/');
  expect(stats0.status).toBe(200);
  const now = new Date();
  expect(stats0.body).toEqual({
    usage: { month: now.getUTCMonth() + 1, calls: expect.any(Number), year: now.getUTCFullYear(), resets_on: expect.stringMatching(/^\d{4}-\d\d-01T00:00:00Z$/) },
    total_calls: null,
  });

  // The page's own reading of the file (it counts in the statistics too).
  await chooseFiles(page, [fixtureFile(name)]);
  await waitSettled(page, 1);
  const pageJson = await rawJson(page, name);
  expect(fixture(name).plates.some((p) => plates(pageJson).includes(p.text.toLowerCase())), plates(pageJson).join(',')).toBe(true);
  await expect.poll(async () => (await getJson(page, 'v1/statistics/')).body.usage.calls).toBe(stats0.body.usage.calls + 1);

  await test.step('multipart upload of a file: 201 and the same JSON as the page', async () => {
    const a = await postForm(page, [], { file: name, as: 'file' });
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    expect(a.type).toMatch(/^application\/json/);
    expect(Object.keys(a.body)).toEqual(Object.keys(pageJson));
    expect(a.body.results).toEqual(pageJson.results);
    expect(a.body.filename).toBe(name);
    expect(a.body.version).toBe(1);
    expect(a.body.camera_id).toBeNull();
    // API calls count; the page read above too.
    expect((await getJson(page, 'v1/statistics/')).body.usage.calls).toBe(stats0.body.usage.calls + 2);
  });

  await test.step('base64 upload', async () => {
    const a = await postForm(page, [], { file: name, as: 'base64' });
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    expect(a.body.results).toEqual(pageJson.results);
    expect(a.body.filename).toBe('upload.jpg');
  });

  await test.step('regions + config honoured; camera_id and timestamp echoed', async () => {
    // The two cars: a Romanian plate (b61xuq) and a British one (ee62ugp). Strict de keeps only readings that
    // fit a German or Italian template (letters then digits; AA123AA): neither does. `regions` is repeatable.
    const strict = await postForm(
      page,
      [['regions', 'de'], ['regions', 'it'], ['config', '{"region":"strict"}'], ['camera_id', 'gate-7'], ['timestamp', '2019-08-19T13:11:25']],
      { file: name, as: 'file' },
    );
    expect(strict.status, JSON.stringify(strict.body)).toBe(201);
    expect(strict.body.results.length).toBeLessThan(pageJson.results.length);
    for (const r of strict.body.results) expect(r.plate).toMatch(/^[a-z]{2,5}[0-9]{1,4}[eh]?$|^[a-z]{2}[0-9]{3}[a-z]{2}$/);
    // text_formats (strict): only the reading of the form AA11AAA is left.
    const formats = await postForm(
      page,
      [['config', '{"region":"strict","text_formats":["[a-z]{2}[0-9]{2}[a-z]{3}"]}']],
      { file: name, as: 'file' },
    );
    expect(formats.status, JSON.stringify(formats.body)).toBe(201);
    expect(plates(formats.body)).not.toContain('b61xuq');
    for (const r of formats.body.results) expect(r.plate).toMatch(/^[a-z]{2}[0-9]{2}[a-z]{3}$/);
    expect(strict.body.camera_id).toBe('gate-7');
    expect(strict.body.timestamp).toMatch(/^2019-08-19T13:11:25/);
    // A config the whole image fails: threshold_d 1 keeps no detection below certainty.
    const none = await postForm(page, [['config', '{"threshold_d": 1, "threshold_o": 1}']], { file: name, as: 'file' });
    expect(none.status).toBe(201);
    expect(none.body.results.length).toBeLessThan(pageJson.results.length);
  });

  await test.step('errors are the API\'s error bodies', async () => {
    const bad = await postForm(page, [['config', '{"threshold_d": 2}']], { file: name, as: 'file' });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: { code: 400, message: 'config.threshold_d: expected a number between 0 and 1, got 2' } });
    const noUpload = await postForm(page, [['regions', 'gb']]);
    expect(noUpload.status).toBe(400);
    expect(noUpload.body.error.message).toMatch(/^upload: this field is required/);
    const notImage = await page.evaluate(async () => {
      const body = new FormData();
      body.append('upload', new File([new TextEncoder().encode('hello, not a photo')], 'notes.txt'));
      const res = await fetch('v1/plate-reader/', { method: 'POST', body });
      return { status: res.status, body: await res.json() };
    });
    expect(notImage.status).toBe(400);
    expect(notImage.body.error).toMatchObject({ code: 400, filename: 'notes.txt' });
    const tooBig = await page.evaluate(async () => {
      const body = new FormData();
      body.append('upload', new File([new Uint8Array(70 * 1024 * 1024)], 'huge.jpg'));
      const res = await fetch('v1/plate-reader/', { method: 'POST', body });
      return { status: res.status, body: await res.json() };
    });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe(413);
    const get = await getJson(page, 'v1/plate-reader/');
    expect(get.status).toBe(405);
  });

  await test.step('GET info/: version, model versions, backend', async () => {
    const manifest = JSON.parse(readFileSync('models/manifest.json', 'utf8'));
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    const info = await getJson(page, 'info/');
    expect(info.status).toBe(200);
    expect(info.body.version).toBe(pkg.version);
    expect(info.body.models).toEqual({
      version: manifest.version,
      detector: manifest.models.detector.version,
      ocr: manifest.models.ocr.version,
    });
    expect(info.body.backend).toBe(await page.getByTestId('backend').getAttribute('data-backend'));
    expect(info.body.engine).toBe('ready');
    const stats = await getJson(page, 'v1/statistics/');
    expect(info.body.usage.calls).toBe(stats.body.usage.calls);
    // The page's read plus the API's 201s so far (file, base64, strict, formats, threshold).
    expect(stats.body.usage.calls).toBe(stats0.body.usage.calls + 6);
  });

  await test.step('offline: the same call still answers', async () => {
    await context.setOffline(true);
    await page.reload();
    await backendOf(page);
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    const a = await postForm(page, [], { file: name, as: 'file' });
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    expect(a.body.results).toEqual(pageJson.results);
    expect((await getJson(page, 'v1/statistics/')).body.usage.calls).toBe(stats0.body.usage.calls + 7);
    await context.setOffline(false);
  });
  expect(problems).toEqual([]);
});

test('the statistics persist across a reload; JSON body; upload_url', async ({ page }) => {
  const problems = await controlledApp(page);
  const before = (await getJson(page, 'v1/statistics/')).body.usage.calls;
  const b64 = readFileSync('tests/fixtures/ro_clean_800x600.png').toString('base64');
  const a = await page.evaluate(async (b64) => {
    const res = await fetch('v1/plate-reader/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ upload: b64, regions: ['ro'], config: { mode: 'fast' } }),
    });
    return { status: res.status, body: await res.json() };
  }, b64);
  expect(a.status, JSON.stringify(a.body)).toBe(201);
  expect(a.body.filename).toBe('upload.png');
  expect(plates(a.body)).toContain('b43smi');

  // upload_url: an image on the app's own origin (a sample photo the build ships).
  const u = await postForm(page, [['upload_url', 'samples/' + (await firstSample(page))]]);
  expect(u.status, JSON.stringify(u.body)).toBe(201);
  expect(Array.isArray(u.body.results)).toBe(true);
  const missing = await postForm(page, [['upload_url', 'samples/no-such-photo.jpg']]);
  expect(missing.status).toBe(400);
  expect(missing.body.error.message).toMatch(/^upload_url: could not fetch .*no-such-photo\.jpg \(HTTP 404\)$/);

  await page.reload();
  await backendOf(page);
  expect((await getJson(page, 'v1/statistics/')).body.usage.calls).toBe(before + 2);
  expect(problems).toEqual([]);
});

async function firstSample(page: Page): Promise<string> {
  // The sample photos the page offers; any will do.
  const { readdirSync } = await import('node:fs');
  const dist = process.env.E2E_DIST || 'dist';
  const name = readdirSync(`${dist}/samples`).find((f) => /\.(jpe?g|png)$/i.test(f));
  expect(name, `a sample photo in ${dist}/samples`).toBeTruthy();
  void page;
  return name!;
}

test('with no page of the app open, the API answers 503 with a clear message', async ({ page }) => {
  await controlledApp(page);
  // Leave the app for a document of the same origin that is not the app (the models' manifest).
  await page.goto('./models/manifest.json');
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller != null)).toBe(true);
  const a = await postForm(page, [], { file: 'tiny_ro_360x240.png', as: 'file' }, '../v1/plate-reader/');
  expect(a.status).toBe(503);
  expect(a.body).toEqual({ error: { code: 503, message: expect.stringMatching(/^no page of the app is open to run the reader: open http:\/\/127\.0\.0\.1:\d+\/ in a tab/) } });
  // Statistics and info still answer without one.
  expect((await getJson(page, '../v1/statistics/')).status).toBe(200);
  const info = await getJson(page, '../info/');
  expect(info.body.backend).toBeNull();
  expect(info.body.engine).toBe('no page open');
});
