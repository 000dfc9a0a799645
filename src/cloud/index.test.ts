import { afterEach, describe, expect, it } from 'vitest';
import type { PlateReaderResponse } from '../api/types';
import { defaultSettings, readAndReport, type CloudSettings } from './index';
import { startFakeApi, startWebhookReceiver, type FakeServer } from './test-server';

const TOKEN = '0123456789abcdef0123456789abcdef01234567';
const EMPTY: PlateReaderResponse = {
  processing_time: 5,
  results: [],
  filename: 'car.jpg',
  version: 1,
  camera_id: null,
  timestamp: '2020-01-01T00:00:00Z',
};
const FILE = new Blob([new Uint8Array([0xff, 0xd8, 1, 2, 0xff, 0xd9])], { type: 'image/jpeg' });

let servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

describe('readAndReport', () => {
  it('local finds nothing -> cloud reads it -> the webhook gets the cloud JSON with the image', async () => {
    const api = await startFakeApi({ token: TOKEN });
    const hook = await startWebhookReceiver();
    servers.push(api, hook);
    const settings: CloudSettings = {
      cloud: { kind: 'cloud', url: `${api.url}/v1/plate-reader/`, token: TOKEN },
      fallback: { policy: 'no-plates', threshold: 0.8 },
      webhook: { url: `${hook.url}/in`, format: 'multipart' },
    };
    const out = await readAndReport({ local: async () => EMPTY, file: FILE, filename: 'car.jpg', input: { regions: 'gb' }, settings });
    expect(out.engine).toBe('cloud');
    expect(out.response.results).toHaveLength(1);
    expect(api.requests[0].fields.regions).toEqual(['gb']);
    const status = await out.webhook;
    expect(status).toEqual({ ok: true, attempts: 1, status: 200 });
    const payload = JSON.parse(hook.requests[0].fields.json[0]);
    expect(payload.hook).toEqual({ target: `${hook.url}/in`, id: 1, event: 'image.done' });
    expect(payload.data).toEqual(out.response);
    expect(hook.requests[0].files.upload.name).toBe('car.jpg');
    // The token went to the API only.
    expect(hook.requests[0].rawBody.toString('latin1')).not.toContain(TOKEN);
    expect(JSON.stringify(hook.requests[0].headers)).not.toContain(TOKEN);
  });

  it('without a cloud config the policy is ignored and nothing but the webhook is sent', async () => {
    const hook = await startWebhookReceiver();
    servers.push(hook);
    const settings: CloudSettings = {
      ...defaultSettings(),
      fallback: { policy: 'always', threshold: 0.8 },
      webhook: { url: `${hook.url}/`, format: 'json' },
    };
    const neverFetchCloud = ((url: string, init: RequestInit) => {
      if (!String(url).startsWith(hook.url)) throw new Error('cloud must not be called');
      return fetch(url, init);
    }) as unknown as typeof fetch;
    const out = await readAndReport({ local: async () => EMPTY, file: FILE, filename: 'car.jpg', input: {}, settings, fetch: neverFetchCloud });
    expect(out.engine).toBe('local');
    expect(out.cloudError).toBeUndefined();
    expect((await out.webhook)?.ok).toBe(true);
    expect(JSON.parse(hook.requests[0].rawBody.toString('utf8')).data).toEqual(EMPTY);
  });

  it('no webhook set up: webhook is null', async () => {
    const out = await readAndReport({ local: async () => EMPTY, file: FILE, filename: 'a.jpg', input: {}, settings: defaultSettings() });
    expect(out.webhook).toBeNull();
    expect(out.response).toBe(EMPTY);
  });
});
