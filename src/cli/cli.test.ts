// The real command, spawned as a user would run it (bin/alpr.js builds the CLI bundle when it is stale).
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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

function alpr(args: string[], cwd = tmpdir()): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args, ...(args[0] === 'read' ? modelArgs : [])], { cwd, timeout: 180_000, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
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
