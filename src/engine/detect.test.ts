import { describe, expect, it } from 'vitest';
import { calibrateScore, decodeDetections, iou, nms, rawThreshold } from './detect';

/** A 4×4 grid (stride 8) with cells set as [x, y, score, left, top, right, bottom]. */
function outputs(cells: number[][]) {
  const gh = 4;
  const gw = 4;
  const plane = gh * gw;
  const scores = new Float32Array(plane);
  const boxes = new Float32Array(4 * plane);
  for (const [x, y, s, l, t, r, b] of cells) {
    const i = y * gw + x;
    scores[i] = s;
    boxes[i] = l;
    boxes[plane + i] = t;
    boxes[2 * plane + i] = r;
    boxes[3 * plane + i] = b;
  }
  return { scores, boxes, gh, gw };
}

describe('decodeDetections', () => {
  it('keeps cells at or above the threshold and maps boxes back to photo pixels', () => {
    const o = outputs([
      [1, 2, 0.9, 4, 2, 6, 3], // centre (12, 20)
      [3, 0, 0.2, 1, 1, 1, 1], // below 0.3
      [0, 0, 0.3, 2, 2, 2, 2], // exactly at the threshold
    ]);
    const dets = decodeDetections({ ...o, stride: 8, threshold: 0.3, scaleX: 0.5, scaleY: 0.5, width: 100, height: 100 });
    expect(dets).toHaveLength(2);
    expect(dets[0].score).toBeCloseTo(0.9);
    // frame box (8, 18, 18, 23) / 0.5
    expect(dets[0].box).toEqual({ xmin: 16, ymin: 36, xmax: 36, ymax: 46 });
    expect(dets[1].score).toBeCloseTo(0.3);
    expect(dets[1].box).toEqual({ xmin: 4, ymin: 4, xmax: 12, ymax: 12 });
  });

  it('clips to the photo and uses separate x/y scales', () => {
    const o = outputs([[0, 0, 0.8, 10, 10, 4, 4]]);
    const [d] = decodeDetections({ ...o, stride: 8, threshold: 0.5, scaleX: 0.5, scaleY: 0.25, width: 15, height: 100 });
    expect(d.box).toEqual({ xmin: 0, ymin: 0, xmax: 15, ymax: 32 });
  });
});

describe('nms', () => {
  it('drops boxes overlapping a better one by more than 0.45 IoU, keeps the rest', () => {
    const a = { box: { xmin: 0, ymin: 0, xmax: 10, ymax: 10 }, score: 0.6 };
    const b = { box: { xmin: 1, ymin: 0, xmax: 11, ymax: 10 }, score: 0.9 }; // IoU with a = 9/11
    const c = { box: { xmin: 5, ymin: 0, xmax: 15, ymax: 10 }, score: 0.5 }; // IoU with b = 6/14 < .45
    const d = { box: { xmin: 50, ymin: 50, xmax: 60, ymax: 60 }, score: 0.4 };
    expect(iou(a.box, b.box)).toBeCloseTo(9 / 11);
    expect(nms([a, b, c, d])).toEqual([b, c, d]);
    expect(nms([a, b, c, d], 0.3)).toEqual([b, d]);
  });
});

describe('dscore calibration', () => {
  it("puts the sidecar's threshold at the API's default 0.2 and keeps 0 and 1", () => {
    expect(calibrateScore(0.5, 0.5)).toBeCloseTo(0.2, 10);
    expect(calibrateScore(0, 0.5)).toBe(0);
    expect(calibrateScore(1, 0.5)).toBeCloseTo(1, 10);
    expect(calibrateScore(0.25, 0.5)).toBeCloseTo(0.1, 10);
    expect(calibrateScore(0.75, 0.5)).toBeCloseTo(0.6, 10);
  });

  it('is monotone and inverted by rawThreshold', () => {
    let prev = -1;
    for (let s = 0; s <= 1.0001; s += 0.01) {
      const d = calibrateScore(s, 0.5);
      expect(d).toBeGreaterThanOrEqual(prev);
      prev = d;
      expect(rawThreshold(d, 0.5)).toBeCloseTo(Math.min(1, s), 8);
    }
  });

  it('is the identity without a knee, and a threshold above 1 lets nothing through', () => {
    expect(calibrateScore(0.37, undefined)).toBeCloseTo(0.37, 10);
    expect(rawThreshold(0.37, undefined)).toBeCloseTo(0.37, 10);
    expect(rawThreshold(1.01, 0.5)).toBeGreaterThan(1);
  });
});
