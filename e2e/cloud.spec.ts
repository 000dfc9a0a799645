// The optional cloud fallback and webhook, through the page's settings, against loopback servers this spec
// starts: a fake Plate Recognizer API / SDK that behaves as the reference documents (Token auth, multipart
// `upload`, 403, 429 with its "Expected available in N second" body) and answers CORS as the reference says the
// API does, and a webhook receiver. Nothing here reaches beyond 127.0.0.1.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import sharp from 'sharp';
import { referenceResponse, startFakeApi, startWebhookReceiver, type FakeServer } from '../src/cloud/test-server';
import { chooseFiles, expectApiResponse, fixtureFile, FIXTURES, openApp, rawJson, waitSettled, type UploadFile } from './helpers';

const TOKEN = 'e2e7f00dcafe0123456789abcdef0123456789ab';
const WITH_PLATE = 'ro_clean_800x600.png';

let servers: FakeServer[] = [];
test.afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

/** A plain grey photo: nothing for the local engine to find. */
async function blankJpeg(name: string): Promise<UploadFile> {
  const buffer = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 128, g: 130, b: 126 } } })
    .jpeg()
    .toBuffer();
  return { name, mimeType: 'image/jpeg', buffer };
}

/** Everything the page prints to its console, to check that the token never shows there. */
function consoleOf(page: Page): string[] {
  const lines: string[] = [];
  page.on('console', (m) => lines.push(m.text()));
  return lines;
}

async function openSettings(page: Page) {
  const panel = page.getByTestId('cloud-settings');
  await panel.locator('summary').click();
  await expect(page.getByTestId('cloud-policy')).toBeVisible();
  return panel;
}

async function download(page: Page, testId: string): Promise<string> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return readFileSync((await dl.path())!, 'utf8');
}

const inspectorEngine = (page: Page) => page.getByTestId('inspector').getByTestId('engine-label');
const tableRow = (page: Page, name: string) =>
  page.getByTestId('results-table').locator('tbody tr').filter({ has: page.getByRole('button', { name, exact: true }) });

test('off by default: no request leaves for anything but the page’s origin', async ({ page, context, baseURL }) => {
  const urls: string[] = [];
  context.on('request', (r) => urls.push(r.url()));
  const problems = await openApp(page);
  const panel = page.getByTestId('cloud-settings');
  await expect(panel.getByTestId('cloud-summary')).toHaveText('off');
  await panel.locator('summary').click();
  await expect(page.getByTestId('cloud-policy')).toHaveValue('never');
  await expect(page.getByTestId('webhook-on')).not.toBeChecked();
  await expect(page.getByTestId('cloud-notice')).toHaveText(/stay on this device/);
  await expect(page.getByTestId('tagline')).toHaveText(/Photos never leave this device\./);
  await expect(page.getByTestId('intro-private')).toHaveText(/nothing is uploaded/);

  await chooseFiles(page, [fixtureFile(WITH_PLATE), await blankJpeg('blank.jpg')]);
  await waitSettled(page, 2);
  await expect(inspectorEngine(page)).toHaveText('This device');
  await expect(tableRow(page, 'blank.jpg').getByTestId('engine-label')).toHaveText('This device');
  await expect(page.getByTestId('webhook-status')).toHaveCount(0);

  const origin = new URL(baseURL!).origin;
  const elsewhere = urls.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('blob:') && !u.startsWith('data:'));
  expect(elsewhere).toEqual([]);
  expect(urls.length).toBeGreaterThan(0);
  expect(problems).toEqual([]);
});

