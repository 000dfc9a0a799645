import { describe, it, expect } from 'vitest';
import { ApiValidationError, DEFAULT_CONFIG, compileTextFormat, parseRequest } from './options';

function errorOf(fn: () => unknown): ApiValidationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiValidationError);
    return e as ApiValidationError;
  }
  throw new Error('expected an ApiValidationError');
}

describe('parseRequest defaults', () => {
  it('applies the reference defaults to an empty request', () => {
    const req = parseRequest({});
    expect(req).toEqual({
      regions: [],
      config: { threshold_d: 0.2, threshold_o: 0.6, mode: 'normal', detection_mode: 'plate', text_formats: [] },
      mmc: false,
      camera_id: null,
      timestamp: null,
      filename: '',
    });
    expect(req.config.region).toBeUndefined();
    expect(req.config.detection_rule).toBeUndefined();
    expect(req.warnings).toBeUndefined();
  });

  it('keeps the filename', () => {
    expect(parseRequest({ filename: 'car.jpg' }).filename).toBe('car.jpg');
  });

  it('does not share the default text_formats array between requests', () => {
    const a = parseRequest({});
    a.config.text_formats.push('x');
    expect(parseRequest({}).config.text_formats).toEqual([]);
    expect(DEFAULT_CONFIG.text_formats).toEqual([]);
  });

  it('rejects a non-object request', () => {
    expect(errorOf(() => parseRequest(null as never)).code).toBe(400);
  });
});

describe('regions', () => {
  it('accepts one code as a string', () => {
    expect(parseRequest({ regions: 'us-ca' }).regions).toEqual(['us-ca']);
  });

  it('is repeatable (the reference: -F regions=mx -F regions=us-ca), order kept', () => {
    expect(parseRequest({ regions: ['mx', 'us-ca'] }).regions).toEqual(['mx', 'us-ca']);
  });

  it('lower-cases and drops duplicates', () => {
    expect(parseRequest({ regions: ['GB', 'gb', 'Us-Ca'] }).regions).toEqual(['gb', 'us-ca']);
  });

  it('accepts a comma- or space-separated string', () => {
    expect(parseRequest({ regions: 'mx, us-ca' }).regions).toEqual(['mx', 'us-ca']);
    expect(parseRequest({ regions: ['fr de'] }).regions).toEqual(['fr', 'de']);
  });

  it("takes a 'region' field as more regions (the reference's strict curl example)", () => {
    expect(parseRequest({ region: 'us-ca', config: '{"region":"strict"}' }).regions).toEqual(['us-ca']);
    expect(parseRequest({ regions: 'mx', region: ['us-ca', 'mx'] }).regions).toEqual(['mx', 'us-ca']);
    expect(() => parseRequest({ region: 'zz' })).toThrow(ApiValidationError);
  });

  it('ignores empty entries', () => {
    expect(parseRequest({ regions: ['', ' '] }).regions).toEqual([]);
  });

  it("normalises the reference's odd spellings", () => {
    expect(parseRequest({ regions: 'br_sc' }).regions).toEqual(['br-sc']);
    expect(parseRequest({ regions: 'ACI' }).regions).toEqual(['jp-aci']);
    expect(parseRequest({ regions: 'eg-DK' }).regions).toEqual(['eg-dk']);
    // a bare Egyptian code that clashes with a country is the country
    expect(parseRequest({ regions: 'DK' }).regions).toEqual(['dk']);
  });

  it('rejects an unknown code with a clear 400 error naming it', () => {
    const e = errorOf(() => parseRequest({ regions: ['gb', 'xx'] }));
    expect(e.code).toBe(400);
    expect(e.field).toBe('regions');
    expect(e.message).toContain('regions');
    expect(e.message).toContain('"xx"');
    expect(e.toJSON()).toEqual({ error: { code: 400, message: e.message } });
  });

  it('rejects a non-string entry', () => {
    expect(errorOf(() => parseRequest({ regions: [5 as never] })).field).toBe('regions');
  });
});

