import { describe, expect, it } from 'vitest';
import { checkContainer, looksTruncated, sniffType } from './decode';

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
