#!/usr/bin/env node
// Writes models/manifest.json from the sidecars (models/NAME.json) and graphs (models/NAME.onnx): each model's
// file, byte size, SHA-256, version and sidecar content. The app checks downloaded or cached graphs against it.
//
//   node scripts/build-manifest.js [--check] [MODELS_DIR]
//
// --check: write nothing; exit 1 when manifest.json is missing or out of date.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const MODELS = ['detector', 'ocr'];

export function buildManifest(dir) {
  const models = {};
  for (const name of MODELS) {
    const sidecar = `${name}.json`;
    const sidecarPath = join(dir, sidecar);
    if (!existsSync(sidecarPath)) throw new Error(`${sidecarPath} is missing`);
    const config = JSON.parse(readFileSync(sidecarPath, 'utf8'));
    const file = `${config.name || name}.onnx`;
    const graph = readFileSync(join(dir, file));
    models[name] = {
      file,
      bytes: graph.byteLength,
      sha256: createHash('sha256').update(graph).digest('hex'),
      version: String(config.version ?? ''),
      sidecar,
      config,
    };
  }
  const version = MODELS.map((n) => `${n}@${models[n].version}`).join('+');
  return { version, models };
}

function main(argv) {
  const check = argv.includes('--check');
  const rest = argv.filter((a) => a !== '--check');
  const dir = resolve(rest[0] ?? fileURLToPath(new URL('../models', import.meta.url)));
  const text = JSON.stringify(buildManifest(dir), null, 2) + '\n';
  const out = join(dir, 'manifest.json');
  if (check) {
    const cur = existsSync(out) ? readFileSync(out, 'utf8') : '';
    if (cur !== text) {
      console.error(`${out} is out of date: run node scripts/build-manifest.js`);
      process.exit(1);
    }
    console.log(`${out} is up to date`);
    return;
  }
  writeFileSync(out, text);
  console.log(`wrote ${out}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    console.error(`build-manifest: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}
