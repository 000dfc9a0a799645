// "Any file, any batch: nothing lost, nothing crashes." A fuzz corpus built here from the committed fixtures
// (seeded, so every run tries the same files): cut, bit-flipped, zeroed, marker-shuffled and CRC-broken JPEGs and
// PNGs, files that are not images at all, odd formats and extreme sizes. All of it goes through the CLI's own
// `main` in-process (decode with sharp + the engine), then a 200-file folder through the spawned `bin/alpr.js`.
// Every input must give exactly one JSON line, in order: a response, or an API error that names the file.
// The figures printed here are quoted in docs/robustness.md.
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './main';
import { prng } from '../test-utils/prng';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = join(root, 'tests', 'fixtures');
const modelsDir = process.env.ALPR_TEST_MODELS ?? join(root, 'models');
const haveModels = ['detector.onnx', 'detector.json', 'ocr.onnx', 'ocr.json'].every((f) => existsSync(join(modelsDir, f)));
const FAST = ['--config', '{"mode":"fast"}', '--threads', '1', '--models', modelsDir, '--timestamp', '2026-01-02T03:04:05Z'];

interface Case {
  name: string;
  kind: string;
  bytes: Uint8Array;
  /** What must happen: 'read' (a response), 'error' (an API error line), or 'either'. */
  expect: 'read' | 'error' | 'either';
  /** The error code when expect is 'error' and it matters. */
  code?: number;
}

const crcTable = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A PNG's IHDR with the given size, CRC correct (so only the size is wrong). */
function pngWithSize(png: Uint8Array, width: number, height: number, fixCrc = true): Uint8Array {
  const out = Uint8Array.from(png);
  const dv = new DataView(out.buffer);
  dv.setUint32(16, width);
  dv.setUint32(20, height);
  if (fixCrc) dv.setUint32(29, crc32(out.subarray(12, 29)));
  return out;
}

/** JPEG marker segments (offset, length incl. marker) up to SOS. */
function jpegSegments(j: Uint8Array): { at: number; len: number; marker: number }[] {
  const segs: { at: number; len: number; marker: number }[] = [];
  let i = 2;
  while (i + 4 <= j.length && j[i] === 0xff) {
    const marker = j[i + 1];
    const len = 2 + ((j[i + 2] << 8) | j[i + 3]);
    segs.push({ at: i, len, marker });
    if (marker === 0xda) break;
    i += len;
  }
  return segs;
}

/** A 24-bit BMP, bottom-up, written by hand (sharp does not write BMP). */
function bmp(width: number, height: number): Uint8Array {
  const row = Math.ceil((width * 3) / 4) * 4;
  const size = 54 + row * height;
  const b = new Uint8Array(size);
  const dv = new DataView(b.buffer);
  b[0] = 0x42;
  b[1] = 0x4d;
  dv.setUint32(2, size, true);
  dv.setUint32(10, 54, true);
  dv.setUint32(14, 40, true);
  dv.setInt32(18, width, true);
  dv.setInt32(22, height, true);
  dv.setUint16(26, 1, true);
  dv.setUint16(28, 24, true);
  dv.setUint32(34, row * height, true);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) b.set([200, 120, 40], 54 + y * row + x * 3);
  return b;
}

