import { afterEach, describe, expect, it } from 'vitest';
import type { PlateReaderResponse, VehicleModeResponse } from '../api/types';
import { readWithCloud } from './client';
import { FallbackError, plateScores, runWithFallback, shouldUseCloud, type FallbackSettings } from './policy';
import { startFakeApi, type FakeServer } from './test-server';

const TOKEN = '0123456789abcdef0123456789abcdef01234567';

function resp(scores: number[]): PlateReaderResponse {
  return {
    processing_time: 12.5,
    results: scores.map((score, i) => ({
      box: { xmin: 0, ymin: 0, xmax: 10, ymax: 5 },
      plate: `abc${i}`,
      region: { code: 'gb', score: 0.5 },
      vehicle: { score: 0, type: 'Unknown', box: { xmin: 0, ymin: 0, xmax: 0, ymax: 0 } },
      score,
      candidates: [{ score, plate: `abc${i}` }],
      dscore: 0.9,
    })),
    filename: 'a.jpg',
    version: 1,
    camera_id: null,
    timestamp: '2020-01-01T00:00:00Z',
  };
}

function vehicleResp(readings: Array<number | null>): VehicleModeResponse {
  return {
    filename: 'v.jpg',
    timestamp: '2020-01-01T00:00:00Z',
    camera_id: null,
    processing_time: 10,
    results: readings.map((r) => {
      const vehicle = {
        type: 'Sedan' as const,
        score: 0.9,
        box: { xmin: 0, ymin: 0, xmax: 50, ymax: 40 },
        props: { make_model: [], orientation: [], color: [] },
      };
      if (r === null) return { vehicle };
      return {
        plate: {
          type: 'Plate' as const,
          score: 0.99,
          box: { xmin: 1, ymin: 1, xmax: 9, ymax: 4 },
          props: { plate: [{ value: 'abc123', score: r }], region: [{ value: 'gb', score: 0.5 }] },
        },
        vehicle,
      };
    }),
  };
}

const S = (policy: FallbackSettings['policy'], threshold = 0.8): FallbackSettings => ({ policy, threshold });

describe('shouldUseCloud', () => {
  it('never / always', () => {
    for (const local of [null, resp([]), resp([0.1]), resp([0.99])]) {
      expect(shouldUseCloud(S('never'), local, { mmc: true })).toBe(false);
      expect(shouldUseCloud(S('always'), local, {})).toBe(true);
    }
  });

  it('no-plates: only when the local engine found nothing or failed', () => {
    expect(shouldUseCloud(S('no-plates'), resp([]), {})).toBe(true);
    expect(shouldUseCloud(S('no-plates'), null, {})).toBe(true);
    expect(shouldUseCloud(S('no-plates'), resp([0.01]), {})).toBe(false);
  });

  it('low-score: when the best plate reads below the threshold', () => {
    expect(shouldUseCloud(S('low-score', 0.8), resp([0.5, 0.79]), {})).toBe(true);
    expect(shouldUseCloud(S('low-score', 0.8), resp([0.5, 0.8]), {})).toBe(false);
    expect(shouldUseCloud(S('low-score', 0.8), resp([0.95]), {})).toBe(false);
    expect(shouldUseCloud(S('low-score', 0.8), resp([]), {})).toBe(true);
    expect(shouldUseCloud(S('low-score', 0), resp([]), {})).toBe(false);
    expect(shouldUseCloud(S('low-score', 0.8), null, {})).toBe(true);
  });

  it('low-score reads the reading score of the vehicle-mode shape; plate-less vehicles are not plates', () => {
    expect(plateScores(vehicleResp([0.7, null]))).toEqual([0.7]);
    expect(shouldUseCloud(S('low-score', 0.8), vehicleResp([0.7]), {})).toBe(true);
    expect(shouldUseCloud(S('low-score', 0.6), vehicleResp([0.7]), {})).toBe(false);
    expect(shouldUseCloud(S('no-plates'), vehicleResp([null, null]), {})).toBe(true);
  });

  it('mmc: when make/model/colour was asked for, as boolean or form string', () => {
    expect(shouldUseCloud(S('mmc'), resp([0.99]), { mmc: true })).toBe(true);
    expect(shouldUseCloud(S('mmc'), resp([0.99]), { mmc: 'TRUE' })).toBe(true);
    expect(shouldUseCloud(S('mmc'), resp([]), { mmc: false })).toBe(false);
    expect(shouldUseCloud(S('mmc'), resp([]), { mmc: 'false' })).toBe(false);
    expect(shouldUseCloud(S('mmc'), resp([]))).toBe(false);
  });
});

