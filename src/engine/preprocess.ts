// Pixels in, model inputs out: the detector's letterboxed NHWC frame and the OCR's stretched plate crops.
// Both follow the training code exactly (training/detector/evaluate.py `preprocess`, training/ocr/data.py
// `crop`): cv2's INTER_AREA when shrinking and half-pixel-centred bilinear when enlarging; crops sample the
// padded box window with bilinear interpolation and edge replication.

import type { Box } from '../api/types';

/** An image as ImageData holds it: 4 bytes per pixel (RGBA), rows top to bottom. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
  /**
   * Optional: the same picture resampled to `width`×`height` RGBA by a native resampler (the browser's canvas,
   * attached by src/worker/decode.ts). letterbox() then uses it instead of resampling in JS (docs/engine.md, Speed).
   */
  resized?: (width: number, height: number) => Uint8Array | Uint8ClampedArray;
  /**
   * Optional: the photo's size as displayed, when these pixels are a downscaled decode of a larger photo (decoders
   * cap the pixels they hold: src/worker/decode.ts, src/cli/decode.ts). Boxes are answered in its coordinates.
   */
  source?: { width: number; height: number };
}

/**
 * Maximum pixels a decoder holds for one photo: 16 MP (64 MB of RGBA; under Safari's 16.7 MP canvas limit).
 * Larger photos are decoded downscaled to it and boxes mapped back to the photo's own coordinates
 * (RgbaImage.source). Detection runs at ≤ 1440 px anyway, and a plate in a 4900×3265 decode still has more pixels
 * than the reader's 160×64 input.
 */
export const WORK_PIXELS = 16_000_000;

/** The size a photo of `width`×`height` is decoded at: itself, or scaled (aspect kept) to fit WORK_PIXELS. */
export function workingSize(width: number, height: number, cap = WORK_PIXELS): { width: number; height: number } {
  if (width * height <= cap) return { width, height };
  const f = Math.sqrt(cap / (width * height));
  let w = Math.floor(width * f);
  let h = Math.floor(height * f);
  // A very thin photo: one side would round to 0; keep 1 pixel and fit the other side to the cap alone.
  if (h < 1) [w, h] = [Math.min(width, Math.floor(cap)), 1];
  if (w < 1) [w, h] = [1, Math.min(height, Math.floor(cap))];
  return { width: w, height: h };
}

export interface Letterboxed {
  /** RGB, NHWC without the batch axis: height × width × 3, zero-padded right and bottom. */
  data: Uint8Array;
  width: number;
  height: number;
  /** The photo's size inside the frame (before padding). */
  innerWidth: number;
  innerHeight: number;
  /** Frame pixels per photo pixel, per axis. */
  scaleX: number;
  scaleY: number;
}

/**
 * Source taps of a 1-D resampling: for output i, taps offset[i] .. offset[i+1] apply weights[t] to source
 * index[t] (already clamped to the source).
 */
interface Taps {
  offset: Int32Array;
  index: Int32Array;
  weights: Float32Array;
}

/** cv2.INTER_AREA for a shrink: each output pixel averages the source span it covers (fractional edges). */
function areaTaps(srcLen: number, dstLen: number): Taps {
  const scale = srcLen / dstLen;
  const offset = new Int32Array(dstLen + 1);
  const idx: number[] = [];
  const w: number[] = [];
  for (let i = 0; i < dstLen; i++) {
    const a = i * scale;
    const b = Math.min(srcLen, (i + 1) * scale);
    const s = Math.floor(a);
    offset[i] = w.length;
    for (let k = s; k < b; k++) {
      const cover = Math.min(b, k + 1) - Math.max(a, k);
      if (cover > 1e-7 || k === s) {
        w.push(Math.max(0, cover) / (b - a));
        idx.push(Math.min(srcLen - 1, k));
      }
    }
  }
  offset[dstLen] = w.length;
  return { offset, index: Int32Array.from(idx), weights: Float32Array.from(w) };
}

