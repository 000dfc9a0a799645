#!/usr/bin/env node
// `npm run bench`: speed figures, printed as a table and written to bench/results.json. Never a pass/fail.
//
// - The production build of the benchmark page (bench/index.html, the app's own worker) in Debian's headless
//   Chromium: WASM with 1 and 2 threads, WebGPU on the software adapter (--enable-unsafe-webgpu).
// - The CLI's path under Node (sharp decode + the same engine on onnxruntime-web's WASM).
// - Photos of 800×600, 1280×720 and 1920×1080 with plates, in default and fast mode: median and p90 per image,
//   split into decode / detect / read / shape.
// - Cold start of the real app (its own build in dist-bench-app/): page load to first result with empty caches
//   and with warm caches; and the worker's init split into ORT's script / models / sessions / warm-up.
// - Bytes: what Chromium really transfers on a first visit of the app until the reader is ready (counted by a
//   TCP proxy in front of scripts/serve.js, so workers and wasm count too), for a browser without WebGPU (ORT's
//   WASM-only build) and one with WebGPU (the JSEP build); and each model.
//
// Options: --iterations N (default 5), --quick (2 iterations, fewer configs), --skip-build,
//   --only browser,node,cold,bytes (sections), --configs wasm1,wasm2,wasm2canvas,webgpu (browser configs), --sizes 1280x720,...,
//   --port N (first of 3 ports; default 4391, or env BENCH_PORT), --models DIR (repeatable; the node section with
//   each folder of models in turn, e.g. a copy with a changed sidecar beside models/).
import { spawn, spawnSync } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const iterations = Number(args[args.indexOf('--iterations') + 1]) || (quick ? 2 : 5);
const skipBuild = args.includes('--skip-build');
// --models DIR (repeatable, node section only): each folder of models measured side by side, in turn per size and mode.
const nodeModels = args.flatMap((a, i) => (a === '--models' ? [args[i + 1]] : []));
const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : ['browser', 'node', 'cold', 'bytes'];
const portBase = Number(args.includes('--port') ? args[args.indexOf('--port') + 1] : process.env.BENCH_PORT) || 4391;
/** The app's own build for the bench (never dist/, which others may be serving). */
const APP_DIR = 'dist-bench-app';
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SIZES = [
  [800, 600],
  [1280, 720],
  [1920, 1080],
].filter(([w, h]) => !args.includes('--sizes') || args[args.indexOf('--sizes') + 1].split(',').includes(`${w}x${h}`));
/** Browser configs to run (--configs wasm1,wasm2,webgpu; default all, --quick: wasm2 and webgpu). */
const browserConfigs = args.includes('--configs') ? args[args.indexOf('--configs') + 1].split(',') : null;
const MODES = ['default', 'fast'];

function log(...a) {
  process.stderr.write(a.join(' ') + '\n');
}

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

