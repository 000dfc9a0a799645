// The real command, spawned as a user would run it (bin/alpr.js builds the CLI bundle when it is stale).
import { execFile, spawn } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'alpr.js');
// ALPR_TEST_MODELS points the tests at another models folder (e.g. a model being trained); default: the package's.
const modelsDir = process.env.ALPR_TEST_MODELS;
const haveModels = ['detector.onnx', 'detector.json', 'ocr.onnx', 'ocr.json'].every((f) =>
  existsSync(join(modelsDir ?? join(root, 'models'), f)),
);
const modelArgs = modelsDir ? ['--models', modelsDir] : [];

function alpr(args: string[], cwd = tmpdir(), timeout = 180_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args, ...(args[0] === 'read' ? modelArgs : [])], { cwd, timeout, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('alpr (CLI)', () => {
  it('--help prints the usage and exits 0', async () => {
    const r = await alpr(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: alpr read PATH/);
  }, 180_000);

  it('an invalid --config fails before reading, naming the field, exit 2', async () => {
    const r = await alpr(['read', 'x.jpg', '--config', '{"threshold_d": 7}']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/threshold_d/);
  }, 180_000);

  it.skipIf(!haveModels)(
    'reads a folder recursively in sorted order: one line per image, an error line for a broken file, exit 1',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'alpr-cli-'));
      mkdirSync(join(dir, 'sub'));
      copyFileSync(join(root, 'tests/fixtures/ro_clean_800x600.png'), join(dir, 'sub', 'ro_clean_800x600.png'));
      writeFileSync(join(dir, 'broken.jpg'), 'this is not a JPEG at all');
      writeFileSync(join(dir, 'notes.txt'), 'not an image name: skipped');
      // run from an unrelated cwd: the models are found relative to the package
      const r = await alpr(['read', dir, '--camera-id', 'gate', '--timestamp', '2026-01-02T03:04:05Z']);
      expect(r.code).toBe(1);
      const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toEqual({ filename: 'broken.jpg', error: { code: 400, message: expect.stringContaining('broken.jpg') } });
      expect(r.stderr).toMatch(/broken\.jpg/);
      const res = lines[1];
      expect(Object.keys(res)).toEqual(['processing_time', 'results', 'filename', 'version', 'camera_id', 'timestamp']);
      expect(res.filename).toBe('ro_clean_800x600.png');
      expect(res.camera_id).toBe('gate');
      expect(res.timestamp).toMatch(/^2026-01-02T03:04:05/);
      expect(res.processing_time).toBeGreaterThan(0);
      for (const p of res.results) {
        expect(Object.keys(p)).toEqual(['box', 'plate', 'region', 'vehicle', 'score', 'candidates', 'dscore']);
        expect(p.plate).toBe(p.plate.toLowerCase());
      }
    },
    180_000,
  );

  it.skipIf(!haveModels)('applies EXIF orientation: boxes are in the upright photo', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alpr-exif-'));
    // pixels stored turned a quarter left, EXIF orientation 6 ("rotate 90° clockwise to display")
    await sharp(join(root, 'tests/fixtures/ro_clean_800x600.png'))
      .rotate(-90)
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 92 })
      .toFile(join(dir, 'turned.jpg'));
    const r = await alpr(['read', join(dir, 'turned.jpg'), '--config', '{"threshold_o":0}']);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout);
    const want = { xmin: 276, ymin: 398, xmax: 524, ymax: 452 }; // fixtures.json, upright
    const overlap = (b: typeof want) => {
      const ix = Math.max(0, Math.min(b.xmax, want.xmax) - Math.max(b.xmin, want.xmin));
      const iy = Math.max(0, Math.min(b.ymax, want.ymax) - Math.max(b.ymin, want.ymin));
      return (ix * iy) / ((b.xmax - b.xmin) * (b.ymax - b.ymin) + (want.xmax - want.xmin) * (want.ymax - want.ymin) - ix * iy);
    };
    expect(res.results.some((p: { box: typeof want }) => overlap(p.box) >= 0.5)).toBe(true);
  }, 180_000);

  it.skipIf(!haveModels)('a missing file is an error line, the others are still read', async () => {
    const r = await alpr(['read', join(root, 'tests/fixtures/tiny_ro_360x240.png'), join(tmpdir(), 'no-such-file.jpg')]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.filename)).toEqual(['tiny_ro_360x240.png', 'no-such-file.jpg']);
    expect(lines[1].error.code).toBe(404);
    expect(lines[0].version).toBe(1);
  }, 180_000);
});