/** Half-pixel-centred bilinear (cv2.INTER_LINEAR), edges replicated. */
function linearTaps(srcLen: number, dstLen: number): Taps {
  const scale = srcLen / dstLen;
  const offset = new Int32Array(dstLen + 1);
  const index = new Int32Array(dstLen * 2);
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
    offset[i] = i * 2;
    index[i * 2] = x0;
    index[i * 2 + 1] = Math.min(srcLen - 1, x0 + 1);
    weights[i * 2] = 1 - f;
    weights[i * 2 + 1] = srcLen === 1 ? 0 : f;
  }
  offset[dstLen] = dstLen * 2;
  return { offset, index, weights };
}

/**
 * The horizontal taps laid out for the row pass: every output pixel gets the same number of taps (`n`, the most any
 * has; the extra ones weigh 0 and point at the last tap, which adds exactly 0), as source byte offsets (×4, RGBA).
 * A fixed count lets the row pass run a loop of known length (unrolled for 2 and 3), which is what made it fast:
 * the variable-length inner loop was half of a 1280×720 letterbox.
 */
interface RowTaps {
  n: number;
  byte: Int32Array;
  weights: Float32Array;
}

function rowTaps(t: Taps, dstLen: number): RowTaps {
  let n = 1;
  for (let i = 0; i < dstLen; i++) n = Math.max(n, t.offset[i + 1] - t.offset[i]);
  const byte = new Int32Array(dstLen * n);
  const weights = new Float32Array(dstLen * n);
  for (let i = 0; i < dstLen; i++) {
    const a = t.offset[i];
    const m = t.offset[i + 1] - a;
    for (let k = 0; k < n; k++) {
      byte[i * n + k] = t.index[a + Math.min(k, m - 1)] * 4;
      weights[i * n + k] = k < m ? t.weights[a + k] : 0;
    }
  }
  return { n, byte, weights };
}

// A reader sees the same few sizes again and again: taps and scratch buffers are kept between calls.
const tapsCache = new Map<string, { taps: Taps; row: RowTaps }>();
function tapsFor(srcLen: number, dstLen: number): { taps: Taps; row: RowTaps } {
  const key = `${srcLen}>${dstLen}`;
  let t = tapsCache.get(key);
  if (!t) {
    if (tapsCache.size >= 16) tapsCache.clear();
    const taps = dstLen < srcLen ? areaTaps(srcLen, dstLen) : linearTaps(srcLen, dstLen);
    t = { taps, row: rowTaps(taps, dstLen) };
    tapsCache.set(key, t);
  }
  return t;
}

let accRow = new Float32Array(0);
function accOf(length: number): Float32Array {
  if (accRow.length < length) accRow = new Float32Array(length);
  return accRow;
}

let scratch = new Float32Array(0);
function scratchOf(length: number): Float32Array {
  if (scratch.length < length) scratch = new Float32Array(length);
  return scratch;
}

/** One source row (RGBA from byte `srow`) through the horizontal taps into `tmp` at `q` (RGB floats). */
function resizeRow(data: Uint8Array | Uint8ClampedArray, srow: number, tx: RowTaps, dstW: number, tmp: Float32Array, q: number): void {
  const { n, byte: xb, weights: xw } = tx;
  // The sums in the same order as a plain loop over the taps starting from 0, so the bytes match the reference.
  if (n === 2) {
    for (let i = 0, k = 0; i < dstW; i++, k += 2, q += 3) {
      const p0 = srow + xb[k];
      const p1 = srow + xb[k + 1];
      const w0 = xw[k];
      const w1 = xw[k + 1];
      tmp[q] = data[p0] * w0 + data[p1] * w1;
      tmp[q + 1] = data[p0 + 1] * w0 + data[p1 + 1] * w1;
      tmp[q + 2] = data[p0 + 2] * w0 + data[p1 + 2] * w1;
    }
  } else if (n === 3) {
    for (let i = 0, k = 0; i < dstW; i++, k += 3, q += 3) {
      const p0 = srow + xb[k];
      const p1 = srow + xb[k + 1];
      const p2 = srow + xb[k + 2];
      const w0 = xw[k];
      const w1 = xw[k + 1];
      const w2 = xw[k + 2];
      tmp[q] = data[p0] * w0 + data[p1] * w1 + data[p2] * w2;
      tmp[q + 1] = data[p0 + 1] * w0 + data[p1 + 1] * w1 + data[p2 + 1] * w2;
      tmp[q + 2] = data[p0 + 2] * w0 + data[p1 + 2] * w1 + data[p2 + 2] * w2;
    }
  } else {
    for (let i = 0, k = 0; i < dstW; i++, k += n, q += 3) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let t = k; t < k + n; t++) {
        const p = srow + xb[t];
        const w = xw[t];
        r += data[p] * w;
        g += data[p + 1] * w;
        b += data[p + 2] * w;
      }
      tmp[q] = r;
      tmp[q + 1] = g;
      tmp[q + 2] = b;
    }
  }
}

