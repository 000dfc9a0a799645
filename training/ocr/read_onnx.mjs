// Read uint8 crops [N, H, W, 3] with models/ocr.onnx in onnxruntime-web (WASM) and print the readings as JSON.
// node training/ocr/read_onnx.mjs model.onnx crops.u8 crops.json   (used by training/ocr/evaluate.py --onnx)
import * as ort from 'onnxruntime-web';
import { readFileSync } from 'node:fs';

const [model, cropsPath, metaPath] = process.argv.slice(2);
const side = JSON.parse(readFileSync(model.replace(/\.onnx$/, '.json'), 'utf8'));
const { shape } = JSON.parse(readFileSync(metaPath, 'utf8'));
const all = new Uint8Array(readFileSync(cropsPath));
ort.env.wasm.numThreads = 1;
const session = await ort.InferenceSession.create(readFileSync(model), { executionProviders: ['wasm'] });
const [n, h, w, c] = shape;
const per = h * w * c;
const k = side.alphabet.length + 1;
const out = [];
for (let i = 0; i < n; i += 64) {
  const b = Math.min(64, n - i);
  const t = new ort.Tensor('uint8', all.subarray(i * per, (i + b) * per), [b, h, w, c]);
  const res = await session.run({ [side.input]: t });
  const p = res.chars.data;
  for (let j = 0; j < b; j++) {
    let s = '';
    for (let q = 0; q < side.slots; q++) {
      let best = 0;
      for (let z = 1; z < k; z++) if (p[(j * side.slots + q) * k + z] > p[(j * side.slots + q) * k + best]) best = z;
      if (best < side.alphabet.length) s += side.alphabet[best];
    }
    out.push(s);
  }
}
console.log(JSON.stringify(out));