describe('config', () => {
  it('is the same as a JSON string or as an object', () => {
    const cfg = { mode: 'fast', threshold_d: 0.3, threshold_o: 0.7, region: 'strict' } as const;
    const a = parseRequest({ regions: 'us-ca', config: JSON.stringify(cfg) });
    const b = parseRequest({ regions: 'us-ca', config: cfg });
    expect(a).toEqual(b);
    expect(a.config).toMatchObject(cfg);
  });

  it("parses the reference's curl example", () => {
    const req = parseRequest({ config: '{"mode":"fast", "threshold_d":0.2, "threshold_o":0.6}' });
    expect(req.config).toEqual({
      threshold_d: 0.2,
      threshold_o: 0.6,
      mode: 'fast',
      detection_mode: 'plate',
      text_formats: [],
    });
  });

  it('treats null and an empty string as no config', () => {
    expect(parseRequest({ config: null }).config).toEqual(parseRequest({}).config);
    expect(parseRequest({ config: '  ' }).config).toEqual(parseRequest({}).config);
  });

  it('rejects invalid JSON with a clear error', () => {
    const e = errorOf(() => parseRequest({ config: '{region: strict}' }));
    expect(e.code).toBe(400);
    expect(e.field).toBe('config');
    expect(e.message).toMatch(/^config: invalid JSON/);
  });

  it('rejects JSON that is not an object', () => {
    for (const bad of ['[1]', '5', '"strict"', 'null']) {
      if (bad === 'null') {
        // JSON null is "no config"
        expect(parseRequest({ config: bad }).config.mode).toBe('normal');
        continue;
      }
      expect(errorOf(() => parseRequest({ config: bad })).field).toBe('config');
    }
  });

  it('accepts thresholds in 0..1, boundaries included, numeric strings too', () => {
    expect(parseRequest({ config: { threshold_d: 0, threshold_o: 1 } }).config).toMatchObject({
      threshold_d: 0,
      threshold_o: 1,
    });
    expect(parseRequest({ config: '{"threshold_d":"0.5"}' }).config.threshold_d).toBe(0.5);
  });

  it('rejects thresholds out of range or not numbers', () => {
    for (const [key, value] of [
      ['threshold_d', 1.5],
      ['threshold_d', -0.1],
      ['threshold_o', 2],
      ['threshold_o', 'high'],
      ['threshold_d', true],
      ['threshold_o', ''],
    ] as const) {
      const e = errorOf(() => parseRequest({ config: { [key]: value } as never }));
      expect(e.field).toBe(`config.${key}`);
      expect(e.message).toContain(key);
      expect(e.message).toContain('between 0 and 1');
    }
  });

  it('accepts the modes and rejects others', () => {
    expect(parseRequest({ config: { mode: 'fast' } }).config.mode).toBe('fast');
    expect(parseRequest({ config: { mode: 'redaction' } }).config.mode).toBe('redaction');
    expect(parseRequest({ config: { mode: 'normal' } }).config.mode).toBe('normal');
    const e = errorOf(() => parseRequest({ config: '{"mode":"turbo"}' }));
    expect(e.field).toBe('config.mode');
    expect(e.message).toContain('"turbo"');
  });

  it('accepts region, detection_rule and detection_mode values of the reference', () => {
    const req = parseRequest({
      regions: 'gb',
      config: { region: 'strict', detection_rule: 'strict', detection_mode: 'vehicle' },
    });
    expect(req.config.region).toBe('strict');
    expect(req.config.detection_rule).toBe('strict');
    expect(req.config.detection_mode).toBe('vehicle');
    expect(parseRequest({ config: { detection_mode: 'plate' } }).config.detection_mode).toBe('plate');
  });

  it('rejects other values of region, detection_rule and detection_mode', () => {
    expect(errorOf(() => parseRequest({ config: '{"region":"loose"}' })).field).toBe('config.region');
    expect(errorOf(() => parseRequest({ config: '{"detection_rule":"lenient"}' })).field).toBe(
      'config.detection_rule',
    );
    expect(errorOf(() => parseRequest({ config: '{"detection_mode":"car"}' })).field).toBe('config.detection_mode');
  });

  it('ignores unknown keys like the real API, and says so in warnings', () => {
    const req = parseRequest({ config: '{"mode":"fast","colour":"red"}' });
    expect(req.config.mode).toBe('fast');
    expect(Object.keys(req.config)).not.toContain('colour');
    expect(req.warnings).toEqual(['config.colour is not a known option and was ignored']);
  });

  it('accepts strict without regions as a documented no-op, with a warning', () => {
    const req = parseRequest({ config: { region: 'strict' } });
    expect(req.config.region).toBe('strict');
    expect(req.regions).toEqual([]);
    expect(req.warnings?.[0]).toMatch(/no effect without regions/);
    const withFormats = parseRequest({ config: { region: 'strict', text_formats: ['[a-z]{3}[0-9]{3}'] } });
    expect(withFormats.warnings?.[0]).toMatch(/only text_formats/);
  });
});

