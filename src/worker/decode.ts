// Blob -> RGBA pixels in a worker: createImageBitmap honours EXIF orientation ('from-image'); a VideoFrame (or,
// where it cannot, an OffscreenCanvas) gives the pixels. Browsers decode a truncated JPEG or PNG without complaint
// (grey rows at the bottom), so the container's end marker is checked first to give a clear error instead.
import { workingSize, type RgbaImage } from '../engine/preprocess';

export class DecodeError extends Error {
  constructor(
    message: string,
    /** 400: not an image / broken; 413: too large to read. */
    readonly code: 400 | 413 = 400,
  ) {
    super(message);
    this.name = 'DecodeError';
  }
}

/**
 * The largest photo read, width × height as the file declares it: 200 megapixels (a 200 MP phone sensor's full
 * resolution), the CLI's limit too (src/cli/decode.ts). Checked from the header before decoding, so that a small
 * file declaring a huge size cannot take the tab's memory; photos over WORK_PIXELS (16 MP) are read downscaled to
 * it, boxes mapped back. docs/robustness.md.
 */
export const MAX_PIXELS = 200_000_000;
/** How much of the file's start is read to find its size (a JPEG's EXIF block can be up to 64 KB). */
const HEAD_BYTES = 256 * 1024;

const be16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const be32 = (b: Uint8Array, i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const le16 = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const le24 = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
const le32 = (b: Uint8Array, i: number) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
const ascii = (b: Uint8Array, i: number, s: string) => [...s].every((c, k) => b[i + k] === c.charCodeAt(0));

/**
 * The size a PNG, JPEG, GIF, WebP or BMP declares in its header, or null (another format, or no size found in
 * `head`). Only reads the header: nothing is decoded.
 */
export function declaredSize(head: Uint8Array): { width: number; height: number } | null {
  const n = head.length;
  const type = sniffType(head);
  if (type === 'png') return n >= 24 && ascii(head, 12, 'IHDR') ? { width: be32(head, 16), height: be32(head, 20) } : null;
  if (type === 'jpeg') {
    let i = 2;
    while (i + 9 <= n) {
      if (head[i] !== 0xff) return null;
      const m = head[i + 1];
      if (m === 0xff) {
        i++;
        continue;
      }
      if (m === 0x01 || (m >= 0xd0 && m <= 0xd8)) {
        i += 2;
        continue;
      }
      if (m === 0xd9 || m === 0xda) return null; // no frame header before the scan
      if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) return { width: be16(head, i + 7), height: be16(head, i + 5) };
      i += 2 + be16(head, i + 2);
    }
    return null;
  }
  if (n >= 10 && (ascii(head, 0, 'GIF87a') || ascii(head, 0, 'GIF89a'))) return { width: le16(head, 6), height: le16(head, 8) };
  if (n >= 26 && ascii(head, 0, 'BM')) return { width: Math.abs(le32(head, 18) | 0), height: Math.abs(le32(head, 22) | 0) };
  if (n >= 30 && ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP')) {
    if (ascii(head, 12, 'VP8X')) return { width: le24(head, 24) + 1, height: le24(head, 27) + 1 };
    if (ascii(head, 12, 'VP8L') && head[20] === 0x2f) {
      const bits = le32(head, 21);
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    if (ascii(head, 12, 'VP8 ')) return { width: le16(head, 26) & 0x3fff, height: le16(head, 28) & 0x3fff };
  }
  return null;
}

const tooLarge = (filename: string, w: number, h: number) =>
  new DecodeError(
    `${filename}: the image is too large (${w}×${h}, ${((w * h) / 1e6).toFixed(1)} megapixels; the limit is ${MAX_PIXELS / 1e6})`,
    413,
  );

/** 'jpeg' | 'png' | null from the first bytes. */
export function sniffType(head: Uint8Array): 'jpeg' | 'png' | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.length >= 8 && head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47) return 'png';
  return null;
}

/** True when a JPEG/PNG lacks its end marker (EOI / IEND) near the end: the file was cut short. */
export function looksTruncated(type: 'jpeg' | 'png', tail: Uint8Array): boolean {
  if (type === 'jpeg') {
    for (let i = tail.length - 2; i >= 0; i--) if (tail[i] === 0xff && tail[i + 1] === 0xd9) return false;
    return true;
  }
  for (let i = tail.length - 4; i >= 0; i--) {
    if (tail[i] === 0x49 && tail[i + 1] === 0x45 && tail[i + 2] === 0x4e && tail[i + 3] === 0x44) return false;
  }
  return true;
}

