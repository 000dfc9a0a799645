import { afterEach, describe, expect, it } from 'vitest';
import type { PlateReaderResponse } from '../api/types';
import { closedPortUrl, referenceResponse, startWebhookReceiver, type FakeServer, type Scripted } from './test-server';
import { sendWebhook, webhookPayload } from './webhook';

const RESPONSE = referenceResponse('14_22_test.jpeg', null, '2019-08-31T14:22:06.983Z', false) as unknown as PlateReaderResponse;
const IMAGE = new Uint8Array([0xff, 0xd8, 9, 8, 7, 6, 0xff, 0xd9]);

let servers: FakeServer[] = [];
async function receiver(script: Scripted[] = []): Promise<FakeServer> {
  const s = await startWebhookReceiver(script);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe('webhook payload', () => {
  it('is the reference shape: hook {target, id, event} and data, in that order', () => {
    const p = webhookPayload('http://localhost:8081/', RESPONSE, 2);
    expect(Object.keys(p)).toEqual(['hook', 'data']);
    expect(Object.keys(p.hook)).toEqual(['target', 'id', 'event']);
    expect(p.hook).toEqual({ target: 'http://localhost:8081/', id: 2, event: 'image.done' });
    expect(p.data).toBe(RESPONSE);
  });
});

describe('sendWebhook', () => {
  it('data only: POSTs the payload as JSON', async () => {
    const s = await receiver();
    const target = `${s.url}/hook`;
    const status = await sendWebhook(target, RESPONSE, { format: 'json' });
    expect(status).toEqual({ ok: true, attempts: 1, status: 200 });
    expect(s.requests).toHaveLength(1);
    const r = s.requests[0];
    expect(r.method).toBe('POST');
    expect(r.url).toBe('/hook');
    expect(r.headers['content-type']).toBe('application/json');
    expect(JSON.parse(r.rawBody.toString('utf8'))).toEqual({
      hook: { target, id: 1, event: 'image.done' },
      data: RESPONSE,
    });
  });

  it('with image: multipart with `upload` (the image) and `json` (the payload)', async () => {
    const s = await receiver();
    const target = `${s.url}/`;
    const status = await sendWebhook(target, RESPONSE, {
      format: 'multipart',
      image: new Blob([IMAGE], { type: 'image/jpeg' }),
    });
    expect(status.ok).toBe(true);
    const r = s.requests[0];
    expect(String(r.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    expect(Object.keys(r.files)).toEqual(['upload']);
    expect(r.files.upload.name).toBe('14_22_test.jpeg');
    expect(Array.from(r.files.upload.bytes)).toEqual(Array.from(IMAGE));
    expect(Object.keys(r.fields)).toEqual(['json']);
    expect(JSON.parse(r.fields.json[0])).toEqual({ hook: { target, id: 1, event: 'image.done' }, data: RESPONSE });
  });

  it('multipart without an image fails before sending', async () => {
    const s = await receiver();
    const status = await sendWebhook(`${s.url}/`, RESPONSE, { format: 'multipart' });
    expect(status.ok).toBe(false);
    expect(status.attempts).toBe(0);
    expect(status.error).toMatch(/needs the image/);
    expect(s.requests).toHaveLength(0);
  });

  it('retries 5xx with back-off until the target takes it', async () => {
    const s = await receiver([
      { status: 500, body: 'down' },
      { status: 503, body: 'down' },
    ]);
    const { sleep, waits } = recordingSleep();
    const status = await sendWebhook(`${s.url}/`, RESPONSE, { format: 'json', sleep });
    expect(status).toEqual({ ok: true, attempts: 3, status: 200 });
    expect(s.requests).toHaveLength(3);
    expect(waits).toEqual([1000, 2000]);
    // Each attempt carries the whole payload.
    for (const r of s.requests) expect(JSON.parse(r.rawBody.toString('utf8')).data.filename).toBe('14_22_test.jpeg');
  });

  it('gives up after `retries` and reports the failure for the UI', async () => {
    const s = await receiver(Array.from({ length: 10 }, () => ({ status: 500, body: 'no' })));
    const { sleep, waits } = recordingSleep();
    const status = await sendWebhook(`${s.url}/x?key=secret`, RESPONSE, { format: 'json', sleep, retries: 2 });
    expect(s.requests).toHaveLength(3);
    expect(waits).toEqual([1000, 2000]);
    expect(status.ok).toBe(false);
    expect(status.attempts).toBe(3);
    expect(status.status).toBe(500);
    expect(status.error).toMatch(/HTTP 500/);
    expect(status.error).toMatch(/after 3 attempts/);
    expect(status.error).not.toContain('secret'); // the query of the target is not shown
  });

  it('does not retry a 4xx (other than 408/429)', async () => {
    const s = await receiver([{ status: 404, body: 'nope' }]);
    const { sleep, waits } = recordingSleep();
    const status = await sendWebhook(`${s.url}/`, RESPONSE, { format: 'json', sleep });
    expect(status).toMatchObject({ ok: false, attempts: 1, status: 404 });
    expect(status.error).toMatch(/not retried/);
    expect(waits).toEqual([]);
  });

  it('honours Retry-After on 429', async () => {
    const s = await receiver([{ status: 429, headers: { 'Retry-After': '2' }, body: '' }]);
    const { sleep, waits } = recordingSleep();
    const status = await sendWebhook(`${s.url}/`, RESPONSE, { format: 'json', sleep });
    expect(status).toEqual({ ok: true, attempts: 2, status: 200 });
    expect(waits).toEqual([2000]);
  });

  it('retries dropped connections; a dead target gives a bounded, visible failure', async () => {
    const s = await receiver(['drop']);
    const { sleep } = recordingSleep();
    expect(await sendWebhook(`${s.url}/`, RESPONSE, { format: 'json', sleep })).toEqual({ ok: true, attempts: 2, status: 200 });
    expect(s.requests).toHaveLength(2);

    const dead = await closedPortUrl();
    const { sleep: sleep2, waits } = recordingSleep();
    const status = await sendWebhook(`${dead}/`, RESPONSE, { format: 'json', sleep: sleep2 });
    expect(status.ok).toBe(false);
    expect(status.attempts).toBe(4);
    expect(status.status).toBeUndefined();
    expect(status.error).toMatch(/Could not reach the webhook target/);
    expect(waits).toEqual([1000, 2000, 4000]);
  });

  it('times out a target that never answers, and retries', async () => {
    const s = await receiver(['hang']);
    const { sleep } = recordingSleep();
    const status = await sendWebhook(`${s.url}/`, RESPONSE, { format: 'json', sleep, timeoutMs: 150 });
    expect(status).toEqual({ ok: true, attempts: 2, status: 200 });
  });

  it('refuses bad URLs and stops on abort', async () => {
    expect(await sendWebhook('not a url', RESPONSE, { format: 'json' })).toMatchObject({ ok: false, attempts: 0 });
    expect(await sendWebhook('file:///etc/passwd', RESPONSE, { format: 'json' })).toMatchObject({ ok: false, attempts: 0 });
    const s = await receiver([{ status: 500, body: '' }]);
    const ctl = new AbortController();
    const status = await sendWebhook(`${s.url}/`, RESPONSE, { format: 'json', signal: ctl.signal, sleep: async () => ctl.abort() });
    expect(status.ok).toBe(false);
    expect(status.error).toMatch(/cancelled/);
    expect(s.requests).toHaveLength(1);
  });
});
