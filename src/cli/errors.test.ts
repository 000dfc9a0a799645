// An unexpected failure while reading one file (out of memory, a decoder or model run throwing) is answered for
// that file, in its place and named, and the batch goes on (docs/robustness.md).
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { main } from './main';

vi.mock('./decode', async (importOriginal) => {
  const real = await importOriginal<typeof import('./decode')>();
  return {
    ...real,
    decodeImage: async (bytes: Uint8Array, filename: string) => {
      if (filename.startsWith('oom')) throw new RangeError('Array buffer allocation failed');
      if (filename.startsWith('odd')) throw 'a thrown string';
      if (filename.startsWith('nul')) throw null;
      if (filename.startsWith('ort')) throw Object.assign(new Error('ORT run failed'), { code: 1 });
      return real.decodeImage(bytes, filename);
    },
  };
});

const root = fileURLToPath(new URL('../..', import.meta.url));
const modelsDir = process.env.ALPR_TEST_MODELS ?? join(root, 'models');
const haveModels = ['detector.onnx', 'detector.json', 'ocr.onnx', 'ocr.json'].every((f) => existsSync(join(modelsDir, f)));

describe.skipIf(!haveModels)('unexpected failures mid-batch', () => {
  it('each is an error line naming its file, in its place; the files after it are read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alpr-err-'));
    const tiny = join(root, 'tests/fixtures/tiny_ro_360x240.png');
    for (const n of ['a.png', 'oom.png', 'b.png', 'odd.png', 'nul.png', 'ort.png', 'c.png']) copyFileSync(tiny, join(dir, n));
    const out: string[] = [];
    let stderr = '';
    const code = await main(['read', dir, '--config', '{"mode":"fast"}', '--threads', '1', '--models', modelsDir], {
      root,
      stdout: (s) => out.push(...s.split('\n').filter(Boolean)),
      stderr: (s) => void (stderr += s),
    });
    rmSync(dir, { recursive: true, force: true });
    const lines = out.map((l) => JSON.parse(l) as { filename: string; error?: { code: number; message: string }; results?: unknown[] });
    expect(code).toBe(1);
    expect(lines.map((l) => l.filename)).toEqual(['a.png', 'b.png', 'c.png', 'nul.png', 'odd.png', 'oom.png', 'ort.png']);
    expect(lines[3].error).toEqual({ code: 500, message: 'nul.png: null' });
    expect(lines[4].error).toEqual({ code: 500, message: 'odd.png: a thrown string' });
    expect(lines[5].error).toEqual({ code: 500, message: 'oom.png: Array buffer allocation failed' });
    expect(lines[6].error).toEqual({ code: 500, message: 'ort.png: ORT run failed' });
    for (const l of lines.slice(0, 3)) expect(Array.isArray(l.results)).toBe(true);
    expect(stderr).toMatch(/oom\.png: Array buffer allocation failed/);
  }, 120_000);
});
