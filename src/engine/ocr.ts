// The plate reader: crops of all plates of a photo in one batch, slot probabilities -> readings.
//
// Score rule (models/README.md defers to this file). Let P be a path's probability: the product over ALL
// slots of the probability of the class it chose there (empty class included), and n the number of
// characters of the plate's arg-max reading (at least 1). A reading's score is P^(1/sqrt(n)).
// - One exponent per plate, so candidates rank exactly by P (a reading that leaves a character out pays that
//   slot's "empty" probability: it never outranks the full reading just for being shorter).
// - In 0..1, and length-normalised between the plain product (exponent 1) and the per-character geometric
//   mean (exponent 1/n). Measured on 132 legible real plates of held-out dashcam frames (docs/engine.md): at the
//   API's default threshold_o 0.6 the product kept 56 correct / 3 wrong readings (it is under-confident: even
//   at 0.3 reads were 87 % right), the geometric mean 96 / 34 (over-confident), P^(1/sqrt(n)) 88 / 15.
//
// Candidates: a beam over the per-slot distributions (each slot's top classes), paths merged by the text they
// spell (the best path's probability). The first candidate is always the per-slot arg-max reading.

import type { Box, Candidate } from '../api/types';
import type { Detection } from './detect';
import type { OcrSidecar } from './models';
import { cropStretch, cropTurned, plateAngle, turnedSize, type RgbaImage } from './preprocess';
import type { SessionPair } from './session';

export interface OcrReading {
  /** The arg-max reading (upper case; '' when every slot is empty). */
  plate: string;
  score: number;
  /** Best first; the first is `plate`. At most `topN`, never an empty reading. */
  candidates: Candidate[];
  /** The region head's distribution (code -> probability), or null when the model has none. */
  lookProbs: Record<string, number> | null;
}

export const DEFAULT_TOP_N = 10;
/** Classes per slot the beam considers. */
const PER_SLOT = 4;
const LOG_FLOOR = Math.log(1e-12);

interface Path {
  lp: number;
  cls: number[];
}

/**
 * Decodes one plate's slot distributions (`chars[index]`, shape `[slots, alphabet.length + 1]`, the last class
 * "empty") into its reading and top-N candidates.
 */
export function decodeSlots(
  chars: Float32Array,
  index: number,
  slots: number,
  alphabet: string,
  topN = DEFAULT_TOP_N,
): { plate: string; score: number; candidates: Candidate[] } {
  const classes = alphabet.length + 1;
  const base = index * slots * classes;
  if (chars.length < base + slots * classes) throw new RangeError('OCR output smaller than slots × classes');
  const beamWidth = Math.max(16, topN * 3);
  let beam: Path[] = [{ lp: 0, cls: [] }];
  for (let s = 0; s < slots; s++) {
    const row = base + s * classes;
    const order: number[] = [];
    for (let c = 0; c < classes; c++) order.push(c);
    order.sort((a, b) => chars[row + b] - chars[row + a]);
    const top = order.slice(0, Math.min(PER_SLOT, classes));
    const next: Path[] = [];
    for (const p of beam) {
      for (const c of top) {
        const pr = chars[row + c];
        next.push({ lp: p.lp + (pr > 0 ? Math.max(LOG_FLOOR, Math.log(pr)) : LOG_FLOOR), cls: [...p.cls, c] });
      }
    }
    next.sort((a, b) => b.lp - a.lp);
    beam = next.slice(0, beamWidth);
  }
  const best = new Map<string, number>();
  for (const p of beam) {
    let text = '';
    for (const c of p.cls) if (c < alphabet.length) text += alphabet[c];
    const prev = best.get(text);
    if (prev === undefined || p.lp > prev) best.set(text, p.lp);
  }
  // beam[0] is the arg-max path: every slot's best class (the slots are independent).
  let plate = '';
  for (const c of beam[0].cls) if (c < alphabet.length) plate += alphabet[c];
  const k = scoreExponent(plate.length);
  const score = clamp01(Math.exp(beam[0].lp * k));
  const candidates = [...best.entries()]
    .filter(([text]) => text !== '')
    .sort((a, b) => b[1] - a[1])
    .slice(0, topN)
    .map(([text, lp]) => ({ plate: text, score: clamp01(Math.exp(lp * k)) }));
  return { plate, score, candidates };
}