/** Whether the whole file holds its end marker: a JPEG's EOI after its first SOS, a PNG's empty IEND chunk. */
export function hasEndMarker(type: 'jpeg' | 'png', b: Uint8Array): boolean {
  if (type === 'png') {
    for (let i = 8; i + 8 <= b.length; i++) {
      if (b[i + 4] === 0x49 && b[i + 5] === 0x45 && b[i + 6] === 0x4e && b[i + 7] === 0x44 && !(b[i] | b[i + 1] | b[i + 2] | b[i + 3])) return true;
    }
    return false;
  }
  let i = 2;
  let sos = -1;
  while (i + 4 <= b.length && sos < 0) {
    if (b[i] !== 0xff) return false;
    const m = b[i + 1];
    if (m === 0xff) i++;
    else if (m === 0x01 || (m >= 0xd0 && m <= 0xd8)) i += 2;
    else if (m === 0xda) sos = i;
    else i += 2 + ((b[i + 2] << 8) | b[i + 3]);
  }
  if (sos < 0) return false;
  for (let k = sos + 2; k + 1 < b.length; k++) if (b[k] === 0xff && b[k + 1] === 0xd9) return true;
  return false;
}

/**
 * Files up to this size are read into memory once for the container checks: in a Chromium worker two small reads
 * of a Blob (head and tail) took 4.8 ms, one whole read of a 1280×720 JPEG about 2 ms. Larger files (a video
 * renamed .jpg) are only sliced, never held whole.
 */
const WHOLE_READ_BYTES = 64 * 1024 * 1024;

/**
 * The container checks (empty, declared size over MAX_PIXELS, no pixels, truncated JPEG/PNG), each a DecodeError
 * naming the file.
 */
export async function checkContainer(blob: Blob, filename: string): Promise<void> {
  if (blob.size === 0) throw new DecodeError(`${filename}: the file is empty`);
  const whole = blob.size <= WHOLE_READ_BYTES ? new Uint8Array(await blob.arrayBuffer()) : null;
  const head = whole ? whole.subarray(0, HEAD_BYTES) : new Uint8Array(await blob.slice(0, HEAD_BYTES).arrayBuffer());
  const size = declaredSize(head);
  if (size && (size.width < 1 || size.height < 1)) throw new DecodeError(`${filename}: the image has no pixels (${size.width}×${size.height})`);
  if (size && size.width * size.height > MAX_PIXELS) throw tooLarge(filename, size.width, size.height);
  const type = sniffType(head);
  if (!type) return;
  const tail = whole ? whole.subarray(Math.max(0, whole.length - 4096)) : new Uint8Array(await blob.slice(Math.max(0, blob.size - 4096)).arrayBuffer());
  // Data after the end marker (a Motion Photo's video, a phone's trailer) hides it from the tail: then the
  // whole file is searched, from the first scan on (an EXIF thumbnail before it has an EOI of its own).
  if (looksTruncated(type, tail) && !hasEndMarker(type, whole ?? new Uint8Array(await blob.arrayBuffer()))) {
    throw new DecodeError(`${filename}: the ${type === 'jpeg' ? 'JPEG' : 'PNG'} file is truncated (no end marker)`);
  }
}

/** The parts of WebCodecs' VideoFrame used here (not in every TypeScript DOM lib yet). */
interface PixelFrame {
  readonly format: string | null;
  readonly visibleRect: { width: number; height: number } | null;
  /** The orientation the frame is to be shown with: a bitmap decoded with 'from-image' keeps its stored pixels. */
  readonly rotation?: number;
  readonly flip?: boolean;
  allocationSize(opts: { format: 'RGBA' }): number;
  copyTo(dest: Uint8Array, opts: { format: 'RGBA' }): Promise<unknown>;
  close(): void;
}
type PixelFrameClass = new (source: ImageBitmap, init: { timestamp: number }) => PixelFrame;

/**
 * A decoded bitmap's pixels through WebCodecs' VideoFrame (`copyTo` as RGBA) instead of drawing it on a canvas and
 * reading it back with getImageData: the same bytes (checked in Chromium: 0 of 2.8 M channels differ on a
 * 1280×720 JPEG), about 3 ms less per 1280×720 photo (docs/engine.md). Only for opaque frames (BGRX/RGBX): a
 * canvas gives un-premultiplied RGBA for transparent ones, which this would not promise. Null where it does not
 * apply, and the caller draws on a canvas: no VideoFrame; a photo with an EXIF orientation (the frame holds the
 * stored pixels and a `rotation`/`flip` to show them with, which copyTo does not apply; a browser that does not
 * say counts as one); another pixel format; no RGBA conversion in this browser.
 */