async function buildCorpus(): Promise<Case[]> {
  const rnd = prng(20261121);
  const int = (n: number) => Math.floor(rnd() * n);
  const cases: Case[] = [];
  const add = (c: Case) => cases.push(c);
  const tinyPng = new Uint8Array(readFileSync(join(fixtures, 'tiny_ro_360x240.png')));
  const png800 = new Uint8Array(readFileSync(join(fixtures, 'ro_clean_800x600.png')));
  const jpg800 = new Uint8Array(readFileSync(join(fixtures, 'de_car_800x600.jpg')));
  const tinyJpg = new Uint8Array(await sharp(tinyPng).jpeg({ quality: 85 }).toBuffer());
  const bases: [string, Uint8Array, string][] = [
    ['tinypng', tinyPng, 'png'],
    ['png800', png800, 'png'],
    ['jpg800', jpg800, 'jpg'],
    ['tinyjpg', tinyJpg, 'jpg'],
  ];

  // Mutations of real files. Their outcome may be either (a flipped byte in a JPEG's entropy data still decodes):
  // what matters is one line each, and a clear error when it is an error.
  for (const [base, bytes, ext] of bases) {
    for (let k = 0; k < 5; k++) {
      const cut = 1 + int(bytes.length - 2);
      add({ name: `trunc_${base}_${cut}.${ext}`, kind: 'truncated', bytes: bytes.slice(0, cut), expect: 'either' });
    }
    add({ name: `trunc_${base}_half.${ext}`, kind: 'truncated', bytes: bytes.slice(0, bytes.length >> 1), expect: 'either' });
    for (let k = 0; k < 4; k++) {
      const b = Uint8Array.from(bytes);
      for (let f = 0; f < 3; f++) b[int(Math.min(64, b.length))] ^= 1 << int(8);
      add({ name: `fliphead_${base}_${k}.${ext}`, kind: 'byte flips (header)', bytes: b, expect: 'either' });
    }
    for (let k = 0; k < 4; k++) {
      const b = Uint8Array.from(bytes);
      for (let f = 0; f < 20; f++) b[64 + int(b.length - 64)] ^= 1 << int(8);
      add({ name: `flipbody_${base}_${k}.${ext}`, kind: 'byte flips (body)', bytes: b, expect: 'either' });
    }
    for (let k = 0; k < 3; k++) {
      const b = Uint8Array.from(bytes);
      const at = int(b.length);
      b.fill(0, at, Math.min(b.length, at + 256 + int(2048)));
      add({ name: `zeroed_${base}_${k}.${ext}`, kind: 'zeroed chunk', bytes: b, expect: 'either' });
    }
  }
  // JPEG marker surgery: duplicate a segment, swap two, drop SOF, a second SOI.
  for (const [base, bytes, ext] of bases.filter((b) => b[2] === 'jpg')) {
    const segs = jpegSegments(bytes);
    const seg = (s: { at: number; len: number }) => bytes.subarray(s.at, s.at + s.len);
    const cat = (...parts: Uint8Array[]) => {
      const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) {
        out.set(p, o);
        o += p.length;
      }
      return out;
    };
    const sof = segs.find((s) => s.marker === 0xc0 || s.marker === 0xc2)!;
    const dqt = segs.find((s) => s.marker === 0xdb)!;
    const dht = segs.find((s) => s.marker === 0xc4)!;
    const sos = segs.find((s) => s.marker === 0xda)!;
    const dup = cat(bytes.subarray(0, sof.at + sof.len), seg(sof), bytes.subarray(sof.at + sof.len));
    add({ name: `jpeg_dupsof_${base}.${ext}`, kind: 'JPEG markers', bytes: dup, expect: 'either' });
    const nosof = cat(bytes.subarray(0, sof.at), bytes.subarray(sof.at + sof.len));
    add({ name: `jpeg_nosof_${base}.${ext}`, kind: 'JPEG markers', bytes: nosof, expect: 'error', code: 400 });
    const nodht = cat(bytes.subarray(0, dht.at), bytes.subarray(dht.at + dht.len));
    add({ name: `jpeg_nodht_${base}.${ext}`, kind: 'JPEG markers', bytes: nodht, expect: 'either' });
    // SOS moved before the tables it needs
    const early = cat(bytes.subarray(0, 2), seg(sos), bytes.subarray(2, sos.at), bytes.subarray(sos.at + sos.len));
    add({ name: `jpeg_sosfirst_${base}.${ext}`, kind: 'JPEG markers', bytes: early, expect: 'error', code: 400 });
    const swapped = Uint8Array.from(bytes);
    swapped[dqt.at + 1] = 0xc4;
    swapped[dht.at + 1] = 0xdb;
    add({ name: `jpeg_swapdqtdht_${base}.${ext}`, kind: 'JPEG markers', bytes: swapped, expect: 'error', code: 400 });
    add({ name: `jpeg_twosoi_${base}.${ext}`, kind: 'JPEG markers', bytes: cat(bytes.subarray(0, 2), bytes), expect: 'either' });
    add({ name: `jpeg_noeoi_${base}.${ext}`, kind: 'JPEG markers', bytes: bytes.subarray(0, bytes.length - 2), expect: 'either' });
    // a Motion Photo: a video after the JPEG's EOI (here 20 KB without 0xFF bytes)
    const trailer = Uint8Array.from({ length: 20_000 }, (_, i) => (i * 31) % 255);
    add({ name: `motion_${base}.${ext}`, kind: 'JPEG markers', bytes: cat(bytes, trailer), expect: 'read' });
  }
  // PNG chunk surgery.
  for (const [base, bytes] of bases.filter((b) => b[2] === 'png')) {
    const badCrc = Uint8Array.from(bytes);
    badCrc[30] ^= 0xff; // IHDR's CRC
    add({ name: `png_ihdrcrc_${base}.png`, kind: 'PNG chunks', bytes: badCrc, expect: 'either' });
    add({ name: `png_zerowidth_${base}.png`, kind: 'PNG chunks', bytes: pngWithSize(bytes, 0, 240), expect: 'error', code: 400 });
    add({ name: `png_wrongsize_${base}.png`, kind: 'PNG chunks', bytes: pngWithSize(bytes, 361, 241), expect: 'either' });
    add({ name: `png_bomb_${base}.png`, kind: 'PNG chunks', bytes: pngWithSize(bytes, 60000, 60000), expect: 'error', code: 413 });
    const noIend = bytes.subarray(0, bytes.length - 12);
    add({ name: `png_noiend_${base}.png`, kind: 'PNG chunks', bytes: noIend, expect: 'either' });
    const badType = Uint8Array.from(bytes);
    badType.set([0x69, 0x68, 0x64, 0x72], 12); // "ihdr": not the critical chunk
    add({ name: `png_ihdrname_${base}.png`, kind: 'PNG chunks', bytes: badType, expect: 'error', code: 400 });
  }

  // Not images, or not images we can decode.
  const text = (s: string) => new TextEncoder().encode(s);
  add({ name: 'empty.jpg', kind: 'not an image', bytes: new Uint8Array(0), expect: 'error', code: 400 });
  add({ name: 'random.jpg', kind: 'not an image', bytes: Uint8Array.from({ length: 4096 }, () => int(256)), expect: 'error', code: 400 });
  add({ name: 'random.png', kind: 'not an image', bytes: Uint8Array.from({ length: 100 }, () => int(256)), expect: 'error', code: 400 });
  add({ name: 'notes.jpg', kind: 'not an image', bytes: text('This is a text file that someone renamed to .jpg\n'), expect: 'error', code: 400 });
  add({ name: 'one_byte.png', kind: 'not an image', bytes: Uint8Array.of(0x89), expect: 'error', code: 400 });
  add({ name: 'jpeg_soi_only.jpg', kind: 'not an image', bytes: Uint8Array.of(0xff, 0xd8, 0xff), expect: 'error', code: 400 });
  add({ name: 'png_sig_only.png', kind: 'not an image', bytes: tinyPng.slice(0, 8), expect: 'error', code: 400 });
  add({
    name: 'doc.pdf',
    kind: 'not an image',
    bytes: text('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n'),
    expect: 'error',
    code: 400,
  });
  const heic = new Uint8Array(64);
  heic.set([0, 0, 0, 0x18], 0);
  heic.set(text('ftypheic'), 4);
  heic.set(text('mif1heic'), 16);
  add({ name: 'photo.heic', kind: 'not decodable', bytes: heic, expect: 'error', code: 400 });
  add({ name: 'photo_heic_named.jpg', kind: 'not decodable', bytes: heic, expect: 'error', code: 400 });
  add({ name: 'bitmap.bmp', kind: 'not decodable', bytes: bmp(64, 48), expect: 'error', code: 400 });
  add({
    name: 'drawing.svg',
    kind: 'other formats',
    bytes: text('<svg xmlns="http://www.w3.org/2000/svg" width="320" height="200"><rect width="320" height="200" fill="#8ac"/><text x="20" y="110" font-size="40">B 43 SMI</text></svg>'),
    expect: 'read',
  });
  add({
    name: 'huge.svg',
    kind: 'extreme sizes',
    bytes: text('<svg xmlns="http://www.w3.org/2000/svg" width="200000" height="200000"><rect width="10" height="10"/></svg>'),
    expect: 'error',
    code: 413,
  });

  // Other encodings of a real photo: all must be read.
  const img = () => sharp(png800);
  const enc: [string, string, Promise<Buffer>][] = [
    ['png16.png', 'PNG 16-bit', img().toColourspace('rgb16').png().toBuffer()],
    ['palette.png', 'PNG palette', img().png({ palette: true, colours: 64 }).toBuffer()],
    ['alpha.png', 'PNG alpha', img().ensureAlpha(0.5).png().toBuffer()],
    ['grey.png', 'PNG grey', img().greyscale().png().toBuffer()],
    ['interlaced.png', 'PNG interlaced', img().png({ progressive: true }).toBuffer()],
    ['cmyk.jpg', 'JPEG CMYK', img().toColourspace('cmyk').jpeg().toBuffer()],
    ['progressive.jpg', 'JPEG progressive', img().jpeg({ progressive: true }).toBuffer()],
    ['grey.jpg', 'JPEG grey', img().greyscale().jpeg().toBuffer()],
    ['photo.webp', 'WebP', img().webp().toBuffer()],
    ['photo.gif', 'GIF', img().gif().toBuffer()],
    ['photo.tiff', 'TIFF', img().tiff().toBuffer()],
    ['photo.avif', 'AVIF', img().avif({ effort: 0 }).toBuffer()],
    ['webp_named.jpg', 'WebP named .jpg', img().webp().toBuffer()],
  ];
  for (const [name, kind, p] of enc) add({ name, kind, bytes: new Uint8Array(await p), expect: 'read' });

  // Extreme dimensions.
  const solid = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#7a8' } });
  add({ name: 'one_pixel.png', kind: 'extreme sizes', bytes: new Uint8Array(await solid(1, 1).png().toBuffer()), expect: 'read' });
  add({ name: 'one_by_4000.png', kind: 'extreme sizes', bytes: new Uint8Array(await solid(1, 4000).png().toBuffer()), expect: 'read' });
  add({ name: 'w4000_by_1.jpg', kind: 'extreme sizes', bytes: new Uint8Array(await solid(4000, 1).jpeg().toBuffer()), expect: 'read' });
  add({
    name: 'huge_12000x9000.png',
    kind: 'extreme sizes',
    bytes: new Uint8Array(await solid(12000, 9000).png({ compressionLevel: 1 }).toBuffer()),
    expect: 'read',
  });
  return cases;
}

