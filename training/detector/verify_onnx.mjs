// node training/detector/verify_onnx.mjs model.onnx input.bin H W  -> /tmp/det_scores.bin, /tmp/det_boxes.bin
import * as ort from 'onnxruntime-web';
import { readFileSync, writeFileSync } from 'node:fs';

const [model, input, h, w] = process.argv.slice(2);
ort.env.wasm.numThreads = 1;
const session = await ort.InferenceSession.create(readFileSync(model));
const data = new Uint8Array(readFileSync(input));
const out = await session.run({ image: new ort.Tensor('uint8', data, [1, +h, +w, 3]) });
writeFileSync('/tmp/det_scores.bin', Buffer.from(out.scores.data.buffer));
writeFileSync('/tmp/det_boxes.bin', Buffer.from(out.boxes.data.buffer));
console.log(session.inputNames, session.outputNames, out.scores.dims, out.boxes.dims);