describe('runWithFallback', () => {
  const counting = (r: () => Promise<PlateReaderResponse>) => {
    const f = Object.assign(async () => {
      f.calls++;
      return r();
    }, { calls: 0 });
    return f;
  };

  it('keeps the local result when the policy does not ask the cloud', async () => {
    const local = resp([0.95]);
    const cloud = counting(async () => resp([0.99]));
    const out = await runWithFallback(async () => local, cloud, S('low-score'));
    expect(out).toEqual({ response: local, engine: 'local', local });
    expect(cloud.calls).toBe(0);
  });

  it('uses the cloud answer when asked', async () => {
    const local = resp([]);
    const remote = resp([0.97]);
    const out = await runWithFallback(async () => local, async () => remote, S('no-plates'));
    expect(out.engine).toBe('cloud');
    expect(out.response).toBe(remote);
    expect(out.local).toBe(local);
    expect(out.cloudError).toBeUndefined();
  });

  it('a cloud failure keeps the local result and reports the error', async () => {
    const local = resp([0.4]);
    const out = await runWithFallback(
      async () => local,
      async () => {
        throw new Error(`HTTP 403 Token ${TOKEN}`);
      },
      S('always'),
    );
    expect(out.engine).toBe('local');
    expect(out.response).toBe(local);
    expect(out.cloudError).toMatch(/HTTP 403/);
    expect(out.cloudError).not.toContain(TOKEN);
  });

  it('a local failure falls back to the cloud and says so', async () => {
    const remote = resp([0.9]);
    const out = await runWithFallback(
      async () => {
        throw new Error('model failed to load');
      },
      async () => remote,
      S('no-plates'),
    );
    expect(out).toEqual({ response: remote, engine: 'cloud', local: null, localError: 'model failed to load' });
  });

  it('throws FallbackError only when there is no answer at all', async () => {
    const boom = async (): Promise<PlateReaderResponse> => {
      throw new Error('decode failed');
    };
    await expect(runWithFallback(boom, async () => resp([]), S('never'))).rejects.toThrow('decode failed');
    const e = await runWithFallback(
      boom,
      async () => {
        throw new Error('offline');
      },
      S('low-score'),
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FallbackError);
    expect((e as FallbackError).localError).toBe('decode failed');
    expect((e as FallbackError).cloudError).toBe('offline');
    expect((e as Error).message).toMatch(/decode failed.*offline/);
  });

  it('passes aborts through', async () => {
    const abort = async (): Promise<PlateReaderResponse> => {
      throw new DOMException('aborted', 'AbortError');
    };
    await expect(runWithFallback(abort, async () => resp([]), S('always'))).rejects.toMatchObject({ name: 'AbortError' });
    await expect(runWithFallback(async () => resp([]), abort, S('always'))).rejects.toMatchObject({ name: 'AbortError' });
  });

  describe('with the real client against a loopback API', () => {
    let server: FakeServer | undefined;
    afterEach(async () => {
      await server?.close();
      server = undefined;
    });

    it('cloud 403: the local result is kept with the message, token-free', async () => {
      server = await startFakeApi({ token: TOKEN, echoAuthInErrors: true });
      const local = resp([0.3]);
      const wrong = 'ffffffffffffffffffffffffffffffff99999999';
      const file = new Blob([new Uint8Array([1, 2, 3])], { type: 'image/jpeg' });
      const cfg = { kind: 'cloud' as const, url: `${server.url}/v1/plate-reader/`, token: wrong };
      const out = await runWithFallback(async () => local, () => readWithCloud(file, 'x.jpg', {}, cfg), S('low-score'));
      expect(out.engine).toBe('local');
      expect(out.response).toBe(local);
      expect(out.cloudError).toMatch(/HTTP 403/);
      expect(out.cloudError).not.toContain(wrong);
      expect(JSON.stringify(out)).not.toContain(wrong);
      expect(server.requests).toHaveLength(1);
    });

    it('mmc policy sends the image with mmc=true and returns the cloud make/model', async () => {
      server = await startFakeApi({ token: TOKEN });
      const file = new Blob([new Uint8Array([1, 2, 3])], { type: 'image/jpeg' });
      const input = { mmc: true, regions: 'gb' };
      const cfg = { kind: 'cloud' as const, url: `${server.url}/v1/plate-reader/`, token: TOKEN };
      const out = await runWithFallback(async () => resp([0.99]), () => readWithCloud(file, 'm.jpg', input, cfg), S('mmc'), input);
      expect(out.engine).toBe('cloud');
      expect(server.requests[0].fields.mmc).toEqual(['true']);
      expect((out.response as PlateReaderResponse).results[0].model_make?.[0].make).toBe('Riley');
    });
  });
});