// ---- images: real photos from ../shared (read, never copied into the repo), else our synthetic fixtures.
async function benchImages() {
  const sharp = (await import('sharp')).default;
  const shared = join(root, '..', 'shared', 'data', 'ro-dashcam');
  let sources = [];
  if (existsSync(join(shared, 'annotations.jsonl'))) {
    const rows = readFileSync(join(shared, 'annotations.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // Held-out video frames with at least one plate, spread over the video.
    const held = rows.filter((r) => r.video === 'dayride_type1_003' && r.plates.length > 0);
    const pick = [0, Math.floor(held.length / 2), held.length - 1].map((i) => held[i]);
    sources = pick.map((r) => ({ name: r.file.split('/').pop(), path: join(shared, r.file) }));
  } else {
    const fx = JSON.parse(readFileSync(join(root, 'tests/fixtures/fixtures.json'), 'utf8')).images;
    sources = fx.slice(0, 3).map((f) => ({ name: f.file, path: join(root, 'tests/fixtures', f.file) }));
  }
  const out = {};
  for (const [w, h] of SIZES) {
    out[`${w}x${h}`] = await Promise.all(
      sources.map(async (s) => ({
        name: s.name,
        bytes: new Uint8Array(await sharp(readFileSync(s.path)).resize(w, h, { fit: 'cover' }).jpeg({ quality: 90 }).toBuffer()),
      })),
    );
  }
  return { images: out, source: sources[0].path.includes('ro-dashcam') ? 'ro-dashcam held-out frames, resized' : 'synthetic fixtures' };
}

function stats(rows) {
  const pick = (k) => rows.map((r) => r[k]).sort((a, b) => a - b);
  const q = (arr, p) => arr[Math.min(arr.length - 1, Math.floor(p * (arr.length - 1) + 0.5))];
  const o = { n: rows.length };
  for (const k of ['total', 'decode', 'detect', 'read', 'shape', 'messaging']) {
    if (rows.some((r) => r[k] === undefined)) continue;
    const a = pick(k);
    // min too: on a shared machine it is the closest figure to an idle CPU.
    o[k] = { min: +a[0].toFixed(1), median: +q(a, 0.5).toFixed(1), p90: +q(a, 0.9).toFixed(1) };
  }
  o.plates = rows.reduce((s, r) => s + r.plates, 0) / Math.max(1, rows.length);
  return o;
}

async function startServer(dir, port) {
  const child = spawn(process.execPath, ['scripts/serve.js'], {
    cwd: root,
    env: { ...process.env, DIST_DIR: dir, PORT: String(port), HOST: '127.0.0.1' },
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`the server for ${dir} exited`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/`)).ok) return child;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error(`the server for ${dir} did not start`);
}

function fmtPhases(p) {
  if (!p) return '';
  const rt = p.runtime !== undefined ? `, ORT runtime ${p.runtime.toFixed(0)}` : '';
  return `(ORT script ${p.ort.toFixed(0)}, models ${p.models.toFixed(0)}${rt} [from init], sessions ${p.sessions.toFixed(0)}, warm-up ${p.warmup.toFixed(0)})`;
}

/**
 * A TCP proxy in front of a server that counts the bytes sent to the browser (headers and bodies as sent, gzipped
 * where the server gzips): what a first visit really costs, workers and wasm included.
 */
async function countingProxy(port, target) {
  const counter = { bytes: 0 };
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    upstream.on('data', (d) => (counter.bytes += d.length));
    client.pipe(upstream);
    upstream.pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { counter, close: () => server.close() };
}

const BROWSER_ARGS = ['--disable-background-networking', '--disable-component-update', '--no-first-run', '--no-sandbox'];

async function browserRuns(chromium, port, images) {
  const configs = [
    { key: 'wasm1', name: 'browser wasm 1 thread', args: BROWSER_ARGS, init: { preferWebGPU: false, threads: 1 } },
    { key: 'wasm2', name: 'browser wasm 2 threads', args: BROWSER_ARGS, init: { preferWebGPU: false, threads: 2 } },
    // The lever "VideoFrame readback" (kept): the decoded bitmap's pixels via VideoFrame.copyTo; this config is the
    // canvas drawImage + getImageData it replaced, for the side-by-side figure.
    { key: 'wasm2canvasread', name: 'browser wasm 2 threads, canvas readback', args: BROWSER_ARGS, init: { preferWebGPU: false, threads: 2, decoder: 'canvas' } },
    // The lever "native resampling" (not kept: less accurate, `npm run accuracy -- --browser`): the detector's input
    // resampled by the browser's canvas instead of the engine's JS letterbox.
    { key: 'wasm2canvas', name: 'browser wasm 2 threads, canvas resize', args: BROWSER_ARGS, init: { preferWebGPU: false, threads: 2, nativeResize: true } },
    { key: 'webgpu', name: 'browser webgpu (software)', args: [...BROWSER_ARGS, '--enable-unsafe-webgpu'], init: { preferWebGPU: true } },
  ];
  const results = [];
  const chosen = browserConfigs ? configs.filter((c) => browserConfigs.includes(c.key)) : quick ? configs.filter((c) => c.key === 'wasm2' || c.key === 'webgpu') : configs;
  for (const cfg of chosen) {
    const browser = await chromium.launch({ executablePath: chromiumPath, args: cfg.args });
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${port}/index.html`);
      await page.waitForFunction(() => document.body.dataset.ready === '1');
      const info = await page.evaluate((o) => globalThis.alprBench.init(o), cfg.init);
      log(`${cfg.name}: backend ${info.backend}, ${info.threads} thread(s), isolated ${info.crossOriginIsolated}, init ${info.initMs.toFixed(0)} ms ${fmtPhases(info.phases)}`);
      // The software WebGPU adapter takes seconds per photo: one size, one read, to show the path works.
      const sizes = cfg.init.preferWebGPU && info.backend === 'webgpu' ? ['1280x720'] : Object.keys(images);
      for (const size of sizes) {
        for (const mode of MODES) {
          const config = mode === 'fast' ? { mode: 'fast' } : {};
          const payload = images[size].map((im) => ({ name: im.name, bytes: Array.from(im.bytes) }));
          const its = cfg.init.preferWebGPU ? 1 : iterations;
          const rows = await page.evaluate(([p, c, n]) => globalThis.alprBench.run(p, c, n), [payload, config, its]);
          const s = stats(rows);
          results.push({ runner: cfg.name, backend: info.backend, threads: info.threads, size, mode, ...s });
          log(`  ${size} ${mode}: median ${s.total.median} ms (detect ${s.detect.median}, read ${s.read.median})`);
        }
      }
    } catch (e) {
      log(`${cfg.name}: failed: ${e.message}`);
      results.push({ runner: cfg.name, error: e.message });
    } finally {
      await browser.close();
    }
  }
  return results;
}

async function nodeRuns(images) {
  const vite = await import('vite');
  const outDir = join(root, 'node_modules', '.cache', 'alpr-bench');
  await vite.build({
    configFile: false,
    root,
    logLevel: 'error',
    publicDir: false,
    build: {
      ssr: join(root, 'bench/node-engine.ts'),
      outDir,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      rollupOptions: { output: { entryFileNames: 'node-engine.mjs', format: 'es' } },
    },
  });
  const { runNode } = await import(pathToFileURL(join(outDir, 'node-engine.mjs')).href);
  const results = [];
  // onnxruntime-web under Node runs its WASM on one thread (no cross-origin-isolated workers there).
  for (const size of Object.keys(images)) {
    for (const mode of MODES) {
      const config = mode === 'fast' ? { mode: 'fast' } : {};
      for (const dir of nodeModels.length ? nodeModels : [join(root, 'models')]) {
        const { rows } = await runNode(dir, 1, images[size], config, iterations);
        const s = stats(rows);
        const runner = nodeModels.length ? `node cli (wasm) ${dir}` : 'node cli (wasm)';
        results.push({ runner, backend: 'wasm', threads: 1, size, mode, ...s });
        log(`${runner} ${size} ${mode}: median ${s.total.median} ms (decode ${s.decode.median}, detect ${s.detect.median}, read ${s.read.median})`);
      }
    }
  }
  return results;
}

async function coldStart(chromium, port, photo) {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: BROWSER_ARGS });
  const out = {};
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    for (const label of ['empty cache', 'warm cache']) {
      const t0 = Date.now();
      await page.goto(`http://127.0.0.1:${port}/?backend=wasm`);
      await page.locator('[data-testid=backend][data-backend]').waitFor({ timeout: 120000 });
      const tReady = Date.now() - t0;
      await page.getByTestId('file-input').setInputFiles({ name: photo.name, mimeType: 'image/jpeg', buffer: Buffer.from(photo.bytes) });
      await page.locator('[data-testid=image-card][data-status=done]').first().waitFor({ timeout: 120000 });
      out[label] = { ready_ms: tReady, first_result_ms: Date.now() - t0 };
      log(`cold start (${label}): ready ${tReady} ms, first result ${out[label].first_result_ms} ms`);
    }
  } catch (e) {
    out.error = e.message;
    log(`cold start failed: ${e.message}`);
  } finally {
    await browser.close();
  }
  return out;
}