/** 1,000 files, every 10th (index % 10 === 7) broken in one of ten ways; the good ones small bands of the fixtures. */
async function batchFolder(n: number): Promise<{ dir: string; names: string[]; broken: Set<number> }> {
  const dir = mkdtempSync(join(tmpdir(), 'alpr-batch-'));
  const fixtures = JSON.parse(readFileSync(join(root, 'tests/fixtures/fixtures.json'), 'utf8')).images as {
    file: string; width: number; height: number; plates: { box: number[] }[];
  }[];
  const good: { ext: string; bytes: Buffer }[] = [];
  for (const f of fixtures) {
    const bandH = Math.round(f.width / 4);
    const mid = f.plates[0] ? (f.plates[0].box[1] + f.plates[0].box[3]) / 2 : f.height / 2;
    const top = Math.max(0, Math.min(f.height - bandH, Math.round(mid - bandH / 2)));
    const img = sharp(join(root, 'tests/fixtures', f.file)).extract({ left: 0, top, width: f.width, height: bandH }).resize({ width: 320 });
    good.push({ ext: 'jpg', bytes: await img.clone().jpeg({ quality: 80 }).toBuffer() });
    good.push({ ext: 'png', bytes: await img.clone().png().toBuffer() });
  }
  const jpeg = good[0].bytes;
  const heic = Buffer.alloc(64);
  heic.writeUInt32BE(24, 0);
  heic.write('ftypheicmif1heic', 4, 'latin1');
  const brokenKinds: [string, Buffer][] = [
    ['empty.jpg', Buffer.alloc(0)],
    ['cut.jpg', jpeg.subarray(0, jpeg.length >> 1)],
    ['text.jpg', Buffer.from('a shopping list, not a photo')],
    ['iphone.heic', heic],
    ['cut.png', good[1].bytes.subarray(0, 200)],
    ['pdf.jpg', Buffer.from('%PDF-1.4\n%%EOF\n')],
    ['random.png', Buffer.from(Array.from({ length: 999 }, (_, i) => (i * 2654435761) >>> 24))],
    ['soi-only.jpg', jpeg.subarray(0, 2)],
    ['html.png', Buffer.from('<!doctype html><title>saved page</title>')],
    ['zip.jpg', Buffer.from('PK\u0003\u0004', 'latin1')],
  ];
  const names: string[] = [];
  const broken = new Set<number>();
  for (let i = 0; i < n; i++) {
    const num = String(i + 1).padStart(4, '0');
    let name: string;
    if (i % 10 === 7) {
      const [tag, bytes] = brokenKinds[Math.floor(i / 10) % 10];
      name = `${num}-broken-${tag}`;
      writeFileSync(join(dir, name), bytes);
      broken.add(i);
    } else {
      const g = good[i % good.length];
      name = `${num}-ok.${g.ext}`;
      writeFileSync(join(dir, name), g.bytes);
    }
    names.push(name);
  }
  return { dir, names, broken };
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('alpr: a batch of 1,000 (10 % broken), interrupted with Ctrl-C and resumed', () => {
  it.skipIf(!haveModels)(
    '1,000 lines in order, one error line per broken file; SIGINT stops with 130 after the image in flight; --resume appends the rest',
    async () => {
      const N = 1000;
      const { dir, names, broken } = await batchFolder(N);
      const out = join(dir, '..', `${dir.split('/').pop()}.jsonl`);
      const args = [bin, 'read', dir, '--config', '{"mode":"fast"}', '--threads', '1', ...modelArgs];
      const t0 = Date.now();
      // 1. `alpr read DIR > out.jsonl`, Ctrl-C once 100 lines are there
      const fd = openSync(out, 'w');
      const child = spawn(process.execPath, args, { stdio: ['ignore', fd, 'pipe'] });
      closeSync(fd);
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
      for (;;) {
        await new Promise((r) => setTimeout(r, 200));
        if (readFileSync(out, 'utf8').split('\n').length > 100) break;
        if (child.exitCode !== null) throw new Error(`alpr ended before the interrupt: ${stderr}`);
      }
      child.kill('SIGINT');
      const code = await exited;
      expect(code).toBe(130);
      expect(stderr).toMatch(/SIGINT: stopping after the image being read/);
      expect(stderr).toMatch(/interrupted: \d+ of 1000 files answered, \d+ not read; to read them, run the same command with --resume/);
      const first = lines(out); // every line complete: JSON.parse would throw on a cut one
      expect(first.length).toBeGreaterThanOrEqual(100);
      expect(first.length).toBeLessThan(N);
      expect(first.map((l) => l.filename)).toEqual(names.slice(0, first.length));
      expect(stderr).toContain(`interrupted: ${first.length} of 1000 files answered`);

      // 2. the same command with --resume out.jsonl: the rest is appended, nothing twice, nothing on stdout
      const r = await alpr(['read', dir, '--config', '{"mode":"fast"}', '--threads', '1', '--resume', out], tmpdir(), 800_000);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`resuming ${out}: ${first.length} of 1000 files already there`);
      expect(r.code).toBe(1);
      const all = lines(out);
      expect(all).toHaveLength(N);
      expect(all.map((l) => l.filename)).toEqual(names);
      all.forEach((l, i) => {
        if (broken.has(i)) {
          expect(Object.keys(l), names[i]).toEqual(['filename', 'error']);
          expect(l.error.code, names[i]).toBeGreaterThanOrEqual(400);
          expect(l.error.code, names[i]).toBeLessThan(500);
          expect(l.error.message.startsWith(`${names[i]}: `), l.error.message).toBe(true);
        } else {
          expect(Object.keys(l), names[i]).toEqual(['processing_time', 'results', 'filename', 'version', 'camera_id', 'timestamp']);
        }
      });
      // 3. resuming a finished file reads nothing and keeps the batch's exit code
      const again = await alpr(['read', dir, '--resume', out]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('1000 of 1000 files already there (100 with an error), 0 to read');
      expect(lines(out)).toHaveLength(N);
      console.log(
        `alpr batch: ${N} files, ${N - broken.size} read, ${broken.size} error lines; interrupted after ${first.length}, ` +
          `resumed to ${all.length} lines in order; ${((Date.now() - t0) / 1000).toFixed(0)} s in all`,
      );
    },
    900_000,
  );
});
