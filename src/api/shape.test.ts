import { describe, it, expect } from 'vitest';
import { parseRequest, type RequestInput } from './options';
import { NO_VEHICLE, round3, shapeCandidates, shapeResponse, type PlateFinding } from './shape';
import type { PlateReaderResponse, VehicleModeResponse } from './types';

// The reference's "Return value" example (snapshot-api-current.txt), verbatim.
const REFERENCE_EXAMPLE = `{
"processing_time": 288.758,
"results": [
{
"box": { "xmin": 143, "ymin": 481, "xmax": 282, "ymax": 575 },
"plate": "nhk552",
"region": { "code": "gb", "score": 0.747 },
"vehicle": { "score": 0.798, "type": "Sedan", "box": { "xmin": 67, "ymin": 113, "xmax": 908, "ymax": 653 } },
"score": 0.904,
"candidates": [ { "score": 0.904, "plate": "nhk552" } ],
"dscore": 0.99,
"model_make": [ { "make": "Riley", "model": "RMF", "score": 0.306 } ],
"color": [ { "color": "black", "score": 0.937 } ],
"orientation": [ { "orientation": "Front", "score": 0.937 } ]
}
],
"filename": "1617_7M83K_car.jpg",
"version": 1,
"camera_id": null,
"timestamp": "2020-10-12T16:17:27.574008Z"
}`;

// The reference's "Vehicle Only Response" example, verbatim except the timestamp (see shape.ts).
const REFERENCE_VEHICLE_EXAMPLE = `{
"filename": "car.jpg",
"timestamp": "2021-11-23T17:56:47.896406Z",
"camera_id": "my-camera",
"processing_time": 58.184,
"results": [
{
"plate": {
"type": "Plate", "score": 0.925,
"box": { "xmin": 146, "ymin": 481, "xmax": 276, "ymax": 576 },
"props": { "plate": [ { "value": "nhk552", "score": 0.838 } ], "region": [ { "value": "gb", "score": 0.931 } ] }
},
"vehicle": {
"type": "Sedan", "score": 0.834,
"box": { "xmin": 68, "ymin": 103, "xmax": 914, "ymax": 643 },
"props": {
"make_model": [ { "make": "Riley", "model": "RMF", "score": 0.339 } ],
"orientation": [ { "value": "Front", "score": 0.939 } ],
"color": [ { "value": "black", "score": 0.846 } ]
}
}
}
]
}`;

function finding(over: Partial<PlateFinding> = {}): PlateFinding {
  return {
    box: { xmin: 143.4, ymin: 480.6, xmax: 282.2, ymax: 574.9 },
    dscore: 0.98999,
    plate: 'NHK552',
    score: 0.90412,
    candidates: [
      { plate: 'NHK552', score: 0.90412 },
      { plate: 'NHK55Z', score: 0.1 },
    ],
    region: { code: 'gb', score: 0.74712 },
    vehicle: { score: 0.7981, type: 'Sedan', box: { xmin: 67, ymin: 113, xmax: 908, ymax: 653 } },
    ...over,
  };
}

function req(input: RequestInput = {}) {
  return parseRequest({ filename: 'car.jpg', ...input });
}

function plates(r: PlateReaderResponse | VehicleModeResponse): PlateReaderResponse {
  expect('version' in r).toBe(true);
  return r as PlateReaderResponse;
}

/** A description of a JSON value's structure: keys in order, and leaf types. */
function shapeOf(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shapeOf);
  if (v !== null && typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, shapeOf(x)]);
  }
  return v === null ? 'null' : typeof v;
}

