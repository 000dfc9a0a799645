import { describe, it, expect } from 'vitest';
import { parseRequest, type RequestInput } from '../../api/options';
import { isRegionCode } from '../../api/regions';
import type { EngineConfig } from '../../api/types';
import { MAX_SUBS, fittingCountries, guessRegion, resolvePlate } from './index';

type Cands = Array<[string, number]>;

function run(
  cands: Cands,
  regions: string[] = [],
  config: Partial<EngineConfig> = {},
  look: Record<string, number> | null = null,
) {
  const req = parseRequest({ regions, config } as RequestInput);
  return resolvePlate(
    cands.map(([plate, score]) => ({ plate, score })),
    look,
    req,
  );
}

describe('resolvePlate without guidance', () => {
  it('keeps the OCR order and scores', () => {
    const r = run([['AB12CDE', 0.9], ['AB12CD3', 0.05]]);
    expect(r.plate).toBe('AB12CDE');
    expect(r.score).toBe(0.9);
    expect(r.candidates).toEqual([
      { score: 0.9, plate: 'AB12CDE' },
      { score: 0.05, plate: 'AB12CD3' },
    ]);
    expect(r.keep).toBe(true);
  });

  it('does not correct characters without a format to follow', () => {
    expect(run([['AB1ZCDE', 0.9]]).plate).toBe('AB1ZCDE');
  });

  it('upper-cases, drops separators and merges duplicates', () => {
    const r = run([['ab-12 cde', 0.7], ['AB12CDE', 0.6], ['AB12CD', 0.1]]);
    expect(r.plate).toBe('AB12CDE');
    expect(r.candidates).toEqual([
      { score: 0.7, plate: 'AB12CDE' },
      { score: 0.1, plate: 'AB12CD' },
    ]);
  });

  it('returns keep=false and no reading for no candidates', () => {
    const r = run([]);
    expect(r.keep).toBe(false);
    expect(r.plate).toBe('');
    expect(r.candidates).toEqual([]);
    expect(run([['', 0.5], [' - ', 0.4]]).keep).toBe(false);
  });

  it('always has candidates[0] equal to plate', () => {
    for (const [c, regions] of [
      [[['AB1ZCDE', 0.9], ['AB12CDE', 0.3]], ['gb']],
      [[['ABC1234', 0.5], ['ABC123', 0.4]], ['lt']],
      [[['7ABC123', 0.9]], []],
    ] as Array<[Cands, string[]]>) {
      const r = run(c, regions);
      expect(r.candidates[0]).toEqual({ score: r.score, plate: r.plate });
    }
  });
});

describe('the regions hint', () => {
  it('corrects confusable characters where the format demands a digit or a letter', () => {
    expect(run([['AB1ZCDE', 0.9]], ['gb']).plate).toBe('AB12CDE'); // Z -> 2
    expect(run([['A8C1Z3', 0.9]], ['lt']).plate).toBe('ABC123'); // 8 -> B, Z -> 2
    // A812CDE is a valid British prefix-era plate (A123BCD): nothing to correct
    expect(run([['A812CDE', 0.9]], ['gb']).plate).toBe('A812CDE');
    expect(run([['ABC1O23', 0.9]], ['br']).plate).toBe('ABC1O23'); // Mercosur AAA9A99: O is a letter there
    expect(run([['A8C1234', 0.9]], ['br']).plate).toBe('ABC1234');
    expect(run([['7A8C1Z3', 0.9]], ['us-ca']).plate).toBe('7ABC123');
    expect(run([['1234B0C', 0.9]], ['es']).plate).toBe('1234BDC'); // no vowels: 0 -> D, not O
    expect(run([['S0AB123', 0.9]], ['us-ca']).plate).toBe('5OAB123'); // DLLLDDD: S->5, 0->O
  });

  it('keeps the original score of a corrected reading', () => {
    const r = run([['AB1ZCDE', 0.83]], ['gb']);
    expect(r.score).toBe(0.83);
    expect(r.candidates).toEqual([{ score: 0.83, plate: 'AB12CDE' }]);
  });

  it('merges a corrected reading with the same reading further down', () => {
    const r = run([['AB1ZCDE', 0.6], ['AB12CDE', 0.3], ['XY99ZZZ', 0.1]], ['gb']);
    expect(r.candidates.map((c) => c.plate)).toEqual(['AB12CDE', 'XY99ZZZ']);
    expect(r.candidates[0].score).toBe(0.6);
  });

  it(`stays a hint: more than ${MAX_SUBS} substitutions keep the reading`, () => {
    expect(run([['A8C1ZB', 0.9]], ['lt']).plate).toBe('A8C1ZB'); // LLLDDD would need 8->B, Z->2, B->8
  });

  it('stays a hint: a length no hinted format allows keeps the reading', () => {
    expect(run([['ABC1234X', 0.9]], ['gb']).plate).toBe('ABC1234X');
    expect(run([['A8C1234', 0.9]], ['lt']).plate).toBe('A8C1234');
  });

  it('ranks a fitting candidate above a close non-fitting one', () => {
    const r = run([['ABC1234', 0.5], ['ABC123', 0.4]], ['lt']);
    expect(r.plate).toBe('ABC123');
    expect(r.score).toBe(0.4);
    expect(r.candidates.map((c) => c.plate)).toEqual(['ABC123', 'ABC1234']);
  });

  it('does not let a weak fitting candidate beat a confident reading', () => {
    const r = run([['ABC1234', 0.9], ['ABC123', 0.2]], ['lt']);
    expect(r.plate).toBe('ABC1234');
  });

  it('uses every hinted region (regions is repeatable)', () => {
    const r = run([['ABC1234', 0.5], ['7ABC123', 0.3]], ['mx', 'us-ca']);
    expect(r.plate).toBe('ABC1234'); // fits mx
    expect(run([['7A8C123', 0.9]], ['mx', 'us-ca']).plate).toBe('7ABC123'); // us-ca
    expect(run([['ABC1Z34', 0.9]], ['mx', 'us-ca']).plate).toBe('ABC1234'); // mx
  });

  it('prefers a regular format over a vanity one', () => {
    const r = run([['MYCAR1', 0.5], ['7ABC123', 0.4]], ['us-ca']);
    expect(r.plate).toBe('7ABC123');
  });

  it('ignores hinted regions without known formats for re-ranking', () => {
    const r = run([['AB1ZCDE', 0.9]], ['kr']);
    expect(r.plate).toBe('AB1ZCDE');
  });
});

