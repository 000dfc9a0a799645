#!/usr/bin/env node
// What a fresh session's first runs cost: models/detector.onnx on onnxruntime-web's WASM backend under Node, one
// thread, wall and CPU time per run. `node bench/first-runs.mjs` warms up at 960×736 (the engine's 4:3 warm-up)
// then reads 960×544 (16:9 photos); `node bench/first-runs.mjs small` warms up at 320×192 instead.
import * as ort from 'onnxruntime-web';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

ort.env.wasm.numThreads = 1;
const model = readFileSync(fileURLToPath(new URL('../models/detector.onnx', import.meta.url)));
const s = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
const feeds = (h, w) => ({ image: new ort.Tensor('uint8', new Uint8Array(h * w * 3), [1, h, w, 3]) });
const warm = process.argv[2] === 'small' ? [192, 320] : [736, 960];
for (const [h, w] of [warm, warm, [544, 960], [544, 960], [544, 960]]) {
  const c0 = process.cpuUsage();
  const t = performance.now();
  await s.run(feeds(h, w));
  const c = process.cpuUsage(c0);
  console.log(`${w}x${h}: ${(performance.now() - t).toFixed(0)} ms wall, ${((c.user + c.system) / 1000).toFixed(0)} ms cpu`);
}