test('cloud "when nothing found": only the image without plates goes, 429 is retried, JSON webhook, no token leaks', async ({
  page,
  context,
}) => {
  const api = await startFakeApi({
    token: TOKEN,
    cors: true,
    script: [
      {
        status: 429,
        headers: { 'Retry-After': '1' },
        body: JSON.stringify({ detail: 'Request was throttled. Expected available in 1 second.', status_code: 429 }),
      },
    ],
  });
  const hook = await startWebhookReceiver([], { cors: true });
  servers.push(api, hook);
  const seen: string[] = [];
  context.on('request', (r) => seen.push(r.url()));
  const consoleLines = consoleOf(page);
  const problems = await openApp(page);

  await openSettings(page);
  await page.getByTestId('cloud-policy').selectOption('no-plates');
  await page.getByTestId('cloud-url').fill(`${api.url}/v1/plate-reader/`);
  await expect(page.getByTestId('cloud-problem')).toContainText('token is needed');
  await page.getByTestId('cloud-token').fill(TOKEN);
  await expect(page.getByTestId('cloud-problem')).toHaveCount(0);
  await expect(page.getByTestId('token-state')).toContainText(`••••••${TOKEN.slice(-4)}`);
  await page.getByTestId('webhook-on').check();
  await page.getByTestId('webhook-url').fill(`${hook.url}/plates`);
  const host = new URL(api.url).host;
  await expect(page.getByTestId('cloud-notice')).toContainText(`Each image in which this device finds no plate`);
  await expect(page.getByTestId('cloud-notice')).toContainText(`Plate Recognizer (ParkPow) at ${host}`);
  await expect(page.getByTestId('cloud-summary')).toHaveText('cloud + webhook');
  await expect(page.getByTestId('tagline')).toHaveText(/cloud fallback on: photos may be sent to the Plate Recognizer cloud/);
  await expect(page.getByTestId('intro-private')).not.toHaveText(/nothing is uploaded/);

  await chooseFiles(page, [await blankJpeg('blank.jpg'), fixtureFile(WITH_PLATE)]);
  await waitSettled(page, 2);

  // Only the image without plates went to the cloud: throttled once, then answered.
  expect(api.requests).toHaveLength(2);
  for (const r of api.requests) {
    expect(r.url).toBe('/v1/plate-reader/');
    expect(r.headers.authorization).toBe(`Token ${TOKEN}`);
    expect(r.files.upload.name).toBe('blank.jpg');
  }
  const cloudJson = await rawJson(page, 'blank.jpg');
  expect(cloudJson).toEqual(referenceResponse('blank.jpg', null, null, false));
  // Key order too: the JSON shown is the server's, unchanged.
  expect(JSON.stringify(cloudJson)).toBe(JSON.stringify(referenceResponse('blank.jpg', null, null, false)));
  await expect(inspectorEngine(page)).toHaveText('Plate Recognizer cloud');
  await expect(tableRow(page, 'blank.jpg').getByTestId('engine-label')).toHaveText('Plate Recognizer cloud');

  const localJson = await rawJson(page, WITH_PLATE);
  expectApiResponse(localJson, WITH_PLATE);
  expect(localJson.results.length).toBeGreaterThan(0);
  await expect(inspectorEngine(page)).toHaveText('This device');
  await expect(tableRow(page, WITH_PLATE).first().getByTestId('engine-label')).toHaveText('This device');

  // The webhook got the reference's payload for each image, as JSON.
  await expect(page.getByTestId('inspector').getByTestId('webhook-status')).toHaveAttribute('data-state', 'delivered');
  await expect.poll(() => hook.requests.length).toBe(2);
  const payloads = hook.requests.map((r) => {
    expect(r.url).toBe('/plates');
    expect(String(r.headers['content-type'])).toMatch(/^application\/json/);
    return JSON.parse(r.rawBody.toString('utf8'));
  });
  const byName = Object.fromEntries(payloads.map((p) => [p.data.filename, p]));
  expect(byName['blank.jpg']).toEqual({ hook: { target: `${hook.url}/plates`, id: 1, event: 'image.done' }, data: cloudJson });
  expect(byName[WITH_PLATE].data).toEqual(localJson);
  await expect(tableRow(page, 'blank.jpg').getByTestId('webhook-status')).toHaveAttribute('data-state', 'delivered');

  // Exports are the API's JSON only, and nowhere the token.
  const exported = JSON.parse(await download(page, 'export-json'));
  expect(exported).toEqual([cloudJson, localJson]);
  const csv = await download(page, 'export-csv');
  expect(csv).toContain('nhk552');
  for (const text of [JSON.stringify(exported), csv, ...consoleLines, ...seen, page.url()]) expect(text).not.toContain(TOKEN);
  for (const r of [...api.requests, ...hook.requests]) expect(r.url).not.toContain(TOKEN);
  for (const r of hook.requests) {
    expect(JSON.stringify(r.headers)).not.toContain(TOKEN);
    expect(r.rawBody.toString('latin1')).not.toContain(TOKEN);
  }
  expect(problems).toEqual([]);
});