interface Line {
  filename?: string;
  error?: { code: number; message: string };
  results?: unknown[];
}

describe.skipIf(!haveModels)('robustness: any file, any batch', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'alpr-fuzz-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('a fuzz corpus through the CLI in-process: one line per file, in order; clear errors; no crash', async () => {
    const cases = await buildCorpus();
    // each file in its own folder, so that names may repeat across kinds and the order is the arguments' order
    const paths = cases.map((c, i) => {
      const d = join(tmp, String(i).padStart(3, '0'));
      mkdirSync(d);
      writeFileSync(join(d, c.name), c.bytes);
      return join(d, c.name);
    });
    const lines: string[] = [];
    const stamps: { ms: number; rss: number }[] = [];
    let last = performance.now();
    let threw: unknown = null;
    let code = -1;
    try {
      code = await main(['read', ...paths, ...FAST], {
        root,
        stdout: (s) => {
          lines.push(...s.split('\n').filter(Boolean));
          const t = performance.now();
          stamps.push({ ms: t - last, rss: process.memoryUsage().rss });
          last = t;
        },
        stderr: () => {},
      });
    } catch (e) {
      threw = e;
    }
    expect(threw).toBeNull();

    const rows = new Map<string, { tried: number; read: number; error: number; crashed: number; lost: number }>();
    const row = (k: string) => rows.get(k) ?? (rows.set(k, { tried: 0, read: 0, error: 0, crashed: 0, lost: 0 }), rows.get(k)!);
    const problems: string[] = [];
    cases.forEach((c, i) => {
      const r = row(c.kind);
      r.tried++;
      const raw = lines[i];
      let l: Line | null = null;
      try {
        l = raw === undefined ? null : (JSON.parse(raw) as Line);
      } catch {
        l = null;
      }
      if (!l || l.filename !== c.name) {
        r.lost++;
        problems.push(`${c.name}: lost (line ${i}: ${raw?.slice(0, 120)})`);
        return;
      }
      if (l.error) {
        const clear =
          Object.keys(l).join() === 'filename,error' &&
          Object.keys(l.error).join() === 'code,message' &&
          l.error.code >= 400 &&
          l.error.code < 500 &&
          l.error.message.startsWith(`${c.name}: `);
        if (!clear) {
          r.crashed++;
          problems.push(`${c.name}: unclear error ${JSON.stringify(l.error)}`);
        } else r.error++;
        if (c.expect === 'read') problems.push(`${c.name}: expected a response, got ${l.error.message}`);
        if (c.expect === 'error' && c.code && l.error.code !== c.code) problems.push(`${c.name}: expected ${c.code}, got ${JSON.stringify(l.error)}`);
      } else {
        r.read++;
        if (!Array.isArray(l.results)) problems.push(`${c.name}: no results array`);
        if (c.expect === 'error') problems.push(`${c.name}: expected an error, got a response`);
      }
    });
    const total = { tried: 0, read: 0, error: 0, crashed: 0, lost: 0 };
    for (const r of rows.values()) for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += r[k];
    const fmt = (k: string, r: typeof total) =>
      `| ${k.padEnd(20)} | ${[r.tried, r.read, r.error, r.crashed, r.lost].map((n) => String(n).padStart(5)).join(' | ')} |`;
    // (the first line's time includes loading the models)
    const slowest = cases.map((c, i) => ({ name: c.name, ms: i > 0 ? (stamps[i]?.ms ?? 0) : 0 })).sort((a, b) => b.ms - a.ms)[0];
    const reasons = new Map<string, number>();
    for (const raw of lines) {
      const l = JSON.parse(raw) as Line;
      if (!l.error) continue;
      const why = `${l.error.code} ${l.error.message.slice(l.error.message.indexOf(': ') + 2).replace(/\(.*$/, '(…)').replace(/\d+×\d+.*/, '…')}`;
      reasons.set(why, (reasons.get(why) ?? 0) + 1);
    }
    console.log(
      [
        `| kind                 | tried |  read | error | crash |  lost |`,
        `| -------------------- | ----: | ----: | ----: | ----: | ----: |`,
        ...[...rows].map(([k, r]) => fmt(k, r)),
        fmt('total', total),
        `extra lines: ${lines.length - cases.length}; exit code ${code}; slowest ${slowest.name} ${slowest.ms.toFixed(0)} ms; ` +
          `peak RSS ${(Math.max(...stamps.map((s) => s.rss)) / 2 ** 20).toFixed(0)} MiB`,
        'error messages (file name and details cut):',
        ...[...reasons].sort((a, b) => b[1] - a[1]).map(([why, n]) => `  ${String(n).padStart(3)}  ${why}`),
        ...problems,
      ].join('\n'),
    );
    const byName = new Map(lines.map((raw) => JSON.parse(raw) as Line).map((l) => [l.filename, l]));
    expect(byName.get('photo.heic')?.error?.message).toMatch(/^photo\.heic: HEIC\/HEIF \(/);
    expect(byName.get('photo_heic_named.jpg')?.error?.message).toMatch(/HEIC\/HEIF/);
    expect(byName.get('bitmap.bmp')?.error?.message).toBe('bitmap.bmp: BMP (not supported: convert to PNG or JPEG)');
    expect(byName.get('doc.pdf')?.error?.message).toBe('doc.pdf: PDF (a document, not an image)');
    // 108 MP: read (decoded downscaled to 16 MP); a header declaring 60000×60000 (3,600 MP): 413 before decoding.
    expect(byName.get('huge_12000x9000.png')?.error).toBeUndefined();
    expect((byName.get('huge_12000x9000.png') as { results?: unknown[] } | undefined)?.results).toEqual([]);
    const bomb = [...byName.values()].find((l) => l.filename?.startsWith('png_bomb_'));
    expect(bomb?.error?.code).toBe(413);
    expect(bomb?.error?.message).toMatch(/the image is too large \(60000×60000, 3600\.0 megapixels; the limit is 200\)/);
    expect(lines).toHaveLength(cases.length);
    expect(total.crashed).toBe(0);
    expect(total.lost).toBe(0);
    expect(problems).toEqual([]);
    expect(code).toBe(1);
  }, 300_000);
});

