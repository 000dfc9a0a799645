// File bytes -> RGBA pixels with sharp, EXIF orientation applied (the browser's createImageBitmap does the same
// with imageOrientation: 'from-image').
import sharp from 'sharp';
import { workingSize, type RgbaImage } from '../engine';

export class FileError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'FileError';
  }
}

/**
 * The largest image read, in pixels (width × height, as the file declares it): 200 megapixels. Larger ones (or a
 * small file declaring a huge size, a "decompression bomb") are refused with code 413 before any pixel is decoded.
 * Photos over 16 MP (WORK_PIXELS) are decoded downscaled to it (sharp shrinks JPEGs while decoding) and their
 * boxes mapped back to the photo's coordinates. docs/robustness.md.
 */
export const MAX_PIXELS = 200_000_000;

/** The largest file read (bytes): 8-bit RGB within MAX_PIXELS is 300 MB even uncompressed. */
export const MAX_FILE_BYTES = 512 * 2 ** 20;

const tooLarge = (filename: string, w: number, h: number) =>
  new FileError(
    413,
    `${filename}: the image is too large (${w}×${h}, ${((w * h) / 1e6).toFixed(1)} megapixels; the limit is ${MAX_PIXELS / 1e6})`,
  );

/** A format sharp cannot decode here, named from the file's first bytes for a clearer error; null if not one. */
export function unsupportedFormat(b: Uint8Array): string | null {
  const at = (i: number, t: string) => [...t].every((c, k) => b[i + k] === c.charCodeAt(0));
  if (b.length >= 12 && at(4, 'ftyp') && ['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1'].some((t) => at(8, t))) {
    return 'HEIC/HEIF (HEVC-coded photos cannot be decoded here: convert to JPEG, or set the camera to "Most Compatible")';
  }
  if (b.length >= 2 && at(0, 'BM')) return 'BMP (not supported: convert to PNG or JPEG)';
  if (at(0, '%PDF')) return 'PDF (a document, not an image)';
  return null;
}

export async function decodeImage(bytes: Uint8Array, filename: string): Promise<RgbaImage> {
  if (bytes.byteLength === 0) throw new FileError(400, `${filename}: the file is empty`);
  // The header's size first (no pixels decoded); an unreadable header is left to the decoder's error below.
  const meta = await sharp(bytes, { limitInputPixels: false }).metadata().catch(() => null);
  const h = meta?.pageHeight ?? meta?.height;
  if (meta?.width && h && meta.width * h > MAX_PIXELS) throw tooLarge(filename, meta.width, h);
  // The photo as displayed (EXIF orientations 5-8 swap width and height) and the size it is decoded at.
  const swap = (meta?.orientation ?? 1) >= 5;
  const shown = meta?.width && h ? (swap ? { width: h, height: meta.width } : { width: meta.width, height: h }) : null;
  const work = shown ? workingSize(shown.width, shown.height) : null;
  const downscale = !!(shown && work && (work.width !== shown.width || work.height !== shown.height));
  try {
    let pipeline = sharp(bytes, { failOn: 'error', limitInputPixels: MAX_PIXELS }).rotate();
    if (downscale) pipeline = pipeline.resize({ width: work!.width, height: work!.height, fit: 'fill' });
    const { data, info } = await pipeline.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 4 || info.width < 1 || info.height < 1) {
      throw new Error(`unexpected decoded layout (${info.width}×${info.height}×${info.channels})`);
    }
    const image: RgbaImage = { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
    if (downscale) image.source = shown!;
    return image;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    if (/exceeds pixel limit/i.test(why)) {
      throw new FileError(413, `${filename}: the image is too large (over ${MAX_PIXELS / 1e6} megapixels)`);
    }
    const format = unsupportedFormat(bytes);
    if (format) throw new FileError(400, `${filename}: ${format}`);
    const unsupported = /unsupported image format|Input buffer contains unsupported/i.test(why);
    throw new FileError(
      400,
      unsupported
        ? `${filename}: not an image (or a format that cannot be decoded)`
        : `${filename}: the image could not be decoded (${why.split('\n')[0]})`,
    );
  }
}
