// Blob -> RGBA pixels in a worker: createImageBitmap honours EXIF orientation ('from-image'), an
// OffscreenCanvas gives the pixels. Browsers decode a truncated JPEG or PNG without complaint (grey rows at
// the bottom), so the container's end marker is checked first to give a clear error instead.
import type { RgbaImage } from '../engine/preprocess';

export class DecodeError extends Error {
  readonly code = 400;
  constructor(message: string) {
    super(message);
    this.name = 'DecodeError';
  }
}

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

export async function checkContainer(blob: Blob, filename: string): Promise<void> {
  if (blob.size === 0) throw new DecodeError(`${filename}: the file is empty`);
  const head = new Uint8Array(await blob.slice(0, 16).arrayBuffer());
  const type = sniffType(head);
  if (!type) return;
  const tail = new Uint8Array(await blob.slice(Math.max(0, blob.size - 4096)).arrayBuffer());
  if (looksTruncated(type, tail)) {
    throw new DecodeError(`${filename}: the ${type === 'jpeg' ? 'JPEG' : 'PNG'} file is truncated (no end marker)`);
  }
}

export async function decodeBlob(blob: Blob, filename: string): Promise<RgbaImage> {
  await checkContainer(blob, filename);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch {
    throw new DecodeError(`${filename}: not an image, or an image that cannot be decoded`);
  }
  try {
    const { width, height } = bitmap;
    if (width < 1 || height < 1) throw new DecodeError(`${filename}: the image has no pixels`);
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('no 2D context in this worker');
    ctx.drawImage(bitmap, 0, 0);
    const pixels = ctx.getImageData(0, 0, width, height);
    return { width, height, data: pixels.data };
  } finally {
    bitmap.close();
  }
}
