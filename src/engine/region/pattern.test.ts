import { describe, it, expect } from 'vitest';
import { compilePattern, fitsTemplate, slotAllows } from './pattern';
import { alternativesOf, fitByTest, fitWithConfusions } from './confusions';

const fits = (pattern: string, reading: string) => compilePattern(pattern).some((t) => fitsTemplate(reading, t));

describe('compilePattern', () => {
  it('compiles letters, digits and either', () => {
    expect(fits('LLDDLLL', 'AB12CDE')).toBe(true);
    expect(fits('LLDDLLL', 'AB12CD3')).toBe(false);
    expect(fits('LLDDLLL', 'AB12CDEF')).toBe(false);
    expect(fits('AAA', 'A1B')).toBe(true);
    expect(fits('D', 'A')).toBe(false);
  });

  it('ignores spaces', () => {
    expect(fits('LL DD LLL', 'AB12CDE')).toBe(true);
  });

  it('expands quantifiers into fixed-length templates', () => {
    const ts = compilePattern('L{1,3}D{2}');
    expect(ts.map((t) => t.length)).toEqual([3, 4, 5]);
    expect(fits('L{1,3}D{2}', 'A12')).toBe(true);
    expect(fits('L{1,3}D{2}', 'ABC12')).toBe(true);
    expect(fits('L{1,3}D{2}', 'ABCD12')).toBe(false);
    expect(fits('D{4}', '1234')).toBe(true);
  });

  it('allows zero repeats and drops duplicate or empty templates', () => {
    expect(compilePattern('L{0,1}L{0,1}')).toHaveLength(2); // "L" and "LL"; "" dropped, "L" once
    expect(fits('LLD{1,2}L{0,3}DDDD', 'MH121234')).toBe(true);
  });

  it('supports character sets and ranges', () => {
    expect(fits('DDDD[BCDFGHJKLMNPRSTVWXYZ]{3}', '1234BCD')).toBe(true);
    expect(fits('DDDD[BCDFGHJKLMNPRSTVWXYZ]{3}', '1234ABC')).toBe(false); // no vowels in Spain
    expect(fits('[A-C1-3]', 'B')).toBe(true);
    expect(fits('[A-C1-3]', 'D')).toBe(false);
    expect(fits('[A-C1-3]', '4')).toBe(false);
  });

  it('rejects malformed patterns', () => {
    for (const bad of ['X', 'L{', 'L{2,1}', '[', '[]', 'L{a}', '[C-A]', '[*]', 'A{13}']) {
      expect(() => compilePattern(bad), bad).toThrow(/plate pattern/);
    }
  });

  it('refuses patterns that explode', () => {
    expect(() => compilePattern('A{1,9}A{1,9}A{1,9}')).toThrow(/too many/);
  });

  it('slots reject characters outside 0-9A-Z', () => {
    const [t] = compilePattern('A');
    expect(slotAllows(t[0], 'a'.charCodeAt(0))).toBe(false);
    expect(slotAllows(t[0], '-'.charCodeAt(0))).toBe(false);
    expect(fitsTemplate('é', t)).toBe(false);
  });
});

describe('confusions', () => {
  it('lists the pairs of the brief', () => {
    expect(alternativesOf('O')).toEqual(['0']);
    expect(alternativesOf('D')).toEqual(['0']);
    expect(alternativesOf('Q')).toEqual(['0']);
    expect(alternativesOf('0')).toEqual(['O', 'D', 'Q']);
    for (const [l, d] of [['I', '1'], ['B', '8'], ['S', '5'], ['Z', '2'], ['G', '6']]) {
      expect(alternativesOf(l)).toEqual([d]);
      expect(alternativesOf(d)).toEqual([l]);
    }
    expect(alternativesOf('K')).toEqual([]);
    expect(alternativesOf('7')).toEqual([]);
  });

  it('fixes a letter read in a digit position and a digit in a letter position', () => {
    const [uk] = compilePattern('LLDDLLL');
    expect(fitWithConfusions('AB1ZCDE', uk, 2)).toEqual({ plate: 'AB12CDE', subs: 1 });
    expect(fitWithConfusions('A8I2CDE', uk, 2)).toEqual({ plate: 'AB12CDE', subs: 2 });
    expect(fitWithConfusions('AB12CDE', uk, 2)).toEqual({ plate: 'AB12CDE', subs: 0 });
  });

  it('picks the first confusable letter the position allows', () => {
    const [es] = compilePattern('DDDD[BCDFGHJKLMNPRSTVWXYZ]{3}');
    expect(fitWithConfusions('12340BC', es, 2)).toEqual({ plate: '1234DBC', subs: 1 }); // O is a vowel: D
    expect(fitWithConfusions('1234B0C', es, 2)).toEqual({ plate: '1234BDC', subs: 1 });
  });

  it('gives up past maxSubs, on a non-confusable character, or on another length', () => {
    const [uk] = compilePattern('LLDDLLL');
    expect(fitWithConfusions('A8I2C0E', uk, 2)).toBeNull(); // needs 3
    expect(fitWithConfusions('A8I2C0E', uk, 3)).toEqual({ plate: 'AB12COE', subs: 3 });
    expect(fitWithConfusions('AB1KCDE', uk, 2)).toBeNull(); // K is no digit
    expect(fitWithConfusions('AB12CD', uk, 2)).toBeNull();
  });

  it('fits regular expressions by trying substitutions, fewest first', () => {
    const re = /^(?:[0-9]{3}[a-z]{2})$/i;
    const test = (s: string) => re.test(s);
    expect(fitByTest('123AB', test, 2)).toEqual({ plate: '123AB', subs: 0 });
    expect(fitByTest('I23AB', test, 2)).toEqual({ plate: '123AB', subs: 1 });
    expect(fitByTest('I23A8', test, 2)).toEqual({ plate: '123AB', subs: 2 });
    expect(fitByTest('I2ZA8', test, 2)).toBeNull();
    expect(fitByTest('I2ZA8', test, 3)).toEqual({ plate: '122AB', subs: 3 });
    expect(fitByTest('XYZ', test, 2)).toBeNull();
  });
});