/** Whether this platform stores a Uint32's low byte first (every browser's and Node's; the SWAR paths need it). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** The two 16-bit lanes of a pixel word: bytes 0 and 2 (R, B) of `w & LANES`, bytes 1 and 3 (G, A) of `(w >>> 8) & LANES`. */
const LANES = 0x00ff00ff;

/** The RGBA bytes as one 32-bit word per pixel (a view when aligned, else a copy). */
function pixelWords(data: Uint8Array | Uint8ClampedArray): Uint32Array {
  const d = data.byteOffset % 4 === 0 ? data : data.slice();
  return new Uint32Array(d.buffer, d.byteOffset, d.length >> 2);
}

/**
 * An exact 2× shrink (1280×720 -> 640×360 in fast mode, 1920×1080 -> 960×540): each output byte is the rounded
 * mean of a 2×2 block, in integers. The float path gives the very same bytes (its weights are all 0.5, exact in
 * float32), so this is only faster. SWAR: a pixel is one 32-bit load, split into two words of two 16-bit lanes
 * (R and B, G and A), so one add sums two channels; no lane can carry into the next (4 · 255 + 2 < 2^16).
 */
function halve(img: RgbaImage, dstW: number, dstH: number, out: Uint8Array, outStride: number): void {
  const words = pixelWords(img.data);
  const sw = img.width;
  for (let j = 0; j < dstH; j++) {
    let p = 2 * j * sw;
    let p2 = p + sw;
    let o = j * outStride;
    for (let i = 0; i < dstW; i++, p += 2, p2 += 2, o += 3) {
      const a = words[p], b = words[p + 1], c = words[p2], d = words[p2 + 1];
      const rb = ((((a & LANES) + (b & LANES) + (c & LANES) + (d & LANES) + 0x00020002) >>> 2) & LANES);
      const ga = ((a >>> 8) & LANES) + ((b >>> 8) & LANES) + ((c >>> 8) & LANES) + ((d >>> 8) & LANES);
      out[o] = rb & 0xff;
      out[o + 1] = (ga + 2) >> 2; // the byte store keeps the G lane's low 8 bits: the A lane sits above them
      out[o + 2] = rb >>> 16;
    }
  }
}

/**
 * An exact 4× shrink (3840×2160 -> 960×540, a 4K frame at the default size): the rounded mean of a 4×4 block, in
 * integers. The float path's weights are all 1/4, so its sums are exact and its bytes the same. SWAR as in
 * `halve` (16 · 255 + 8 < 2^16: no carry between lanes).
 */
function quarter(img: RgbaImage, dstW: number, dstH: number, out: Uint8Array, outStride: number): void {
  const words = pixelWords(img.data);
  const sw = img.width;
  for (let j = 0; j < dstH; j++) {
    const p0 = 4 * j * sw;
    let o = j * outStride;
    for (let i = 0, x = p0; i < dstW; i++, x += 4, o += 3) {
      let e = 0x00080008;
      let g = 8;
      for (let p = x, y = 0; y < 4; y++, p += sw) {
        const a = words[p], b = words[p + 1], c = words[p + 2], d = words[p + 3];
        e += (a & LANES) + (b & LANES) + (c & LANES) + (d & LANES);
        g += ((a >>> 8) & LANES) + ((b >>> 8) & LANES) + ((c >>> 8) & LANES) + ((d >>> 8) & LANES);
      }
      const rb = (e >>> 4) & LANES;
      out[o] = rb & 0xff;
      out[o + 1] = g >> 4; // the byte store keeps the G lane's low 8 bits
      out[o + 2] = rb >>> 16;
    }
  }
}

