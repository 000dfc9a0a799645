import { describe, expect, it } from 'vitest';
import { decodeSlots, lookProbs, scoreExponent } from './ocr';

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
