// Time models/detector.onnx on onnxruntime-web (WASM) under Node.
// node training/detector/bench.mjs [model] [threads...]
// ORT reads ort.env.wasm.numThreads once, when the WASM module starts, so each thread count runs in its own
// process. Each process first warms up (the WASM code tiers up during the first runs), then times 15 runs per size.
// On a shared machine medians are noisy: min_ms is the closer figure for an idle CPU.
import * as ort from 'onnxruntime-web';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const model = process.argv[2] || fileURLToPath(new URL('../../models/detector.onnx', import.meta.url));
const threadsList = (process.argv.slice(3).length ? process.argv.slice(3) : ['1', '2']).map(Number);
const sizes = [[384, 640], [544, 960], [736, 1280]];
const RUNS = 15;

async function one(threads) {
  ort.env.wasm.numThreads = threads;
  const session = await ort.InferenceSession.create(readFileSync(model), { executionProviders: ['wasm'] });
  const feedsOf = ([h, w]) => {
    const data = new Uint8Array(h * w * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
    return { image: new ort.Tensor('uint8', data, [1, h, w, 3]) };
  };
  for (const hw of sizes) for (let i = 0; i < 5; i++) await session.run(feedsOf(hw));
  const rows = [];
  for (const [h, w] of sizes) {
    const feeds = feedsOf([h, w]);
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await session.run(feeds);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    rows.push({ threads, input: `${w}x${h}`, median_ms: +times[RUNS >> 1].toFixed(1), min_ms: +times[0].toFixed(1) });
  }
  return rows;
}

if (process.env.DET_BENCH_CHILD) {
  console.log(JSON.stringify(await one(Number(process.env.DET_BENCH_CHILD))));
} else {
  const rows = [];
  for (const t of threadsList) {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), model],
      { env: { ...process.env, DET_BENCH_CHILD: String(t) }, encoding: 'utf8' });
    rows.push(...JSON.parse(out.trim().split('\n').pop()));
  }
  console.table(rows);
  console.log(JSON.stringify(rows));
}
