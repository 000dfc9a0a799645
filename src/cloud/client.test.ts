import { afterEach, describe, expect, it } from 'vitest';
import { ApiValidationError } from '../api/options';
import { CloudError, buildCloudForm, checkCloudConfig, readWithCloud, type CloudConfig } from './client';
import { closedPortUrl, startFakeApi, type FakeServer } from './test-server';

const TOKEN = '0123456789abcdef0123456789abcdef01234567';
const ENDPOINT = '/v1/plate-reader/';
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 0xff, 0xd9]);
const THROTTLED = JSON.stringify({ detail: 'Request was throttled. Expected available in 1 second.', status_code: 429 });

let servers: FakeServer[] = [];
async function api(opts: Parameters<typeof startFakeApi>[0] = {}): Promise<FakeServer> {
  const s = await startFakeApi(opts);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

function image(bytes = JPEG): Blob {
  return new Blob([bytes], { type: 'image/jpeg' });
}
function cloud(s: FakeServer, token: string = TOKEN): CloudConfig {
  return { kind: 'cloud', url: s.url + ENDPOINT, token };
}
/** A sleep that records the waits asked for and returns at once. */
function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}
async function failure(p: Promise<unknown>): Promise<CloudError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CloudError);
    return e as CloudError;
  }
  throw new Error('expected a rejection');
}
function expectNoToken(e: unknown, token = TOKEN): void {
  const err = e as Error;
  for (const text of [err.message, String(err.stack), String(err), JSON.stringify(err), JSON.stringify(Object.entries(err))]) {
    expect(text).not.toContain(token);
  }
}

