import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REGIONS, countryOf, getRegion, isRegionCode, normalizeRegionCode } from './regions';

const PREDICTION_YES = [
  'ar', 'am', 'au', 'at', 'az', 'by', 'be', 'br', 'bg', 'ca', 'cl', 'co', 'cr', 'hr', 'cz', 'dk', 'eg', 'ee', 'fi',
  'fr', 'ge', 'de', 'gr', 'hu', 'in', 'id', 'il', 'it', 'jp', 'kz', 'lv', 'lt', 'lu', 'md', 'mc', 'me', 'nl', 'nz',
  'no', 'pe', 'pl', 'pt', 'ro', 'rs', 'sk', 'za', 'es', 'se', 'ch', 'th', 'tr', 'ua', 'ae', 'gb', 'us', 'uz', 'vn',
];

const US_STATES = [
  'al', 'ak', 'az', 'ar', 'ca', 'co', 'ct', 'de', 'dc', 'fl', 'ga', 'hi', 'id', 'il', 'in', 'ia', 'ks', 'ky', 'la',
  'me', 'md', 'ma', 'mi', 'mn', 'ms', 'mo', 'mt', 'ne', 'nv', 'nh', 'nj', 'nm', 'ny', 'nc', 'nd', 'oh', 'ok', 'or',
  'pa', 'ri', 'sc', 'sd', 'tn', 'tx', 'ut', 'vt', 'va', 'wa', 'wv', 'wi', 'wy',
].map((s) => `us-${s}`);

function group(name: string) {
  return REGIONS.filter((r) => r.group === name);
}

describe('REGIONS data', () => {
  it('has unique, lower-case codes', () => {
    const codes = REGIONS.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(c).toMatch(/^[a-z]{2}(-[a-z0-9]+)?$/);
  });

  it('lists the 210 country codes of the reference (213 rows, 3 codes listed twice)', () => {
    expect(group('Countries')).toHaveLength(210);
  });

  it('marks exactly the "Prediction: Yes" countries (the current reference wins: dk, pe are Yes)', () => {
    const yes = group('Countries').filter((r) => r.prediction).map((r) => r.code);
    expect(yes.sort()).toEqual([...PREDICTION_YES].sort());
    expect(getRegion('mx')?.prediction).toBe(false);
  });

  it('keeps both names of a code listed twice', () => {
    expect(getRegion('cy')).toMatchObject({ name: 'Cyprus', otherNames: ['Cayman Islands'] });
    expect(getRegion('gp')).toMatchObject({ name: 'Guadeloupe', otherNames: ['Guatemala'] });
    expect(getRegion('np')).toMatchObject({ name: 'Nepal', otherNames: ['Northern Mariana Islands'] });
  });

  it('has every state and province table of the reference', () => {
    expect(group('United States of America').map((r) => r.code).sort()).toEqual([...US_STATES].sort());
    expect(group('Canada')).toHaveLength(13);
    expect(group('Australia').map((r) => r.code)).toEqual([
      'au-act', 'au-nsw', 'au-qld', 'au-sa', 'au-tas', 'au-vic', 'au-wa',
    ]);
    expect(group('Brazil')).toHaveLength(27);
    expect(group('United Arab Emirates')).toHaveLength(7);
    expect(group('Peru')).toHaveLength(24);
    expect(group('Thailand')).toHaveLength(80);
    expect(group('Egypt')).toHaveLength(27);
    expect(group('Japan').length).toBeGreaterThan(120);
  });

  it('gives states their country as parent and its prediction flag', () => {
    for (const r of REGIONS) {
      if (r.group === 'Countries') {
        expect(r.parent).toBeUndefined();
        continue;
      }
      expect(r.parent).toBeDefined();
      expect(r.code.startsWith(`${r.parent}-`)).toBe(true);
      expect(r.prediction).toBe(getRegion(r.parent!)!.prediction);
    }
  });

  it("keeps the reference's printed form where the code differs", () => {
    expect(getRegion('br-sc')).toMatchObject({ name: 'Santa Catarina', listedAs: 'br_sc' });
    expect(getRegion('eg-c')).toMatchObject({ listedAs: 'C', parent: 'eg' });
    expect(getRegion('jp-acn')).toMatchObject({ name: '名古屋', otherNames: ['愛'], listedAs: 'ACN' });
    expect(getRegion('th-10b')?.name).toBe('Bangkok');
  });

  const ref = resolve(__dirname, '../../../shared/reference/snapshot-api-current.txt');
  it.runIf(existsSync(ref))('covers every code printed in the reference (when the reference is at hand)', () => {
    const text = readFileSync(ref, 'utf8');
    const section = text.slice(text.indexOf('Country Codes'), text.indexOf('\nErrors\n'));
    let n = 0;
    for (const line of section.split('\n')) {
      const m = /^(.+?) \| (\S+) \|/.exec(line);
      if (!m || m[2] === '---' || /^(Country|State) \|/.test(line)) continue;
      const code = m[2];
      const found = isRegionCode(code) || REGIONS.some((r) => r.listedAs === code);
      expect(found, `${m[1]} ${code}`).toBe(true);
      n++;
    }
    expect(n).toBeGreaterThan(550);
  });
});

describe('isRegionCode / normalizeRegionCode', () => {
  it('accepts codes in any case', () => {
    expect(isRegionCode('gb')).toBe(true);
    expect(isRegionCode('US-CA')).toBe(true);
    expect(normalizeRegionCode(' Us-Ca ')).toBe('us-ca');
  });

  it('rejects what is not a region', () => {
    expect(isRegionCode('xx')).toBe(false);
    expect(isRegionCode('us-zz')).toBe(false);
    expect(isRegionCode('')).toBe(false);
    expect(isRegionCode(5 as never)).toBe(false);
  });

  it('maps aliases to the canonical code', () => {
    expect(normalizeRegionCode('br_sc')).toBe('br-sc');
    expect(normalizeRegionCode('ACI')).toBe('jp-aci');
    expect(normalizeRegionCode('FYM')).toBe('eg-fym');
    // clashes resolve to the country
    expect(normalizeRegionCode('DK')).toBe('dk');
    expect(normalizeRegionCode('FI')).toBe('fi');
  });

  it('gives the country of a region', () => {
    expect(countryOf('us-ca')).toBe('us');
    expect(countryOf('gb')).toBe('gb');
  });
});
