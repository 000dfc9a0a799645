// The pipeline's logic on a fake ORT whose detector and reader answer from the pixels they are given, so the
// modes, thresholds, coordinate mapping and response shape are checked exactly. The real models are exercised
// in pipeline.models.test.ts.
import { describe, expect, it } from 'vitest';
import { parseRequest, type RequestInput } from '../api/options';
import type { PlateReaderResponse } from '../api/types';
import { detectionSizes, PlateEngine } from './pipeline';
import type { ModelBundle, ModelManifest } from './models';
import type { OrtModule } from './session';
import type { RgbaImage } from './preprocess';

const W = 800;
const H = 600;
const PLATE = { xmin: 300, ymin: 400, xmax: 500, ymax: 450 }; // white: read confidently
const FAINT = { xmin: 40, ymin: 40, xmax: 100, ymax: 70 }; // grey: weak detection, unsure reading

function scene(): RgbaImage {
  const data = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const inside = (b: typeof PLATE) => x >= b.xmin && x < b.xmax && y >= b.ymin && y < b.ymax;
      const v = inside(PLATE) ? 255 : inside(FAINT) ? 100 : 0;
      data.set([v, v, v, 255], (y * W + x) * 4);
    }
  }
  return { width: W, height: H, data };
}

const ALPHABET = 'AB12';
const SLOTS = 4;

function fakeOrt(calls: { detector: number[][]; ocrBatch: number[] }): OrtModule {
  class Tensor {
    constructor(
      readonly type: string,
      readonly data: Uint8Array | Float32Array,
      readonly dims: number[],
    ) {}
  }
  const detector = {
    async run(feeds: Record<string, Tensor>) {
      const [, fh, fw] = feeds.image.dims;
      calls.detector.push([fh, fw]);
      // The photo is landscape and every size is a multiple of 32, so the frame's width is the scaled width.
      const f = fw / W;
      const gh = fh / 8;
      const gw = fw / 8;
      const scores = new Float32Array(gh * gw);
      const boxes = new Float32Array(4 * gh * gw);
      const put = (b: typeof PLATE, score: number) => {
        const cx = ((b.xmin + b.xmax) / 2) * f;
        const cy = ((b.ymin + b.ymax) / 2) * f;
        const x = Math.floor(cx / 8);
        const y = Math.floor(cy / 8);
        const i = y * gw + x;
        const ccx = (x + 0.5) * 8;
        const ccy = (y + 0.5) * 8;
        scores[i] = score;
        boxes[i] = ccx - b.xmin * f;
        boxes[gh * gw + i] = ccy - b.ymin * f;
        boxes[2 * gh * gw + i] = b.xmax * f - ccx;
        boxes[3 * gh * gw + i] = b.ymax * f - ccy;
      };
      put(PLATE, 0.9);
      put(FAINT, 0.15);
      return {
        scores: new Tensor('float32', scores, [1, 1, gh, gw]),
        boxes: new Tensor('float32', boxes, [1, 4, gh, gw]),
      };
    },
    async release() {},
  };
  const ocr = {
    async run(feeds: Record<string, Tensor>) {
      const [n, h, w] = feeds.image.dims;
      calls.ocrBatch.push(n);
      const classes = ALPHABET.length + 1;
      const chars = new Float32Array(n * SLOTS * classes);
      const region = new Float32Array(n * 2);
      for (let k = 0; k < n; k++) {
        const crop = feeds.image.data.subarray(k * h * w * 3, (k + 1) * h * w * 3);
        let sum = 0;
        for (const v of crop) sum += v;
        const bright = sum / crop.length > 128;
        // bright: "AB12" at 0.95 per slot; dim: "BA21" at 0.5 per slot
        const text = bright ? [0, 1, 2, 3] : [1, 0, 3, 2];
        const p = bright ? 0.95 : 0.5;
        for (let s = 0; s < SLOTS; s++) {
          for (let c = 0; c < classes; c++) {
            chars[(k * SLOTS + s) * classes + c] = c === text[s] ? p : (1 - p) / (classes - 1);
          }
        }
        region.set([0.8, 0.2], k * 2);
      }
      return { chars: new Tensor('float32', chars, [n, SLOTS, classes]), region: new Tensor('float32', region, [n, 2]) };
    },
    async release() {},
  };
  const InferenceSession = {
    async create(bytes: Uint8Array) {
      return bytes[0] === 1 ? detector : ocr;
    },
  };
  return { InferenceSession, Tensor } as unknown as OrtModule;
}