/**
 * A 4:3 shrink on both axes (1280×720 -> 960×540 and 1280×960 -> 960×720: the default pass of the commonest camera
 * sizes; 1920×1080 -> 1440×810, the second look). INTER_AREA's weights are then 3/4 + 1/4, 1/2 + 1/2, 1/4 + 3/4
 * on each axis, repeating every 4 source pixels: multiples of 1/4, so every sum of the float path is exact and its
 * byte is round(S / 16) for the integer S = Σ (4·wy)(4·wx)·pixel, computed here in integers, one 4×4 source block
 * (9 output pixels) at a time, down the columns first and then across. SWAR as in `halve`: each pixel is one
 * 32-bit load and each add works on two channels in 16-bit lanes (S ≤ 16 · 255 + 8 < 2^16: no carry between
 * lanes). The byte-identity test holds it to the float path.
 */
function shrink4to3(img: RgbaImage, dstW: number, dstH: number, out: Uint8Array, outStride: number): void {
  const words = pixelWords(img.data);
  const sw = img.width;
  const groups = dstH / 3;
  const cols = dstW / 3;
  const sw2 = 2 * sw;
  const sw3 = 3 * sw;
  const o2 = 2 * outStride;
  for (let g = 0; g < groups; g++) {
    let o = 3 * g * outStride;
    for (let i = 0, x = 4 * g * sw; i < cols; i++, x += 4, o += 9) {
      // Down each of the block's 4 source columns: the three output rows' sums, R|B lanes (e) and G|A lanes (h).
      // Unrolled by hand on purpose: the same work as a loop over the columns into a scratch array ran 1.15-1.5x
      // slower (docs/engine.md, "The letterbox, fourth round").
      let a = words[x], b = words[x + sw], c = words[x + sw2], d = words[x + sw3];
      let ae = a & LANES, be = b & LANES, ce = c & LANES, de = d & LANES;
      let ah = (a >>> 8) & LANES, bh = (b >>> 8) & LANES, ch = (c >>> 8) & LANES, dh = (d >>> 8) & LANES;
      const e00 = 3 * ae + be, e10 = 2 * (be + ce), e20 = ce + 3 * de;
      const h00 = 3 * ah + bh, h10 = 2 * (bh + ch), h20 = ch + 3 * dh;
      a = words[x + 1]; b = words[x + 1 + sw]; c = words[x + 1 + sw2]; d = words[x + 1 + sw3];
      ae = a & LANES; be = b & LANES; ce = c & LANES; de = d & LANES;
      ah = (a >>> 8) & LANES; bh = (b >>> 8) & LANES; ch = (c >>> 8) & LANES; dh = (d >>> 8) & LANES;
      const e01 = 3 * ae + be, e11 = 2 * (be + ce), e21 = ce + 3 * de;
      const h01 = 3 * ah + bh, h11 = 2 * (bh + ch), h21 = ch + 3 * dh;
      a = words[x + 2]; b = words[x + 2 + sw]; c = words[x + 2 + sw2]; d = words[x + 2 + sw3];
      ae = a & LANES; be = b & LANES; ce = c & LANES; de = d & LANES;
      ah = (a >>> 8) & LANES; bh = (b >>> 8) & LANES; ch = (c >>> 8) & LANES; dh = (d >>> 8) & LANES;
      const e02 = 3 * ae + be, e12 = 2 * (be + ce), e22 = ce + 3 * de;
      const h02 = 3 * ah + bh, h12 = 2 * (bh + ch), h22 = ch + 3 * dh;
      a = words[x + 3]; b = words[x + 3 + sw]; c = words[x + 3 + sw2]; d = words[x + 3 + sw3];
      ae = a & LANES; be = b & LANES; ce = c & LANES; de = d & LANES;
      ah = (a >>> 8) & LANES; bh = (b >>> 8) & LANES; ch = (c >>> 8) & LANES; dh = (d >>> 8) & LANES;
      const e03 = 3 * ae + be, e13 = 2 * (be + ce), e23 = ce + 3 * de;
      const h03 = 3 * ah + bh, h13 = 2 * (bh + ch), h23 = ch + 3 * dh;
      // Across: output row r, pixels 0..2 (each byte store keeps its lane's low 8 bits: G below A).
      put(out, o, e00, e01, e02, e03, h00, h01, h02, h03);
      put(out, o + outStride, e10, e11, e12, e13, h10, h11, h12, h13);
      put(out, o + o2, e20, e21, e22, e23, h20, h21, h22, h23);
    }
  }
}

