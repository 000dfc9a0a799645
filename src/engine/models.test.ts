import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { manifestEntry, manifestVersion, ModelIntegrityError, parseManifest, sha256Hex, verifyModel } from './models';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('sha256Hex / verifyModel', () => {
  it('hashes like every other SHA-256', async () => {
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('accepts the described bytes and rejects a changed or truncated copy', async () => {
    const bytes = Uint8Array.from([1, 2, 3, 4]);
    const entry = await manifestEntry('x.onnx', 'x.json', { version: '1' }, bytes);
    await expect(verifyModel(bytes, entry)).resolves.toBeUndefined();
    await expect(verifyModel(Uint8Array.from([1, 2, 3, 5]), entry)).rejects.toThrow(ModelIntegrityError);
    await expect(verifyModel(Uint8Array.from([1, 2, 3]), entry)).rejects.toThrow(/3 bytes/);
  });
});

describe('parseManifest', () => {
  const det = { name: 'detector', version: 'd1', input: 'image', outputs: ['scores', 'boxes'], stride: 8, input_multiple: 32, sizes: { fast: 640, default: 640 } };
  const ocr = { name: 'ocr', version: 'o1', input: 'image', outputs: ['chars'], height: 64, width: 160, slots: 10, alphabet: 'AB', crop_pad: [0.06, 0.12] as [number, number] };

  it('accepts a complete manifest and names what is missing otherwise', async () => {
    const models = {
      detector: await manifestEntry('detector.onnx', 'detector.json', det, Uint8Array.of(1)),
      ocr: await manifestEntry('ocr.onnx', 'ocr.json', ocr, Uint8Array.of(2)),
    };
    const m = parseManifest({ version: manifestVersion(models), models });
    expect(m.version).toBe('detector@d1+ocr@o1');
    expect(() => parseManifest({ version: 'x', models: { detector: models.detector } })).toThrow(/models\.ocr/);
    expect(() => parseManifest({ version: 'x', models: { ...models, ocr: { ...models.ocr, sha256: 'nope' } } })).toThrow(
      /sha256/,
    );
  });

  it('checks the optional turn block of the reader', async () => {
    const withTurn = async (turn: unknown) => {
      const models = {
        detector: await manifestEntry('detector.onnx', 'detector.json', det, Uint8Array.of(1)),
        ocr: await manifestEntry('ocr.onnx', 'ocr.json', { ...ocr, turn } as typeof ocr, Uint8Array.of(2)),
      };
      return () => parseManifest({ version: manifestVersion(models), models });
    };
    expect((await withTurn({ below: 0.8, above: 0.2, min_deg: 6, min_chars: 3 }))().models.ocr.config.turn?.min_deg).toBe(6);
    expect(await withTurn({ below: 0.8 })).toThrow(/turn/);
    expect(await withTurn({ below: 0.8, min_deg: 60 })).toThrow(/turn/);
    expect(await withTurn({ below: 0.8, min_deg: 6, min_chars: '3' })).toThrow(/turn/);
  });
});

describe('scripts/build-manifest.js', () => {
  const haveModels = existsSync(`${root}/models/detector.json`) && existsSync(`${root}/models/ocr.json`);

  it.skipIf(!haveModels)('models/manifest.json matches the committed models (else run the script)', async () => {
    execFileSync(process.execPath, [`${root}/scripts/build-manifest.js`, '--check'], { stdio: 'pipe' });
    const m = parseManifest(JSON.parse(readFileSync(`${root}/models/manifest.json`, 'utf8')));
    const bytes = new Uint8Array(readFileSync(`${root}/models/${m.models.ocr.file}`));
    await expect(verifyModel(bytes, m.models.ocr)).resolves.toBeUndefined();
  });
});
