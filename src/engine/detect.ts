// The detector's outputs -> plate boxes in photo pixels (models/README.md, "detector.onnx").
// The graph already applies the sigmoid and a 3×3 peak suppression, so decoding is a threshold over the score
// map, a box per surviving cell, and a class-agnostic NMS.

import type { Box } from '../api/types';

export interface Detection {
  box: Box;
  /** The cell's score (0..1): the result's `dscore`. */
  score: number;
}

export interface DecodeParams {
  /** Score map `[1, 1, gh, gw]` and box distances `[1, 4, gh, gw]` (left, top, right, bottom), flat. */
  scores: Float32Array;
  boxes: Float32Array;
  gh: number;
  gw: number;
  stride: number;
  threshold: number;
  /** Frame pixels per photo pixel (letterbox scale). */
  scaleX: number;
  scaleY: number;
  /** The photo's size, to clip boxes. */
  width: number;
  height: number;
}

export const NMS_IOU = 0.45;

/** Cells at or above the threshold, as boxes in photo pixels (clipped), best first. */
export function decodeDetections(p: DecodeParams): Detection[] {
  const { scores, boxes, gh, gw, stride, threshold, scaleX, scaleY, width, height } = p;
  const plane = gh * gw;
  if (scores.length < plane || boxes.length < 4 * plane) throw new RangeError('detector output smaller than its grid');
  const out: Detection[] = [];
  for (let y = 0; y < gh; y++) {
    for (let x = 0; x < gw; x++) {
      const i = y * gw + x;
      const s = scores[i];
      if (!(s >= threshold)) continue;
      const cx = (x + 0.5) * stride;
      const cy = (y + 0.5) * stride;
      const xmin = Math.max(0, (cx - boxes[i]) / scaleX);
      const ymin = Math.max(0, (cy - boxes[plane + i]) / scaleY);
      const xmax = Math.min(width, (cx + boxes[2 * plane + i]) / scaleX);
      const ymax = Math.min(height, (cy + boxes[3 * plane + i]) / scaleY);
      if (!(xmax - xmin >= 1 && ymax - ymin >= 1)) continue;
      out.push({ box: { xmin, ymin, xmax, ymax }, score: Math.min(1, s) });
    }
  }
  return out.sort((a, b) => b.score - a.score);
}

export function area(b: Box): number {
  return Math.max(0, b.xmax - b.xmin) * Math.max(0, b.ymax - b.ymin);
}

export function iou(a: Box, b: Box): number {
  const ix = Math.min(a.xmax, b.xmax) - Math.max(a.xmin, b.xmin);
  const iy = Math.min(a.ymax, b.ymax) - Math.max(a.ymin, b.ymin);
  if (ix <= 0 || iy <= 0) return 0;
  const inter = ix * iy;
  return inter / (area(a) + area(b) - inter);
}

/** Greedy class-agnostic NMS: keeps the best box, drops the ones overlapping it by more than `threshold`. */
export function nms(dets: Detection[], threshold = NMS_IOU): Detection[] {
  const sorted = dets.slice().sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const d of sorted) {
    if (kept.every((k) => iou(k.box, d.box) <= threshold)) kept.push(d);
  }
  return kept;
}

/**
 * dscore calibration. The API's default `threshold_d` is 0.2, but our detector's measured operating point (the
 * sidecar's `threshold`, 0.5 for the shipped model: recall 1.0 at 0.70 false boxes per held-out frame, against
 * 6 per frame at a raw 0.2) is elsewhere. A piecewise-linear, monotone map puts the sidecar's threshold at the
 * API's 0.2, so the reference's defaults and its example config (`{"threshold_d":0.2}`) give the detector's
 * intended behaviour, while every threshold stays meaningful (0..1, higher = surer, order kept).
 */
export const API_DEFAULT_THRESHOLD_D = 0.2;

/** Raw detector score -> the result's `dscore`. `knee` is the raw score that maps to 0.2. */
export function calibrateScore(raw: number, knee: number | undefined): number {
  const k = knee && knee > 0 && knee < 1 ? knee : API_DEFAULT_THRESHOLD_D;
  const a = API_DEFAULT_THRESHOLD_D;
  const s = Math.min(1, Math.max(0, raw));
  return s <= k ? (s * a) / k : a + ((s - k) * (1 - a)) / (1 - k);
}

/** The inverse: an API `threshold_d` -> the raw score threshold it means. */
export function rawThreshold(thresholdD: number, knee: number | undefined): number {
  const k = knee && knee > 0 && knee < 1 ? knee : API_DEFAULT_THRESHOLD_D;
  const a = API_DEFAULT_THRESHOLD_D;
  if (thresholdD > 1) return thresholdD; // nothing passes
  const t = Math.max(0, thresholdD);
  return t <= a ? (t * k) / a : k + ((t - a) * (1 - k)) / (1 - a);
}