export async function framePixels(bitmap: ImageBitmap): Promise<Uint8Array | null> {
  const Frame = (globalThis as { VideoFrame?: PixelFrameClass }).VideoFrame;
  if (typeof Frame !== 'function') return null;
  let frame: PixelFrame | null = null;
  try {
    frame = new Frame(bitmap, { timestamp: 0 });
    if (frame.rotation !== 0 || frame.flip !== false) return null;
    if (frame.visibleRect?.width !== bitmap.width || frame.visibleRect?.height !== bitmap.height) return null;
    if (frame.format !== 'BGRX' && frame.format !== 'RGBX') return null;
    const n = frame.allocationSize({ format: 'RGBA' });
    if (n !== bitmap.width * bitmap.height * 4) return null;
    const data = new Uint8Array(n);
    await frame.copyTo(data, { format: 'RGBA' });
    return data;
  } catch {
    return null;
  } finally {
    frame?.close();
  }
}

/**
 * How a decoded bitmap becomes pixels: 'auto' (default) through a VideoFrame where it can (framePixels), else a
 * canvas; 'canvas' always drawImage + getImageData (kept so that `npm run bench` can compare the two side by side).
 */
export type DecoderChoice = 'auto' | 'canvas';

/**
 * Decodes a file to RGBA (EXIF orientation applied). With `nativeResize: true`, the image also carries
 * `resized(w, h)`: the browser's canvas resampler (`imageSmoothingQuality: 'high'`), which letterbox() then uses
 * for the detector's input instead of resampling in JS. Off by default: measured (`npm run accuracy -- --browser`)
 * it saves 3–5 ms per 1280×720 photo but finds 3 fewer of the 70 held-out plates than the area-averaging
 * letterbox the detector was trained and evaluated with.
 */
export async function decodeBlob(
  blob: Blob,
  filename: string,
  opts: { nativeResize?: boolean; decoder?: DecoderChoice } = {},
): Promise<RgbaImage> {
  await checkContainer(blob, filename);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch {
    throw new DecodeError(`${filename}: not an image, or an image that cannot be decoded`);
  }
  const { width, height } = bitmap;
  try {
    if (width < 1 || height < 1) throw new DecodeError(`${filename}: the image has no pixels`);
    // formats whose header is not checked above (AVIF, SVG, TIFF...)
    if (width * height > MAX_PIXELS) throw tooLarge(filename, width, height);
    // Over WORK_PIXELS: drawn downscaled (the page holds at most 16 MP of pixels per photo); boxes map back.
    const work = workingSize(width, height);
    if (work.width === width && work.height === height && opts.decoder !== 'canvas' && !opts.nativeResize) {
      const data = await framePixels(bitmap);
      if (data) return { width, height, data };
    }
    const canvas = new OffscreenCanvas(work.width, work.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('no 2D context');
    if (work.width === width && work.height === height) ctx.drawImage(bitmap, 0, 0);
    else {
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(bitmap, 0, 0, work.width, work.height);
    }
    const pixels = ctx.getImageData(0, 0, work.width, work.height);
    // A Uint8Array view (no copy), as framePixels gives: the engine's pixel loops then see one array type.
    const data = new Uint8Array(pixels.data.buffer, pixels.data.byteOffset, pixels.data.length);
    const image: RgbaImage = { width: work.width, height: work.height, data };
    if (work.width !== width || work.height !== height) image.source = { width, height };
    if (opts.nativeResize === true) {
      image.resized = (w, h) => {
        const small = new OffscreenCanvas(w, h);
        const sctx = small.getContext('2d', { willReadFrequently: true });
        if (!sctx) throw new Error('no 2D context');
        sctx.imageSmoothingEnabled = true;
        sctx.imageSmoothingQuality = 'high';
        sctx.drawImage(canvas, 0, 0, w, h);
        return sctx.getImageData(0, 0, w, h).data;
      };
    }
    return image;
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    // a canvas over the browser's size or memory limit: a clear error for this file, the batch goes on
    // (16.7 megapixels is Safari's canvas limit; below it the failure is not about size)
    const why = e instanceof Error ? e.message : String(e);
    throw new DecodeError(`${filename}: the image (${width}×${height}) cannot be drawn in this browser (${why})`, width * height > 16_777_216 ? 413 : 400);
  } finally {
    bitmap.close();
  }
}
