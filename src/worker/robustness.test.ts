// The browser's decode path (src/worker/decode.ts) on the kinds of files the CLI's fuzz corpus tries
// (src/cli/robustness.test.ts): the header checks run here for real; createImageBitmap and OffscreenCanvas,
// which Node lacks, are stubbed to act as browsers do (decode whatever they can; a canvas can fail).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkContainer, declaredSize, decodeBlob, DecodeError, MAX_PIXELS } from './decode';
import { prng } from '../test-utils/prng';

const fixtures = fileURLToPath(new URL('../../tests/fixtures', import.meta.url));
const tinyPng = new Uint8Array(readFileSync(join(fixtures, 'tiny_ro_360x240.png')));
const jpg800 = new Uint8Array(readFileSync(join(fixtures, 'de_car_800x600.jpg')));
const bytes = async (p: Promise<Buffer>) => new Uint8Array(await p);

function bmp(width: number, height: number): Uint8Array {
  const b = new Uint8Array(54 + Math.ceil((width * 3) / 4) * 4 * height);
  const dv = new DataView(b.buffer);
  b.set([0x42, 0x4d]);
  dv.setUint32(2, b.length, true);
  dv.setUint32(10, 54, true);
  dv.setUint32(14, 40, true);
  dv.setInt32(18, width, true);
  dv.setInt32(22, -height, true); // top-down
  dv.setUint16(26, 1, true);
  dv.setUint16(28, 24, true);
  return b;
}

