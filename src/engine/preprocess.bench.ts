// `npx vitest bench --run src/engine/preprocess.bench.ts`: the JS preprocessing a read pays before the models run.
import { bench, describe } from 'vitest';
import { cropStretch, letterbox } from './preprocess';

function photo(w: number, h: number) {
  const data = new Uint8Array(w * h * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  return { width: w, height: h, data };
}

const hd = photo(1280, 720);
const fhd = photo(1920, 1080);
const phone = photo(4032, 3024);
const crops = new Uint8Array(8 * 64 * 160 * 3);

describe('letterbox', () => {
  bench('1280x720 -> 960 (default)', () => void letterbox(hd, 960, 32));
  bench('1280x720 -> 640 (fast)', () => void letterbox(hd, 640, 32));
  bench('1920x1080 -> 960 (default)', () => void letterbox(fhd, 960, 32));
  bench('4032x3024 -> 960 (a phone photo, default)', () => void letterbox(phone, 960, 32));
  bench('4032x3024 -> 1440 (its second look)', () => void letterbox(phone, 1440, 32));
});

describe('OCR crops', () => {
  bench('8 plates -> 160x64', () => {
    for (let i = 0; i < 8; i++) cropStretch(hd, { xmin: 100 + i * 100, ymin: 400, xmax: 200 + i * 100, ymax: 430 }, [0.06, 0.12], 160, 64, crops, i * 64 * 160 * 3);
  });
});