/**
 * First visit of the app in a fresh profile, through the counting proxy: bytes until the reader is ready (a read
 * fetches nothing more), the ORT wasm it fetched, and the bytes once the network is quiet (the service worker's
 * precache included). Once without WebGPU (ORT's WASM-only build) and once with Chromium's software WebGPU.
 */
async function firstVisitBytes(chromium, proxyPort, appPort) {
  const proxy = await countingProxy(proxyPort, appPort);
  const out = {};
  const browsers = [
    { name: 'no WebGPU (wasm build)', args: BROWSER_ARGS },
    { name: 'WebGPU (jsep build)', args: [...BROWSER_ARGS, '--enable-unsafe-webgpu'] },
  ];
  try {
    for (const b of browsers) {
      const browser = await chromium.launch({ executablePath: chromiumPath, args: b.args });
      try {
        const context = await browser.newContext();
        const page = await context.newPage();
        const wasm = [];
        page.on('request', (r) => /\.wasm$/.test(r.url()) && wasm.push(r.url().split('/').pop()));
        // Per request, as Chromium reports it (headers + encoded body): the page and its workers vs the service
        // worker (whose precache fetches run alongside, and may fetch again what the page already has).
        const sizes = [];
        context.on('requestfinished', (r) =>
          sizes.push(
            r.sizes().then(
              (z) => ({ sw: !!r.serviceWorker(), url: r.url().replace(/^.*?:\d+\//, ''), bytes: z.responseHeadersSize + z.responseBodySize }),
              () => null,
            ),
          ),
        );
        proxy.counter.bytes = 0;
        await page.goto(`http://127.0.0.1:${proxyPort}/`);
        const el = page.locator('[data-testid=backend][data-backend]');
        await el.waitFor({ timeout: 300000 });
        const ready = proxy.counter.bytes;
        const backend = await el.getAttribute('data-backend');
        // Then whatever the service worker precaches, until 2 s pass without a byte.
        let last = -1;
        for (let i = 0; i < 30 && last !== proxy.counter.bytes; i++) {
          last = proxy.counter.bytes;
          await new Promise((r) => setTimeout(r, 2000));
        }
        const reqs = (await Promise.all(sizes)).filter(Boolean);
        const sum = (rs) => rs.reduce((a, r) => a + r.bytes, 0);
        const pageReqs = reqs.filter((r) => !r.sw);
        const swReqs = reqs.filter((r) => r.sw);
        out[b.name] = {
          backend,
          until_ready: ready,
          settled: proxy.counter.bytes,
          page: sum(pageReqs),
          service_worker: sum(swReqs),
          wasm,
          largest: pageReqs.sort((x, y) => y.bytes - x.bytes).slice(0, 6).map((r) => [r.url, r.bytes]),
        };
        log(`first visit, ${b.name}: backend ${backend}, ${(ready / 1e6).toFixed(2)} MB until ready, ${(proxy.counter.bytes / 1e6).toFixed(2)} MB settled (page and workers ${(sum(pageReqs) / 1e6).toFixed(2)} MB, service worker ${(sum(swReqs) / 1e6).toFixed(2)} MB); wasm ${wasm.join(', ')}`);
      } catch (e) {
        out[b.name] = { error: e.message };
        log(`first visit, ${b.name}: failed: ${e.message}`);
      } finally {
        await browser.close();
      }
    }
  } finally {
    proxy.close();
  }
  return out;
}

/**
 * Page load -> first result on the benchmark page, empty and warm HTTP cache (same profile, so the models'
 * Cache Storage and the browser's compiled-wasm cache are warm the second time): where the time goes.
 */
async function warmLoad(chromium, port, photo) {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: BROWSER_ARGS });
  const out = {};
  try {
    const page = await (await browser.newContext()).newPage();
    for (const label of ['empty cache', 'warm cache', 'warm cache again']) {
      await page.goto(`http://127.0.0.1:${port}/index.html`);
      await page.waitForFunction(() => document.body.dataset.ready === '1');
      const info = await page.evaluate((o) => globalThis.alprBench.init(o), { preferWebGPU: false, threads: 2 });
      const first = await page.evaluate((im) => globalThis.alprBench.first(im), { name: photo.name, bytes: Array.from(photo.bytes) });
      const t = first.timings;
      out[label] = {
        threads: info.threads,
        page_ms: +info.startMs.toFixed(0),
        ...Object.fromEntries(Object.entries(info.phases ?? {}).map(([k, v]) => [k, +v.toFixed(0)])),
        ready_ms: +info.readyMs.toFixed(0),
        first_read_ms: +first.readMs.toFixed(0),
        decode_ms: +(t.decode ?? 0).toFixed(0),
        // As if the photo were dropped the moment the reader is ready (the bench's own hand-over is left out).
        first_result_ms: +(info.readyMs + first.readMs).toFixed(0),
      };
      log(`bench page, ${label}: page script ${info.startMs.toFixed(0)} ms, init ${info.initMs.toFixed(0)} ${fmtPhases(info.phases)}, first read ${first.readMs.toFixed(0)} (decode ${(t.decode ?? 0).toFixed(0)}), first result at ${(info.readyMs + first.readMs).toFixed(0)} ms`);
    }
  } catch (e) {
    out.error = e.message;
    log(`warm load failed: ${e.message}`);
  } finally {
    await browser.close();
  }
  return out;
}

function modelBytes() {
  const dir = join(root, 'models');
  const out = {};
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.onnx'))) {
    const b = readFileSync(join(dir, f));
    out[f] = { bytes: b.length, gzip: gzipSync(b, { level: 9 }).length };
  }
  return out;
}