test('SDK "always", webhook with the image: a failing target shows failed with its reason, Retry delivers', async ({
  page,
}, testInfo) => {
  const api = await startFakeApi({ cors: true });
  const down = { status: 500, body: 'down for maintenance' };
  const hook = await startWebhookReceiver([down, down, down, down], { cors: true });
  servers.push(api, hook);
  const problems = await openApp(page);

  await openSettings(page);
  await page.getByTestId('cloud-policy').selectOption('always');
  await page.getByText('Self-hosted SDK', { exact: true }).click();
  await page.getByTestId('cloud-url').fill(`${api.url}/v1/plate-reader/`);
  await expect(page.getByTestId('cloud-token')).toHaveCount(0);
  await page.getByTestId('webhook-on').check();
  await page.getByTestId('webhook-url').fill(`${hook.url}/in`);
  await page.getByTestId('webhook-format').selectOption('multipart');
  const host = new URL(api.url).host;
  await expect(page.getByTestId('cloud-notice')).toContainText(`Every image, with the options above, is sent to your Plate Recognizer SDK at ${host}`);
  await expect(page.getByTestId('cloud-notice')).toContainText('its result and the image itself are sent to');
  // For docs/cloud-settings.png: the Options panel folded so the whole settings panel shows.
  await page.getByTestId('options').locator('summary').click();
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.getByTestId('cloud-settings').screenshot({ path: testInfo.outputPath('cloud-settings.png') });

  await chooseFiles(page, [fixtureFile(WITH_PLATE)]);
  await waitSettled(page, 1);
  expect(api.requests).toHaveLength(1);
  expect(api.requests[0].headers.authorization).toBeUndefined();
  const shown = await rawJson(page, WITH_PLATE);
  expect(shown).toEqual(referenceResponse(WITH_PLATE, null, null, false));
  await expect(inspectorEngine(page)).toHaveText(`SDK at ${host}`);
  await expect(tableRow(page, WITH_PLATE).first().getByTestId('engine-label')).toHaveText(`SDK at ${host}`);

  // 500 four times (the first try and 3 retries, 1 s + 2 s + 4 s apart): failed, with why, and a Retry button.
  const status = page.getByTestId('inspector').getByTestId('webhook-status');
  await expect(status).toHaveAttribute('data-state', 'failed', { timeout: 30_000 });
  await expect(status.getByTestId('webhook-error')).toContainText('HTTP 500');
  await expect(status.getByTestId('webhook-error')).toContainText('after 4 attempts');
  expect(hook.requests).toHaveLength(4);
  await page.screenshot({ path: testInfo.outputPath('cloud-page.png'), fullPage: true });
  await status.getByTestId('webhook-retry').click();
  await expect(status).toHaveAttribute('data-state', 'delivered');
  expect(hook.requests).toHaveLength(5);

  const last = hook.requests[4];
  expect(String(last.headers['content-type'])).toMatch(/^multipart\/form-data/);
  expect(last.files.upload.name).toBe(WITH_PLATE);
  expect(Buffer.from(last.files.upload.bytes).equals(readFileSync(`${FIXTURES}/${WITH_PLATE}`))).toBe(true);
  expect(JSON.parse(last.fields.json[0])).toEqual({ hook: { target: `${hook.url}/in`, id: 1, event: 'image.done' }, data: shown });
  expect(problems).toEqual([]);
});