const entry = <S>(file: string, config: S) => ({ file, bytes: 1, sha256: '0'.repeat(64), version: '1', sidecar: '', config });
const manifest: ModelManifest = {
  version: 'test',
  models: {
    detector: entry('detector.onnx', {
      name: 'detector',
      version: '1',
      input: 'image',
      outputs: ['scores', 'boxes'],
      stride: 8,
      input_multiple: 32,
      sizes: { fast: 480, default: 640 },
    }),
    ocr: entry('ocr.onnx', {
      name: 'ocr',
      version: '1',
      input: 'image',
      outputs: ['chars', 'region'],
      height: 16,
      width: 40,
      slots: SLOTS,
      alphabet: ALPHABET,
      crop_pad: [0, 0] as [number, number],
      regions: ['de', 'fr'],
    }),
  },
};
const bundle: ModelBundle = { manifest, detector: Uint8Array.of(1), ocr: Uint8Array.of(2) };

async function run(input: Omit<RequestInput, 'filename'>, models: ModelBundle = bundle) {
  const calls = { detector: [] as number[][], ocrBatch: [] as number[] };
  const engine = await PlateEngine.create(fakeOrt(calls), models, { executionProviders: ['wasm'] });
  const req = parseRequest({ ...input, filename: 'scene.png' });
  const out = await engine.recognize(scene(), req, { decodeMs: 5, now: new Date('2026-01-02T03:04:05Z') });
  return { ...out, calls, engine };
}

describe('PlateEngine.recognize (fake models)', () => {
  it('reads the plate, maps its box to photo pixels and shapes the API response', async () => {
    const { response, timings, calls, engine } = await run({});
    const r = response as PlateReaderResponse;
    expect(engine.backend).toBe('wasm');
    expect(Object.keys(r)).toEqual(['processing_time', 'results', 'filename', 'version', 'camera_id', 'timestamp']);
    expect(r.filename).toBe('scene.png');
    expect(r.timestamp).toMatch(/^2026-01-02T03:04:05(\.0+)?Z$/);
    expect(r.results).toHaveLength(1); // the faint one is below threshold_d 0.2
    const p = r.results[0];
    expect(p.plate).toBe('ab12');
    expect(p.box).toEqual(PLATE);
    expect(p.dscore).toBe(0.9);
    expect(p.score).toBeCloseTo((0.95 ** 4) ** (1 / 2), 3); // 4 characters: P^(1/sqrt 4)
    expect(p.candidates[0]).toEqual({ score: p.score, plate: 'ab12' });
    expect(p.candidates.length).toBeGreaterThanOrEqual(3);
    expect(p.vehicle).toEqual({ score: 0, type: 'Unknown', box: { xmin: 0, ymin: 0, xmax: 0, ymax: 0 } });
    // one OCR call for the photo; one detection pass (800 px < 1.5 × 640)
    expect(calls.ocrBatch).toEqual([1]);
    expect(calls.detector).toEqual([[480, 640]]);
    expect(timings.decode).toBe(5);
    expect(r.processing_time).toBeGreaterThanOrEqual(5);
    for (const k of ['detect', 'read', 'shape'] as const) expect(timings[k]).toBeGreaterThanOrEqual(0);
  });

  it('normal mode takes a second, larger look at a large photo and merges the boxes found twice', async () => {
    const det = manifest.models.detector;
    const small: ModelBundle = {
      ...bundle,
      manifest: {
        ...manifest,
        models: { ...manifest.models, detector: { ...det, config: { ...det.config, sizes: { fast: 480, default: 512 } } } },
      },
    };
    const { calls, response } = await run({}, small);
    expect(calls.detector).toEqual([
      [384, 512],
      [576, 768],
    ]);
    const r = response as PlateReaderResponse;
    expect(r.results).toHaveLength(1);
    expect(r.results[0].box).toEqual(PLATE);
    expect(calls.ocrBatch).toEqual([1]);
  });

  it('fast mode makes one detection pass at the fast size', async () => {
    const { calls, response } = await run({ config: { mode: 'fast' } });
    expect(calls.detector).toEqual([[384, 480]]);
    expect((response as PlateReaderResponse).results.map((x) => x.plate)).toEqual(['ab12']);
  });

  it('redaction mode keeps detections down to half of threshold_d', async () => {
    const { response, calls } = await run({ config: { mode: 'redaction', threshold_o: 0 } });
    const r = response as PlateReaderResponse;
    expect(calls.ocrBatch).toEqual([2]); // both plates in one batch
    expect(r.results.map((x) => x.plate)).toEqual(['ab12', 'ba21']);
    expect(r.results[1].box).toEqual(FAINT);
    expect(r.results[1].dscore).toBe(0.15);
  });

  it('threshold_d and threshold_o filter detections and readings', async () => {
    const low = await run({ config: { threshold_d: 0.1, threshold_o: 0 } });
    expect((low.response as PlateReaderResponse).results).toHaveLength(2);
    const strictOcr = await run({ config: { threshold_o: 0.95 } }); // the plate scores 0.9025
    expect((strictOcr.response as PlateReaderResponse).results).toHaveLength(0);
    const strictDet = await run({ config: { threshold_d: 0.95 } });
    expect((strictDet.response as PlateReaderResponse).results).toHaveLength(0);
    expect(strictDet.calls.ocrBatch).toEqual([]); // no plate, no OCR call
  });

  it('region: "strict" drops readings that fit none of the text_formats', async () => {
    const { response } = await run({ config: { region: 'strict', text_formats: ['[0-9]{6}'] } });
    expect((response as PlateReaderResponse).results).toHaveLength(0);
    const fits = await run({ config: { region: 'strict', text_formats: ['[a-z]{2}[0-9]{2}'] } });
    expect((fits.response as PlateReaderResponse).results.map((x) => x.plate)).toEqual(['ab12']);
  });

  it('warmup runs each model once on blank input', async () => {
    const calls = { detector: [] as number[][], ocrBatch: [] as number[] };
    const engine = await PlateEngine.create(fakeOrt(calls), bundle, { executionProviders: ['wasm'] });
    expect(await engine.warmup()).toBeGreaterThanOrEqual(0);
    expect(calls.detector).toEqual([[480, 640]]);
    expect(calls.ocrBatch).toEqual([1]);
  });

  it('rejects pixel data that does not match the size', async () => {
    const calls = { detector: [] as number[][], ocrBatch: [] as number[] };
    const engine = await PlateEngine.create(fakeOrt(calls), bundle, { executionProviders: ['wasm'] });
    const req = parseRequest({ filename: 'bad.png' });
    await expect(engine.recognize({ width: 10, height: 10, data: new Uint8Array(12) }, req)).rejects.toThrow(/bad\.png/);
  });
});

