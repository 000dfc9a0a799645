// Security (docs/robustness.md#security): the Content-Security-Policy the app is served with (scripts/csp.js)
// holds for a real read, online and offline (service worker), with no violation and no console error; no
// eval/new Function in what we ship; the policy is really enforced; the widget works on a host page with the
// strict policy docs/widget.md gives; file names are shown as text everywhere (cards, table, inspector, export).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { backendOf, card, chooseFiles, fixtureFile, openApp, rawJson, waitSettled } from './helpers';

const DIST = resolve(process.env.E2E_DIST || 'dist');

/**
 * Collects, for a page and every worker it starts: `securitypolicyviolation` events (the document's, and each
 * worker's own global), and console errors/warnings (a blocked resource is logged there too).
 */
function watchSecurity(page: Page) {
  const violations: string[] = [];
  const consoleErrors: string[] = [];
  const workers: Promise<unknown>[] = [];
  // The workers with a listener (not ORT's thread workers: one blocked in a wait would never answer an evaluate).
  const watched: { worker: import('@playwright/test').Worker; name: string }[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`page: ${m.text()}`);
  });
  page.on('worker', (w) => {
    w.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`worker: ${m.text()}`);
    });
    // ORT's thread workers are asked too (a worker's name is only known inside it), but one that is already
    // blocked in a wait never answers: each probe gives up after 10 s instead of holding up collect() for ever.
    const probe = w
      .evaluate(() => {
        if (self.name.startsWith('em-pthread')) return null;
        const g = self as unknown as { __cspViolations?: string[] };
        g.__cspViolations = [];
        self.addEventListener('securitypolicyviolation', (e) =>
          g.__cspViolations!.push(`${e.violatedDirective} ${e.blockedURI}`),
        );
        return self.name;
      })
      .then((name) => name !== null && watched.push({ worker: w, name }))
      .catch(() => undefined);
    workers.push(Promise.race([probe, new Promise((r) => setTimeout(r, 10_000))]));
  });
  const ready = page.addInitScript(() => {
    const g = window as unknown as { __cspViolations: string[] };
    g.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      g.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  /** Everything seen so far (the page's current document and its live workers). */
  const collect = async () => {
    await Promise.all(workers);
    const fromPage = await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
    const fromWorkers = await Promise.all(
      watched.filter(({ worker }) => page.workers().includes(worker)).map(({ worker }) => worker.evaluate(() => (self as unknown as { __cspViolations?: string[] }).__cspViolations ?? []).catch(() => [])),
    );
    return { violations: [...violations, ...fromPage, ...fromWorkers.flat()], consoleErrors: [...consoleErrors], watched: watched.map((w) => w.name) };
  };
  /** Keeps what the current document saw before a navigation replaces it. */
  const keep = async () => {
    violations.push(...(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)));
  };
  return { ready, collect, keep };
}

/** The page's worker with this name (ORT's thread workers are skipped without being asked). */
async function workerNamed(page: Page, name: string) {
  const named = await Promise.all(
    page.workers().map((w) =>
      Promise.race([w.evaluate(() => self.name), new Promise<string>((r) => setTimeout(() => r(''), 5_000))]).then((n) => (n === name ? w : null)),
    ),
  );
  const w = named.find(Boolean);
  if (!w) throw new Error(`no worker named ${name}`);
  return w;
}

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([k, ...v]) => [k, v]),
  );
}

