#!/usr/bin/env node
// `npm run accuracy`: the whole product (CLI = same engine as the page) on the held-out ro-dashcam frames
// (training/common/splits.py: video dayride_type1_003 + the last third of nightride_type3_001), as a user sees it:
// the API's results after threshold_d / threshold_o, compared with the hand-labelled boxes and plate texts.
//
// A second set: 48 plates from many countries (US vanity and state plates, India one- and two-line, UK, EU, Brazil,
// Indonesia, Andorra) in the web-plates held-out sources (300×300 photos, training/common/splits.py web_is_val),
// whose text we read by eye from the photos (bench/web-plates-texts.jsonl: file, plate index, box, text; plates
// we could not read for sure, Japanese ones and a dealer plate were left out). The other plates of those photos
// keep their boxes (recall, unmatched) without a text.
// 41 of those plates also carry the region we could tell from the photo (`region`: the country, and the US state
// where the plate names it; every ro-dashcam plate is `ro`): the region of each found plate is compared with it.
// And the legible plates found, by the result's score: how many were read exactly in each score bin.
//
// Prints, per set and config: plate recall@IoU0.5, results per image that match no labelled plate ("unmatched":
// some are real but unlabelled distant plates, see ../shared/data/README.md; on ro-dashcam, those on the real plates
// listed in training/detector/unlabelled_plates.jsonl are counted apart from the rest), exact reading of the matched
// legible plates. Options: --config JSON (repeatable; default: the API defaults and fast mode); --models DIR (repeatable:
// each folder of models is measured with every config, side by side; default: the package's models/);
// --sets ro,web (default both; also webval: the whole web-plates held-out split, 243 photos, boxes only);
// --show-unmatched: each result on a thing that is not a plate (photo, box, text, score, dscore);
// --browser: also the same frames through the browser's engine (the benchmark page, dist-bench/, built by
// `npm run bench` or here when missing; Debian's Chromium, WASM): the default path (VideoFrame readback, the
// engine's JS letterbox), the canvas readback, and the canvas resampler, side by side with the CLI.
// --scale K: every photo of the sets upscaled K× first (bicubic, JPEG quality 92, into a temporary folder; boxes
// scaled with it): photos the size of a phone's (K 3.15 turns the 1280×720 frames into 4032×2268) for the large-photo
// paths of the engine. An upscaled frame holds no more detail than the frame, so this checks that those paths
// read what the frame's own size reads, not how well the product reads real high-resolution photos.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const data = join(root, '..', 'shared', 'data', 'ro-dashcam');
const webData = join(root, '..', 'shared', 'data', 'web-plates');
if (!existsSync(join(data, 'annotations.jsonl'))) {
  console.error('accuracy: ../shared/data/ro-dashcam is not beside the repository');
  process.exit(2);
}
const args = process.argv.slice(2);
const configs = [];
const modelDirs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--config') configs.push(args[++i]);
  else if (args[i] === '--models') modelDirs.push(args[++i]);
}
if (!configs.length) configs.push('{}', '{"mode":"fast"}');
if (!modelDirs.length) modelDirs.push('');
const runs = modelDirs.flatMap((models) => configs.map((config) => ({ models, config })));
const browser = args.includes('--browser');
const showUnmatched = args.includes('--show-unmatched');
const setNames = args.includes('--sets') ? args[args.indexOf('--sets') + 1].split(',') : ['ro', 'web'];

