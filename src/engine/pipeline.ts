// One photo through the models: detect -> crop -> read -> region rules -> the API's JSON.
//
// Modes (the request's config.mode):
// - "fast": one detection pass at the sidecar's `sizes.fast` (a smaller photo: at its own size, at least
//   MIN_DETECTION_SIZE).
// - "normal" (default): a pass at `sizes.default`, plus a second look at a larger size when the photo is large
//   enough that small plates shrink to a few pixels at the default size; detections of both passes are merged
//   by NMS (IoU 0.45), the better-scored box kept.
// - "redaction": as "normal", with the detection threshold halved (more candidates: fewer missed plates, more
//   false positives), which is what a blurring tool wants.
// There is no vehicle model yet: every finding carries `vehicle: null` and the shaper writes the API's
// "not found" convention.

import type { ApiError, EngineConfig, PlateReaderResponse, ReadRequest, VehicleModeResponse } from '../api/types';
import { shapeResponse, type PlateFinding } from '../api/shape';
import { resolvePlate } from './region';
import { calibrateScore, decodeDetections, nms, NMS_IOU, rawThreshold, type Detection } from './detect';
import type { DetectorSidecar, ModelBundle, ModelManifest } from './models';
import { readPlates, DEFAULT_TOP_N } from './ocr';
import { letterbox, type RgbaImage } from './preprocess';
import { SessionPair, type Backend, type OrtModule } from './session';

export interface EngineTimings {
  decode?: number;
  detect: number;
  read: number;
  shape: number;
}

export interface RecognizeResult {
  response: PlateReaderResponse | VehicleModeResponse;
  timings: EngineTimings;
}

export interface RecognizeOptions {
  /** Time already spent decoding the file (ms); added to `processing_time` and reported in timings. */
  decodeMs?: number;
  /** The time of reading, used when the request has no timestamp (tests pin it). */
  now?: Date;
}

export interface EngineOptions {
  /** Tried in order; the first where both models load is used. */
  executionProviders: Backend[];
  /** Candidates per plate (≥ 3). */
  topN?: number;
}

/**
 * "normal" mode adds the second look when the photo's long side is at least this × the default size. Measured
 * (docs/engine.md): on 1280×720 dashcam frames with a 960 default, a 1280 second look found nothing more and
 * doubled the detection time; on the same frames padded to 2560×1440 it raised recall from 0.58 to 0.84.
 */
export const SECOND_LOOK_MIN_RATIO = 1.5;
/**
 * The second look's size when the sidecar gives no `sizes.large`: 1.5 × default. Measured on held-out dashcam
 * frames (1280×720, docs/engine.md): 960 found more plates than 1280 (the detector was trained on plates of
 * the sizes a 640 frame shows; at 1280 near plates grow past them) and costs about half as much.
 */
export const LARGE_FACTOR = 1.5;

/** Error of an image the engine cannot read (API error shape via toJSON). */
export class ImageError extends Error {
  readonly code = 400;
  constructor(message: string) {
    super(message);
    this.name = 'ImageError';
  }
  toJSON(): ApiError {
    return { error: { code: this.code, message: this.message } };
  }
}

const now = (): number => globalThis.performance.now();

/**
 * The smallest detection size: a photo whose long side is smaller is enlarged to this, and no further. Measured on
 * the web-plates held-out photos (243 photos of 300×300 from many countries, 275 plates; `node bench/accuracy.js`'s
 * web set and the full held-out split, docs/engine.md "Small photos"): detecting them at 640, as before, found 80 %
 * of the plates with 0.40 unmatched boxes per photo (threshold_o 0), at 384 86 % with 0.13, at 320 83 % with 0.10;
 * with the API's default thresholds 27 % vs 34 % vs 32 % of the plates came out. Enlarging a close-up pushes its
 * plate past the sizes the detector learnt.
 */
export const MIN_DETECTION_SIZE = 384;

/** Long sides of the detection passes for a photo of `longSide` pixels. */
export function detectionSizes(cfg: DetectorSidecar, mode: EngineConfig['mode'], longSide: number): number[] {
  const m = cfg.input_multiple;
  // Never enlarge a photo past its own size (rounded up to the input multiple) beyond MIN_DETECTION_SIZE: enlarging
  // adds no detail, and the boxes come out too wide (a 360 px photo at 960 was misread).
  const own = Math.max(Math.ceil(MIN_DETECTION_SIZE / m) * m, Math.ceil(longSide / m) * m);
  if (mode === 'fast') return [Math.min(cfg.sizes.fast, own)];
  const first = Math.min(cfg.sizes.default, own);
  const large = cfg.sizes.large ?? Math.round((first * LARGE_FACTOR) / m) * m;
  if (longSide < first * SECOND_LOOK_MIN_RATIO) return [first];
  const second = Math.min(large, Math.ceil(longSide / m) * m);
  return second > first ? [first, second] : [first];
}

export class PlateEngine {
  private constructor(
    private readonly sessions: SessionPair,
    readonly manifest: ModelManifest,
    private readonly topN: number,
  ) {}

  static async create(ort: OrtModule, models: ModelBundle, opts: EngineOptions): Promise<PlateEngine> {
    const sessions = await SessionPair.create(ort, { detector: models.detector, ocr: models.ocr }, opts.executionProviders);
    return new PlateEngine(sessions, models.manifest, Math.max(3, opts.topN ?? DEFAULT_TOP_N));
  }