/** The real command, spawned as a user runs it. */
function alpr(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'bin', 'alpr.js'), ...args], { cwd: tmpdir(), timeout: 280_000, maxBuffer: 1 << 26 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

describe.skipIf(!haveModels)('robustness: a batch of 200 through the spawned CLI', () => {
  it('one line per file in sorted path order, errors for exactly the broken ones, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alpr-batch-'));
    try {
      const tiny = readFileSync(join(fixtures, 'tiny_ro_360x240.png'));
      const broken = new Set<string>();
      const paths: string[] = [];
      mkdirSync(join(dir, 'b'));
      mkdirSync(join(dir, 'a', 'deep'), { recursive: true });
      const folders = ['a', 'a/deep', 'b', '.'];
      for (let i = 0; i < 200; i++) {
        const folder = folders[i % folders.length];
        const bad = i % 10 === 3;
        const name = `img_${String((i * 37) % 200).padStart(3, '0')}.${bad && i % 20 === 3 ? 'jpg' : 'png'}`;
        const p = join(dir, folder, name);
        const bytes = !bad
          ? tiny
          : [tiny.subarray(0, 1000), Buffer.alloc(0), Buffer.from('not an image'), Buffer.from(tiny.map((b, k) => (k > 40 ? 0 : b)))][((i / 10) | 0) % 4];
        writeFileSync(p, bytes);
        paths.push(p);
        if (bad) broken.add(name);
      }
      writeFileSync(join(dir, 'notes.txt'), 'skipped: not an image name');
      writeFileSync(join(dir, '.hidden.png'), 'skipped: hidden');
      const t0 = performance.now();
      const r = await alpr(['read', dir, ...FAST]);
      const seconds = (performance.now() - t0) / 1000;
      const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
      const want = [...paths].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)).map((p) => p.slice(p.lastIndexOf('/') + 1));
      const errors = lines.filter((l) => l.error);
      console.log(
        `batch: ${paths.length} files, ${lines.length} lines, ${lines.length - errors.length} read, ${errors.length} errors ` +
          `(${broken.size} broken), exit ${r.code}, ${seconds.toFixed(1)} s`,
      );
      expect(r.code).toBe(1);
      expect(lines.map((l) => l.filename)).toEqual(want);
      expect(new Set(errors.map((l) => l.filename))).toEqual(broken);
      expect(errors).toHaveLength(broken.size);
      for (const l of errors) {
        expect(Object.keys(l)).toEqual(['filename', 'error']);
        expect(l.error!.message.startsWith(`${l.filename}: `)).toBe(true);
      }
      for (const l of lines.filter((x) => !x.error)) expect(Array.isArray(l.results)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});