describe('shapeResponse: the reference example', () => {
  it("reproduces the reference's sample response byte for byte (mmc=true)", () => {
    const f: PlateFinding = {
      box: { xmin: 143, ymin: 481, xmax: 282, ymax: 575 },
      dscore: 0.99,
      plate: 'NHK552',
      score: 0.904,
      candidates: [{ plate: 'NHK552', score: 0.904 }],
      region: { code: 'gb', score: 0.747 },
      vehicle: { score: 0.798, type: 'Sedan', box: { xmin: 67, ymin: 113, xmax: 908, ymax: 653 } },
      model_make: [{ make: 'Riley', model: 'RMF', score: 0.306 }],
      color: [{ color: 'black', score: 0.937 }],
      orientation: [{ orientation: 'Front', score: 0.937 }],
    };
    const r = shapeResponse(
      [f],
      parseRequest({ filename: '1617_7M83K_car.jpg', mmc: 'true', timestamp: '2020-10-12T16:17:27.574008Z' }),
      288.758,
    );
    expect(JSON.stringify(r)).toBe(JSON.stringify(JSON.parse(REFERENCE_EXAMPLE)));
  });

  it('has the keys, order and types of the reference example with engine-precision input', () => {
    const r = shapeResponse([finding()], req({ mmc: true }), 288.75812, new Date('2020-10-12T16:17:27.574Z'));
    const expected = JSON.parse(REFERENCE_EXAMPLE);
    const got = JSON.parse(JSON.stringify(r));
    got.results[0].candidates.length = 1; // the example lists one candidate
    expect(shapeOf(got)).toEqual(shapeOf(expected));
  });

  it('without mmc has no model_make, color or orientation', () => {
    const r = plates(shapeResponse([finding()], req(), 10));
    expect(Object.keys(r)).toEqual(['processing_time', 'results', 'filename', 'version', 'camera_id', 'timestamp']);
    expect(Object.keys(r.results[0])).toEqual(['box', 'plate', 'region', 'vehicle', 'score', 'candidates', 'dscore']);
    expect(Object.keys(r.results[0].vehicle)).toEqual(['score', 'type', 'box']);
    expect(Object.keys(r.results[0].box)).toEqual(['xmin', 'ymin', 'xmax', 'ymax']);
  });
});

describe('shapeResponse: values', () => {
  it('lower-cases plates, rounds scores to 3 decimals and boxes to integers', () => {
    const r = plates(shapeResponse([finding()], req(), 1.23456));
    const p = r.results[0];
    expect(p.plate).toBe('nhk552');
    expect(p.score).toBe(0.904);
    expect(p.dscore).toBe(0.99);
    expect(p.region).toEqual({ code: 'gb', score: 0.747 });
    expect(p.vehicle.score).toBe(0.798);
    expect(p.box).toEqual({ xmin: 143, ymin: 481, xmax: 282, ymax: 575 });
    expect(r.processing_time).toBe(1.235);
    expect(r.version).toBe(1);
    expect(r.filename).toBe('car.jpg');
  });

  it('writes region codes in lower case', () => {
    const r = plates(shapeResponse([finding({ region: { code: 'US-CA', score: 0.5 } })], req(), 0));
    expect(r.results[0].region.code).toBe('us-ca');
  });

  it('clamps scores to 0..1 and coordinates to >= 0', () => {
    const r = plates(
      shapeResponse(
        [finding({ score: 1.2, dscore: -0.1, box: { xmin: -3.2, ymin: -0.4, xmax: 10.6, ymax: 5 } })],
        req(),
        0,
      ),
    );
    expect(r.results[0].score).toBe(1);
    expect(r.results[0].dscore).toBe(0);
    expect(r.results[0].box).toEqual({ xmin: 0, ymin: 0, xmax: 11, ymax: 5 });
  });

  it('makes candidates[0] equal plate, lower case, without duplicates', () => {
    const r = plates(
      shapeResponse(
        [
          finding({
            plate: 'AB12CDE',
            score: 0.8,
            candidates: [
              { plate: 'AB12CD3', score: 0.85 },
              { plate: 'ab12cde', score: 0.8 },
              { plate: 'AB12CD3', score: 0.2 },
            ],
          }),
        ],
        req(),
        0,
      ),
    );
    expect(r.results[0].candidates).toEqual([
      { score: 0.8, plate: 'ab12cde' },
      { score: 0.85, plate: 'ab12cd3' },
    ]);
    expect(r.results[0].candidates[0].plate).toBe(r.results[0].plate);
    expect(r.results[0].candidates[0].score).toBe(r.results[0].score);
    expect(shapeCandidates('x', 0.5, [])).toEqual([{ score: 0.5, plate: 'x' }]);
  });

  it('writes the vehicle "not found" convention when there is no vehicle', () => {
    const r = plates(shapeResponse([finding({ vehicle: null })], req(), 0));
    expect(r.results[0].vehicle).toEqual({ score: 0, type: 'Unknown', box: { xmin: 0, ymin: 0, xmax: 0, ymax: 0 } });
    expect(NO_VEHICLE.score).toBe(0);
  });

  it('uses camera_id and timestamp of the request, else null and the time of reading', () => {
    const a = plates(shapeResponse([], req({ camera_id: 'cam-1', timestamp: '2019-08-19T13:11:25' }), 0));
    expect(a.camera_id).toBe('cam-1');
    expect(a.timestamp).toBe('2019-08-19T13:11:25Z');
    const b = plates(shapeResponse([], req(), 0, new Date('2024-05-06T07:08:09.123Z')));
    expect(b.camera_id).toBeNull();
    expect(b.timestamp).toBe('2024-05-06T07:08:09.123000Z');
    expect(plates(shapeResponse([], req(), 0, new Date('2024-05-06T07:08:09Z'))).timestamp).toBe(
      '2024-05-06T07:08:09Z',
    );
    const c = plates(shapeResponse([], req(), 0));
    expect(c.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$/);
    expect(c.results).toEqual([]);
  });

  it('sorts results by detection score, ties left to right', () => {
    const r = plates(
      shapeResponse(
        [
          finding({ plate: 'LOW', dscore: 0.5 }),
          finding({ plate: 'RIGHT', dscore: 0.9, box: { xmin: 500, ymin: 0, xmax: 600, ymax: 50 } }),
          finding({ plate: 'LEFT', dscore: 0.9, box: { xmin: 10, ymin: 0, xmax: 100, ymax: 50 } }),
        ],
        req(),
        0,
      ),
    );
    expect(r.results.map((x) => x.plate)).toEqual(['left', 'right', 'low']);
  });

  it('does not modify its input', () => {
    const fs = [finding({ dscore: 0.1 }), finding({ dscore: 0.9 })];
    const copy = JSON.parse(JSON.stringify(fs));
    shapeResponse(fs, req({ config: { detection_rule: 'strict' } }), 0);
    expect(fs).toEqual(copy);
  });

  it('round3 rounds half up and never writes -0 or NaN', () => {
    expect(round3(0.0005)).toBe(0.001);
    expect(round3(-0.0001)).toBe(0);
    expect(Object.is(round3(-0.0001), 0)).toBe(true);
    expect(round3(Number.NaN)).toBe(0);
  });
});