/** One output row of a 4:3 block: the horizontal 3/4 + 1/4, 1/2 + 1/2, 1/4 + 3/4 sums of four column sums. */
function put(out: Uint8Array, p: number, e0: number, e1: number, e2: number, e3: number, h0: number, h1: number,
  h2: number, h3: number): void {
  const x0 = ((3 * e0 + e1 + 0x00080008) >>> 4) & LANES;
  const x1 = ((2 * (e1 + e2) + 0x00080008) >>> 4) & LANES;
  const x2 = ((e2 + 3 * e3 + 0x00080008) >>> 4) & LANES;
  out[p] = x0 & 0xff;
  out[p + 1] = (3 * h0 + h1 + 8) >> 4;
  out[p + 2] = x0 >>> 16;
  out[p + 3] = x1 & 0xff;
  out[p + 4] = (2 * (h1 + h2) + 8) >> 4;
  out[p + 5] = x1 >>> 16;
  out[p + 6] = x2 & 0xff;
  out[p + 7] = (h2 + 3 * h3 + 8) >> 4;
  out[p + 8] = x2 >>> 16;
}

/**
 * Resizes RGBA to RGB `dstW`×`dstH` into `out` (row stride `outStride` bytes), separably: for each output row, the
 * source rows it reads (each computed once) through the horizontal taps, then its column sums. Not re-entrant
 * (shared scratch).
 */
export function resizeRgbaToRgb(
  img: RgbaImage,
  dstW: number,
  dstH: number,
  out: Uint8Array,
  outStride = dstW * 3,
): void {
  const { width: sw, height: sh, data } = img;
  if (LITTLE_ENDIAN) {
    if (sw === 2 * dstW && sh === 2 * dstH) return halve(img, dstW, dstH, out, outStride);
    if (3 * sw === 4 * dstW && 3 * sh === 4 * dstH) return shrink4to3(img, dstW, dstH, out, outStride);
    if (sw === 4 * dstW && sh === 4 * dstH) return quarter(img, dstW, dstH, out, outStride);
  }
  const tx = tapsFor(sw, dstW).row;
  const yTaps = tapsFor(sh, dstH);
  const ty = yTaps.taps;
  const rowLen = dstW * 3;
  // Streaming: the row pass keeps only the source rows the current output row reads, in a ring of slots (row y in
  // slot y % slots; an output row's taps are consecutive rows, fewer than the slots), so its working set stays in
  // cache instead of a float copy of the whole photo (8 MB for 1280×720 -> 960).
  const slots = yTaps.row.n + 1;
  const tmp = scratchOf(slots * rowLen);
  const held = new Int32Array(slots).fill(-1); // the source row each slot holds
  const fr = Math.fround;
  for (let j = 0; j < dstH; j++) {
    const t0 = ty.offset[j];
    const t1 = ty.offset[j + 1];
    for (let t = t0; t < t1; t++) {
      const y = ty.index[t];
      const slot = y % slots;
      if (held[slot] !== y) {
        resizeRow(data, y * sw * 4, tx, dstW, tmp, slot * rowLen);
        held[slot] = y;
      }
    }
    // The column: the float32 rounding of each partial sum (Math.fround) is the reference's float32
    // accumulator, so the bytes are the same.
    const orow = j * outStride;
    if (t1 - t0 === 2 && ty.weights[t0] !== 0 && ty.weights[t0 + 1] !== 0) {
      const w0 = ty.weights[t0];
      const w1 = ty.weights[t0 + 1];
      const a = (ty.index[t0] % slots) * rowLen;
      const b = (ty.index[t0 + 1] % slots) * rowLen;
      for (let q = 0; q < rowLen; q++) {
        const v = fr(fr(tmp[a + q] * w0) + tmp[b + q] * w1) + 0.5;
        out[orow + q] = v <= 0 ? 0 : v >= 255 ? 255 : v | 0;
      }
    } else {
      // One tap at a time over the whole row, into a float32 row (its stores are the reference's float32
      // rounding of each partial sum, in the same order): a plain streaming loop per tap, where a loop over the
      // taps per byte spent most of its time on the tap bookkeeping (2x faster at 4032 -> 960).
      const acc = accOf(rowLen);
      let first = true;
      for (let t = t0; t < t1; t++) {
        const wgt = ty.weights[t];
        if (wgt === 0) continue;
        const b = (ty.index[t] % slots) * rowLen;
        if (first) for (let q = 0; q < rowLen; q++) acc[q] = tmp[b + q] * wgt;
        else for (let q = 0; q < rowLen; q++) acc[q] = acc[q] + tmp[b + q] * wgt;
        first = false;
      }
      if (first) acc.fill(0, 0, rowLen);
      for (let q = 0; q < rowLen; q++) {
        const v = acc[q] + 0.5;
        out[orow + q] = v <= 0 ? 0 : v >= 255 ? 255 : v | 0;
      }
    }
  }
}

