// Time models/detector.onnx on onnxruntime-web (WASM) under Node.
// node training/detector/bench.mjs [model] [threads...]
import * as ort from 'onnxruntime-web';
import { readFileSync } from 'node:fs';

const model = process.argv[2] || new URL('../../models/detector.onnx', import.meta.url).pathname;
const threadsList = (process.argv.slice(3).length ? process.argv.slice(3) : ['1', '2']).map(Number);
const sizes = [[384, 640], [544, 960], [736, 1280]];
const bytes = readFileSync(model);
const RUNS = 15;
// Medians on a shared machine are noisy: min_ms is the closer figure for an idle CPU.
const rows = [];
for (const threads of threadsList) {
  ort.env.wasm.numThreads = threads;
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  for (const [h, w] of sizes) {
    const data = new Uint8Array(h * w * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
    const feeds = { image: new ort.Tensor('uint8', data, [1, h, w, 3]) };
    for (let i = 0; i < 5; i++) await session.run(feeds);
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const out = await session.run(feeds);
      times.push(performance.now() - t0);
      if (i === 0 && threads === threadsList[0]) {
        console.error(`${w}x${h}: scores ${out.scores.dims} boxes ${out.boxes.dims}`);
      }
    }
    times.sort((a, b) => a - b);
    rows.push({ threads, input: `${w}x${h}`, median_ms: +times[RUNS >> 1].toFixed(1), min_ms: +times[0].toFixed(1) });
  }
  await session.release();
}
console.table(rows);
console.log(JSON.stringify(rows));
