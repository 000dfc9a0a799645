import { describe, expect, it } from 'vitest';
import type { PlateReaderResponse, VehicleModeResponse } from '../api/types';
import { csvField, exportCsv, exportJson, findingsOf, stem } from './results';
import type { QueueItem } from './store';

const plateResponse: PlateReaderResponse = {
  processing_time: 12.5,
  results: [
    {
      box: { xmin: 10, ymin: 20, xmax: 110, ymax: 50 },
      plate: 'ab123',
      region: { code: 'de', score: 0.9 },
      vehicle: { score: 0, type: 'Unknown', box: { xmin: 0, ymin: 0, xmax: 0, ymax: 0 } },
      score: 0.95,
      candidates: [{ score: 0.95, plate: 'ab123' }],
      dscore: 0.8,
    },
  ],
  filename: 'a, "b".jpg',
  version: 1,
  camera_id: null,
  timestamp: '2026-11-21T19:00:00.000Z',
};

const item = (over: Partial<QueueItem>): QueueItem => ({
  id: 'x',
  file: new Blob(),
  name: 'x.jpg',
  status: 'done',
  ...over,
});

describe('csvField', () => {
  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(0.5)).toBe('0.5');
    expect(csvField(null)).toBe('');
  });
  it('defuses text a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('+1')).toBe("'+1");
    expect(csvField(-1)).toBe('-1');
  });
});

describe('exports', () => {
  it('writes one CSV row per plate, per plateless image and per failure, all as wide as the header', () => {
    const csv = exportCsv([
      item({ response: plateResponse }),
      item({ id: 'y', name: 'none.jpg', response: { ...plateResponse, filename: 'none.jpg', results: [] } }),
      item({ id: 'z', name: 'bad.jpg', status: 'error', error: { error: { code: 400, message: 'not an image' } } }),
      item({ id: 'q', name: 'queued.jpg', status: 'queued' }),
    ]);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(
      'filename,timestamp,camera_id,plate,score,dscore,region,region_score,vehicle_type,vehicle_score,xmin,ymin,xmax,ymax,error',
    );
    expect(lines[1]).toBe('"a, ""b"".jpg",2026-11-21T19:00:00.000Z,,ab123,0.95,0.8,de,0.9,,,10,20,110,50,');
    expect(lines[2]).toBe('none.jpg,2026-11-21T19:00:00.000Z,,,,,,,,,,,,,');
    expect(lines[3]).toBe('bad.jpg,,,,,,,,,,,,,,not an image');
  });
  it('writes the responses and error bodies of finished images as JSON', () => {
    const all = JSON.parse(
      exportJson([
        item({ response: plateResponse }),
        item({ id: 'z', status: 'error', error: { error: { code: 400, message: 'bad' } } }),
        item({ id: 'r', status: 'reading' }),
      ]),
    );
    expect(all).toEqual([plateResponse, { error: { code: 400, message: 'bad' } }]);
  });
});

describe('findingsOf', () => {
  it('reads both response shapes, and hides a vehicle that was not found', () => {
    const [f] = findingsOf(plateResponse);
    expect(f).toMatchObject({ plate: 'ab123', score: 0.95, dscore: 0.8, region: 'de', vehicleBox: null, vehicleType: '' });
    const vehicle: VehicleModeResponse = {
      filename: 'v.jpg',
      timestamp: plateResponse.timestamp,
      camera_id: null,
      processing_time: 1,
      results: [
        {
          plate: {
            type: 'Plate',
            score: 0.7,
            box: { xmin: 1, ymin: 2, xmax: 3, ymax: 4 },
            props: { plate: [{ value: 'xy9', score: 0.6 }], region: [{ value: 'fr', score: 0.5 }] },
          },
          vehicle: {
            type: 'Sedan',
            score: 0.9,
            box: { xmin: 0, ymin: 0, xmax: 50, ymax: 40 },
            props: { make_model: [], orientation: [], color: [] },
          },
        },
      ],
    };
    expect(findingsOf(vehicle)[0]).toMatchObject({
      plate: 'xy9',
      score: 0.6,
      dscore: 0.7,
      region: 'fr',
      vehicleType: 'Sedan',
      vehicleBox: { xmin: 0, ymin: 0, xmax: 50, ymax: 40 },
    });
  });
});

it('stem: a download name from an image path', () => {
  expect(stem('photos/day 2/car.jpg')).toBe('car');
  expect(stem('.jpg')).toBe('image');
});
