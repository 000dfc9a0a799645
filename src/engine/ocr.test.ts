import { describe, expect, it } from 'vitest';
import { decodeSlots, lookProbs, nudgeBox, readPlates, scoreExponent } from './ocr';
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

describe('nudgeBox', () => {
  it('moves each edge by its fraction of the box size', () => {
    expect(nudgeBox({ xmin: 10, ymin: 20, xmax: 110, ymax: 40 }, [0.1, 0.5, -0.2, 0])).toEqual({ xmin: 0, ymin: 10, xmax: 90, ymax: 40 });
  });
});