const readJsonl = (p) => readFileSync(p, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const frameTime = (f) => Number((/_t_(\d+)/.exec(f) || [0, 0])[1]);
// Same rule as training/common/splits.py.
const isVal = (r) => {
  const video = r.video || r.file.split('/').pop().split('.mp4')[0];
  return video === 'dayride_type1_003' || (video === 'nightride_type3_001' && frameTime(r.file) >= 358);
};
/**
 * A set: photos (absolute paths) with their labelled boxes and, per box, the hand-read text when there is one
 * ({text, legible}).
 */
function roSet() {
  const frames = readJsonl(join(data, 'annotations.jsonl')).filter(isVal);
  const texts = new Map();
  for (const p of readJsonl(join(data, 'plates.jsonl')).filter(isVal)) texts.set(`${p.file}#${p.index}`, p);
  // Real plates in these frames that carry no label, found by auditing the detector's false positives by eye.
  const unlabelled = new Map();
  for (const u of readJsonl(join(root, 'training', 'detector', 'unlabelled_plates.jsonl'))) {
    if (!unlabelled.has(u.file)) unlabelled.set(u.file, []);
    unlabelled.get(u.file).push(u.box);
  }
  return {
    name: 'ro-dashcam held-out frames',
    frames: frames.map((f) => ({
      path: join(data, f.file),
      plates: f.plates,
      texts: f.plates.map((_, k) => {
        const t = texts.get(`${f.file}#${k}`);
        return t && { ...t, region: 'ro' };
      }),
      unlabelled: unlabelled.get(f.file) ?? [],
    })),
  };
}
function webSet() {
  const boxes = new Map(readJsonl(join(webData, 'annotations.jsonl')).map((r) => [r.file, r.plates]));
  const byFile = new Map();
  for (const t of readJsonl(join(root, 'bench', 'web-plates-texts.jsonl'))) {
    if (!byFile.has(t.file)) byFile.set(t.file, []);
    byFile.get(t.file).push(t);
  }
  return {
    name: 'web-plates hand-read plates (many countries)',
    frames: [...byFile].map(([file, ts]) => {
      const plates = boxes.get(file) ?? [];
      const texts = plates.map((_, k) => {
        const t = ts.find((x) => x.index === k);
        return t ? { text: t.text, legible: true, region: t.region } : undefined;
      });
      return { path: join(webData, file), plates, texts };
    }),
  };
}
/** The whole web-plates held-out split (243 photos, 275 boxes, no texts): detection as the product does it. */
function webValSet() {
  const isWebVal = (r) => parseInt(createHash('sha1').update(r.source).digest('hex').slice(0, 8), 16) % 10 === 0;
  const rows = readJsonl(join(webData, 'annotations.jsonl')).filter(isWebVal);
  return {
    name: 'web-plates held-out split (boxes only)',
    frames: rows.map((r) => ({ path: join(webData, r.file), plates: r.plates, texts: r.plates.map(() => undefined) })),
  };
}
const sets = [];
if (setNames.includes('ro')) sets.push(roSet());
if (setNames.includes('web') && existsSync(join(webData, 'annotations.jsonl'))) sets.push(webSet());
if (setNames.includes('webval') && existsSync(join(webData, 'annotations.jsonl'))) sets.push(webValSet());
const scale = args.includes('--scale') ? Number(args[args.indexOf('--scale') + 1]) : 1;
if (!(scale > 0)) {
  console.error('accuracy: --scale takes a positive number');
  process.exit(2);
}
if (scale !== 1) {
  const sharp = (await import('sharp')).default;
  const scaledDir = mkdtempSync(join(tmpdir(), 'alpr-accuracy-'));
  process.on('exit', () => rmSync(scaledDir, { recursive: true, force: true }));
  const up = (b) => b.map((v) => v * scale);
  let n = 0;
  for (const set of sets) {
    for (const f of set.frames) {
      const meta = await sharp(f.path).metadata();
      const path = join(scaledDir, `${n++}-${f.path.split('/').pop().replace(/\.[^.]+$/, '')}.jpg`);
      await sharp(f.path)
        .resize(Math.round(meta.width * scale), Math.round(meta.height * scale), { kernel: 'cubic' })
        .jpeg({ quality: 92 })
        .toFile(path);
      Object.assign(f, { path, plates: f.plates.map(up), unlabelled: f.unlabelled?.map(up) });
    }
    set.name += ` upscaled ${scale}x`;
  }
}
const roFiles = sets.length && setNames.includes('ro') ? sets[0].frames.map((f) => f.path) : [];

/** The country of a region code ('us-ca' -> 'us'). */
const country = (code) => code.split('-')[0];
const iou = (a, b) => {
  const ix = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = ix * iy;
  return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter);
};

