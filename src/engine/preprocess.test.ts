import { describe, expect, it } from 'vitest';
import { cropStretch, cropTurned, cropWindow, letterbox, plateAngle, turnedSize, resizeRgbaToRgb, workingSize, WORK_PIXELS, type RgbaImage } from './preprocess';

/** An image whose pixel (x, y) is (R, G, B, A) = f(x, y). */
function image(width: number, height: number, f: (x: number, y: number) => [number, number, number]): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = f(x, y);
      data.set([r, g, b, 255], (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

const px = (buf: Uint8Array, stride: number, x: number, y: number) => Array.from(buf.subarray(y * stride + x * 3, y * stride + x * 3 + 3));

describe('letterbox', () => {
  it('shrinks by area averaging, pads right/bottom with zeros to the multiple', () => {
    // 4×2: left half red 200, right half green 100; rows differ in blue (0 / 100).
    const img = image(4, 2, (x, y) => (x < 2 ? [200, 0, y * 100] : [0, 100, y * 100]));
    const lb = letterbox(img, 2, 32);
    expect([lb.width, lb.height, lb.innerWidth, lb.innerHeight]).toEqual([32, 32, 2, 1]);
    expect(lb.scaleX).toBeCloseTo(0.5);
    expect(lb.scaleY).toBeCloseTo(0.5);
    expect(px(lb.data, 32 * 3, 0, 0)).toEqual([200, 0, 50]);
    expect(px(lb.data, 32 * 3, 1, 0)).toEqual([0, 100, 50]);
    // padding
    expect(px(lb.data, 32 * 3, 2, 0)).toEqual([0, 0, 0]);
    expect(px(lb.data, 32 * 3, 0, 1)).toEqual([0, 0, 0]);
    expect(lb.data.length).toBe(32 * 32 * 3);
  });

  it('averages fractional spans when shrinking by a non-integer factor', () => {
    // 3 px -> 2 px: out0 = (p0 + p1/2) / 1.5, out1 = (p1/2 + p2) / 1.5
    const img = image(3, 1, (x) => [[0, 90, 180][x], 0, 0]);
    const out = new Uint8Array(2 * 3);
    resizeRgbaToRgb(img, 2, 1, out);
    expect(out[0]).toBe(30);
    expect(out[3]).toBe(150);
  });

  it('enlarges with half-pixel-centred bilinear, edges replicated', () => {
    const img = image(2, 1, (x) => [x === 0 ? 0 : 200, 0, 0]);
    const out = new Uint8Array(4 * 3);
    resizeRgbaToRgb(img, 4, 1, out);
    expect([out[0], out[3], out[6], out[9]]).toEqual([0, 50, 150, 200]);
  });

  it('keeps the aspect ratio (long side = size) and a 1:1 resize is the identity', () => {
    const img = image(64, 40, (x, y) => [x * 3, y * 5, (x + y) % 256]);
    const lb = letterbox(img, 64, 32);
    expect([lb.innerWidth, lb.innerHeight, lb.width, lb.height]).toEqual([64, 40, 64, 64]);
    for (const [x, y] of [[0, 0], [17, 5], [63, 39]]) expect(px(lb.data, 64 * 3, x, y)).toEqual([x * 3, y * 5, (x + y) % 256]);
    const tall = letterbox(image(10, 100, () => [1, 2, 3]), 320, 32);
    expect([tall.innerWidth, tall.innerHeight, tall.width, tall.height]).toEqual([32, 320, 32, 320]);
  });
});

describe('cropStretch', () => {
  const grid = image(8, 6, (x, y) => [x * 10, y * 10, 7]);

  it('samples pixel centres: a box the size of the output is copied exactly', () => {
    const out = new Uint8Array(4 * 2 * 3);
    cropStretch(grid, { xmin: 2, ymin: 1, xmax: 6, ymax: 3 }, [0, 0], 4, 2, out);
    expect(px(out, 12, 0, 0)).toEqual([20, 10, 7]);
    expect(px(out, 12, 3, 1)).toEqual([50, 20, 7]);
  });

  it('stretches (aspect not kept) and writes at the batch offset', () => {
    const out = new Uint8Array(10 + 2 * 2 * 3);
    // 4×2 window -> 2×2: x samples at 2 + (i + .5)·2 - .5 = 2.5, 4.5; y at 1 + (j + .5) - .5 = 1, 2
    cropStretch(grid, { xmin: 2, ymin: 1, xmax: 6, ymax: 3 }, [0, 0], 2, 2, out, 10);
    expect(Array.from(out.subarray(0, 10))).toEqual(new Array(10).fill(0));
    expect(px(out.subarray(10), 6, 0, 0)).toEqual([25, 10, 7]);
    expect(px(out.subarray(10), 6, 1, 1)).toEqual([45, 20, 7]);
  });

  it('widens the box by crop_pad and clips the window to the photo', () => {
    expect(cropWindow(grid, { xmin: 2, ymin: 2, xmax: 6, ymax: 4 }, [0.25, 0.5])).toEqual({ xmin: 1, ymin: 1, xmax: 7, ymax: 5 });
    expect(cropWindow(grid, { xmin: 0, ymin: 0, xmax: 8, ymax: 6 }, [0.1, 0.1])).toEqual({ xmin: 0, ymin: 0, xmax: 8, ymax: 6 });
  });

  it('replicates edge pixels rather than reading outside the photo', () => {
    const out = new Uint8Array(2 * 1 * 3);
    // x samples at 6.75 (between columns 6 and 7) and 7.25 (between 7 and the replicated 7)
    cropStretch(grid, { xmin: 7, ymin: 5, xmax: 8, ymax: 6 }, [0, 0], 2, 1, out);
    expect(px(out, 6, 0, 0)).toEqual([68, 50, 7]);
    expect(px(out, 6, 1, 0)).toEqual([70, 50, 7]);
  });
});

/** A white photo with a dark bar (a "plate") of w×h px centred at (cx, cy), turned by `deg` (y down), anti-aliased. */
function turnedBar(width: number, height: number, cx: number, cy: number, w: number, h: number, deg: number): RgbaImage {
  const t = (deg * Math.PI) / 180;
  const n = 4; // samples per pixel side
  return image(width, height, (x, y) => {
    let dark = 0;
    for (let sy = 0; sy < n; sy++) {
      for (let sx = 0; sx < n; sx++) {
        const dx = x + (sx + 0.5) / n - cx;
        const dy = y + (sy + 0.5) / n - cy;
        const u = dx * Math.cos(t) + dy * Math.sin(t);
        const v = -dx * Math.sin(t) + dy * Math.cos(t);
        if (Math.abs(u) <= w / 2 && Math.abs(v) <= h / 2) dark++;
      }
    }
    const g = Math.round(230 - (210 * dark) / (n * n));
    return [g, g, g];
  });
}

/** The axis-aligned bounding box of that bar. */
function barBox(cx: number, cy: number, w: number, h: number, deg: number) {
  const t = (deg * Math.PI) / 180;
  const hw = (w * Math.abs(Math.cos(t)) + h * Math.abs(Math.sin(t))) / 2;
  const hh = (w * Math.abs(Math.sin(t)) + h * Math.abs(Math.cos(t))) / 2;
  return { xmin: cx - hw, ymin: cy - hh, xmax: cx + hw, ymax: cy + hh };
}

describe('turned plates: plateAngle, turnedSize, cropTurned', () => {
  it('measures the turn of a plate-like bar within 2 degrees, either way, and ~0 for a level one', () => {
    for (const deg of [-25, -12, 0, 9, 20]) {
      const img = turnedBar(200, 120, 100, 60, 120, 30, deg);
      expect(Math.abs(plateAngle(img, barBox(100, 60, 120, 30, deg)) - deg)).toBeLessThanOrEqual(2);
    }
    // too small a box to tell
    expect(plateAngle(turnedBar(40, 40, 20, 20, 10, 4, 20), { xmin: 18, ymin: 18, xmax: 22, ymax: 22 })).toBe(0);
  });

  it('recovers the turned plate\'s own size from its bounding box, and refuses a box too square for the turn', () => {
    const s = turnedSize(barBox(0, 0, 120, 30, 15), 15)!;
    expect(s.w).toBeCloseTo(120, 6);
    expect(s.h).toBeCloseTo(30, 6);
    expect(turnedSize({ xmin: 0, ymin: 0, xmax: 120, ymax: 30 }, 0)).toEqual({ w: 120, h: 30 });
    // a level 4:1 plate's box cannot hold a plate turned by 20 degrees
    expect(turnedSize({ xmin: 0, ymin: 0, xmax: 120, ymax: 30 }, 20)).toBeNull();
    expect(turnedSize({ xmin: 0, ymin: 0, xmax: 100, ymax: 100 }, 45)).toBeNull();
  });

  it('at 0 degrees gives the same pixels as cropStretch for a box well inside the photo', () => {
    const grid = image(40, 30, (x, y) => [(x * 7) % 256, (y * 11) % 256, (x * y) % 256]);
    const box = { xmin: 8.5, ymin: 6, xmax: 30, ymax: 20.5 };
    const a = new Uint8Array(16 * 8 * 3);
    const b = new Uint8Array(16 * 8 * 3);
    cropStretch(grid, box, [0.06, 0.12], 16, 8, a);
    expect(cropTurned(grid, box, 0, [0.06, 0.12], 16, 8, b)).toBe(true);
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('turns a turned plate level: its crop is dark in the middle rows and light above and below', () => {
    const deg = 18;
    const img = turnedBar(240, 160, 120, 80, 140, 34, deg);
    const box = barBox(120, 80, 140, 34, deg);
    const W = 40;
    const H = 16;
    const level = new Uint8Array(W * H * 3);
    const straight = new Uint8Array(W * H * 3);
    expect(cropTurned(img, box, plateAngle(img, box), [0.06, 0.12], W, H, level)).toBe(true);
    cropStretch(img, box, [0.06, 0.12], W, H, straight);
    // inner columns (the crop is widened by crop_pad beyond the plate's ends): the turned crop's middle row lies
    // all on the bar and its top row all off it; in the axis-aligned crop the bar runs corner to corner, so a row
    // near the top is dark at its left end only
    const row = (buf: Uint8Array, j: number) => Array.from({ length: W - 12 }, (_, i) => buf[(j * W + i + 6) * 3]);
    expect(Math.max(...row(level, H / 2))).toBeLessThan(60);
    expect(Math.min(...row(level, 0))).toBeGreaterThan(180);
    expect(row(straight, 4)[0]).toBeLessThan(60);
    expect(row(straight, 4)[W - 13]).toBeGreaterThan(180);
    // a box that cannot hold the turn writes nothing
    const none = new Uint8Array(W * H * 3);
    expect(cropTurned(img, { xmin: 0, ymin: 0, xmax: 120, ymax: 30 }, 20, [0, 0], W, H, none)).toBe(false);
    expect(none.every((v) => v === 0)).toBe(true);
  });
});

/**
 * The first implementation of resizeRgbaToRgb, kept as the reference: the optimised one (cached taps, clamped
 * tap indices, reused scratch) must give the same bytes, since the models were evaluated on its output.
 */
function referenceResize(img: RgbaImage, dstW: number, dstH: number, out: Uint8Array, outStride = dstW * 3): void {
  const taps = (srcLen: number, dstLen: number) => {
    const scale = srcLen / dstLen;
    const start = new Int32Array(dstLen);
    const offset = new Int32Array(dstLen + 1);
    const w: number[] = [];
    if (dstLen < srcLen) {
      for (let i = 0; i < dstLen; i++) {
        const a = i * scale;
        const b = Math.min(srcLen, (i + 1) * scale);
        const s = Math.floor(a);
        start[i] = s;
        offset[i] = w.length;
        for (let k = s; k < b; k++) {
          const cover = Math.min(b, k + 1) - Math.max(a, k);
          if (cover > 1e-7 || k === s) w.push(Math.max(0, cover) / (b - a));
        }
      }
      offset[dstLen] = w.length;
      return { start, offset, weights: Float32Array.from(w) };
    }
    const weights = new Float32Array(dstLen * 2);
    for (let i = 0; i < dstLen; i++) {
      let x = (i + 0.5) * scale - 0.5;
      if (x < 0) x = 0;
      let x0 = Math.floor(x);
      if (x0 >= srcLen - 1) {
        x0 = Math.max(0, srcLen - 2);
        x = srcLen - 1;
      }
      const f = srcLen === 1 ? 0 : x - x0;
      start[i] = x0;
      offset[i] = i * 2;
      weights[i * 2] = 1 - f;
      weights[i * 2 + 1] = srcLen === 1 ? 0 : f;
    }
    offset[dstLen] = dstLen * 2;
    return { start, offset, weights };
  };
  const { width: sw, height: sh, data } = img;
  const tx = taps(sw, dstW);
  const ty = taps(sh, dstH);
  const tmp = new Float32Array(sh * dstW * 3);
  for (let y = 0; y < sh; y++) {
    for (let i = 0; i < dstW; i++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let t = tx.offset[i], k = 0; t < tx.offset[i + 1]; t++, k++) {
        const p = y * sw * 4 + Math.min(sw - 1, tx.start[i] + k) * 4;
        r += data[p] * tx.weights[t];
        g += data[p + 1] * tx.weights[t];
        b += data[p + 2] * tx.weights[t];
      }
      tmp.set([r, g, b], y * dstW * 3 + i * 3);
    }
  }
  const rowLen = dstW * 3;
  const acc = new Float32Array(rowLen);
  for (let j = 0; j < dstH; j++) {
    acc.fill(0);
    for (let t = ty.offset[j], k = 0; t < ty.offset[j + 1]; t++, k++) {
      if (ty.weights[t] === 0) continue;
      const trow = Math.min(sh - 1, ty.start[j] + k) * rowLen;
      for (let q = 0; q < rowLen; q++) acc[q] += tmp[trow + q] * ty.weights[t];
    }
    for (let q = 0; q < rowLen; q++) {
      const v = acc[q] + 0.5;
      out[j * outStride + q] = v <= 0 ? 0 : v >= 255 ? 255 : v | 0;
    }
  }
}

describe('resizeRgbaToRgb matches the reference implementation byte for byte', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
  const cases: [number, number, number, number][] = [
    [1280, 720, 960, 540], // default mode: 4:3 on both axes, the integer path (shrink4to3)
    [1280, 960, 960, 720], // 4:3 photo at the default size: 4:3 again
    [1920, 1080, 1440, 810], // the second look: 4:3 again
    [8, 4, 6, 3], // the smallest 4:3 pair
    [1280, 721, 960, 541], // 4:3 across but not down: the float path
    [3840, 2160, 960, 540], // exact 4×: the integer path (quarter)
    [1280, 720, 320, 180], // exact 4× again
    [1000, 750, 800, 600], // 5:4: weights in fifths, the float path
    [1280, 720, 640, 360], // fast mode
    [1920, 1080, 960, 540], // exact 2×: the integer path
    [642, 362, 321, 181], // exact 2×, odd output
    [1920, 1080, 640, 360], // 3 taps per pixel
    [4000, 3000, 960, 720], // up to 6 taps per pixel
    [1280, 720, 1100, 619], // 2 taps, some with weight ~0
    [801, 599, 960, 718], // enlarging, odd sizes
    [333, 77, 100, 41], // uneven shrink
    [1, 5, 3, 2],
    [5, 1, 2, 3],
  ];
  for (const [sw, sh, dw, dh] of cases) {
    it(`${sw}x${sh} -> ${dw}x${dh}`, () => {
      const img = image(sw, sh, () => [rnd(), rnd(), rnd()]);
      const a = new Uint8Array(dw * dh * 3);
      const b = new Uint8Array(dw * dh * 3);
      resizeRgbaToRgb(img, dw, dh, a);
      referenceResize(img, dw, dh, b);
      expect(Buffer.compare(a, b)).toBe(0);
      // Again, with the cached taps and a scratch buffer left over from another size.
      resizeRgbaToRgb(image(37, 23, () => [1, 2, 3]), 11, 30, new Uint8Array(11 * 30 * 3));
      const c = new Uint8Array(dw * dh * 3);
      resizeRgbaToRgb(img, dw, dh, c);
      expect(Buffer.compare(c, b)).toBe(0);
    }, 30_000); // the reference is slow: 4000×3000 takes seconds on a busy 2-core machine
  }

  // The integer paths read each pixel as one 32-bit word and add two channels per 16-bit lane (SWAR): any alpha
  // must leave R, G, B alone, and pixels that do not start on a 4-byte boundary are read all the same.
  for (const [sw, sh, dw, dh] of [
    [1280, 720, 960, 540],
    [1280, 720, 640, 360],
    [1280, 720, 320, 180],
  ]) {
    it(`${sw}x${sh} -> ${dw}x${dh}: random alpha, unaligned pixels, extreme values`, () => {
      const img = image(sw, sh, (x, y) => ((x + y) % 7 === 0 ? [255, 255, 255] : [rnd(), (x * y) % 2 ? 0 : 255, rnd()]));
      for (let i = 3; i < img.data.length; i += 4) img.data[i] = rnd();
      const shifted = new Uint8Array(img.data.length + 1);
      shifted.set(img.data, 1);
      const unaligned: RgbaImage = { width: sw, height: sh, data: shifted.subarray(1) };
      const a = new Uint8Array(dw * dh * 3);
      const b = new Uint8Array(dw * dh * 3);
      const c = new Uint8Array(dw * dh * 3);
      resizeRgbaToRgb(img, dw, dh, a);
      resizeRgbaToRgb(unaligned, dw, dh, c);
      referenceResize(img, dw, dh, b);
      expect(Buffer.compare(a, b)).toBe(0);
      expect(Buffer.compare(c, b)).toBe(0);
    });
  }
});

describe('letterbox with a native resampler (RgbaImage.resized)', () => {
  it('takes the detector input from resized(), RGB rows, zero padding, same geometry', () => {
    const img: RgbaImage = { width: 100, height: 50, data: new Uint8Array(100 * 50 * 4) };
    const asked: [number, number][] = [];
    img.resized = (w, h) => {
      asked.push([w, h]);
      const px = new Uint8ClampedArray(w * h * 4);
      for (let i = 0; i < w * h; i++) px.set([i % 251, 7, 200, 255], i * 4);
      return px;
    };
    const lb = letterbox(img, 40, 32);
    expect(asked).toEqual([[40, 20]]);
    expect([lb.width, lb.height, lb.innerWidth, lb.innerHeight]).toEqual([64, 32, 40, 20]);
    expect([...lb.data.subarray(0, 6)]).toEqual([0, 7, 200, 1, 7, 200]);
    const row1 = 64 * 3;
    expect([...lb.data.subarray(row1, row1 + 3)]).toEqual([40, 7, 200]);
    // right of the picture and below it: zeros
    expect(lb.data.subarray(40 * 3, 64 * 3).every((v) => v === 0)).toBe(true);
    expect(lb.data.subarray(20 * row1).every((v) => v === 0)).toBe(true);
  });

  it('refuses a resampler that returns the wrong number of pixels', () => {
    const img: RgbaImage = { width: 10, height: 10, data: new Uint8Array(400), resized: () => new Uint8Array(4) };
    expect(() => letterbox(img, 8, 8)).toThrow(/wrong pixel count/);
  });
});

describe('workingSize', () => {
  it('keeps photos up to the cap and scales larger ones to fit it, aspect kept', () => {
    expect(workingSize(4000, 4000)).toEqual({ width: 4000, height: 4000 });
    const w = workingSize(12000, 9000);
    expect(w.width * w.height).toBeLessThanOrEqual(WORK_PIXELS);
    expect(w.width * w.height).toBeGreaterThan(WORK_PIXELS * 0.999);
    expect(Math.abs(w.width / w.height - 12000 / 9000)).toBeLessThan(0.001);
    expect(workingSize(100000, 1, 1000)).toEqual({ width: 1000, height: 1 });
  });
});
