#!/usr/bin/env node
// Two or more folders of models timed side by side on onnxruntime-web's WASM backend under Node: every folder's
// detector and reader are loaded in one process per thread count, and their runs alternate (A, B, A, B, ...), so a
// slow spell of this shared VM falls on all of them alike. Prints median and min ms per run of the detector at
// the fast and default inputs (the folder's detector.json sizes; 640×384 and 960×544 for the shipped models) of a
// 1280×720 photo (the first pass only: a second look, which src/engine/pipeline.ts adds when the photo's long side
// is 1.5 × the default size or more and sizes.large allows, is not timed), and per plate of the reader at batch 1 (one
// plate in the photo) and 8.
//
//   node bench/compare-models.mjs --models models --models /tmp/other [--threads 1,2] [--runs 40]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (k, d) => (args.includes(k) ? args[args.indexOf(k) + 1] : d);
const dirs = args.flatMap((a, i) => (a === '--models' ? [args[i + 1]] : []));
if (dirs.length === 0) dirs.push(fileURLToPath(new URL('../models', import.meta.url)));
const threadsList = opt('--threads', '1,2').split(',').map(Number);
const RUNS = Number(opt('--runs', 40));
const WARM = 5;
const OCR_BATCH = 8;

function noise(n) {
  const data = new Uint8Array(n);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  return data;
}

async function child(threads) {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = threads;
  const jobs = [];
  for (const dir of dirs) {
    const det = await ort.InferenceSession.create(readFileSync(join(dir, 'detector.onnx')), { executionProviders: ['wasm'] });
    const { sizes, input_multiple: m = 32 } = JSON.parse(readFileSync(join(dir, 'detector.json'), 'utf8'));
    for (const mode of ['fast', 'default']) {
      // the input the engine gives the detector for a 1280×720 photo: long side = the mode's size, padded to m
      const w = Math.ceil(sizes[mode] / m) * m;
      const h = Math.ceil(Math.round((720 * sizes[mode]) / 1280) / m) * m;
      const feeds = { image: new ort.Tensor('uint8', noise(h * w * 3), [1, h, w, 3]) };
      jobs.push({ dir, what: `detector ${mode} ${w}x${h}`, session: det, feeds, per: 1 });
    }
    const side = JSON.parse(readFileSync(join(dir, 'ocr.json'), 'utf8'));
    const ocr = await ort.InferenceSession.create(readFileSync(join(dir, 'ocr.onnx')), { executionProviders: ['wasm'] });
    for (const n of [1, OCR_BATCH]) {
      const feeds = { [side.input]: new ort.Tensor('uint8', noise(n * side.height * side.width * 3),
        [n, side.height, side.width, 3]) };
      jobs.push({ dir, what: `reader, per plate (batch ${n})`, session: ocr, feeds, per: n });
    }
  }
  for (const j of jobs) for (let i = 0; i < WARM; i++) await j.session.run(j.feeds);
  for (const j of jobs) j.times = [];
  for (let r = 0; r < RUNS; r++) {
    for (const j of jobs) {
      const t0 = performance.now();
      await j.session.run(j.feeds);
      j.times.push((performance.now() - t0) / j.per);
    }
  }
  return jobs.map(({ dir, what, times }) => {
    times.sort((a, b) => a - b);
    return { threads, what, models: dir, median_ms: +times[times.length >> 1].toFixed(2), min_ms: +times[0].toFixed(2) };
  });
}

if (process.env.COMPARE_CHILD) {
  console.log(JSON.stringify(await child(Number(process.env.COMPARE_CHILD))));
} else {
  const rows = [];
  // ORT reads numThreads once, when its WASM module starts: one process per thread count
  for (const t of threadsList) {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), ...args],
      { env: { ...process.env, COMPARE_CHILD: String(t) }, encoding: 'utf8' });
    rows.push(...JSON.parse(out.trim().split('\n').pop()));
  }
  rows.sort((a, b) => a.threads - b.threads || a.what.localeCompare(b.what));
  console.table(rows);
  console.log(JSON.stringify(rows));
}