/** Copies `w`×`h` RGBA into RGB rows of `outStride` bytes (alpha dropped). */
function rgbaToRgbRows(rgba: Uint8Array | Uint8ClampedArray, w: number, h: number, out: Uint8Array, outStride: number): void {
  for (let y = 0; y < h; y++) {
    let p = y * w * 4;
    let q = y * outStride;
    for (let x = 0; x < w; x++, p += 4) {
      out[q++] = rgba[p];
      out[q++] = rgba[p + 1];
      out[q++] = rgba[p + 2];
    }
  }
}

/**
 * The detector's input: the photo scaled (aspect kept) so its long side is `size`, padded with zeros right and
 * bottom to multiples of `multiple`.
 */
export function letterbox(img: RgbaImage, size: number, multiple: number): Letterboxed {
  if (img.width < 1 || img.height < 1) throw new RangeError('empty image');
  const f = size / Math.max(img.width, img.height);
  const innerWidth = Math.max(1, Math.round(img.width * f));
  const innerHeight = Math.max(1, Math.round(img.height * f));
  const width = Math.ceil(innerWidth / multiple) * multiple;
  const height = Math.ceil(innerHeight / multiple) * multiple;
  const data = new Uint8Array(width * height * 3);
  if (img.resized) {
    const rgba = img.resized(innerWidth, innerHeight);
    if (rgba.length !== innerWidth * innerHeight * 4) throw new RangeError('resized: wrong pixel count');
    rgbaToRgbRows(rgba, innerWidth, innerHeight, data, width * 3);
  } else {
    resizeRgbaToRgb(img, innerWidth, innerHeight, data, width * 3);
  }
  return {
    data,
    width,
    height,
    innerWidth,
    innerHeight,
    scaleX: innerWidth / img.width,
    scaleY: innerHeight / img.height,
  };
}

/** The OCR crop window: the box widened by pad (fractions of its width/height), clipped to the photo. */
export function cropWindow(img: { width: number; height: number }, box: Box, pad: readonly [number, number]): Box {
  const bw = box.xmax - box.xmin;
  const bh = box.ymax - box.ymin;
  return {
    xmin: Math.max(0, box.xmin - pad[0] * bw),
    ymin: Math.max(0, box.ymin - pad[1] * bh),
    xmax: Math.min(img.width, box.xmax + pad[0] * bw),
    ymax: Math.min(img.height, box.ymax + pad[1] * bh),
  };
}

/**
 * Writes the plate crop (box widened by `pad`, clipped, stretched to `outW`×`outH`, bilinear, edges replicated)
 * as RGB into `out` at `outOffset`.
 */
