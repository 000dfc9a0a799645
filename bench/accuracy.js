#!/usr/bin/env node
// `npm run accuracy`: the whole product (CLI = same engine as the page) on the held-out ro-dashcam frames
// (training/common/splits.py: video dayride_type1_003 + the last third of nightride_type3_001), as a user sees it:
// the API's results after threshold_d / threshold_o, compared with the hand-labelled boxes and plate texts.
//
// Prints, per config: plate recall@IoU0.5, results per image that match no labelled plate ("unmatched": some are
// real but unlabelled distant plates, see ../shared/data/README.md), exact reading of the matched legible plates.
// Options: --config JSON (repeatable; default: the API defaults and fast mode); --models DIR (repeatable: each
// folder of models is measured with every config, side by side; default: the package's models/).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const data = join(root, '..', 'shared', 'data', 'ro-dashcam');
if (!existsSync(join(data, 'annotations.jsonl'))) {
  console.error('accuracy: ../shared/data/ro-dashcam is not beside the repository');
  process.exit(2);
}
const args = process.argv.slice(2);
const configs = [];
const modelDirs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--config') configs.push(args[++i]);
  else if (args[i] === '--models') modelDirs.push(args[++i]);
}
if (!configs.length) configs.push('{}', '{"mode":"fast"}');
if (!modelDirs.length) modelDirs.push('');
const runs = modelDirs.flatMap((models) => configs.map((config) => ({ models, config })));

const readJsonl = (p) => readFileSync(p, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const frameTime = (f) => Number((/_t_(\d+)/.exec(f) || [0, 0])[1]);
// Same rule as training/common/splits.py.
const isVal = (r) => {
  const video = r.video || r.file.split('/').pop().split('.mp4')[0];
  return video === 'dayride_type1_003' || (video === 'nightride_type3_001' && frameTime(r.file) >= 358);
};
const frames = readJsonl(join(data, 'annotations.jsonl')).filter(isVal);
const texts = new Map();
for (const p of readJsonl(join(data, 'plates.jsonl')).filter(isVal)) texts.set(`${p.file}#${p.index}`, p);

const iou = (a, b) => {
  const ix = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = ix * iy;
  return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter);
};

for (const { models, config } of runs) {
  const files = frames.map((f) => join(data, f.file));
  const t0 = Date.now();
  const modelArgs = models ? ['--models', models] : [];
  const r = spawnSync(process.execPath, [join(root, 'bin/alpr.js'), 'read', ...modelArgs, '--config', config, ...files], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const seconds = (Date.now() - t0) / 1000;
  const lines = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  let labelled = 0;
  let found = 0;
  let unmatched = 0;
  let legible = 0;
  let exact = 0;
  let chars = 0;
  let charsOk = 0;
  const misreads = [];
  frames.forEach((f, i) => {
    const res = lines[i]?.results ?? [];
    const used = new Set();
    f.plates.forEach((box, k) => {
      labelled++;
      let best = -1;
      let bestIou = 0.5;
      res.forEach((p, j) => {
        const v = iou(box, [p.box.xmin, p.box.ymin, p.box.xmax, p.box.ymax]);
        if (!used.has(j) && v >= bestIou) {
          best = j;
          bestIou = v;
        }
      });
      const label = texts.get(`${f.file}#${k}`);
      if (best >= 0) {
        used.add(best);
        found++;
      }
      if (label?.legible && label.text) {
        legible++;
        const got = best >= 0 ? res[best].plate.toUpperCase() : '';
        if (got === label.text) exact++;
        else misreads.push(`${label.text} -> ${got || '(missed)'}`);
        chars += label.text.length;
        for (let c = 0; c < label.text.length; c++) if (got[c] === label.text[c]) charsOk++;
      }
    });
    unmatched += res.length - used.size;
  });
  console.log(`${models ? `models ${models}, ` : ""}config ${config}: ${frames.length} held-out frames, ${labelled} labelled plates, ${seconds.toFixed(1)} s`);
  console.log(`  plate recall@0.5 ${(found / labelled).toFixed(3)} (${found}/${labelled})`);
  console.log(`  results matching no labelled plate: ${(unmatched / frames.length).toFixed(2)} per image (${unmatched})`);
  console.log(`  legible plates read exactly: ${(exact / legible).toFixed(3)} (${exact}/${legible}); characters ${(charsOk / chars).toFixed(3)}`);
  if (misreads.length) console.log(`  misses: ${misreads.slice(0, 12).join(', ')}${misreads.length > 12 ? ', ...' : ''}`);
}