describe('shapeResponse: mmc', () => {
  it('keeps model data when the engine has it', () => {
    const r = plates(
      shapeResponse(
        [finding({ model_make: [{ make: 'Riley', model: 'RMF', score: 0.30612 }], color: [{ color: 'red', score: 0.5 }] })],
        req({ mmc: true }),
        0,
      ),
    );
    expect(r.results[0].model_make).toEqual([{ make: 'Riley', model: 'RMF', score: 0.306 }]);
    expect(r.results[0].color).toEqual([{ color: 'red', score: 0.5 }]);
    expect(r.results[0].orientation).toEqual([{ orientation: 'Unknown', score: 0 }]);
  });

  it('says "unknown" with score 0 when there is no make/model/colour model', () => {
    const p = plates(shapeResponse([finding()], req({ mmc: 'true' }), 0)).results[0];
    expect(p.model_make).toEqual([{ make: 'Unknown', model: 'Unknown', score: 0 }]);
    expect(p.color).toEqual([{ color: 'unknown', score: 0 }]);
    expect(p.orientation).toEqual([{ orientation: 'Unknown', score: 0 }]);
    expect(Object.keys(p).slice(-3)).toEqual(['model_make', 'color', 'orientation']);
  });
});

describe('shapeResponse: detection_rule strict', () => {
  const strict = () => req({ config: { detection_rule: 'strict' } });

  it('keeps a plate inside a found vehicle', () => {
    expect(plates(shapeResponse([finding()], strict(), 0)).results).toHaveLength(1);
  });

  it('drops a plate without a vehicle (no vehicle model: every plate)', () => {
    const r = plates(shapeResponse([finding({ vehicle: null }), finding({ vehicle: { ...NO_VEHICLE } })], strict(), 0));
    expect(r.results).toEqual([]);
  });

  it('drops a plate whose centre lies outside its vehicle', () => {
    const outside = finding({ box: { xmin: 950, ymin: 700, xmax: 1000, ymax: 720 } });
    const r = plates(shapeResponse([outside, finding({ plate: 'IN1' })], strict(), 0));
    expect(r.results.map((x) => x.plate)).toEqual(['in1']);
  });

  it('keeps every plate without the rule', () => {
    expect(plates(shapeResponse([finding({ vehicle: null })], req(), 0)).results).toHaveLength(1);
  });
});