export function cropStretch(
  img: RgbaImage,
  box: Box,
  pad: readonly [number, number],
  outW: number,
  outH: number,
  out: Uint8Array,
  outOffset = 0,
): void {
  const { width: sw, height: sh, data } = img;
  const win = cropWindow(img, box, pad);
  const sx = Math.max(1e-6, win.xmax - win.xmin) / outW;
  const sy = Math.max(1e-6, win.ymax - win.ymin) / outH;
  const xs0 = new Int32Array(outW);
  const xs1 = new Int32Array(outW);
  const xf = new Float32Array(outW);
  for (let i = 0; i < outW; i++) {
    const x = win.xmin + (i + 0.5) * sx - 0.5;
    const x0 = Math.floor(x);
    xf[i] = x - x0;
    xs0[i] = Math.min(sw - 1, Math.max(0, x0)) * 4;
    xs1[i] = Math.min(sw - 1, Math.max(0, x0 + 1)) * 4;
  }
  let o = outOffset;
  for (let j = 0; j < outH; j++) {
    const y = win.ymin + (j + 0.5) * sy - 0.5;
    const y0 = Math.floor(y);
    const fy = y - y0;
    const r0 = Math.min(sh - 1, Math.max(0, y0)) * sw * 4;
    const r1 = Math.min(sh - 1, Math.max(0, y0 + 1)) * sw * 4;
    for (let i = 0; i < outW; i++) {
      const fx = xf[i];
      const a = r0 + xs0[i];
      const b = r0 + xs1[i];
      const c = r1 + xs0[i];
      const d = r1 + xs1[i];
      for (let ch = 0; ch < 3; ch++) {
        const top = data[a + ch] + (data[b + ch] - data[a + ch]) * fx;
        const bot = data[c + ch] + (data[d + ch] - data[c + ch]) * fx;
        const v = top + (bot - top) * fy + 0.5;
        out[o++] = v <= 0 ? 0 : v >= 255 ? 255 : v | 0;
      }
    }
  }
}

/** A turned plate's own width and height (before `pad`), or null when no plate turned by `deg` fits `box`. */
export function turnedSize(box: Box, deg: number, minAspect = TURN_MIN_ASPECT): { w: number; h: number } | null {
  // A w×h rectangle turned by t has the bounding box (w|cos t| + h|sin t|) × (w|sin t| + h|cos t|): solved for w, h.
  const t = (deg * Math.PI) / 180;
  const c = Math.abs(Math.cos(t));
  const s = Math.abs(Math.sin(t));
  const det = c * c - s * s;
  if (det < 0.05) return null;
  const bw = box.xmax - box.xmin;
  const bh = box.ymax - box.ymin;
  const w = (c * bw - s * bh) / det;
  const h = (c * bh - s * bw) / det;
  return w > 0 && h >= minAspect * w ? { w, h } : null;
}

/** Flattest plate `turnedSize` accepts (height / width): a box too square for the turn gives no crop. */
export const TURN_MIN_ASPECT = 0.12;

/**
 * The crop of a plate turned by `deg` degrees in the photo (its long edges run `deg` from the x axis, y down, as
 * `plateAngle` measures): the rectangle whose axis-aligned bounding box is `box`, widened by `pad` of its own width /
 * height, sampled along its own axes into `outW`×`outH` RGB (bilinear, edges replicated), so the reader sees the plate
 * level. At 0° the same pixels as `cropStretch` for a box whose padded window lies inside the photo. Returns false,
 * writing nothing, when no turned plate fits the box (`turnedSize`).
 */