  /** The execution provider in use now (it can drop from webgpu to wasm after a failed run). */
  get backend(): Backend {
    return this.sessions.backend;
  }

  /** Why a provider was skipped or left, if one was. */
  get notes(): readonly string[] {
    return this.sessions.notes;
  }

  get modelsVersion(): string {
    return this.manifest.version;
  }

  /** Plate detections in photo pixels, with the mode's passes and threshold. */
  async detect(image: RgbaImage, config: Pick<EngineConfig, 'mode' | 'threshold_d'>): Promise<Detection[]> {
    const cfg = this.manifest.models.detector.config;
    const thresholdD = config.mode === 'redaction' ? config.threshold_d / 2 : config.threshold_d;
    // threshold_d and dscore are on the calibrated scale (detect.ts, calibrateScore); the graph gives raw scores.
    const threshold = rawThreshold(thresholdD, cfg.threshold);
    const all: Detection[] = [];
    for (const size of detectionSizes(cfg, config.mode, Math.max(image.width, image.height))) {
      const lb = letterbox(image, size, cfg.input_multiple);
      const input = this.sessions.tensor('uint8', lb.data, [1, lb.height, lb.width, 3]);
      const out = await this.sessions.run('detector', { [cfg.input || 'image']: input });
      const scores = out[cfg.outputs?.[0] ?? 'scores'] ?? out.scores;
      const boxes = out[cfg.outputs?.[1] ?? 'boxes'] ?? out.boxes;
      if (!scores || !boxes) throw new Error('detector model lacks "scores"/"boxes" outputs');
      const [, , gh, gw] = scores.dims as number[];
      all.push(
        ...decodeDetections({
          scores: scores.data as Float32Array,
          boxes: boxes.data as Float32Array,
          gh,
          gw,
          stride: cfg.stride,
          threshold,
          scaleX: lb.scaleX,
          scaleY: lb.scaleY,
          width: image.width,
          height: image.height,
        }),
      );
    }
    return nms(all, cfg.nms_iou ?? NMS_IOU).map((d) => ({ box: d.box, score: calibrateScore(d.score, cfg.threshold) }));
  }

  async recognize(image: RgbaImage, req: ReadRequest, opts: RecognizeOptions = {}): Promise<RecognizeResult> {
    checkImage(image, req.filename);
    const t0 = now();
    const dets = await this.detect(image, req.config);
    const t1 = now();
    const ocrCfg = this.manifest.models.ocr.config;
    const readings = dets.length ? await readPlates(this.sessions, image, dets, ocrCfg, this.topN) : [];
    const findings: PlateFinding[] = [];
    readings.forEach((r, i) => {
      const resolved = resolvePlate(r.candidates, r.lookProbs, req);
      if (!resolved.keep || resolved.score < req.config.threshold_o) return;
      findings.push({
        box: toSource(dets[i].box, image),
        dscore: dets[i].score,
        plate: resolved.plate,
        score: resolved.score,
        candidates: resolved.candidates,
        region: resolved.region,
        vehicle: null,
      });
    });
    const t2 = now();
    const decode = opts.decodeMs ?? 0;
    const response = shapeResponse(findings, req, decode + (t2 - t0), opts.now);
    const t3 = now();
    const timings: EngineTimings = { detect: t1 - t0, read: t2 - t1, shape: t3 - t2 };
    if (opts.decodeMs !== undefined) timings.decode = opts.decodeMs;
    return { response, timings };
  }

  /**
   * Runs both models once on a blank frame and crop, so that the first photo does not pay for kernel setup
   * and memory planning (shader compilation on WebGPU). Returns the time it took (ms).
   */
  async warmup(): Promise<number> {
    const t0 = now();
    const det = this.manifest.models.detector.config;
    const size = det.sizes.default;
    const blank: RgbaImage = { width: size, height: Math.round((size * 3) / 4), data: new Uint8Array(size * Math.round((size * 3) / 4) * 4) };
    await this.detect(blank, { mode: 'normal', threshold_d: 1.01 });
    const ocr = this.manifest.models.ocr.config;
    await readPlates(this.sessions, blank, [{ box: { xmin: 0, ymin: 0, xmax: 100, ymax: 25 }, score: 1 }], ocr, this.topN);
    return now() - t0;
  }

  async dispose(): Promise<void> {
    await this.sessions.release();
  }
}

/** A box in the decoded pixels -> the photo's own coordinates (the same box unless the decode was downscaled). */
function toSource<B extends { xmin: number; ymin: number; xmax: number; ymax: number }>(box: B, image: RgbaImage): B {
  const src = image.source;
  if (!src || (src.width === image.width && src.height === image.height)) return box;
  const fx = src.width / image.width;
  const fy = src.height / image.height;
  return {
    ...box,
    xmin: Math.min(src.width, box.xmin * fx),
    ymin: Math.min(src.height, box.ymin * fy),
    xmax: Math.min(src.width, box.xmax * fx),
    ymax: Math.min(src.height, box.ymax * fy),
  };
}

function checkImage(image: RgbaImage, filename: string): void {
  const ok =
    image &&
    Number.isInteger(image.width) &&
    Number.isInteger(image.height) &&
    image.width > 0 &&
    image.height > 0 &&
    image.data &&
    image.data.length >= image.width * image.height * 4;
  if (!ok) throw new ImageError(`${filename || 'image'}: empty image or pixel data of the wrong size`);
}
