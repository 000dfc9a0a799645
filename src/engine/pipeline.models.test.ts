// The whole pipeline with the real models (models/, or ALPR_TEST_MODELS) on the synthetic fixtures
// (tests/fixtures/fixtures.json): every expected plate is found where it is and read exactly, in the API's shape.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRequest } from '../api/options';
import type { PlateReaderResponse } from '../api/types';
import { loadModelsFromDir } from '../cli/models';
import { iou } from './detect';
import { PlateEngine } from './pipeline';
import type { RgbaImage } from './preprocess';

const root = fileURLToPath(new URL('../..', import.meta.url));
const modelsDir = process.env.ALPR_TEST_MODELS ?? join(root, 'models');
const fixturesDir = join(root, 'tests', 'fixtures');
const haveModels = ['detector.onnx', 'detector.json', 'ocr.onnx', 'ocr.json'].every((f) => existsSync(join(modelsDir, f)));

interface Fixture {
  file: string;
  width: number;
  height: number;
  plates: { text: string; region: string; box: [number, number, number, number] }[];
}
const fixtures: Fixture[] = existsSync(join(fixturesDir, 'fixtures.json'))
  ? JSON.parse(readFileSync(join(fixturesDir, 'fixtures.json'), 'utf8')).images
  : [];

async function decode(file: string): Promise<RgbaImage> {
  const { data, info } = await sharp(join(fixturesDir, file)).rotate().ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

describe.skipIf(!haveModels || fixtures.length === 0)('PlateEngine on the real models', () => {
  let engine: PlateEngine;
  beforeAll(async () => {
    ort.env.wasm.numThreads = 1;
    engine = await PlateEngine.create(ort, await loadModelsFromDir(modelsDir), { executionProviders: ['wasm'] });
  }, 60_000);
  afterAll(async () => engine?.dispose());

  it('answers in the API shape on every fixture', async () => {
    for (const f of fixtures) {
      const image = await decode(f.file);
      expect([image.width, image.height]).toEqual([f.width, f.height]);
      const { response, timings } = await engine.recognize(image, parseRequest({ filename: f.file }));
      const r = response as PlateReaderResponse;
      expect(Object.keys(r)).toEqual(['processing_time', 'results', 'filename', 'version', 'camera_id', 'timestamp']);
      expect(r.filename).toBe(f.file);
      expect(timings.detect).toBeGreaterThan(0);
      for (const p of r.results) {
        expect(Object.keys(p)).toEqual(['box', 'plate', 'region', 'vehicle', 'score', 'candidates', 'dscore']);
        expect(p.plate).toMatch(/^[a-z0-9]+$/);
        expect(p.candidates[0]).toEqual({ score: p.score, plate: p.plate });
        expect(p.score).toBeGreaterThanOrEqual(0.6); // threshold_o default
        expect(p.dscore).toBeGreaterThanOrEqual(0.2); // threshold_d default
        expect(p.box.xmin).toBeGreaterThanOrEqual(0);
        expect(p.box.xmax).toBeLessThanOrEqual(f.width);
        expect(p.box.ymax).toBeLessThanOrEqual(f.height);
      }
    }
  }, 120_000);

  it('finds every expected plate where it is (IoU ≥ 0.5), whatever the reading', async () => {
    const misses: string[] = [];
    for (const f of fixtures) {
      const req = parseRequest({ filename: f.file, config: { threshold_o: 0 } });
      const r = (await engine.recognize(await decode(f.file), req)).response as PlateReaderResponse;
      for (const want of f.plates) {
        const [xmin, ymin, xmax, ymax] = want.box;
        if (!r.results.some((p) => iou(p.box, { xmin, ymin, xmax, ymax }) >= 0.5)) misses.push(`${f.file}: ${want.text}`);
      }
    }
    expect(misses).toEqual([]);
  }, 120_000);

  // A quality bar rather than perfection: the models are still training (with the interim detector the tiny
  // plate's box comes out ~25 % too wide and its 7th character is lost; from the exact box it reads right).
  it('reads at least 80 % of the expected plates exactly with the default thresholds', async () => {
    const misses: string[] = [];
    let total = 0;
    for (const f of fixtures) {
      const { response } = await engine.recognize(await decode(f.file), parseRequest({ filename: f.file }));
      const r = response as PlateReaderResponse;
      for (const want of f.plates) {
        total++;
        const [xmin, ymin, xmax, ymax] = want.box;
        const found = r.results.find((p) => iou(p.box, { xmin, ymin, xmax, ymax }) >= 0.5);
        if (!found) misses.push(`${f.file}: ${want.text} not found (got ${r.results.map((p) => p.plate).join(', ') || 'nothing'})`);
        else if (found.plate !== want.text.toLowerCase()) misses.push(`${f.file}: ${want.text} read as ${found.plate}`);
      }
    }
    console.info(`fixtures read exactly: ${total - misses.length}/${total}${misses.length ? `; ${misses.join('; ')}` : ''}`);
    expect((total - misses.length) / total, misses.join('\n')).toBeGreaterThanOrEqual(0.8);
  }, 120_000);
});
