// Check models/ocr.onnx against its sidecar and time it on onnxruntime-web (WASM, 1 thread) under Node.
// node training/ocr/check_onnx.mjs [models/ocr.onnx] [batch=8] [threads=1]
import * as ort from 'onnxruntime-web';
import { readFileSync } from 'node:fs';

const model = process.argv[2] || new URL('../../models/ocr.onnx', import.meta.url).pathname;
const batch = Number(process.argv[3] || 8);
const side = JSON.parse(readFileSync(model.replace(/\.onnx$/, '.json'), 'utf8'));
const threads = Number(process.argv[4] || 1);
ort.env.wasm.numThreads = threads;
const session = await ort.InferenceSession.create(readFileSync(model), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
const { height: h, width: w } = side;
const data = new Uint8Array(batch * h * w * 3);
for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
const feeds = { [side.input]: new ort.Tensor('uint8', data, [batch, h, w, 3]) };
const out = await session.run(feeds);
const chars = out.chars;
if (chars.dims.join() !== [batch, side.slots, side.alphabet.length + 1].join()) throw new Error(`chars dims ${chars.dims}`);
if (out.region && out.region.dims.join() !== [batch, side.regions.length].join()) throw new Error(`region dims ${out.region.dims}`);
let s = 0; for (let i = 0; i < side.alphabet.length + 1; i++) s += chars.data[i];
if (Math.abs(s - 1) > 1e-3) throw new Error(`slot 0 does not sum to 1: ${s}`);
for (let i = 0; i < 5; i++) await session.run(feeds);
// Wall time, and the process's CPU time (user + system): on a shared, loaded machine the wall time includes waiting
// for a core, the CPU time does not; with one WASM thread the CPU time is the cost of the inference itself (with more,
// it is the sum over the threads, spinning included).
const times = [], cpus = [];
for (let i = 0; i < 20; i++) {
  const c0 = process.cpuUsage(); const t0 = performance.now();
  await session.run(feeds);
  times.push(performance.now() - t0);
  const c = process.cpuUsage(c0); cpus.push((c.user + c.system) / 1000);
}
times.sort((a, b) => a - b); cpus.sort((a, b) => a - b);
const med = times[10], cmed = cpus[10];
console.log(`ocr.onnx ${w}x${h} slots=${side.slots} regions=${side.regions.length}: batch ${batch}, ${threads} thread${threads > 1 ? 's' : ''} WASM: ` +
  `wall median ${(med / batch).toFixed(2)} ms / plate (min ${(times[0] / batch).toFixed(2)}), ` +
  `CPU median ${(cmed / batch).toFixed(2)} ms / plate (min ${(cpus[0] / batch).toFixed(2)})`);