describe('shapeResponse: detection_mode vehicle', () => {
  const vreq = (extra: RequestInput = {}) =>
    parseRequest({ filename: 'car.jpg', camera_id: 'my-camera', config: { detection_mode: 'vehicle' }, ...extra });

  it("reproduces the reference's vehicle-only example", () => {
    const f: PlateFinding = {
      box: { xmin: 146, ymin: 481, xmax: 276, ymax: 576 },
      dscore: 0.925,
      plate: 'nhk552',
      score: 0.838,
      candidates: [{ plate: 'nhk552', score: 0.838 }],
      region: { code: 'gb', score: 0.931 },
      vehicle: { score: 0.834, type: 'Sedan', box: { xmin: 68, ymin: 103, xmax: 914, ymax: 643 } },
      model_make: [{ make: 'Riley', model: 'RMF', score: 0.339 }],
      color: [{ color: 'black', score: 0.846 }],
      orientation: [{ orientation: 'Front', score: 0.939 }],
    };
    const r = shapeResponse([f], vreq({ mmc: true, timestamp: '2021-11-23 17:56:47.896406' }), 58.184);
    expect(JSON.stringify(r)).toBe(JSON.stringify(JSON.parse(REFERENCE_VEHICLE_EXAMPLE)));
  });

  it('has no version field and the nested key order', () => {
    const r = shapeResponse([finding()], vreq(), 1) as VehicleModeResponse;
    expect(Object.keys(r)).toEqual(['filename', 'timestamp', 'camera_id', 'processing_time', 'results']);
    expect(Object.keys(r.results[0])).toEqual(['plate', 'vehicle']);
    expect(Object.keys(r.results[0].plate!)).toEqual(['type', 'score', 'box', 'props']);
    expect(r.results[0].plate!.props.plate.map((p) => p.value)).toEqual(['nhk552', 'nhk55z']);
    expect(Object.keys(r.results[0].vehicle!.props)).toEqual(['make_model', 'orientation', 'color']);
    // no mmc and no model data: empty lists
    expect(r.results[0].vehicle!.props).toEqual({ make_model: [], orientation: [], color: [] });
  });

  it('leaves the vehicle out when none was found, and lists lone vehicles after plates', () => {
    const r = shapeResponse([finding({ vehicle: null })], vreq({ mmc: true }), 1, undefined, {
      vehicles: [
        { vehicle: { score: 0.5, type: 'Bus', box: { xmin: 1, ymin: 2, xmax: 30, ymax: 40 } } },
        { vehicle: { score: 0.9, type: 'Van', box: { xmin: 100, ymin: 2, xmax: 300, ymax: 400 } } },
        { vehicle: { ...NO_VEHICLE } },
      ],
    }) as VehicleModeResponse;
    expect(r.results).toHaveLength(3);
    expect(Object.keys(r.results[0])).toEqual(['plate']);
    expect(r.results[1].vehicle!.type).toBe('Van');
    expect(r.results[2].vehicle!.type).toBe('Bus');
    expect(r.results[1].plate).toBeUndefined();
    expect(r.results[1].vehicle!.props.color).toEqual([{ value: 'unknown', score: 0 }]);
  });

  it('lists at most 3 predictions of each vehicle property', () => {
    const colors = ['black', 'white', 'red', 'blue'].map((color, i) => ({ color, score: 0.4 - i * 0.1 }));
    const r = shapeResponse([finding({ color: colors })], vreq(), 1) as VehicleModeResponse;
    expect(r.results[0].vehicle!.props.color.map((c) => c.value)).toEqual(['black', 'white', 'red']);
  });

  it('ignores lone vehicles in the default shape', () => {
    const r = plates(
      shapeResponse([], req(), 1, undefined, {
        vehicles: [{ vehicle: { score: 0.9, type: 'Van', box: { xmin: 1, ymin: 2, xmax: 3, ymax: 4 } } }],
      }),
    );
    expect(r.results).toEqual([]);
  });
});