describe.skipIf(!haveModels)('robustness: odd files on disk', () => {
  it('skipped names and unreadable entries are reported; a FIFO and a huge file are clear errors, not a hang', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alpr-odd-'));
    try {
      copyFileSync(join(fixtures, 'tiny_ro_360x240.png'), join(dir, 'a.png'));
      writeFileSync(join(dir, 'notes.txt'), 'not an image name');
      writeFileSync(join(dir, 'scan.bmp'), bmp(8, 8));
      // 600 MiB, sparse: nothing is written, and the CLI must not read it into memory
      writeFileSync(join(dir, 'big.jpg'), Uint8Array.of(0xff, 0xd8, 0xff));
      truncateSync(join(dir, 'big.jpg'), 600 * 2 ** 20);
      const fifo = join(dir, 'pipe.jpg');
      let haveFifo = true;
      try {
        execFileSync('mkfifo', [fifo]);
      } catch {
        haveFifo = false;
      }
      const out: string[] = [];
      let stderr = '';
      const code = await main(['read', dir, ...(haveFifo ? [fifo] : []), join(dir, 'missing.png'), ...FAST], {
        root,
        stdout: (s) => out.push(...s.split('\n').filter(Boolean)),
        stderr: (s) => void (stderr += s),
      });
      const lines = out.map((l) => JSON.parse(l) as Line);
      expect(code).toBe(1);
      expect(lines.map((l) => l.filename)).toEqual(['a.png', 'big.jpg', ...(haveFifo ? ['pipe.jpg'] : []), 'missing.png']);
      expect(lines[0].results).toBeDefined();
      expect(lines[1].error).toEqual({ code: 413, message: expect.stringMatching(/^big\.jpg: the file is too large/) });
      if (haveFifo) expect(lines[2].error).toEqual({ code: 400, message: 'pipe.jpg: not a regular file' });
      expect(lines.at(-1)!.error!.code).toBe(404);
      // the folder's FIFO, notes.txt and scan.bmp are not image names / not files: named on stderr, not dropped silently
      expect(stderr).toMatch(/skipped \d file\(s\) in folders that are not image names: .*notes\.txt/);
      expect(stderr).toMatch(/scan\.bmp/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('an empty folder says so on stderr and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alpr-none-'));
    let stderr = '';
    const out: string[] = [];
    const code = await main(['read', dir, ...FAST], { root, stdout: (s) => out.push(s), stderr: (s) => void (stderr += s) });
    rmSync(dir, { recursive: true, force: true });
    expect(code).toBe(0);
    expect(out).toEqual([]);
    expect(stderr).toMatch(/no images to read/);
  }, 60_000);
});