/** The exponent applied to a plate's path probabilities: 1/sqrt(characters of the arg-max reading). */
export function scoreExponent(chars: number): number {
  return 1 / Math.sqrt(Math.max(1, chars));
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** The region head's row `index` as code -> probability. */
export function lookProbs(region: Float32Array | null, index: number, codes: readonly string[] | undefined) {
  if (!region || !codes || codes.length === 0) return null;
  const out: Record<string, number> = {};
  const base = index * codes.length;
  for (let i = 0; i < codes.length; i++) out[codes[i]] = region[base + i] ?? 0;
  return out;
}

/** One crop for the reader: the box (`cropStretch`), or the plate in it turned by `deg` degrees (`cropTurned`). */
export interface CropSpec {
  box: Box;
  deg?: number;
}

/** The OCR input for a set of crops: `[N, H, W, 3]` uint8. */
export function cropBatch(img: RgbaImage, crops: readonly CropSpec[], cfg: OcrSidecar): Uint8Array {
  const per = cfg.height * cfg.width * 3;
  const batch = new Uint8Array(crops.length * per);
  crops.forEach(({ box, deg }, i) => {
    const turned = deg !== undefined && cropTurned(img, box, deg, cfg.crop_pad, cfg.width, cfg.height, batch, i * per);
    if (!turned) cropStretch(img, box, cfg.crop_pad, cfg.width, cfg.height, batch, i * per);
  });
  return batch;
}

/** Largest batch per OCR call (a photo with more plates makes several calls). */
export const MAX_BATCH = 64;

/** `box` with its edges moved by `v` = [left, top, right, bottom] fractions of its width / height (positive widens). */
export function nudgeBox(box: Box, v: readonly [number, number, number, number]): Box {
  const w = box.xmax - box.xmin;
  const h = box.ymax - box.ymin;
  return { xmin: box.xmin - v[0] * w, ymin: box.ymin - v[1] * h, xmax: box.xmax + v[2] * w, ymax: box.ymax + v[3] * h };
}

/**
 * Fuses readings of one plate through different crops: the one with the highest score gives the plate, its
 * score and region look; candidates are merged by text (each text's best score), best first. (Ranking the texts by
 * their mean score over the readings instead was measured and lost plates: docs/engine.md, "Reading again".)
 */
export function fuseReadings(reads: readonly OcrReading[], topN = DEFAULT_TOP_N): OcrReading {
  let best = reads[0];
  for (const r of reads) if (r.score > best.score) best = r;
  const merged = new Map<string, number>();
  for (const r of reads) {
    for (const c of r.candidates) {
      const prev = merged.get(c.plate);
      if (prev === undefined || c.score > prev) merged.set(c.plate, c.score);
    }
  }
  // The winner's own reading first (it has the top score of all paths), then the rest by score.
  const rest = [...merged.entries()].filter(([t]) => t !== best.plate).sort((a, b) => b[1] - a[1]);
  const head = best.plate !== '' ? [{ plate: best.plate, score: best.score }] : [];
  const candidates = [...head, ...rest.map(([plate, score]) => ({ plate, score }))].slice(0, topN);
  return { plate: best.plate, score: best.score, candidates, lookProbs: best.lookProbs };
}

/** Reads each crop through the OCR model, MAX_BATCH crops per call. */
async function readBoxes(
  sessions: SessionPair,
  img: RgbaImage,
  crops: readonly CropSpec[],
  cfg: OcrSidecar,
  topN: number,
): Promise<OcrReading[]> {
  const out: OcrReading[] = [];
  for (let at = 0; at < crops.length; at += MAX_BATCH) {
    const part = crops.slice(at, at + MAX_BATCH);
    const batch = cropBatch(img, part, cfg);
    const input = sessions.tensor('uint8', batch, [part.length, cfg.height, cfg.width, 3]);
    const res = await sessions.run('ocr', { [cfg.input || 'image']: input });
    const chars = res[cfg.outputs?.[0] ?? 'chars'] ?? res.chars;
    if (!chars) throw new Error('OCR model has no "chars" output');
    const regionName = cfg.outputs?.[1] ?? 'region';
    const region = res[regionName] ? (res[regionName].data as Float32Array) : null;
    const charData = chars.data as Float32Array;
    for (let i = 0; i < part.length; i++) {
      out.push({ ...decodeSlots(charData, i, cfg.slots, cfg.alphabet, topN), lookProbs: lookProbs(region, i, cfg.regions) });
    }
  }
  return out;
}

/**
 * Reads every detected plate: one OCR call per photo (up to MAX_BATCH plates), then at most one more for the plates
 * whose first reading is unsure:
 * - sidecar `reread`: scored in [`reread.above`, `reread.below`): read again through nudged crops (the reader depends
 *   on where the box edges fall: docs/engine.md, "The reader's dependence on the box");
 * - sidecar `turn`: scored in [`turn.above`, `turn.below`) and turned in the photo by `turn.min_deg` or more
 *   (`plateAngle`): read again through a crop turned level (`cropTurned`); that reading counts only if it has
 *   `turn.min_chars` characters or more (a crop of a non-plate turned can read as a confident empty plate).
 * The most confident reading of each plate wins; candidates are merged (`fuseReadings`).
 */
export async function readPlates(
  sessions: SessionPair,
  img: RgbaImage,
  dets: readonly Detection[],
  cfg: OcrSidecar,
  topN = DEFAULT_TOP_N,
): Promise<OcrReading[]> {
  const first = await readBoxes(sessions, img, dets.map((d) => ({ box: d.box })), cfg, topN);
  const rr = cfg.reread;
  const tn = cfg.turn;
  const jobs: { plate: number; crop: CropSpec }[] = [];
  first.forEach((r, i) => {
    const box = dets[i].box;
    if (rr && r.score < rr.below && r.score >= (rr.above ?? 0)) {
      for (const v of rr.variants) jobs.push({ plate: i, crop: { box: nudgeBox(box, v) } });
    }
    if (tn && r.score < tn.below && r.score >= (tn.above ?? 0)) {
      const deg = plateAngle(img, box);
      if (Math.abs(deg) >= tn.min_deg && turnedSize(box, deg)) jobs.push({ plate: i, crop: { box, deg } });
    }
  });
  if (jobs.length === 0) return first;
  const again = await readBoxes(sessions, img, jobs.map((j) => j.crop), cfg, topN);
  const extra = first.map((): OcrReading[] => []);
  const minChars = tn?.min_chars ?? 0;
  jobs.forEach((j, n) => {
    if (j.crop.deg === undefined || again[n].plate.length >= minChars) extra[j.plate].push(again[n]);
  });
  return first.map((r, i) => (extra[i].length ? fuseReadings([r, ...extra[i]], topN) : r));
}