export function cropTurned(
  img: RgbaImage,
  box: Box,
  deg: number,
  pad: readonly [number, number],
  outW: number,
  outH: number,
  out: Uint8Array,
  outOffset = 0,
): boolean {
  const size = turnedSize(box, deg);
  if (!size) return false;
  const { width: sw, height: sh, data } = img;
  const t = (deg * Math.PI) / 180;
  const cos = Math.cos(t);
  const sin = Math.sin(t);
  const w = size.w * (1 + 2 * pad[0]);
  const h = size.h * (1 + 2 * pad[1]);
  const cx = (box.xmin + box.xmax) / 2 - 0.5;
  const cy = (box.ymin + box.ymax) / 2 - 0.5;
  let o = outOffset;
  for (let j = 0; j < outH; j++) {
    const v = ((j + 0.5) / outH - 0.5) * h;
    for (let i = 0; i < outW; i++) {
      const u = ((i + 0.5) / outW - 0.5) * w;
      const x = cx + cos * u - sin * v;
      const y = cy + sin * u + cos * v;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      const xa = Math.min(sw - 1, Math.max(0, x0)) * 4;
      const xb = Math.min(sw - 1, Math.max(0, x0 + 1)) * 4;
      const ra = Math.min(sh - 1, Math.max(0, y0)) * sw * 4;
      const rb = Math.min(sh - 1, Math.max(0, y0 + 1)) * sw * 4;
      for (let ch = 0; ch < 3; ch++) {
        const top = data[ra + xa + ch] + (data[ra + xb + ch] - data[ra + xa + ch]) * fx;
        const bot = data[rb + xa + ch] + (data[rb + xb + ch] - data[rb + xa + ch]) * fx;
        const val = top + (bot - top) * fy + 0.5;
        out[o++] = val <= 0 ? 0 : val >= 255 ? 255 : val | 0;
      }
    }
  }
  return true;
}

/** Longest side of the box that `plateAngle` looks at (larger boxes are sampled every few pixels). */
const ANGLE_SAMPLE = 160;

/**
 * The direction of the strongest straight edges inside `box` (a plate's borders and character rows), in degrees
 * from the x axis (y down), folded into [-45, 45): the magnitude-weighted histogram of Sobel edge directions in
 * 1° bins, smoothed over 5 bins (circularly), its peak (Sobel reads a turn of 10–25° about 1.5° short). 0 for a box
 * under 6 px on a side or with no edge inside.
 */
export function plateAngle(img: RgbaImage, box: Box): number {
  const x0 = Math.max(0, Math.floor(box.xmin));
  const y0 = Math.max(0, Math.floor(box.ymin));
  const x1 = Math.min(img.width, Math.ceil(box.xmax));
  const y1 = Math.min(img.height, Math.ceil(box.ymax));
  const step = Math.max(1, Math.floor(Math.max(x1 - x0, y1 - y0) / ANGLE_SAMPLE));
  const gw = Math.floor((x1 - x0) / step);
  const gh = Math.floor((y1 - y0) / step);
  if (gw < 6 || gh < 6) return 0;
  const gray = new Float32Array(gw * gh);
  const { width, data } = img;
  for (let j = 0; j < gh; j++) {
    for (let i = 0; i < gw; i++) {
      const p = ((y0 + j * step) * width + x0 + i * step) * 4;
      gray[j * gw + i] = 0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2];
    }
  }
  const hist = new Float64Array(90);
  for (let j = 1; j < gh - 1; j++) {
    for (let i = 1; i < gw - 1; i++) {
      const k = j * gw + i;
      const a = gray[k - gw - 1], b = gray[k - gw], c = gray[k - gw + 1];
      const d = gray[k - 1], f = gray[k + 1];
      const g = gray[k + gw - 1], hh = gray[k + gw], q = gray[k + gw + 1];
      const gx = c + 2 * f + q - a - 2 * d - g;
      const gy = g + 2 * hh + q - a - 2 * b - c;
      const mag = Math.hypot(gx, gy);
      if (mag === 0) continue;
      // an edge runs across its gradient: gradient direction + 90°, folded modulo 90° into [-45, 45)
      let e = ((((Math.atan2(gy, gx) * 180) / Math.PI + 90) % 90) + 90) % 90;
      if (e >= 45) e -= 90;
      hist[Math.min(89, Math.floor(e + 45))] += mag;
    }
  }
  let best = 0;
  let bestV = -1;
  for (let k = 0; k < 90; k++) {
    let v = 0;
    for (let d = -2; d <= 2; d++) v += hist[(k + d + 90) % 90];
    if (v > bestV) {
      bestV = v;
      best = k;
    }
  }
  return bestV > 0 ? best - 45 + 0.5 : 0;
}
