#!/usr/bin/env node
// Per-layer cost of models/detector.onnx on onnxruntime-web's WASM backend (the browser's kernels) under Node:
// ORT's own profiler (session option enableProfiling; the WASM build prints its events to the console), for
// 960×544 (default mode) and 640×384 (fast mode), 1 and 2 threads.
//
// Each node's cost is its minimum over the timed runs: on a shared machine a run is often preempted, and the
// minimum is the closest figure to an idle CPU. The profiler itself adds overhead per node, so compare layers,
// not the total with `npm run bench`.
//
//   node bench/profile-detector.mjs [--runs 25] [--threads 1,2] [--json bench/detector-profile.json]
//     [--model other.onnx] (another detector graph, e.g. the int8 experiment of training/detector/int8_speed.py)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (k, d) => (args.includes(k) ? args[args.indexOf(k) + 1] : d);
const model = opt('--model', fileURLToPath(new URL('../models/detector.onnx', import.meta.url)));
const RUNS = Number(opt('--runs', 25));
const WARM = 5;
const SIZES = [
  [544, 960],
  [384, 640],
];

async function child(threads, h, w) {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = threads;
  const session = await ort.InferenceSession.create(readFileSync(model), {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    enableProfiling: true,
  });
  const data = new Uint8Array(h * w * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  const feeds = { image: new ort.Tensor('uint8', data, [1, h, w, 3]) };
  for (let i = 0; i < WARM + RUNS; i++) await session.run(feeds);
  session.endProfiling(); // prints the events as JSON, one per line
}

/** Events printed by ORT's profiler -> per node: min kernel time (µs) over the runs after the warm-up. */
function aggregate(text) {
  const events = [];
  for (const line of text.split('\n')) {
    const l = line.trim().replace(/,$/, '');
    if (!l.startsWith('{"cat"')) continue;
    try {
      events.push(JSON.parse(l));
    } catch {
      /* not an event */
    }
  }
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run');
  const start = runs[WARM].ts;
  const nodes = new Map();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || e.ts < start) continue;
    const name = e.name.slice(0, -'_kernel_time'.length);
    const shape = (o) => Object.values(o)[0];
    const n = nodes.get(name) ?? { name, op: e.args.op_name, in: shape(e.args.input_type_shape[0]), out: shape(e.args.output_type_shape[0]), min: Infinity };
    n.min = Math.min(n.min, e.dur);
    nodes.set(name, n);
  }
  return [...nodes.values()].sort((a, b) => b.min - a.min);
}

/** The network's stage a node belongs to: the first part of its name (/stem/..., /s16/..., /head/...). */
const stageOf = (name) => (name.match(/^\/([^/]+)\//)?.[1] ?? name.replace(/^\//, '')).replace(/_\d+$/, '');

if (process.env.PROFILE_CHILD) {
  const [t, h, w] = process.env.PROFILE_CHILD.split(',').map(Number);
  await child(t, h, w);
  process.exit(0);
}

const threads = opt('--threads', '1,2').split(',').map(Number);
const report = {};
for (const [h, w] of SIZES) {
  for (const t of threads) {
    const text = execFileSync(process.execPath, [fileURLToPath(import.meta.url), ...args], {
      env: { ...process.env, PROFILE_CHILD: `${t},${h},${w}` },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const nodes = aggregate(text);
    const total = nodes.reduce((s, n) => s + n.min, 0);
    const stages = {};
    const ops = {};
    for (const n of nodes) {
      stages[stageOf(n.name)] = (stages[stageOf(n.name)] ?? 0) + n.min;
      ops[n.op] = (ops[n.op] ?? 0) + n.min;
    }
    const ms = (us) => +(us / 1000).toFixed(2);
    const key = `${w}x${h} ${t} thread${t > 1 ? 's' : ''}`;
    report[key] = {
      total_ms: ms(total),
      stages: Object.fromEntries(Object.entries(stages).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, ms(v)])),
      ops: Object.fromEntries(Object.entries(ops).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, ms(v)])),
      nodes: nodes.map((n) => ({ name: n.name, op: n.op, in: n.in, out: n.out, ms: ms(n.min) })),
    };
    console.log(`\n${key}: sum of per-node minima ${ms(total)} ms`);
    console.log('  by stage: ' + Object.entries(report[key].stages).map(([k, v]) => `${k} ${v} (${Math.round((100 * v * 1000) / total)}%)`).join(', '));
    console.log('  by op:    ' + Object.entries(report[key].ops).filter(([, v]) => v >= 0.05).map(([k, v]) => `${k} ${v}`).join(', '));
    console.log('  top layers:');
    for (const n of report[key].nodes.slice(0, 8)) console.log(`    ${String(n.ms).padStart(6)} ms  ${n.op.padEnd(10)} ${n.name}  ${JSON.stringify(n.in)} -> ${JSON.stringify(n.out)}`);
  }
}
const out = opt('--json', '');
if (out) writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), runs: RUNS, report }, null, 2) + '\n');