/**
 * Bytes of a first visit: every file of dist/ the app fetches before its first result (HTML, JS, CSS, ORT's wasm,
 * the models and manifest; not the sample photos or icons), counted as scripts/serve.js sends them: gzipped
 * text and wasm, models and images as they are. Also the whole dist/ for reference.
 */
function distBytes(dir) {
  const out = { first_visit: { raw: 0, sent: 0, files: 0 }, all: { raw: 0 } };
  const walk = (d, rel) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        walk(p, r);
        continue;
      }
      const b = readFileSync(p);
      out.all.raw += b.length;
      if (r.startsWith('samples/') || /\.(png|jpg|jpeg|svg|ico|webp|map)$/.test(r) || r.endsWith('.md')) continue;
      out.first_visit.files++;
      out.first_visit.raw += b.length;
      out.first_visit.sent += /\.(html|js|mjs|css|json|wasm|webmanifest)$/.test(r) ? gzipSync(b, { level: 6 }).length : b.length;
    }
  };
  walk(dir, '');
  return out;
}

function table(rows) {
  const head = ['runner', 'size', 'mode', 'min', 'median', 'p90', 'decode', 'detect', 'detect min', 'read', 'shape', 'messaging', 'plates'];
  const lines = [head];
  for (const r of rows) {
    if (r.error) {
      lines.push([r.runner, '-', '-', 'error', r.error.slice(0, 60), '', '', '', '', '', '', '', '']);
      continue;
    }
    lines.push([
      `${r.runner}${r.backend && !r.runner.includes(r.backend) ? ` [${r.backend}]` : ''}`,
      r.size,
      r.mode,
      r.total.min,
      r.total.median,
      r.total.p90,
      r.decode.median,
      r.detect.median,
      r.detect.min,
      r.read.median,
      r.shape.median,
      r.messaging?.median ?? '-',
      r.plates.toFixed(1),
    ].map(String));
  }
  const w = head.map((_, i) => Math.max(...lines.map((l) => String(l[i]).length)));
  return lines.map((l) => l.map((c, i) => String(c).padEnd(w[i])).join('  ')).join('\n');
}