describe('readWithCloud: the request', () => {
  it('sends the multipart body of the reference examples with the token in the Authorization header only', async () => {
    const s = await api({ token: TOKEN });
    const resp = await readWithCloud(
      image(),
      'car.jpg',
      {
        regions: ['mx', 'us-ca'],
        config: '{"region":"strict","mode":"fast"}',
        mmc: true,
        camera_id: 'gate-1',
        timestamp: '2019-08-19T13:11:25',
      },
      cloud(s),
    );
    expect(s.requests).toHaveLength(1);
    const r = s.requests[0];
    expect(r.method).toBe('POST');
    expect(r.url).toBe(ENDPOINT);
    expect(r.headers.authorization).toBe(`Token ${TOKEN}`);
    expect(String(r.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    expect(r.files.upload.name).toBe('car.jpg');
    expect(r.files.upload.type).toBe('image/jpeg');
    expect(Array.from(r.files.upload.bytes)).toEqual(Array.from(JPEG));
    expect(r.fields.regions).toEqual(['mx', 'us-ca']);
    expect(r.fields.config).toEqual(['{"region":"strict","mode":"fast"}']);
    expect(r.fields.mmc).toEqual(['true']);
    expect(r.fields.camera_id).toEqual(['gate-1']);
    expect(r.fields.timestamp).toEqual(['2019-08-19T13:11:25Z']);
    // The token appears nowhere else in the request.
    expect(r.url).not.toContain(TOKEN);
    expect(r.rawBody.toString('latin1')).not.toContain(TOKEN);
    const otherHeaders = Object.entries(r.headers).filter(([k]) => k !== 'authorization');
    expect(JSON.stringify(otherHeaders)).not.toContain(TOKEN);
    // The service's JSON comes back unchanged.
    expect(resp).toMatchObject({ filename: 'car.jpg', version: 1, camera_id: 'gate-1', timestamp: '2019-08-19T13:11:25Z' });
    const plate = (resp as unknown as { results: Array<Record<string, unknown>> }).results[0];
    expect(plate.plate).toBe('nhk552');
    expect(plate.model_make).toEqual([{ make: 'Riley', model: 'RMF', score: 0.306 }]);
  });

  it('sends only the fields given: a config object as JSON, a comma list as repeated regions, no mmc when false', async () => {
    const s = await api({ token: TOKEN });
    await readWithCloud(image(), 'a.jpg', { regions: 'gb, fr', config: { threshold_d: 0.3 }, mmc: false }, cloud(s));
    const r = s.requests[0];
    expect(r.fields.regions).toEqual(['gb', 'fr']);
    expect(r.fields.config).toEqual(['{"threshold_d":0.3}']);
    expect(r.fields.mmc).toBeUndefined();
    expect(r.fields.camera_id).toBeUndefined();
    expect(r.fields.timestamp).toBeUndefined();
    expect(Object.keys(r.fields).sort()).toEqual(['config', 'regions']);
  });

  it('buildCloudForm validates with the local rules before anything is sent', () => {
    expect(() => buildCloudForm(image(), 'a.jpg', { regions: ['xx-nowhere'] })).toThrow(ApiValidationError);
    expect(() => buildCloudForm(image(), 'a.jpg', { config: '{bad json' })).toThrow(/config/);
    const f = buildCloudForm(image(), '', {});
    expect((f.get('upload') as File).name).toBe('image.jpg');
  });

  it('rejects invalid request fields without a request', async () => {
    const s = await api({ token: TOKEN });
    await expect(readWithCloud(image(), 'a.jpg', { timestamp: 'yesterday' }, cloud(s))).rejects.toBeInstanceOf(
      ApiValidationError,
    );
    expect(s.requests).toHaveLength(0);
  });

  it('talks to an SDK without a token, and never sends one there', async () => {
    const s = await api();
    const resp = await readWithCloud(image(), 'sdk.jpg', { regions: 'mx' }, { kind: 'sdk', url: s.url + ENDPOINT, token: TOKEN });
    expect(resp.filename).toBe('sdk.jpg');
    expect(s.requests[0].headers.authorization).toBeUndefined();
    expect(s.requests[0].rawBody.toString('latin1')).not.toContain(TOKEN);
  });
});

describe('readWithCloud: throttling (HTTP 429)', () => {
  it('retries 429 twice then succeeds, with exponential back-off', async () => {
    const s = await api({
      token: TOKEN,
      script: [
        { status: 429, body: THROTTLED },
        { status: 429, body: THROTTLED },
      ],
    });
    const { sleep, waits } = recordingSleep();
    const resp = await readWithCloud(image(), 'car.jpg', { regions: 'gb' }, cloud(s), { sleep });
    expect(resp.results).toHaveLength(1);
    expect(s.requests).toHaveLength(3);
    expect(waits).toEqual([1000, 2000]);
    // Every attempt is the same complete request.
    for (const r of s.requests) {
      expect(r.headers.authorization).toBe(`Token ${TOKEN}`);
      expect(Array.from(r.files.upload.bytes)).toEqual(Array.from(JPEG));
      expect(r.fields.regions).toEqual(['gb']);
    }
  });

  it('honours Retry-After', async () => {
    const s = await api({ token: TOKEN, script: [{ status: 429, headers: { 'Retry-After': '3' }, body: THROTTLED }] });
    const { sleep, waits } = recordingSleep();
    await readWithCloud(image(), 'car.jpg', {}, cloud(s), { sleep });
    expect(waits).toEqual([3000]);
    expect(s.requests).toHaveLength(2);
  });

  it('gives up after 3 retries with a throttled CloudError', async () => {
    const s = await api({ token: TOKEN, script: Array.from({ length: 10 }, () => ({ status: 429, body: THROTTLED })) });
    const { sleep, waits } = recordingSleep();
    const e = await failure(readWithCloud(image(), 'car.jpg', {}, cloud(s), { sleep }));
    expect(s.requests).toHaveLength(4);
    expect(waits).toEqual([1000, 2000, 4000]);
    expect(e.kind).toBe('throttled');
    expect(e.status).toBe(429);
    expect(e.attempts).toBe(4);
    expect(e.message).toMatch(/HTTP 429/);
    expect(e.message).toMatch(/1 lookup per second/);
  });

  it('does not wait for a Retry-After beyond a minute: fails at once and says how long', async () => {
    const s = await api({ token: TOKEN, script: [{ status: 429, headers: { 'Retry-After': '3600' }, body: '{}' }] });
    const { sleep, waits } = recordingSleep();
    const e = await failure(readWithCloud(image(), 'car.jpg', {}, cloud(s), { sleep }));
    expect(waits).toEqual([]);
    expect(s.requests).toHaveLength(1);
    expect(e.retryAfterMs).toBe(3_600_000);
    expect(e.message).toMatch(/wait 3600 s/);
  });
});

describe('readWithCloud: errors', () => {
  it('403 (wrong token): says token / credits / feature, no retry', async () => {
    const s = await api({ token: TOKEN });
    const e = await failure(readWithCloud(image(), 'car.jpg', {}, cloud(s, 'f'.repeat(40))));
    expect(s.requests).toHaveLength(1);
    expect(e.kind).toBe('forbidden');
    expect(e.status).toBe(403);
    expect(e.message).toMatch(/token is wrong/);
    expect(e.message).toMatch(/no credits/);
    expect(e.message).toMatch(/not enabled/);
    expect(e.message).toMatch(/Authentication credentials were not provided/);
  });

  it('403 for mmc when the feature is not on the plan', async () => {
    const s = await api({ token: TOKEN, mmcEnabled: false });
    const e = await failure(readWithCloud(image(), 'car.jpg', { mmc: 'true' }, cloud(s)));
    expect(e.kind).toBe('forbidden');
    expect(e.message).toMatch(/mmc/);
  });

  it('413: the file is too large for the server', async () => {
    const s = await api({ token: TOKEN, maxBytes: 64 });
    const e = await failure(readWithCloud(image(new Uint8Array(4096)), 'big.jpg', {}, cloud(s)));
    expect(e.kind).toBe('too-large');
    expect(e.status).toBe(413);
    expect(e.message).toMatch(/too large/);
    expect(e.message).toMatch(/upload limit/);
    expect(e.message).not.toMatch(/<h1>/);
  });

  it('400 passes the server detail on; 500 is a server error; neither is retried', async () => {
    const s = await api({
      token: TOKEN,
      script: [
        { status: 400, body: JSON.stringify({ detail: 'Invalid regions value.' }) },
        { status: 502, body: '<html>bad gateway</html>' },
      ],
    });
    const e1 = await failure(readWithCloud(image(), 'a.jpg', {}, cloud(s)));
    expect(e1.kind).toBe('bad-request');
    expect(e1.message).toMatch(/HTTP 400/);
    expect(e1.message).toMatch(/Invalid regions value/);
    const e2 = await failure(readWithCloud(image(), 'a.jpg', {}, cloud(s)));
    expect(e2.kind).toBe('server');
    expect(e2.status).toBe(502);
    expect(s.requests).toHaveLength(2);
  });

  it('a 2xx that is not plate-reader JSON is a bad response', async () => {
    const s = await api({ token: TOKEN, script: [{ status: 200, body: '<html>captive portal</html>' }] });
    const e = await failure(readWithCloud(image(), 'a.jpg', {}, cloud(s)));
    expect(e.kind).toBe('bad-response');
  });

  it('network failure (nothing listening) gives a clear message', async () => {
    const url = await closedPortUrl();
    const e = await failure(readWithCloud(image(), 'a.jpg', {}, { kind: 'cloud', url: url + ENDPOINT, token: TOKEN }));
    expect(e.kind).toBe('network');
    expect(e.status).toBeNull();
    expect(e.message).toMatch(/Could not reach http:\/\/127\.0\.0\.1:\d+\/v1\/plate-reader\//);
    expect(e.message).toMatch(/CORS/);
  });

  it('a dropped connection is a network error', async () => {
    const s = await api({ token: TOKEN, script: ['drop'] });
    const e = await failure(readWithCloud(image(), 'a.jpg', {}, cloud(s)));
    expect(e.kind).toBe('network');
  });

  it('does not follow redirects (the Authorization header must not travel)', async () => {
    const other = await api();
    const s = await api({ token: TOKEN, script: [{ status: 307, headers: { Location: other.url + ENDPOINT }, body: '' }] });
    const e = await failure(readWithCloud(image(), 'a.jpg', {}, cloud(s)));
    expect(e.kind).toBe('network');
    expect(other.requests).toHaveLength(0);
  });

  it('times out a server that never answers', async () => {
    const s = await api({ token: TOKEN, script: ['hang'] });
    const e = await failure(readWithCloud(image(), 'a.jpg', {}, cloud(s), { timeoutMs: 150 }));
    expect(e.kind).toBe('timeout');
  });

  it('passes an abort through as an AbortError, before and during the request', async () => {
    const s = await api({ token: TOKEN, script: ['hang'] });
    const before = new AbortController();
    before.abort();
    await expect(readWithCloud(image(), 'a.jpg', {}, cloud(s), { signal: before.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(s.requests).toHaveLength(0);
    const during = new AbortController();
    const p = readWithCloud(image(), 'a.jpg', {}, cloud(s), { signal: during.signal });
    setTimeout(() => during.abort(), 100);
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('an abort during the 429 wait stops the retries', async () => {
    const s = await api({ token: TOKEN, script: [{ status: 429, body: THROTTLED }] });
    const ctl = new AbortController();
    const sleep = async () => ctl.abort();
    await expect(readWithCloud(image(), 'a.jpg', {}, cloud(s), { signal: ctl.signal, sleep })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(s.requests).toHaveLength(1);
  });
});

describe('checkCloudConfig', () => {
  const neverFetch = (() => {
    throw new Error('fetch must not be called');
  }) as unknown as typeof fetch;

  it('refuses the cloud without a token, before any request', async () => {
    const e = await failure(readWithCloud(image(), 'a.jpg', {}, { kind: 'cloud', url: 'https://api.platerecognizer.com/v1/plate-reader/' }, { fetch: neverFetch }));
    expect(e.kind).toBe('config');
    expect(e.attempts).toBe(0);
    expect(e.message).toMatch(/token is needed/);
  });

  it('sends a token over https, or http to loopback only', () => {
    expect(checkCloudConfig({ kind: 'cloud', url: 'https://api.platerecognizer.com/v1/plate-reader/', token: TOKEN }).token).toBe(TOKEN);
    expect(checkCloudConfig({ kind: 'cloud', url: 'http://localhost:8080/v1/plate-reader/', token: TOKEN }).token).toBe(TOKEN);
    expect(() => checkCloudConfig({ kind: 'cloud', url: 'http://api.example.com/v1/plate-reader/', token: TOKEN })).toThrow(/only sent over https/);
  });

  it('drops a pasted "Token " prefix and spaces', () => {
    expect(checkCloudConfig({ kind: 'cloud', url: 'https://x.example/', token: `  Token ${TOKEN}\n` }).token).toBe(TOKEN);
  });

  it('refuses a token in the URL, credentials in the URL, bad URLs and bad token characters, without echoing the token', () => {
    const cases: CloudConfig[] = [
      { kind: 'cloud', url: `https://api.platerecognizer.com/v1/plate-reader/?token=${TOKEN}`, token: TOKEN },
      { kind: 'cloud', url: `https://user:${TOKEN}@api.platerecognizer.com/v1/plate-reader/`, token: TOKEN },
      { kind: 'cloud', url: 'not a url', token: TOKEN },
      { kind: 'cloud', url: 'ftp://x.example/', token: TOKEN },
      { kind: 'cloud', url: 'https://x.example/', token: `${TOKEN} ${TOKEN}` },
    ];
    for (const cfg of cases) {
      let caught: unknown;
      try {
        checkCloudConfig(cfg);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(CloudError);
      expect((caught as CloudError).kind).toBe('config');
      expectNoToken(caught);
    }
  });

  it('an SDK needs no token', () => {
    expect(checkCloudConfig({ kind: 'sdk', url: 'http://localhost:8080/v1/plate-reader/' })).toMatchObject({ token: null });
  });
});

describe('the token never leaks into errors', () => {
  it('not even when the server echoes the Authorization header in its error', async () => {
    const wrong = '9'.repeat(8) + 'abcdefabcdefabcdefabcdefabcdefab';
    const s = await api({ token: TOKEN, echoAuthInErrors: true });
    const e = await failure(readWithCloud(image(), 'a.jpg', {}, cloud(s, wrong)));
    expect(s.requests[0].headers.authorization).toBe(`Token ${wrong}`); // it was sent, to the configured URL
    expect(e.message).toMatch(/Invalid token/);
    expectNoToken(e, wrong);
    expect(JSON.stringify(e)).toBe(JSON.stringify({ error: { code: 403, message: e.message }, kind: 'forbidden' }));
  });

  it('in every kind of failure', async () => {
    const s = await api({
      token: TOKEN,
      maxBytes: 100_000,
      script: [
        { status: 413, body: '' },
        { status: 500, body: JSON.stringify({ detail: `boom Token ${TOKEN}` }) },
        { status: 200, body: `not json ${TOKEN}` },
        'drop',
        ...Array.from({ length: 4 }, () => ({ status: 429, body: JSON.stringify({ detail: `slow down ${TOKEN}` }) })),
      ],
    });
    const { sleep } = recordingSleep();
    const errors: CloudError[] = [];
    for (let i = 0; i < 5; i++) errors.push(await failure(readWithCloud(image(), 'a.jpg', {}, cloud(s), { sleep })));
    expect(errors.map((e) => e.kind)).toEqual(['too-large', 'server', 'bad-response', 'network', 'throttled']);
    for (const e of errors) expectNoToken(e);
    const closed = await closedPortUrl();
    expectNoToken(await failure(readWithCloud(image(), 'a.jpg', {}, { kind: 'cloud', url: closed + ENDPOINT, token: TOKEN })));
  });
});