describe('text_formats', () => {
  it('keeps the valid expressions as given', () => {
    const req = parseRequest({ config: { text_formats: ['[0-9][0-9][0-9][a-z][a-z]', '[a-z]{2}[0-9]+'] } });
    expect(req.config.text_formats).toEqual(['[0-9][0-9][0-9][a-z][a-z]', '[a-z]{2}[0-9]+']);
  });

  it('accepts a single string as a list of one', () => {
    expect(parseRequest({ config: '{"text_formats":"[a-z]+"}' }).config.text_formats).toEqual(['[a-z]+']);
  });

  it('rejects an invalid regular expression, naming it', () => {
    const e = errorOf(() => parseRequest({ config: { text_formats: ['[0-9]{3}', '[a-z(+'] } }));
    expect(e.code).toBe(400);
    expect(e.field).toBe('config.text_formats');
    expect(e.message).toContain('"[a-z(+"');
    expect(e.message).toContain('invalid regular expression');
  });

  it('rejects entries that are not strings', () => {
    expect(errorOf(() => parseRequest({ config: '{"text_formats":[1]}' })).field).toBe('config.text_formats');
    expect(errorOf(() => parseRequest({ config: '{"text_formats":[""]}' })).field).toBe('config.text_formats');
  });

  it('compiles case-insensitively, anchored as a full match', () => {
    const re = compileTextFormat('[0-9][0-9][0-9][a-z][a-z]');
    expect(re.test('123AB')).toBe(true);
    expect(re.test('123ab')).toBe(true);
    expect(re.test('123ABC')).toBe(false);
    expect(re.test('X123AB')).toBe(false);
    // alternation stays inside the anchors
    const alt = compileTextFormat('abc|[0-9]{2}');
    expect(alt.test('abc')).toBe(true);
    expect(alt.test('abc1')).toBe(false);
    expect(alt.test('x12')).toBe(false);
  });

  it('caches compiled expressions', () => {
    expect(compileTextFormat('[a-z]{4}')).toBe(compileTextFormat('[a-z]{4}'));
  });
});

describe('mmc', () => {
  it('accepts booleans and "true"/"false" strings', () => {
    expect(parseRequest({ mmc: true }).mmc).toBe(true);
    expect(parseRequest({ mmc: 'true' }).mmc).toBe(true);
    expect(parseRequest({ mmc: 'TRUE' }).mmc).toBe(true);
    expect(parseRequest({ mmc: 'false' }).mmc).toBe(false);
    expect(parseRequest({ mmc: false }).mmc).toBe(false);
    expect(parseRequest({ mmc: '' }).mmc).toBe(false);
  });

  it('rejects anything else', () => {
    const e = errorOf(() => parseRequest({ mmc: 'yes' }));
    expect(e.field).toBe('mmc');
    expect(e.message).toContain('true or false');
  });
});

describe('camera_id', () => {
  it('keeps a string, trimmed; empty is null', () => {
    expect(parseRequest({ camera_id: ' gate-1 ' }).camera_id).toBe('gate-1');
    expect(parseRequest({ camera_id: '' }).camera_id).toBeNull();
    expect(parseRequest({ camera_id: null }).camera_id).toBeNull();
  });

  it('turns a number into a string and rejects other types', () => {
    expect(parseRequest({ camera_id: 12 as never }).camera_id).toBe('12');
    expect(errorOf(() => parseRequest({ camera_id: {} as never })).field).toBe('camera_id');
  });
});

describe('timestamp', () => {
  it("normalises the reference's example to UTC with a Z", () => {
    expect(parseRequest({ timestamp: '2019-08-19T13:11:25' }).timestamp).toBe('2019-08-19T13:11:25Z');
  });

  it('keeps microseconds like the API does', () => {
    expect(parseRequest({ timestamp: '2020-10-12T16:17:27.574008Z' }).timestamp).toBe('2020-10-12T16:17:27.574008Z');
    expect(parseRequest({ timestamp: '2020-10-12T16:17:27.5Z' }).timestamp).toBe('2020-10-12T16:17:27.500000Z');
    expect(parseRequest({ timestamp: '2020-10-12T16:17:27.1234567Z' }).timestamp).toBe(
      '2020-10-12T16:17:27.123456Z',
    );
  });

  it('converts an offset to UTC', () => {
    expect(parseRequest({ timestamp: '2019-08-19T13:11:25+02:00' }).timestamp).toBe('2019-08-19T11:11:25Z');
    expect(parseRequest({ timestamp: '2019-12-31T23:30:00-0100' }).timestamp).toBe('2020-01-01T00:30:00Z');
  });

  it('accepts a space separator, minutes only, or a date alone', () => {
    expect(parseRequest({ timestamp: '2021-11-23 17:56:47.896406' }).timestamp).toBe('2021-11-23T17:56:47.896406Z');
    expect(parseRequest({ timestamp: '2021-11-23T17:56' }).timestamp).toBe('2021-11-23T17:56:00Z');
    expect(parseRequest({ timestamp: '2021-11-23' }).timestamp).toBe('2021-11-23T00:00:00Z');
  });

  it('rejects what is not an ISO 8601 date-time', () => {
    for (const bad of ['yesterday', '2021-02-30T00:00:00', '2021-13-01', '2021-01-01T25:00:00', '19/08/2019', '0099-01-01']) {
      const e = errorOf(() => parseRequest({ timestamp: bad }));
      expect(e.field).toBe('timestamp');
      expect(e.message).toContain('ISO 8601');
    }
  });
});

describe('ApiValidationError', () => {
  it('is an Error with code 400 and an API error body', () => {
    const e = new ApiValidationError('regions', 'regions: bad');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ApiValidationError');
    expect(e.code).toBe(400);
    expect(JSON.parse(JSON.stringify(e))).toEqual({ error: { code: 400, message: 'regions: bad' } });
  });
});
