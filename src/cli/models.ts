// The models for the CLI, read from a directory (the package's models/ by default). The manifest is built from
// the sidecars and graphs on disk, as scripts/build-manifest.js does, so a stale manifest.json cannot stop it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  manifestEntry,
  manifestVersion,
  parseManifest,
  type DetectorSidecar,
  type ModelBundle,
  type OcrSidecar,
} from '../engine';

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

export async function loadModelsFromDir(dir: string): Promise<ModelBundle> {
  try {
    const det = await readJson<DetectorSidecar>(join(dir, 'detector.json'));
    const ocr = await readJson<OcrSidecar>(join(dir, 'ocr.json'));
    const detFile = `${det.name || 'detector'}.onnx`;
    const ocrFile = `${ocr.name || 'ocr'}.onnx`;
    const [detBytes, ocrBytes] = await Promise.all([readFile(join(dir, detFile)), readFile(join(dir, ocrFile))]);
    const detector = new Uint8Array(detBytes.buffer, detBytes.byteOffset, detBytes.byteLength);
    const ocrGraph = new Uint8Array(ocrBytes.buffer, ocrBytes.byteOffset, ocrBytes.byteLength);
    const models = {
      detector: await manifestEntry(detFile, 'detector.json', det, detector),
      ocr: await manifestEntry(ocrFile, 'ocr.json', ocr, ocrGraph),
    };
    const manifest = parseManifest({ version: manifestVersion(models), models });
    return { manifest, detector, ocr: ocrGraph };
  } catch (e) {
    throw new Error(`cannot load the models from ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