describe('detectionSizes', () => {
  const cfg = manifest.models.detector.config;
  it('adds a second, larger look only for photos large enough to need it', () => {
    expect(detectionSizes(cfg, 'fast', 4000)).toEqual([480]);
    expect(detectionSizes(cfg, 'normal', 300)).toEqual([384]); // a small photo: enlarged to MIN_DETECTION_SIZE only
    expect(detectionSizes(cfg, 'fast', 300)).toEqual([384]); // fast mode too
    expect(detectionSizes(cfg, 'normal', 360)).toEqual([384]);
    expect(detectionSizes(cfg, 'fast', 420)).toEqual([448]); // the photo's own size when under the fast size
    expect(detectionSizes(cfg, 'normal', 500)).toEqual([512]); // the photo's own size, to a multiple of 32
    expect(detectionSizes(cfg, 'normal', 700)).toEqual([640]);
    expect(detectionSizes(cfg, 'normal', 950)).toEqual([640]);
    expect(detectionSizes(cfg, 'normal', 1000)).toEqual([640, 960]);
    expect(detectionSizes({ ...cfg, sizes: { ...cfg.sizes, default: 960 } }, 'normal', 1280)).toEqual([960]);
    expect(detectionSizes({ ...cfg, sizes: { ...cfg.sizes, default: 960 } }, 'normal', 800)).toEqual([800]);
    expect(detectionSizes({ ...cfg, sizes: { ...cfg.sizes, default: 960 } }, 'normal', 2560)).toEqual([960, 1440]);
    expect(detectionSizes(cfg, 'normal', 4000)).toEqual([640, 960]);
    expect(detectionSizes({ ...cfg, sizes: { ...cfg.sizes, large: 1280 } }, 'normal', 4000)).toEqual([640, 1280]);
    expect(detectionSizes({ ...cfg, sizes: { ...cfg.sizes, large: 960 } }, 'redaction', 4000)).toEqual([640, 960]);
  });
});
