import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkContainer, framePixels, looksTruncated, sniffType } from './decode';

const jpeg = (end: number[]) => Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, ...end]);
const png = (end: string) =>
  Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, ...new TextEncoder().encode(end)]);

describe('container checks', () => {
  it('sniffs JPEG and PNG by their signatures', () => {
    expect(sniffType(jpeg([]))).toBe('jpeg');
    expect(sniffType(png(''))).toBe('png');
    expect(sniffType(new TextEncoder().encode('GIF89a....'))).toBeNull();
  });

  it('flags a JPEG without EOI and a PNG without IEND', () => {
    expect(looksTruncated('jpeg', jpeg([0xff, 0xd9]))).toBe(false);
    expect(looksTruncated('jpeg', jpeg([0xff, 0xd9, 0, 0]))).toBe(false); // padding after EOI is fine
    expect(looksTruncated('jpeg', jpeg([0x12, 0x34]))).toBe(true);
    expect(looksTruncated('png', png('IEND\xaeB`\x82'))).toBe(false);
    expect(looksTruncated('png', png('IDATxxxx'))).toBe(true);
  });

  it('rejects empty and truncated files naming the file; lets other formats through to the decoder', async () => {
    await expect(checkContainer(new Blob([]), 'empty.jpg')).rejects.toThrow('empty.jpg: the file is empty');
    await expect(checkContainer(new Blob([jpeg([1, 2])]), 'cut.jpg')).rejects.toThrow(/cut\.jpg: the JPEG file is truncated/);
    await expect(checkContainer(new Blob([jpeg([0xff, 0xd9])]), 'ok.jpg')).resolves.toBeUndefined();
    await expect(checkContainer(new Blob(['hello']), 'notes.txt')).resolves.toBeUndefined();
  });
});

describe('framePixels (a bitmap read through a VideoFrame)', () => {
  afterEach(() => vi.unstubAllGlobals());
  const bitmap = { width: 3, height: 2 } as ImageBitmap;
  const frameClass = (props: Record<string, unknown>, closed: string[]) =>
    class {
      format = 'BGRX';
      visibleRect = { width: 3, height: 2 };
      rotation = 0;
      flip = false;
      constructor() {
        Object.assign(this, props);
      }
      allocationSize() {
        return 3 * 2 * 4;
      }
      async copyTo(dest: Uint8Array) {
        dest.fill(7);
      }
      close() {
        closed.push(String(this.format));
      }
    };

  it('gives the RGBA bytes of an upright opaque frame, and closes it', async () => {
    const closed: string[] = [];
    vi.stubGlobal('VideoFrame', frameClass({}, closed));
    const px = await framePixels(bitmap);
    expect(px?.length).toBe(24);
    expect(px?.every((v) => v === 7)).toBe(true);
    expect(closed).toEqual(['BGRX']);
  });

  it('declines (null: the canvas path) a rotated or mirrored frame, a transparent one, an unknown orientation, no VideoFrame', async () => {
    const closed: string[] = [];
    for (const props of [{ rotation: 90 }, { flip: true }, { format: 'BGRA' }, { rotation: undefined }, { visibleRect: { width: 2, height: 3 } }]) {
      vi.stubGlobal('VideoFrame', frameClass(props, closed));
      expect(await framePixels(bitmap), JSON.stringify(props)).toBeNull();
    }
    expect(closed).toHaveLength(5);
    vi.stubGlobal('VideoFrame', undefined);
    expect(await framePixels(bitmap)).toBeNull();
  });
});
