// File bytes -> RGBA pixels with sharp, EXIF orientation applied (the browser's createImageBitmap does the same
// with imageOrientation: 'from-image').
import sharp from 'sharp';
import type { RgbaImage } from '../engine';

export class FileError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'FileError';
  }
}

export async function decodeImage(bytes: Uint8Array, filename: string): Promise<RgbaImage> {
  if (bytes.byteLength === 0) throw new FileError(400, `${filename}: the file is empty`);
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error' })
      .rotate()
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 4 || info.width < 1 || info.height < 1) {
      throw new Error(`unexpected decoded layout (${info.width}×${info.height}×${info.channels})`);
    }
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    const unsupported = /unsupported image format|Input buffer contains unsupported/i.test(why);
    throw new FileError(
      400,
      unsupported
        ? `${filename}: not an image (or a format that cannot be decoded)`
        : `${filename}: the image could not be decoded (${why.split('\n')[0]})`,
    );
  }
}