describe('huge photos are read downscaled, boxes in the photo\'s own pixels', () => {
  it.skipIf(!haveModels)('a 12000×6750 photo (91 MP) gives the plates of its 1280×720 original, boxes ×9.375', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alpr-huge-'));
    try {
      const name = 'two_cars_1280x720.jpg';
      const small = join(fixtures, name);
      const big = join(dir, 'huge_12000x6750.jpg');
      writeFileSync(big, await sharp(small).resize(12000, 6750, { kernel: 'cubic' }).jpeg({ quality: 90 }).toBuffer());
      const out: string[] = [];
      const code = await main(['read', small, big, ...FAST], { root, stdout: (s) => out.push(...s.split('\n').filter(Boolean)), stderr: () => {} });
      expect(code).toBe(0);
      type R = { results: { plate: string; box: { xmin: number; ymin: number; xmax: number; ymax: number } }[] };
      const [a, b] = out.map((l) => JSON.parse(l) as R);
      expect(a.results.length).toBeGreaterThan(0);
      expect(b.results.map((r) => r.plate).sort()).toEqual(a.results.map((r) => r.plate).sort());
      const f = 12000 / 1280;
      for (const r of b.results) {
        const o = a.results.find((x) => x.plate === r.plate)!;
        for (const k of ['xmin', 'ymin', 'xmax', 'ymax'] as const) {
          expect(Number.isInteger(r.box[k])).toBe(true);
          expect(Math.abs(r.box[k] - o.box[k] * f)).toBeLessThan(0.04 * (o.box.xmax - o.box.xmin) * f + 2 * f);
        }
        expect(r.box.xmax).toBeLessThanOrEqual(12000);
        expect(r.box.ymax).toBeLessThanOrEqual(6750);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
