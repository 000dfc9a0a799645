#!/usr/bin/env node
// Times models/detector.onnx on onnxruntime-web's WASM backend under Node for a grid of thread counts and session
// options, side by side, so the options that pay can be kept (src/engine/session.ts). Each config runs in its
// own process (ORT reads env.wasm.numThreads once, when its WASM module starts), configs interleaved over
// `--rounds` rounds so a load spike on a shared machine hits them all alike. Prints min and median per config.
//
//   node bench/ort-options.mjs [--rounds 3] [--runs 10] [--only name,name]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const model = fileURLToPath(new URL('../models/detector.onnx', import.meta.url));
const args = process.argv.slice(2);
const opt = (k, d) => (args.includes(k) ? args[args.indexOf(k) + 1] : d);
const ROUNDS = Number(opt('--rounds', 3));
const RUNS = Number(opt('--runs', 10));
const SIZES = [
  [544, 960],
  [384, 640],
];
const noSpin = { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } };

/** name -> [threads, session options] */
const CONFIGS = {
  't1': [1, {}],
  't2': [2, {}],
  't2-nospin': [2, { extra: noSpin }],
  't1-nospin': [1, { extra: noSpin }],
  't2-basic': [2, { graphOptimizationLevel: 'basic' }],
  't2-nomempattern': [2, { enableMemPattern: false }],
  't2-noarena': [2, { enableCpuMemArena: false }],
  't2-parallel': [2, { executionMode: 'parallel' }],
  't2-nospin-fixed': [2, { extra: noSpin, freeDimensionOverrides: { H: 544, W: 960 } }],
};

async function child(name) {
  const ort = await import('onnxruntime-web');
  const [threads, extraOpts] = CONFIGS[name];
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'error';
  const session = await ort.InferenceSession.create(readFileSync(model), {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    ...extraOpts,
  });
  const sizes = extraOpts.freeDimensionOverrides ? SIZES.slice(0, 1) : SIZES;
  const feedsOf = ([h, w]) => {
    const data = new Uint8Array(h * w * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
    return { image: new ort.Tensor('uint8', data, [1, h, w, 3]) };
  };
  for (const hw of sizes) for (let i = 0; i < 3; i++) await session.run(feedsOf(hw));
  const out = {};
  for (const hw of sizes) {
    const feeds = feedsOf(hw);
    const times = [];
    const c0 = process.cpuUsage();
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await session.run(feeds);
      times.push(performance.now() - t0);
    }
    const c = process.cpuUsage(c0);
    out[`${hw[1]}x${hw[0]}`] = { times, cpu: (c.user + c.system) / 1000 / RUNS };
  }
  await session.release();
  return out;
}

if (process.env.ORT_OPTIONS_CHILD) {
  console.log(JSON.stringify(await child(process.env.ORT_OPTIONS_CHILD)));
  process.exit(0);
} else {
  const only = opt('--only', '');
  const names = only ? only.split(',') : Object.keys(CONFIGS);
  const times = {};
  const cpu = {};
  for (let r = 0; r < ROUNDS; r++) {
    for (const name of names) {
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url)], {
        env: { ...process.env, ORT_OPTIONS_CHILD: name },
        encoding: 'utf8',
      });
      const res = JSON.parse(out.trim().split('\n').pop());
      for (const [size, t] of Object.entries(res)) {
        (times[`${name}|${size}`] ??= []).push(...t.times);
        (cpu[`${name}|${size}`] ??= []).push(t.cpu);
      }
      process.stderr.write(`round ${r + 1}: ${name} done\n`);
    }
  }
  const rows = Object.entries(times).map(([k, t]) => {
    const [name, size] = k.split('|');
    t.sort((a, b) => a - b);
    const c = cpu[k].reduce((a, b) => a + b, 0) / cpu[k].length;
    // cpu_ms: CPU time of the whole process (all ORT threads) per run, mean: spinning threads show up here.
    return { config: name, input: size, min_ms: +t[0].toFixed(1), median_ms: +t[t.length >> 1].toFixed(1), cpu_ms: +c.toFixed(1), n: t.length };
  });
  rows.sort((a, b) => a.input.localeCompare(b.input) || a.median_ms - b.median_ms);
  console.table(rows);
  console.log(JSON.stringify(rows));
}