function cliRun(models, config, files) {
  const modelArgs = models ? ['--models', models] : [];
  const r = spawnSync(process.execPath, [join(root, 'bin/alpr.js'), 'read', ...modelArgs, '--config', config, ...files], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** The same frames through the browser's worker (the benchmark page), once per decoder / resampler. */
async function browserRuns() {
  const { chromium } = await import('@playwright/test');
  if (!existsSync(join(root, 'dist-bench', 'index.html'))) {
    const b = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'bench/vite.bench.config.ts'], { cwd: root, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`building dist-bench failed:\n${b.stdout}\n${b.stderr}`);
  }
  const port = Number(process.env.ACCURACY_PORT || 4391);
  const server = spawn(process.execPath, ['scripts/serve.js'], {
    cwd: root,
    env: { ...process.env, DIST_DIR: 'dist-bench', PORT: String(port), HOST: '127.0.0.1' },
    stdio: 'ignore',
  });
  const out = [];
  try {
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/`)).ok) break;
      } catch {
        /* not yet */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const images = roFiles.map((f) => ({ name: f.split('/').pop(), bytes: [...readFileSync(f)] }));
    const exe = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
    // The default (pixels read through a VideoFrame, the engine's JS letterbox), the canvas readback it replaced,
    // and the canvas resampler (not kept).
    const variants = [
      { label: 'VideoFrame readback, JS letterbox', init: {} },
      { label: 'canvas readback, JS letterbox', init: { decoder: 'canvas' } },
      { label: 'canvas resampler', init: { nativeResize: true } },
    ];
    for (const { label, init } of variants) {
      const b = await chromium.launch({ executablePath: exe, args: ['--disable-background-networking', '--disable-component-update', '--no-first-run', '--no-sandbox'] });
      try {
        const page = await b.newPage();
        await page.goto(`http://127.0.0.1:${port}/index.html`);
        await page.waitForSelector('body[data-ready="1"]');
        await page.evaluate((o) => globalThis.alprBench.init(o), { preferWebGPU: false, ...init });
        for (const config of configs) {
          const t0 = Date.now();
          const lines = await page.evaluate(([ims, c]) => globalThis.alprBench.readAll(ims, c), [images, JSON.parse(config)]);
          out.push({ label: `browser (${label}), `, config, lines, seconds: (Date.now() - t0) / 1000 });
        }
      } finally {
        await b.close();
      }
    }
  } finally {
    server.kill();
  }
  return out;
}

const results = [];
for (const set of sets) {
  for (const { models, config } of runs) {
    const t0 = Date.now();
    const lines = cliRun(models, config, set.frames.map((f) => f.path));
    results.push({ set, label: models ? `models ${models}, ` : '', config, lines, seconds: (Date.now() - t0) / 1000 });
  }
}
if (browser && roFiles.length) results.push(...(await browserRuns()).map((r) => ({ ...r, set: sets[0] })));