test.describe('in the chromium project', () => {
  test.beforeEach(({}, info) => test.skip(info.project.name !== 'chromium', 'the WASM project only'));

  test('pages, the worker and the service worker are served with the policy', async ({ page }) => {
    const html = await page.request.get('./');
    const csp = html.headers()['content-security-policy'];
    expect(csp).toBeTruthy();
    const d = directives(csp);
    expect(d.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(d.get('worker-src')).toEqual(["'self'", 'blob:']);
    expect(d.get('connect-src')).toEqual(["'self'", 'https:', 'http://localhost:*', 'http://127.0.0.1:*']);
    expect(d.get('img-src')).toEqual(["'self'", 'blob:', 'data:']);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'self'"]);
    expect(d.get('frame-ancestors')).toEqual(["'self'"]);
    expect(csp.split(/[\s;]+/)).not.toContain("'unsafe-eval'");
    expect(csp).not.toContain("'unsafe-inline'");
    const workerScript = readdirSync(join(DIST, 'assets')).find((f) => /^worker-.*\.js$/.test(f))!;
    for (const path of [`assets/${workerScript}`, 'sw.js', 'widget.js']) {
      expect((await page.request.get(`./${path}`)).headers()['content-security-policy'], path).toBe(csp);
    }
  });

  test('no eval or new Function in any script we ship', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.m?js$/.test(f)) files.push(p);
      }
    };
    walk(DIST);
    expect(files.length).toBeGreaterThan(3);
    const found: string[] = [];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/(?<![\w$.])eval\s*\(|\bnew\s+Function\s*\(|(?<![\w$.])Function\s*\(\s*["'`]|setTimeout\s*\(\s*["'`]|setInterval\s*\(\s*["'`]/g)) {
        found.push(`${f.slice(DIST.length + 1)}: …${text.slice(Math.max(0, m.index! - 40), m.index! + 40)}…`);
      }
    }
    expect(found).toEqual([]);
  });

  test('a read online and offline (service worker) under the policy: no violation, no console error', async ({ page, context }) => {
    test.setTimeout(360_000);
    const sec = watchSecurity(page);
    await sec.ready;
    const problems = await openApp(page);
    await backendOf(page);
    await chooseFiles(page, [fixtureFile('tiny_ro_360x240.png', 'online.png')]);
    await waitSettled(page, 1);
    await expect(card(page, 'online.png')).toHaveAttribute('data-status', 'done');
    await expect(card(page, 'online.png').locator('img')).toBeVisible(); // a blob: thumbnail

    // Offline, from the service worker's caches: the cached page keeps its policy.
    await page.evaluate(async () => void (await navigator.serviceWorker.ready));
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller != null)).toBe(true);
    await sec.keep();
    await context.setOffline(true);
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Plate Reader' })).toBeVisible();
    await backendOf(page);
    await chooseFiles(page, [fixtureFile('tiny_ro_360x240.png', 'offline.png')]);
    await expect(card(page, 'offline.png')).toHaveAttribute('data-status', 'done');
    const offlineCsp = await page.evaluate(async () => (await fetch('./', { cache: 'force-cache' })).headers.get('content-security-policy'));
    expect(offlineCsp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    await context.setOffline(false);

    const seen = await sec.collect();
    expect(seen.watched).toContain('alpr-reader'); // the reader's worker was listened to
    expect(seen.violations).toEqual([]);
    expect(seen.consoleErrors).toEqual([]);
    expect(problems).toEqual([]);

    // The policy is enforced on this (offline, service-worker-served) page and in its reader worker, and the
    // listeners above would have seen a violation: an injected inline script does not run; the worker may not
    // fetch plain http from another host. (DevTools-evaluated code may call eval, so eval is not the probe.)
    expect(
      await page.evaluate(() => {
        const el = document.createElement('script');
        el.textContent = 'window.__injected = true';
        document.head.append(el);
        return (window as unknown as { __injected?: boolean }).__injected === true;
      }),
    ).toBe(false);
    const reader = await workerNamed(page, 'alpr-reader');
    expect(
      await reader.evaluate(() =>
        fetch('http://plate-reader.invalid/').then(
          () => 'fetched',
          (e: Error) => e.name,
        ),
      ),
    ).toBe('TypeError');
    await expect.poll(async () => (await sec.collect()).violations.join('\n')).toMatch(/script-src-elem inline/);
    await expect.poll(async () => (await sec.collect()).violations.join('\n')).toMatch(/connect-src http:\/\/plate-reader\.invalid/);
  });

  test('file names that look like HTML or formulas stay text: cards, table, error rows, inspector, exports', async ({ page }) => {
    const problems = await openApp(page);
    const evil = '<img src=x onerror=alert(1)>.png';
    const evilBroken = '<svg onload=alert(2)>.jpg';
    const formula = '=HYPERLINK("http://example.com","x").png';
    await chooseFiles(page, [
      fixtureFile('tiny_ro_360x240.png', evil),
      { name: evilBroken, mimeType: 'image/jpeg', buffer: Buffer.from('<script>alert(3)</script>') },
      fixtureFile('tiny_ro_360x240.png', formula),
    ]);
    await waitSettled(page, 3);
    for (const n of [evil, evilBroken, formula]) await expect(card(page, n).getByTestId('card-name')).toHaveText(n);
    // The error row names the file as text, in the table and in the error message.
    const errorRow = page.getByTestId('error-row');
    await expect(errorRow.locator('td').first()).toHaveText(evilBroken);
    await expect(errorRow).toContainText(`${evilBroken}:`);
    // The inspector: the heading and the raw JSON (the error body for the broken one).
    const err = await rawJson(page, evilBroken);
    expect(err.error.message.startsWith(evilBroken)).toBe(true);
    const ok = await rawJson(page, evil);
    expect(ok.filename).toBe(evil);
    // The exports carry the names exactly (the CSV's formula cell is neutralised with a leading apostrophe).
    const download = async (id: string) => {
      const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId(id).click()]);
      return readFileSync((await dl.path())!, 'utf8');
    };
    const json = JSON.parse(await download('export-json'));
    expect(json.map((r: { filename?: string; error?: { filename?: string } }) => r.filename ?? r.error?.filename)).toEqual([evil, evilBroken, formula]);
    const csv = await download('export-csv');
    expect(csv).toContain(evil);
    expect(csv).toContain(`'=HYPERLINK(""http://example.com"",""x"").png`);
    // Nothing was made from a name: no element with src "x", no <svg onload>, no script from the file.
    expect(await page.locator('img[src="x"], svg[onload]').count()).toBe(0);
    expect(await page.evaluate(() => document.body.innerHTML.includes('<img src=x') || document.body.innerHTML.includes('<svg onload'))).toBe(false);
    expect(problems).toEqual([]);
  });

  test('the widget demo page (inline blocks allowed by hash only) reads with no violation', async ({ page }) => {
    test.setTimeout(360_000);
    const sec = watchSecurity(page);
    await sec.ready;
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    const res = await page.goto('./widget-demo.html');
    expect(res!.headers()['content-security-policy']).toMatch(/script-src 'self' 'wasm-unsafe-eval' 'sha256-[^']+'/);
    const el = page.locator('plate-reader');
    await expect(el).toHaveAttribute('data-backend', /^(wasm|webgpu)$/);
    await el.locator('input[type=file]').setInputFiles(fixtureFile('tiny_ro_360x240.png'));
    await expect(el).toHaveAttribute('data-status', 'done');
    // The demo's inline script ran (it prints the result) and the widget's styles applied (constructed sheet).
    await expect(page.locator('#out')).toContainText('"filename": "tiny_ro_360x240.png"');
    expect(await el.evaluate((n) => getComputedStyle(n.shadowRoot!.querySelector('.zone')!).borderStyle)).toBe('dashed');
    const seen = await sec.collect();
    expect(seen.watched).toContain('alpr-widget'); // the reader's worker was listened to
    expect(seen.violations).toEqual([]);
    expect(seen.consoleErrors).toEqual([]);
    expect(problems).toEqual([]);
  });
});

// The widget on someone else's page that sends the strict policy docs/widget.md gives a host.
const WIDGET_PORT = Number(process.env.E2E_SEC_WIDGET_PORT || 4424);
const HOST_PORT = Number(process.env.E2E_SEC_HOST_PORT || 4425);
const widgetOrigin = `http://127.0.0.1:${WIDGET_PORT}`;
const hostOrigin = `http://127.0.0.1:${HOST_PORT}`;
const HOST_CSP = [
  "default-src 'self'",
  `script-src 'self' ${widgetOrigin} 'wasm-unsafe-eval'`,
  // The blob: worker, and the worker script it imports: a module worker's imports are fetched as "worker".
  `worker-src 'self' blob: ${widgetOrigin}`,
  `connect-src 'self' ${widgetOrigin}`,
  "img-src 'self' blob: data:",
  "style-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
].join('; ');

test.describe('the widget under a host page policy', () => {
  test.beforeEach(({}, info) => test.skip(info.project.name !== 'chromium', 'the WASM project only'));
  let servers: Server[] = [];
  test.beforeAll(async () => {
    const types: Record<string, string> = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
    const widget = createServer((req, res) => {
      const file = normalize(join(DIST, decodeURIComponent(new URL(req.url || '/', 'http://x').pathname)));
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
      if (!file.startsWith(DIST + sep)) return void res.writeHead(403).end();
      try {
        const body = readFileSync(file);
        res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    const host = createServer((req, res) => {
      if (req.url !== '/') return void res.writeHead(404).end();
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': HOST_CSP,
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
      });
      res.end(`<!doctype html><title>Host</title><link rel="icon" href="data:,"><script type="module" src="${widgetOrigin}/widget.js"></script>
<h1>Someone else's page</h1><plate-reader regions="ro"></plate-reader>`);
    });
    servers = [widget, host];
    await Promise.all(
      servers.map((s, i) => new Promise<void>((ok, fail) => s.once('error', fail).listen([WIDGET_PORT, HOST_PORT][i], '127.0.0.1', () => ok()))),
    );
  });
  test.afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))));
  });

  test('reads with no violation; a hostile file name in its error stays text', async ({ page }) => {
    test.setTimeout(360_000);
    const sec = watchSecurity(page);
    await sec.ready;
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('dialog', (d) => (problems.push(`dialog ${d.message()}`), void d.dismiss()));
    await page.goto(`${hostOrigin}/`);
    const el = page.locator('plate-reader');
    await expect(el).toHaveAttribute('data-backend', 'wasm');
    await el.locator('input[type=file]').setInputFiles(fixtureFile('tiny_ro_360x240.png'));
    await expect(el).toHaveAttribute('data-status', 'done');
    await expect(el.locator('li').first()).toBeVisible();
    const evil = '<img src=x onerror=alert(1)>.jpg';
    const failure = await el.evaluate(
      (node: any, name: string) => node.read(new Blob(['not an image'], { type: 'image/jpeg' }), name).then(() => null, (e: unknown) => e),
      evil,
    );
    expect(failure.error.message.startsWith(evil)).toBe(true);
    await expect(el.locator('.status')).toContainText(evil);
    expect(await el.evaluate((n) => n.shadowRoot!.querySelectorAll('img').length)).toBe(0);
    expect(await el.evaluate((n) => getComputedStyle(n.shadowRoot!.querySelector('.zone')!).borderStyle)).toBe('dashed');
    const seen = await sec.collect();
    expect(seen.watched).toContain('alpr-widget'); // the reader's worker was listened to
    expect(seen.violations).toEqual([]);
    expect(seen.consoleErrors).toEqual([]);
    expect(problems).toEqual([]);
  });
});