test('cloud 403: a clear message, this device’s result kept; Forget token removes it from the device', async ({ page }) => {
  const api = await startFakeApi({ token: 'the-right-token-00000000000000000', cors: true });
  servers.push(api);
  const consoleLines = consoleOf(page);
  const problems = await openApp(page);

  await openSettings(page);
  await page.getByTestId('cloud-policy').selectOption('always');
  await page.getByTestId('cloud-url').fill(`${api.url}/v1/plate-reader/`);
  await page.getByTestId('cloud-token').fill(TOKEN);

  await chooseFiles(page, [fixtureFile(WITH_PLATE)]);
  await waitSettled(page, 1);
  expect(api.requests).toHaveLength(1);
  const shown = await rawJson(page, WITH_PLATE);
  expectApiResponse(shown, WITH_PLATE);
  await expect(inspectorEngine(page)).toContainText('This device');
  const why = page.getByTestId('inspector').getByTestId('cloud-error');
  await expect(why).toContainText('Cloud fallback failed');
  await expect(why).toContainText('refused the request (HTTP 403)');
  await expect(why).toContainText('the API token is wrong');
  expect(await why.textContent()).not.toContain(TOKEN);

  // Kept on this device until forgotten.
  const stored = () => page.evaluate(() => localStorage.getItem('plate-reader.cloud.v1') ?? '');
  expect(await stored()).toContain(TOKEN);
  await page.getByTestId('forget-token').click();
  await expect(page.getByTestId('cloud-token')).toHaveValue('');
  await expect(page.getByTestId('token-state')).toHaveText('No token stored.');
  await expect(page.getByTestId('cloud-problem')).toContainText('token is needed');
  expect(await stored()).not.toContain(TOKEN);

  // The rest of the settings survive a reload.
  await page.reload();
  await expect(page.getByTestId('cloud-summary')).toHaveText('cloud');
  await openSettings(page);
  await expect(page.getByTestId('cloud-policy')).toHaveValue('always');
  await expect(page.getByTestId('cloud-url')).toHaveValue(`${api.url}/v1/plate-reader/`);
  await expect(page.getByTestId('cloud-token')).toHaveValue('');
  for (const line of consoleLines) expect(line).not.toContain(TOKEN);
  expect(problems).toEqual([]);
});

test('removing an image while the cloud is asked aborts that request; the queue goes on in order', async ({ page }) => {
  const api = await startFakeApi({ cors: true, script: ['hang'] });
  servers.push(api);
  const problems = await openApp(page);
  await openSettings(page);
  await page.getByTestId('cloud-policy').selectOption('always');
  await page.getByText('Self-hosted SDK', { exact: true }).click();
  await page.getByTestId('cloud-url').fill(`${api.url}/v1/plate-reader/`);

  await chooseFiles(page, [await blankJpeg('first.jpg'), fixtureFile(WITH_PLATE)]);
  // The first image's cloud request hangs; the second waits its turn.
  await expect.poll(() => api.requests.length).toBe(1);
  expect(api.requests[0].files.upload.name).toBe('first.jpg');
  await expect(page.locator('[data-testid=image-card][data-status=queued]')).toHaveCount(1);
  await page.getByRole('button', { name: 'Remove first.jpg' }).click();
  await waitSettled(page, 1);
  expect(api.requests.map((r) => r.files.upload.name)).toEqual(['first.jpg', WITH_PLATE]);
  expect(await rawJson(page, WITH_PLATE)).toEqual(referenceResponse(WITH_PLATE, null, null, false));
  await expect(page.getByTestId('image-card')).toHaveCount(1);
  expect(problems).toEqual([]);
});
