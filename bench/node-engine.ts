// The CLI's path under Node (sharp decode + the same PlateEngine on onnxruntime-web's WASM), timed per stage.
// Bundled by bench/run.js with Vite's SSR build, like bin/alpr.js bundles the CLI.
import * as ort from 'onnxruntime-web';
import { parseRequest } from '../src/api/options';
import { PlateEngine } from '../src/engine';
import { decodeImage } from '../src/cli/decode';
import { loadModelsFromDir } from '../src/cli/models';

export async function runNode(
  modelsDir: string,
  threads: number,
  images: { name: string; bytes: Uint8Array }[],
  config: Record<string, unknown>,
  iterations: number,
) {
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'error';
  const t0 = performance.now();
  const engine = await PlateEngine.create(ort, await loadModelsFromDir(modelsDir), { executionProviders: ['wasm'] });
  const initMs = performance.now() - t0;
  const rows = [];
  for (const im of images) {
    const req = parseRequest({ config, filename: im.name });
    for (let i = -1; i < iterations; i++) {
      const a = performance.now();
      const image = await decodeImage(im.bytes, im.name);
      const decode = performance.now() - a;
      const { response, timings } = await engine.recognize(image, req, { decodeMs: decode });
      const total = performance.now() - a;
      if (i >= 0) rows.push({ name: im.name, total, decode, detect: timings.detect, read: timings.read, shape: timings.shape, plates: response.results.length });
    }
  }
  await engine.dispose();
  return { initMs, rows };
}