describe('text_formats', () => {
  const tf = ['[0-9][0-9][0-9][a-z][a-z]'];

  it("guide the reading like a region's format (the reference's example)", () => {
    expect(run([['I23A8', 0.9]], [], { text_formats: tf }).plate).toBe('123AB');
    const r = run([['ABC12', 0.5], ['123AB', 0.4]], [], { text_formats: tf });
    expect(r.plate).toBe('123AB');
  });

  it('are not followed when the reading differs too much', () => {
    expect(run([['ABCDE', 0.9]], [], { text_formats: tf }).plate).toBe('ABCDE');
    expect(run([['ABCDE', 0.9]], [], { text_formats: tf }).keep).toBe(true);
  });

  it('with strict must match exactly, even without regions', () => {
    expect(run([['ABCDE', 0.9]], [], { text_formats: tf, region: 'strict' }).keep).toBe(false);
    const ok = run([['I23AB', 0.9]], [], { text_formats: tf, region: 'strict' });
    expect(ok.keep).toBe(true);
    expect(ok.plate).toBe('123AB');
  });

  it('combine with regions: a reading may fit either', () => {
    const cfg = { text_formats: tf, region: 'strict' as const };
    expect(run([['123AB', 0.9]], ['gb'], cfg).keep).toBe(true);
    expect(run([['AB12CDE', 0.9]], ['gb'], cfg).keep).toBe(true);
    expect(run([['ABCDEFG', 0.9]], ['gb'], cfg).keep).toBe(false);
  });
});

describe('region: "strict"', () => {
  it("discards abc1234 for a 3-letters-3-digits region (the reference's example)", () => {
    const r = run([['ABC1234', 0.9]], ['lt'], { region: 'strict' });
    expect(r.keep).toBe(false);
  });

  it('keeps a reading that fits, after correction', () => {
    const r = run([['A8C123', 0.9]], ['lt'], { region: 'strict' });
    expect(r.keep).toBe(true);
    expect(r.plate).toBe('ABC123');
  });

  it('picks the best fitting candidate and lists only fitting ones', () => {
    const r = run([['ABC1234', 0.9], ['ABC123', 0.2], ['XYZ987', 0.1], ['ABCD', 0.05]], ['lt'], { region: 'strict' });
    expect(r.keep).toBe(true);
    expect(r.plate).toBe('ABC123');
    expect(r.candidates.map((c) => c.plate)).toEqual(['ABC123', 'XYZ987']);
  });

  it('discards vanity plates (as the reference warns for us-ca)', () => {
    expect(run([['MYCAR', 0.9]], ['us-ca'], { region: 'strict' }).keep).toBe(false);
    expect(run([['MYCAR', 0.9]], ['us-ca']).keep).toBe(true);
    expect(run([['7ABC123', 0.9]], ['us-ca'], { region: 'strict' }).keep).toBe(true);
  });

  it('is a no-op without regions or text_formats', () => {
    const r = run([['ABC1234', 0.9]], [], { region: 'strict' });
    expect(r.keep).toBe(true);
    expect(r.plate).toBe('ABC1234');
  });

  it('cannot rule out a hinted region whose formats are unknown', () => {
    expect(run([['ABC1234', 0.9]], ['lt', 'kr'], { region: 'strict' }).keep).toBe(true);
  });

  it('without strict, a non-fitting reading is kept', () => {
    expect(run([['ABC1234', 0.9]], ['lt']).keep).toBe(true);
  });
});

