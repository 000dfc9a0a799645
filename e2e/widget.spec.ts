// The embeddable <plate-reader> widget (docs/widget.md): on the app's own origin (the demo page), and embedded by
// a page on another origin that loads widget.js, its worker, ORT's WASM and the models from the app's server.
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { expectApiResponse, fixture, fixtureFile, FIXTURES } from './helpers';

const WIDGET_PORT = Number(process.env.E2E_WIDGET_PORT || 4318);
const HOST_PORT = Number(process.env.E2E_HOST_PORT || 4319);
const widgetOrigin = `http://127.0.0.1:${WIDGET_PORT}`;
const hostOrigin = `http://127.0.0.1:${HOST_PORT}`;

const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
};

const listen = (server: Server, port: number) =>
  new Promise<void>((ok, fail) => server.once('error', fail).listen(port, '127.0.0.1', () => ok()));

let widgetServer: Server;
let hostServer: Server;

test.beforeAll(async () => {
  // The widget's host: dist/ with CORS and CORP cross-origin, as docs/widget.md asks of a host.
  const root = resolve(process.env.E2E_DIST || 'dist');
  widgetServer = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url || '/', 'http://x').pathname);
    const file = normalize(join(root, path));
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    for (const [k, v] of Object.entries(isolation)) res.setHeader(k, v);
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream', 'Content-Length': statSync(file).size });
    createReadStream(file).pipe(res);
  });
  // Another site: a page that embeds the widget with one script tag (cross-origin isolated itself).
  hostServer = createServer((req, res) => {
    if (req.url !== '/') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', ...isolation });
    res.end(`<!doctype html><html><head><title>Host</title>
<script type="module" src="${widgetOrigin}/widget.js"></script></head>
<body><h1>Someone else's page</h1><plate-reader regions="ro"></plate-reader></body></html>`);
  });
  await Promise.all([listen(widgetServer, WIDGET_PORT), listen(hostServer, HOST_PORT)]);
});

test.afterAll(async () => {
  await Promise.all([widgetServer, hostServer].map((s) => new Promise((ok) => (s ? s.close(ok) : ok(null)))));
});

/** Records the element's events; returns the page errors. */
async function watch(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.addInitScript(() => {
    const w = window as unknown as { widgetEvents: { type: string; detail: unknown }[] };
    w.widgetEvents = [];
    for (const type of ['ready', 'result', 'error']) {
      document.addEventListener(type, (e) => e instanceof CustomEvent && w.widgetEvents.push({ type, detail: e.detail }), true);
    }
  });
  return problems;
}

const events = (page: Page, type: string) =>
  page.evaluate((t) => (window as any).widgetEvents.filter((e: any) => e.type === t).map((e: any) => e.detail), type);

async function expectReads(page: Page): Promise<void> {
  const el = page.locator('plate-reader');
  await expect(el).toHaveAttribute('data-backend', 'wasm');

  // Through its UI: a file chosen in the shadow DOM's input; a `result` event with the API's JSON.
  const name = 'two_cars_1280x720.jpg';
  await el.locator('input[type=file]').setInputFiles(fixtureFile(name));
  await expect(el).toHaveAttribute('data-status', 'done');
  const [response] = await events(page, 'result');
  expectApiResponse(response, name);
  const readings = response.results.map((r: any) => r.plate);
  expect(fixture(name).plates.some((p) => readings.includes(p.text.toLowerCase())), readings.join(',')).toBe(true);
  await expect(el.locator('li').first()).toBeVisible();

  // Through its method: read(blob, name) resolves with the JSON; a broken file rejects with the API's error.
  const bytes = readFileSync(`${FIXTURES}/${name}`).toString('base64');
  const viaMethod = await el.evaluate(async (node: any, b64: string) => {
    const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'image/jpeg' });
    return node.read(blob, 'from-method.jpg');
  }, bytes);
  expectApiResponse(viaMethod, 'from-method.jpg');
  expect(viaMethod.results.map((r: any) => r.plate)).toEqual(readings);
  const failure = await el.evaluate((node: any) =>
    node.read(new Blob(['not an image'], { type: 'image/jpeg' }), 'broken.jpg').then(
      () => null,
      (e: unknown) => e,
    ),
  );
  expect(failure.error.code).toBe(400);
  expect((await events(page, 'error')).length).toBe(1);
}

test('the widget demo page, on the app origin', async ({ page }) => {
  const problems = await watch(page);
  await page.goto('./widget-demo.html');
  await expectReads(page);
  // The demo page prints the last event's JSON: the broken file's API error.
  await expect(page.locator('#out')).toContainText('"code": 400');
  expect(problems).toEqual([]);
});

test('embedded from another origin with one script tag', async ({ page }) => {
  const problems = await watch(page);
  await page.goto(`${hostOrigin}/`);
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  await expectReads(page);
  // Its ready event names the backend; a cross-origin worker cannot start ORT's thread workers: one thread.
  const [info] = await events(page, 'ready');
  expect(info).toMatchObject({ backend: 'wasm', threads: 1 });
  expect(problems).toEqual([]);
});
