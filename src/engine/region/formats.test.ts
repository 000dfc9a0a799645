import { describe, it, expect } from 'vitest';
import { REGIONS, getRegion, isRegionCode } from '../../api/regions';
import { FORMATS } from './formats';
import { compileAllFormats, compiledRegion, countriesWithFormats } from './catalog';
import { fitsTemplate } from './pattern';

function fitsRegion(code: string, reading: string, generic = false): boolean {
  const c = compiledRegion(code);
  if (!c) return false;
  return (c.byLength.get(reading.length) ?? []).some((t) => (generic || !t.generic) && fitsTemplate(reading, t.slots));
}

describe('format data', () => {
  it('compiles every pattern', () => {
    expect(compileAllFormats()).toBeGreaterThan(300);
  });

  it('names a real region, a source and at least one pattern per entry; no region twice', () => {
    const seen = new Set<string>();
    for (const f of FORMATS) {
      expect(isRegionCode(f.region), f.region).toBe(true);
      expect(getRegion(f.region), f.region).toBeDefined();
      expect(f.source, f.region).toMatch(/^Wikipedia: Vehicle registration plates of /);
      expect(seen.has(f.region), f.region).toBe(false);
      seen.add(f.region);
      // an empty entry is only allowed for a country whose states carry the formats
      if (f.formats.length === 0) expect(FORMATS.some((g) => getRegion(g.region)?.parent === f.region)).toBe(true);
    }
  });

  it('covers every country marked "Prediction: Yes"', () => {
    for (const r of REGIONS) {
      if (r.group === 'Countries' && r.prediction) expect(compiledRegion(r.code), r.code).not.toBeNull();
    }
  });

  it('has its own formats for every US state, Canadian province, Australian state and UAE emirate', () => {
    for (const r of REGIONS) {
      if (['United States of America', 'Canada', 'Australia', 'United Arab Emirates'].includes(r.group)) {
        expect(FORMATS.some((f) => f.region === r.code), r.code).toBe(true);
      }
    }
  });

  it('gives states without an entry their country formats', () => {
    expect(compiledRegion('br-sp')?.formatsOf).toBe('br');
    expect(compiledRegion('jp-aci')?.formatsOf).toBe('jp');
    expect(compiledRegion('pe-lim')?.formatsOf).toBe('pe');
    expect(compiledRegion('us-ca')?.formatsOf).toBe('us-ca');
    expect(compiledRegion('kr')).toBeNull();
  });

  it('lists only countries in countriesWithFormats', () => {
    const codes = countriesWithFormats().map((c) => c.code);
    expect(codes).toContain('gb');
    expect(codes).toContain('us');
    expect(codes.some((c) => c.includes('-'))).toBe(false);
  });
});

describe('typical plates fit their region', () => {
  const EXAMPLES: Array<[string, string]> = [
    ['gb', 'AB12CDE'], ['gb', 'A123BCD'], ['gb', 'ABC123D'],
    ['ie', '191D12345'],
    ['de', 'BAB1234'], ['de', 'MXY123'], ['de', 'BAB123E'],
    ['fr', 'AB123CD'], ['fr', '1234AB75'],
    ['it', 'AB123CD'],
    ['es', '1234BCD'], ['es', 'M1234AB'],
    ['pt', 'AA00AA'], ['pt', '00AA00'],
    ['nl', '12ABC3'], ['nl', 'AB12CD'], ['nl', '1ABC23'],
    ['be', '1ABC123'],
    ['pl', 'WA12345'], ['pl', 'KRA1234'],
    ['ro', 'B123ABC'], ['ro', 'CJ12ABC'],
    ['cz', '1A23456'], ['sk', 'BA123AB'], ['hu', 'ABC123'], ['hu', 'AABB123'],
    ['at', 'W12345A'], ['at', 'FK1ABC'], ['at', 'W1234AB'], ['kz', 'A123BCD'], ['md', 'CUAB12'], ['ch', 'ZH123456'], ['se', 'ABC123'], ['se', 'ABC12D'],
    ['no', 'AB12345'], ['dk', 'AB12345'], ['fi', 'ABC123'], ['ee', '123ABC'],
    ['lv', 'AB1234'], ['lt', 'ABC123'], ['lu', 'AB1234'],
    ['hr', 'ZG1234AB'], ['rs', 'BG123AB'], ['me', 'PGAB123'], ['bg', 'CA1234AB'],
    ['gr', 'ABC1234'], ['tr', '34ABC123'], ['ua', 'AA1234BB'], ['by', '1234AB7'],
    ['md', 'ABC123'], ['ge', 'AB123CD'], ['am', '35AB123'], ['az', '10AB123'],
    ['kz', '123ABC02'], ['uz', '01A123BC'],
    ['ru', 'A123BC77'],
    ['il', '1234567'], ['il', '12345678'],
    ['in', 'MH12AB1234'], ['in', 'DL1CAB1234'], ['id', 'B1234ABC'],
    ['vn', '30A12345'], ['th', '1234'], ['jp', '3001234'], ['eg', 'ABC1234'],
    ['za', 'CA123456'], ['za', 'BB12CCGP'],
    ['ae', 'A12345'], ['ae-du', 'AA12345'],
    ['au-nsw', 'AB12CD'], ['au-vic', '1AB2CD'], ['au-qld', '123ABC'], ['au-wa', '1ABC123'], ['au-sa', 'S123ABC'],
    ['au', '1AB2CD'],
    ['nz', 'ABC123'],
    ['br', 'ABC1234'], ['br', 'ABC1D23'], ['br-sp', 'ABC1D23'],
    ['ar', 'AB123CD'], ['ar', 'ABC123'], ['cl', 'BBBB12'], ['co', 'ABC123'], ['pe', 'ABC123'], ['cr', 'ABC123'],
    ['mx', 'ABC1234'],
    ['us-ca', '7ABC123'], ['us-ny', 'ABC1234'], ['us-tx', 'ABC1234'], ['us-fl', 'ABCD12'], ['us-nj', 'A12BCD'],
    ['us-mo', 'AB1C2D'], ['us-md', '1AB2345'], ['us-il', 'AB12345'], ['us-de', '123456'],
    ['us', '7ABC123'], ['us', 'ABCD12'],
    ['ca-on', 'ABCD123'], ['ca-qc', 'A12ABC'], ['ca-ab', 'ABC1234'], ['ca', 'ABCD123'],
  ];
  for (const [region, plate] of EXAMPLES) {
    it(`${region}: ${plate}`, () => expect(fitsRegion(region, plate)).toBe(true));
  }
});

describe('plates of another shape do not fit', () => {
  const COUNTER: Array<[string, string]> = [
    ['gb', 'ABC1234X'], ['gb', '1234ABC'], ['it', 'ABC1234'], ['es', '1234ABC'], ['br', 'AB12345'], ['lt', 'ABC1234'],
    ['us-ca', 'AB12CDE'], ['fr', 'ABC123'], ['nl', 'ABCDEF'], ['ua', 'AB123CD'],
  ];
  for (const [region, plate] of COUNTER) {
    it(`${region}: not ${plate}`, () => expect(fitsRegion(region, plate)).toBe(false));
  }

  it('US vanity plates fit only as generic', () => {
    expect(fitsRegion('us-ca', 'MYCAR')).toBe(false);
    expect(fitsRegion('us-ca', 'MYCAR', true)).toBe(true);
    expect(fitsRegion('us-ca', 'TOOLONGX', true)).toBe(false);
  });
});