describe('region code and score', () => {
  it('returns a hinted region the reading fits, with a clear score', () => {
    const r = run([['AB12CDE', 0.9]], ['gb']);
    expect(r.region.code).toBe('gb');
    expect(r.region.score).toBeGreaterThan(0.5);
    expect(r.region.score).toBeLessThanOrEqual(1);
  });

  it('returns a hinted state, not its country', () => {
    const r = run([['7ABC123', 0.9]], ['us-ca']);
    expect(r.region.code).toBe('us-ca');
    expect(guessRegion('7ABC123', { us: 0.9 }, ['us-ca']).code).toBe('us-ca');
  });

  it('follows the look model when there is no hint', () => {
    const r = run([['ABC123', 0.9]], [], {}, { lt: 0.85, fi: 0.1, se: 0.05 });
    expect(r.region.code).toBe('lt');
    expect(r.region.score).toBeGreaterThan(0.7);
  });

  it('lets the format overrule the look model when the reading cannot be from there', () => {
    // looks 60% Lithuanian, but LLLDDD cannot hold a 7-character reading; gb fits and looks 40% British
    const g = guessRegion('AB12CDE', { lt: 0.6, gb: 0.4 }, []);
    expect(g.code).toBe('gb');
  });

  it('gives a foreign plate its own region despite the hint', () => {
    // hinted Lithuania, but the reading is a British plate and the look model says so
    const g = guessRegion('AB12CDE', { gb: 0.9, lt: 0.05 }, ['lt']);
    expect(g.code).toBe('gb');
  });

  it('gives a low score when only the format speaks', () => {
    const g = guessRegion('ABC123', null, []);
    expect(fittingCountries('ABC123').length).toBeGreaterThan(3);
    expect(g.score).toBeLessThan(0.3);
    expect(fittingCountries('ABC123')).toContain(g.code);
  });

  it('falls back to the nearest country by format with a very low score when nothing fits', () => {
    const g = guessRegion('XYZ', null, []);
    expect(isRegionCode(g.code)).toBe(true);
    expect(g.score).toBeLessThanOrEqual(0.01);
    const empty = guessRegion('', null, []);
    expect(isRegionCode(empty.code)).toBe(true);
  });

  it('with only a hint that does not fit, scores low', () => {
    const g = guessRegion('ZZZZZZZZZZ', null, ['lt']);
    expect(g.code).toBe('lt');
    expect(g.score).toBeLessThan(0.2);
  });

  it('adds up the look of states: a country when no state stands out, the state when one does', () => {
    const spread = { 'us-ca': 0.3, 'us-ny': 0.3, 'us-tx': 0.3, gb: 0.1 };
    const g = guessRegion('ABC1234', spread, []);
    expect(g.code).toBe('us');
    expect(g.score).toBeGreaterThan(0.4);
    expect(guessRegion('7ABC123', { 'us-ca': 0.8, 'us-ny': 0.1, de: 0.1 }, []).code).toBe('us-ca');
  });

  it('gives a hinted state the look of its whole country', () => {
    const g = guessRegion('7ABC123', { 'us-ny': 0.4, 'us-tx': 0.4, be: 0.2 }, ['us-ca']);
    expect(g.code).toBe('us-ca');
    expect(g.score).toBeGreaterThan(0.8);
  });

  it("ignores the look model's classes that are not regions (e.g. generic)", () => {
    const g = guessRegion('ABC123', { generic: 0.95, lt: 0.05 }, []);
    expect(g.code).toBe('lt');
  });

  it('ignores look-model codes that are not regions, and is case-insensitive on them', () => {
    const g = guessRegion('ABC123', { XX: 0.9, LT: 0.1 }, []);
    expect(g.code).toBe('lt');
  });

  it('keeps every score within 0..1', () => {
    const looks: Array<Record<string, number> | null> = [null, { gb: 1 }, { gb: 0.5, de: 0.5 }, { zz: 1 }];
    for (const reading of ['AB12CDE', 'ABC123', '1', 'ABCDEFGHIJ', '7ABC123']) {
      for (const look of looks) {
        for (const hints of [[], ['gb'], ['us-ca', 'mx']]) {
          const g = guessRegion(reading, look, hints);
          expect(g.score).toBeGreaterThanOrEqual(0);
          expect(g.score).toBeLessThanOrEqual(1);
          expect(isRegionCode(g.code)).toBe(true);
        }
      }
    }
  });
});

describe('speed', () => {
  it('resolves a plate in well under a millisecond on average', () => {
    const req = parseRequest({ regions: ['gb', 'de', 'us-ca'], config: { text_formats: ['[a-z]{2}[0-9]{2}[a-z]{3}'] } });
    const cands = [
      { plate: 'AB1ZCDE', score: 0.7 },
      { plate: 'A812CDE', score: 0.2 },
      { plate: 'AB12C0E', score: 0.05 },
    ];
    const look = { gb: 0.7, de: 0.2, fr: 0.1 };
    resolvePlate(cands, look, req);
    const t0 = performance.now();
    for (let i = 0; i < 500; i++) resolvePlate(cands, look, req);
    const per = (performance.now() - t0) / 500;
    expect(per).toBeLessThan(2);
  });
});