for (const { set, label, config, lines, seconds } of results) {
  const frames = set.frames;
  let labelled = 0;
  let found = 0;
  let unmatched = 0;
  let onUnlabelled = 0;
  const strays = []; // results on things that are not plates (--show-unmatched)
  let legible = 0;
  let exact = 0;
  let chars = 0;
  let charsOk = 0;
  // region: of the found plates with a labelled region, the country right (code before '-'), and the state where
  // the label names one
  const region = { n: 0, country: 0, stateN: 0, state: 0, wrong: [] };
  // the reader's score against exactness of the found legible plates, in score bins (is threshold_o well placed?)
  const binEdges = [0, 0.6, 0.8, 0.9, 0.95];
  const bins = binEdges.map(() => [0, 0]);
  const misreads = [];
  frames.forEach((f, i) => {
    const res = lines[i]?.results ?? [];
    const used = new Set();
    f.plates.forEach((box, k) => {
      labelled++;
      let best = -1;
      let bestIou = 0.5;
      res.forEach((p, j) => {
        const v = iou(box, [p.box.xmin, p.box.ymin, p.box.xmax, p.box.ymax]);
        if (!used.has(j) && v >= bestIou) {
          best = j;
          bestIou = v;
        }
      });
      const label = f.texts[k];
      if (best >= 0) {
        used.add(best);
        found++;
      }
      if (label?.region && best >= 0) {
        const got = res[best].region?.code ?? '';
        region.n++;
        if (country(got) === country(label.region)) region.country++;
        else region.wrong.push(`${label.text} ${label.region} -> ${got}`);
        if (label.region.includes('-')) {
          region.stateN++;
          if (got === label.region) region.state++;
        }
      }
      if (label?.legible && label.text) {
        legible++;
        const got = best >= 0 ? res[best].plate.toUpperCase() : '';
        if (best >= 0) {
          const b = bins[binEdges.findLastIndex((e) => res[best].score >= e)];
          b[0]++;
          if (got === label.text) b[1]++;
        }
        if (got === label.text) exact++;
        else misreads.push(`${label.text} -> ${got || '(missed)'}`);
        chars += label.text.length;
        for (let c = 0; c < label.text.length; c++) if (got[c] === label.text[c]) charsOk++;
      }
    });
    unmatched += res.length - used.size;
    res.forEach((p, j) => {
      const b = [p.box.xmin, p.box.ymin, p.box.xmax, p.box.ymax];
      if (used.has(j)) return;
      const onPlate = (f.unlabelled ?? []).some((u) => iou(u, b) >= 0.3);
      if (onPlate) onUnlabelled++;
      else if (showUnmatched) strays.push(`${basename(f.path)} ${JSON.stringify(p.box)} "${p.plate}" score ${p.score} dscore ${p.dscore}`);
    });
  });
  console.log(`${set.name}: ${label}config ${config}: ${frames.length} photos, ${labelled} labelled plates, ${seconds.toFixed(1)} s`);
  console.log(`  plate recall@0.5 ${(found / labelled).toFixed(3)} (${found}/${labelled})`);
  console.log(`  results matching no labelled plate: ${(unmatched / frames.length).toFixed(2)} per image (${unmatched})`);
  if (frames.some((f) => f.unlabelled)) {
    const other = unmatched - onUnlabelled;
    console.log(
      `    of which on real plates without a label (training/detector/unlabelled_plates.jsonl): ${onUnlabelled}; ` +
        `the rest: ${(other / frames.length).toFixed(2)} per image (${other})`,
    );
  }
  for (const s of strays) console.log(`      ${s}`);
  if (legible) console.log(`  legible plates read exactly: ${(exact / legible).toFixed(3)} (${exact}/${legible}); characters ${(charsOk / chars).toFixed(3)}`);
  if (legible) {
    const cells = binEdges.map((e, k) => `${e}–${binEdges[k + 1] ?? 1}: ${bins[k][1]}/${bins[k][0]}`);
    console.log(`  read exactly by score (the found legible plates): ${cells.join(', ')}`);
  }
  if (region.n) {
    const st = region.stateN ? `; state right ${region.state}/${region.stateN} of those with a state` : '';
    console.log(`  region of the found plates: country right ${(region.country / region.n).toFixed(3)} (${region.country}/${region.n})${st}`);
    if (region.wrong.length) console.log(`    wrong: ${region.wrong.slice(0, 12).join(', ')}${region.wrong.length > 12 ? ', ...' : ''}`);
  }
  if (misreads.length) console.log(`  misses: ${misreads.slice(0, Number(process.env.MISSES || 12)).join(', ')}${misreads.length > 12 ? ', ...' : ''}`);
}
