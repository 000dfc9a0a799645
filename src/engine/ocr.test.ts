import { describe, expect, it } from 'vitest';
import { decodeSlots, lookProbs, nudgeBox, readPlates, scoreExponent } from './ocr';
import { cropTurned, plateAngle, type RgbaImage } from './preprocess';
import type { SessionPair } from './session';

const ALPHABET = 'AB';
/** Rows of [A, B, empty] per slot, plates concatenated. */
const chars = (rows: number[][]) => Float32Array.from(rows.flat());

describe('decodeSlots', () => {
  const rows = [
    [0.9, 0.05, 0.05],
    [0.3, 0.6, 0.1],
    [0.2, 0.1, 0.7],
  ];

  // "AB" has 2 characters: scores are path probabilities ^ (1 / sqrt 2)
  const k = 1 / Math.SQRT2;

  it('reads the arg-max of each slot, skipping empty slots; score = P(path over all slots)^(1/sqrt(chars))', () => {
    const r = decodeSlots(chars(rows), 0, 3, ALPHABET);
    expect(r.plate).toBe('AB');
    expect(scoreExponent(2)).toBeCloseTo(k, 12);
    expect(r.score).toBeCloseTo((0.9 * 0.6 * 0.7) ** k, 6);
    expect(r.score).toBeGreaterThan(0.9 * 0.6 * 0.7); // above the plain product
    expect(r.score).toBeLessThan(Math.sqrt(0.9 * 0.6)); // below the per-character geometric mean
  });

  it('a confident reading scores near 1, an unsure one low', () => {
    const sure = decodeSlots(chars([[0.99, 0.005, 0.005], [0.005, 0.99, 0.005], [0, 0, 1]]), 0, 3, ALPHABET);
    expect(sure.plate).toBe('AB');
    expect(sure.score).toBeGreaterThan(0.98);
    const unsure = decodeSlots(chars([[0.4, 0.3, 0.3], [0.3, 0.4, 0.3], [0, 0, 1]]), 0, 3, ALPHABET);
    expect(unsure.score).toBeLessThan(0.6);
  });

  it('gives sorted candidates, at least 3, the first equal to the reading, no duplicates', () => {
    const r = decodeSlots(chars(rows), 0, 3, ALPHABET, 10);
    expect(r.candidates.length).toBeGreaterThanOrEqual(3);
    expect(r.candidates.length).toBeLessThanOrEqual(10);
    expect(r.candidates[0]).toEqual({ plate: 'AB', score: r.score });
    const scores = r.candidates.map((c) => c.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(new Set(r.candidates.map((c) => c.plate)).size).toBe(r.candidates.length);
    expect(r.candidates[1].plate).toBe('AA');
    expect(r.candidates[1].score).toBeCloseTo((0.9 * 0.3 * 0.7) ** k, 6);
    expect(r.candidates[2].plate).toBe('ABA');
    expect(r.candidates[2].score).toBeCloseTo((0.9 * 0.6 * 0.2) ** k, 6);
    // "A" arises from A·∅·∅ (.063) and ∅·A·∅ (.0105): merged, the better path's probability
    const a = r.candidates.find((c) => c.plate === 'A');
    expect(a?.score).toBeCloseTo((0.9 * 0.1 * 0.7) ** k, 6);
    // the shorter reading never outranks the full one
    expect(a!.score).toBeLessThan(r.score);
    for (const c of r.candidates) expect(c.score).toBeGreaterThan(0);
  });

  it('respects topN and decodes the right plate of a batch', () => {
    const other = [
      [0.1, 0.8, 0.1],
      [0.05, 0.05, 0.9],
      [0.1, 0.1, 0.8],
    ];
    const batch = chars([...rows, ...other]);
    const r = decodeSlots(batch, 1, 3, ALPHABET, 3);
    expect(r.plate).toBe('B');
    expect(r.candidates).toHaveLength(3);
    expect(r.candidates[0].plate).toBe('B');
  });

  it('an all-empty plate reads "" and lists no empty candidate', () => {
    const r = decodeSlots(chars([[0.01, 0.01, 0.98], [0.01, 0.01, 0.98]]), 0, 2, ALPHABET);
    expect(r.plate).toBe('');
    expect(r.candidates.every((c) => c.plate !== '')).toBe(true);
  });
});

describe('lookProbs', () => {
  it('maps the region head row to codes, or null without a head', () => {
    const region = Float32Array.from([0.7, 0.3, 0.1, 0.9]);
    expect(lookProbs(region, 1, ['de', 'ro'])).toEqual({ de: expect.closeTo(0.1), ro: expect.closeTo(0.9) });
    expect(lookProbs(null, 0, ['de'])).toBeNull();
    expect(lookProbs(region, 0, undefined)).toBeNull();
  });
});

describe('re-reading uncertain plates (sidecar reread)', () => {
  // A reader with alphabet "AB", 3 slots; each call answers from a queue of per-crop slot rows.
  const cfg = {
    name: 'ocr', version: 't', input: 'image', outputs: ['chars'], height: 4, width: 8, slots: 3, alphabet: 'AB',
    crop_pad: [0, 0] as [number, number],
  };
  const sure = (a: number, b: number) => [a === 0 ? [0.98, 0.01, 0.01] : [0.01, 0.98, 0.01], b === 0 ? [0.98, 0.01, 0.01] : [0.01, 0.98, 0.01], [0.01, 0.01, 0.98]];
  const unsure = [[0.5, 0.2, 0.3], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8]]; // "A", low score
  const img = { width: 64, height: 32, data: new Uint8ClampedArray(64 * 32 * 4) };
  const dets = [
    { box: { xmin: 2, ymin: 2, xmax: 30, ymax: 10 }, score: 0.9 },
    { box: { xmin: 30, ymin: 12, xmax: 60, ymax: 20 }, score: 0.8 },
  ];
  function fake(answers: number[][][][]) {
    const calls: number[][] = [];
    const s = {
      tensor: (_t: string, data: Uint8Array, dims: number[]) => ({ data, dims }),
      run: async (_m: string, feeds: Record<string, { dims: number[] }>) => {
        calls.push(feeds.image.dims);
        const a = answers.shift();
        if (!a || a.length !== feeds.image.dims[0]) throw new Error(`unexpected batch ${feeds.image.dims}`);
        return { chars: { data: chars(a.flat()) } };
      },
    };
    return { s: s as unknown as SessionPair, calls };
  }

  it('reads only the unsure plates again, through each variant, and keeps the best reading', async () => {
    const variants: [number, number, number, number][] = [[0.1, 0, 0, 0], [0, 0, 0.1, 0]];
    const { s, calls } = fake([[sure(0, 1), unsure], [unsure, sure(1, 1)]]);
    const out = await readPlates(s, img, dets, { ...cfg, reread: { below: 0.9, variants } });
    expect(calls).toEqual([[2, 4, 8, 3], [2, 4, 8, 3]]);
    expect(out[0].plate).toBe('AB');
    expect(out[1].plate).toBe('BB');
    expect(out[1].score).toBeGreaterThan(0.9);
    expect(out[1].candidates[0].plate).toBe('BB');
    // the first reading's text stays among the candidates
    expect(out[1].candidates.map((c) => c.plate)).toContain('A');
    const scores = out[1].candidates.map((c) => c.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('makes no second call when every plate is sure, or without a reread block', async () => {
    const a = fake([[sure(0, 1), sure(1, 0)]]);
    await readPlates(a.s, img, dets, { ...cfg, reread: { below: 0.9, variants: [[0.1, 0, 0, 0]] } });
    expect(a.calls.length).toBe(1);
    const b = fake([[unsure, unsure]]);
    const out = await readPlates(b.s, img, dets, cfg);
    expect(b.calls.length).toBe(1);
    expect(out[1].plate).toBe('A');
  });

  it('keeps the first reading when no variant scores higher', async () => {
    const f = fake([[unsure], [[[0.45, 0.3, 0.25], [0.3, 0.3, 0.4], [0.2, 0.1, 0.7]]]]);
    const one = await readPlates(f.s, img, dets.slice(1), { ...cfg, reread: { below: 0.99, variants: [[0, 0.1, 0, 0.1]] } });
    expect(one[0].plate).toBe('A');
    expect(one[0].score).toBeCloseTo(decodeSlots(chars(unsure), 0, 3, 'AB').score, 6);
  });
});

describe('reading turned plates again (sidecar turn)', () => {
  const cfg = {
    name: 'ocr', version: 't', input: 'image', outputs: ['chars'], height: 8, width: 24, slots: 3, alphabet: 'AB',
    crop_pad: [0.06, 0.12] as [number, number],
  };
  const sure = (text: string) => [0, 1, 2].map((k) => (k < text.length ? (text[k] === 'A' ? [0.98, 0.01, 0.01] : [0.01, 0.98, 0.01]) : [0.01, 0.01, 0.98]));
  const unsure = [[0.6, 0.2, 0.2], [0.2, 0.2, 0.6], [0.05, 0.05, 0.9]]; // "A", score 0.32
  // a 160×100 photo: a dark 100×24 bar turned by 15° centred at (80, 50), and a level one at the bottom
  const W = 160;
  const H = 100;
  const data = new Uint8Array(W * H * 4);
  const t = (15 * Math.PI) / 180;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let dark = 0; // of 4×4 samples in the pixel (anti-aliased, as a camera gives)
      for (let k = 0; k < 16; k++) {
        const dx = x + ((k % 4) + 0.5) / 4 - 80;
        const dy = y + (Math.floor(k / 4) + 0.5) / 4 - 40;
        if (Math.abs(dx * Math.cos(t) + dy * Math.sin(t)) <= 50 && Math.abs(-dx * Math.sin(t) + dy * Math.cos(t)) <= 12) dark++;
      }
      const level = x >= 40 && x < 120 && y >= 84 && y < 96;
      const g = level ? 20 : Math.round(230 - (210 * dark) / 16);
      data.set([g, g, g, 255], (y * W + x) * 4);
    }
  }
  const img: RgbaImage = { width: W, height: H, data };
  const hw = (100 * Math.cos(t) + 24 * Math.sin(t)) / 2;
  const hh = (100 * Math.sin(t) + 24 * Math.cos(t)) / 2;
  const turnedDet = { box: { xmin: 80 - hw, ymin: 40 - hh, xmax: 80 + hw, ymax: 40 + hh }, score: 0.9 };
  const levelDet = { box: { xmin: 40, ymin: 84, xmax: 120, ymax: 96 }, score: 0.9 };
  const turn = { below: 0.8, above: 0.2, min_deg: 6, min_chars: 2 };

  function fake(answers: number[][][][]) {
    const feeds: { data: Uint8Array; dims: number[] }[] = [];
    const s = {
      tensor: (_t: string, d: Uint8Array, dims: number[]) => ({ data: d, dims }),
      run: async (_m: string, f: Record<string, { data: Uint8Array; dims: number[] }>) => {
        feeds.push(f.image);
        const a = answers.shift();
        if (!a || a.length !== f.image.dims[0]) throw new Error(`unexpected batch ${f.image.dims}`);
        return { chars: { data: chars(a.flat()) } };
      },
    };
    return { s: s as unknown as SessionPair, feeds };
  }

  it('reads an unsure turned plate again through the crop turned level, and keeps the better reading', async () => {
    expect(Math.abs(plateAngle(img, turnedDet.box) - 15)).toBeLessThanOrEqual(2);
    const { s, feeds } = fake([[unsure, unsure], [sure('BB')]]);
    const out = await readPlates(s, img, [turnedDet, levelDet], { ...cfg, turn });
    // one more call, for the turned plate only (the level one is not turned, whatever its score)
    expect(feeds.map((f) => f.dims)).toEqual([[2, 8, 24, 3], [1, 8, 24, 3]]);
    const want = new Uint8Array(8 * 24 * 3);
    expect(cropTurned(img, turnedDet.box, plateAngle(img, turnedDet.box), cfg.crop_pad, 24, 8, want)).toBe(true);
    expect(Array.from(feeds[1].data)).toEqual(Array.from(want));
    expect(out[0].plate).toBe('BB');
    expect(out[0].candidates.map((c) => c.plate)).toContain('A');
    expect(out[1].plate).toBe('A');
  });

  it('ignores a turned reading shorter than min_chars, and leaves sure or too-unsure plates alone', async () => {
    const short = fake([[unsure], [sure('B')]]);
    const out = await readPlates(short.s, img, [turnedDet], { ...cfg, turn });
    expect(short.feeds.length).toBe(2);
    expect(out[0].plate).toBe('A');
    const calm = fake([[sure('AB')]]);
    await readPlates(calm.s, img, [turnedDet], { ...cfg, turn });
    expect(calm.feeds.length).toBe(1);
    const floor = fake([[unsure]]);
    await readPlates(floor.s, img, [turnedDet], { ...cfg, turn: { ...turn, above: 0.6 } });
    expect(floor.feeds.length).toBe(1);
  });

  it('shares the second call with the nudged re-reads', async () => {
    const { s, feeds } = fake([[unsure], [unsure, sure('AB')]]);
    const out = await readPlates(s, img, [turnedDet], { ...cfg, turn, reread: { below: 0.8, variants: [[0.08, 0, 0, 0]] } });
    expect(feeds.map((f) => f.dims[0])).toEqual([1, 2]);
    expect(out[0].plate).toBe('AB');
  });
});

describe('nudgeBox', () => {
  it('moves each edge by its fraction of the box size', () => {
    expect(nudgeBox({ xmin: 10, ymin: 20, xmax: 110, ymax: 40 }, [0.1, 0.5, -0.2, 0])).toEqual({ xmin: 0, ymin: 10, xmax: 90, ymax: 40 });
  });
});