async function main() {
  if (!existsSync(join(root, 'models', 'manifest.json'))) throw new Error('models/manifest.json is missing');
  if (!skipBuild || !existsSync(join(root, 'dist-bench')) || !existsSync(join(root, APP_DIR))) {
    log(`building the app (${APP_DIR}/) and the benchmark page (dist-bench/)...`);
    run(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', APP_DIR, '--emptyOutDir']);
    run(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'bench/vite.bench.config.ts']);
  }
  const { images, source } = await benchImages();
  const { chromium } = await import('playwright-core');
  const benchPort = portBase;
  const appPort = portBase + 1;
  const s1 = await startServer('dist-bench', benchPort);
  const s2 = await startServer(APP_DIR, appPort);
  let results;
  try {
    const browser = only.includes('browser') ? await browserRuns(chromium, benchPort, images) : [];
    const node = only.includes('node') ? await nodeRuns(images) : [];
    const cold = only.includes('cold') ? await coldStart(chromium, appPort, images['1280x720'][0]) : {};
    const warm = only.includes('cold') ? await warmLoad(chromium, benchPort, images['1280x720'][0]) : {};
    const visit = only.includes('bytes') ? await firstVisitBytes(chromium, portBase + 2, appPort) : {};
    results = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadavg: loadavg().map((x) => +x.toFixed(1)) },
      images: source,
      iterations,
      speed: [...browser, ...node],
      cold_start: cold,
      warm_load: warm,
      bytes: { models: modelBytes(), first_visit: visit, dist: distBytes(join(root, APP_DIR)) },
    };
  } finally {
    s1.kill();
    s2.kill();
  }
  mkdirSync(join(root, 'bench'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');
  console.log(`\nPer-image times in ms (${results.images}; ${iterations} reads per image after a warm-up; ${results.machine.cpus} cores: ${results.machine.cpu}; load average ${results.machine.loadavg.join(' ')})\n`);
  console.log(table(results.speed));
  const c = results.cold_start;
  console.log('\nCold start of the app (page load -> first result, WASM):');
  for (const k of ['empty cache', 'warm cache']) if (c[k]) console.log(`  ${k}: reader ready ${c[k].ready_ms} ms, first result ${c[k].first_result_ms} ms`);
  const w = results.warm_load;
  if (Object.keys(w).length) {
    console.log('\nBenchmark page load -> first result (WASM, 2 threads), ms from navigation:');
    console.log('  (ORT script, models and ORT runtime run side by side from the start of init; sessions and warm-up follow)');
    const head = ['cache', 'page script', 'ORT script', 'models', 'ORT runtime', 'sessions', 'warm-up', 'ready', 'first read', 'decode', 'first result'];
    const keys = ['page_ms', 'ort', 'models', 'runtime', 'sessions', 'warmup', 'ready_ms', 'first_read_ms', 'decode_ms', 'first_result_ms'];
    const rows = [head, ...Object.entries(w).filter(([k]) => k !== 'error').map(([k, v]) => [k, ...keys.map((x) => String(v[x] ?? '-'))])];
    const cw = head.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    for (const r of rows) console.log('  ' + r.map((x, i) => x.padEnd(cw[i])).join('  '));
  }
  console.log('\nModels:');
  for (const [f, b] of Object.entries(results.bytes.models)) console.log(`  ${f}: ${(b.bytes / 1e6).toFixed(2)} MB (${(b.gzip / 1e6).toFixed(2)} MB gzipped)`);
  console.log('\nFirst visit of the app (bytes Chromium received, as sent by scripts/serve.js):');
  for (const [k, v] of Object.entries(results.bytes.first_visit)) {
    if (v.error) console.log(`  ${k}: failed: ${v.error}`);
    else
      console.log(
        `  ${k}: the page and its workers ${(v.page / 1e6).toFixed(2)} MB (backend ${v.backend}; ${v.wasm.join(', ')}); ` +
          `with the service worker's fetches ${(v.settled / 1e6).toFixed(2)} MB in all (${(v.until_ready / 1e6).toFixed(2)} MB of it by the time the reader was ready)`,
      );
  }
  console.log(`  whole ${APP_DIR}/: ${(results.bytes.dist.all.raw / 1e6).toFixed(2)} MB`);
  console.log('\nwrote bench/results.json');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