describe('declaredSize: the size from the header, nothing decoded', () => {
  it('reads PNG, JPEG (baseline, progressive, CMYK, with EXIF), GIF, WebP (lossy, lossless, extended), BMP', async () => {
    const img = () => sharp(tinyPng);
    const cases: [string, Uint8Array][] = [
      ['png', tinyPng],
      ['png16', await bytes(img().toColourspace('rgb16').png().toBuffer())],
      ['jpeg', await bytes(img().jpeg().toBuffer())],
      ['progressive', await bytes(img().jpeg({ progressive: true }).toBuffer())],
      ['cmyk', await bytes(img().toColourspace('cmyk').jpeg().toBuffer())],
      ['exif', await bytes(img().withMetadata({ orientation: 6 }).jpeg().toBuffer())],
      ['gif', await bytes(img().gif().toBuffer())],
      ['webp', await bytes(img().webp().toBuffer())],
      ['webp lossless', await bytes(img().webp({ lossless: true }).toBuffer())],
      ['webp alpha', await bytes(img().ensureAlpha(0.5).webp().toBuffer())],
    ];
    for (const [kind, b] of cases) expect([kind, declaredSize(b)]).toEqual([kind, { width: 360, height: 240 }]);
    expect(declaredSize(jpg800)).toEqual({ width: 800, height: 600 });
    expect(declaredSize(bmp(64, 48))).toEqual({ width: 64, height: 48 });
    expect(declaredSize(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(declaredSize(Uint8Array.of(0xff, 0xd8, 0xff))).toBeNull();
  });

  it('never throws on garbage: random bytes, cut headers, bit-flipped headers', () => {
    const rnd = prng(7);
    const int = (n: number) => Math.floor(rnd() * n);
    for (let k = 0; k < 500; k++) {
      const base = k % 2 ? tinyPng : jpg800;
      const b = base.slice(0, int(400));
      for (let f = 0; f < 4; f++) if (b.length) b[int(b.length)] ^= 1 << int(8);
      expect(() => declaredSize(b)).not.toThrow();
      expect(() => declaredSize(Uint8Array.from({ length: int(64) }, () => int(256)))).not.toThrow();
    }
  });
});

describe('checkContainer on the fuzz kinds', () => {
  it('refuses a huge declared size with 413 before decoding, and a zero size with 400', async () => {
    // (here the header alone matters, so the fixture's is patched; 12000×9000 = 108 MP is read, downscaled)
    const big = Uint8Array.from(tinyPng);
    new DataView(big.buffer).setUint32(16, 12000);
    new DataView(big.buffer).setUint32(20, 9000);
    await expect(checkContainer(new Blob([big]), 'big.png')).resolves.toBeUndefined();
    const huge = Uint8Array.from(tinyPng);
    new DataView(huge.buffer).setUint32(16, 20000);
    new DataView(huge.buffer).setUint32(20, 15000);
    await expect(checkContainer(new Blob([huge]), 'huge.png')).rejects.toMatchObject({
      code: 413,
      message: expect.stringMatching(/^huge\.png: the image is too large \(20000×15000, 300\.0 megapixels; the limit is 200\)/),
    });
    const bomb = Uint8Array.from(tinyPng);
    new DataView(bomb.buffer).setUint32(16, 60000);
    new DataView(bomb.buffer).setUint32(20, 60000);
    await expect(checkContainer(new Blob([bomb]), 'bomb.png')).rejects.toMatchObject({ code: 413 });
    const zero = Uint8Array.from(tinyPng);
    new DataView(zero.buffer).setUint32(16, 0);
    await expect(checkContainer(new Blob([zero]), 'zero.png')).rejects.toMatchObject({ code: 400, message: expect.stringMatching(/^zero\.png: /) });
    const ok = Uint8Array.from(jpg800); // SOF patched to 20000×10000 (height, width), exactly 200 MP: allowed
    const sof = ok.findIndex((b, i) => b === 0xff && (ok[i + 1] === 0xc0 || ok[i + 1] === 0xc2));
    new DataView(ok.buffer).setUint16(sof + 5, 10000);
    new DataView(ok.buffer).setUint16(sof + 7, 20000);
    expect(declaredSize(ok)).toEqual({ width: 20000, height: 10000 });
    await expect(checkContainer(new Blob([ok]), 'ok.jpg')).resolves.toBeUndefined();
    expect(20000 * 10000).toBe(MAX_PIXELS);
  }, 60_000);

  it('truncated JPEGs and PNGs are errors naming the file; anything else is a DecodeError or passes', async () => {
    const rnd = prng(20261121);
    for (const [name, base] of [
      ['cut.png', tinyPng],
      ['cut.jpg', jpg800],
    ] as const) {
      for (let k = 0; k < 20; k++) {
        const cut = base.slice(0, 1 + Math.floor(rnd() * (base.length - 20)));
        const r = await checkContainer(new Blob([cut]), name).then(
          () => null,
          (e: unknown) => e,
        );
        expect(r).toBeInstanceOf(DecodeError);
        expect((r as DecodeError).message.startsWith(`${name}: `)).toBe(true);
      }
    }
  });
});

describe('data after the end marker', () => {
  const cat = (...parts: Uint8Array[]) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };
  // 20 KB with no 0xFF byte (so no FFD9 by chance), as a Motion Photo's MP4 after the JPEG
  const trailer = Uint8Array.from({ length: 20_000 }, (_, i) => (i * 31) % 255);

  it('a JPEG or PNG followed by other data is not "truncated"', async () => {
    await expect(checkContainer(new Blob([cat(jpg800, trailer)]), 'motion.jpg')).resolves.toBeUndefined();
    await expect(checkContainer(new Blob([cat(tinyPng, trailer)]), 'trailer.png')).resolves.toBeUndefined();
  });

  it('a cut JPEG is still truncated when an end marker sits before its scan (an EXIF thumbnail, a comment)', async () => {
    const com = Uint8Array.of(0xff, 0xfe, 0, 6, 0xff, 0xd9, 0xff, 0xd9); // COM segment holding two EOIs
    const withCom = cat(jpg800.subarray(0, 2), com, jpg800.subarray(2));
    await expect(checkContainer(new Blob([withCom]), 'ok.jpg')).resolves.toBeUndefined();
    await expect(checkContainer(new Blob([withCom.subarray(0, withCom.length - 5000)]), 'cut.jpg')).rejects.toMatchObject({
      code: 400,
      message: 'cut.jpg: the JPEG file is truncated (no end marker)',
    });
  });
});

describe('decodeBlob with the browser APIs stubbed', () => {
  afterEach(() => vi.unstubAllGlobals());
  const closed: number[] = [];
  const bitmap = (width: number, height: number) => ({ width, height, close: () => void closed.push(width) });

  it('a decoder failure, a huge decoded size, a canvas failure: each a clear error naming the file, the bitmap closed', async () => {
    const svg = new Blob(['<svg xmlns="http://www.w3.org/2000/svg" width="200000" height="200000"/>']);
    vi.stubGlobal('createImageBitmap', async () => {
      throw new Error('InvalidStateError');
    });
    await expect(decodeBlob(new Blob(['%PDF-1.4']), 'doc.pdf')).rejects.toMatchObject({ code: 400, message: expect.stringMatching(/^doc\.pdf: not an image/) });

    vi.stubGlobal('createImageBitmap', async () => bitmap(200000, 200000));
    await expect(decodeBlob(svg, 'huge.svg')).rejects.toMatchObject({ code: 413, message: expect.stringMatching(/^huge\.svg: the image is too large/) });
    expect(closed).toContain(200000);

    vi.stubGlobal('createImageBitmap', async () => bitmap(9000, 9000));
    vi.stubGlobal(
      'OffscreenCanvas',
      class {
        getContext() {
          return null;
        }
      },
    );
    await expect(decodeBlob(new Blob(['x']), 'big.avif')).rejects.toMatchObject({
      code: 413,
      message: expect.stringMatching(/^big\.avif: the image \(9000×9000\) cannot be drawn in this browser/),
    });
    expect(closed).toContain(9000);
  });

  it('a good image comes through as RGBA', async () => {
    vi.stubGlobal('createImageBitmap', async () => bitmap(2, 1));
    vi.stubGlobal(
      'OffscreenCanvas',
      class {
        getContext() {
          return { drawImage() {}, getImageData: (_x: number, _y: number, w: number, h: number) => ({ data: new Uint8ClampedArray(w * h * 4) }) };
        }
      },
    );
    const img = await decodeBlob(new Blob([tinyPng]), 'tiny.png');
    expect([img.width, img.height, img.data.length]).toEqual([2, 1, 8]);
  });
});
