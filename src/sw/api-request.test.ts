import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApiValidationError, parseRequest } from '../api/options';
import { ApiHttpError, decodeBase64Upload, fetchUpload, filenameOfUrl, parseApiRequest, sniffExtension } from './api-request';

const URL_ = 'http://app.test/v1/plate-reader/';
const jpeg = new Uint8Array(readFileSync(new URL('../../tests/fixtures/de_car_800x600.jpg', import.meta.url)));
const png = new Uint8Array(readFileSync(new URL('../../tests/fixtures/tiny_ro_360x240.png', import.meta.url)));
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

const post = (body: BodyInit, headers: Record<string, string> = {}) => new Request(URL_, { method: 'POST', body, headers });
const json = (o: unknown) => post(JSON.stringify(o), { 'content-type': 'application/json' });
function form(fields: Array<[string, string | Blob, string?]>): Request {
  const fd = new FormData();
  for (const [k, v, name] of fields) {
    if (typeof v === 'string' || name === undefined) fd.append(k, v);
    else fd.append(k, v, name);
  }
  return post(fd);
}
async function bytesOf(b: Blob | null): Promise<Uint8Array> {
  return new Uint8Array(await b!.arrayBuffer());
}
async function rejection(p: Promise<unknown>): Promise<ApiHttpError | ApiValidationError> {
  try {
    await p;
  } catch (e) {
    return e as ApiHttpError;
  }
  throw new Error('expected a rejection');
}

describe('parseApiRequest: multipart/form-data', () => {
  it('takes a file upload with its name, and every option field', async () => {
    const call = await parseApiRequest(
      form([
        ['upload', new Blob([jpeg], { type: 'image/jpeg' }), 'car.jpg'],
        ['regions', 'de'],
        ['regions', 'us-ca'],
        ['config', '{"region":"strict","threshold_d":0.3}'],
        ['mmc', 'true'],
        ['camera_id', 'gate-1'],
        ['timestamp', '2019-08-19T13:11:25'],
      ]),
    );
    expect(call.filename).toBe('car.jpg');
    expect(call.uploadUrl).toBeNull();
    expect(await bytesOf(call.upload)).toEqual(jpeg);
    expect(call.input).toEqual({
      regions: ['de', 'us-ca'],
      config: '{"region":"strict","threshold_d":0.3}',
      mmc: 'true',
      camera_id: 'gate-1',
      timestamp: '2019-08-19T13:11:25',
    });
    // What the reader then makes of them.
    const req = parseRequest({ ...call.input, filename: call.filename });
    expect(req.regions).toEqual(['de', 'us-ca']);
    expect(req.config.region).toBe('strict');
    expect(req.config.threshold_d).toBe(0.3);
    expect(req.mmc).toBe(true);
  });

  it('takes a base64 string as upload (the reference: "OR a base64 encoded image"), named by its type', async () => {
    const call = await parseApiRequest(form([['upload', b64(jpeg)]]));
    expect(await bytesOf(call.upload)).toEqual(jpeg);
    expect(call.filename).toBe('upload.jpg');
    const pngCall = await parseApiRequest(form([['upload', `data:image/png;base64,${b64(png)}`]]));
    expect(await bytesOf(pngCall.upload)).toEqual(png);
    expect(pngCall.filename).toBe('upload.png');
  });

  it('a file sent without a name gets one from its type', async () => {
    const call = await parseApiRequest(form([['upload', new Blob([png])]]));
    expect(call.filename).toBe('upload.png');
  });

  it('`region` counts as more `regions` (the reference\'s strict example sends it)', async () => {
    const call = await parseApiRequest(form([['upload', new Blob([jpeg]), 'a.jpg'], ['region', 'us-ca'], ['regions', 'mx']]));
    expect(parseRequest(call.input).regions).toEqual(['mx', 'us-ca']);
  });

  it('a bad config is the 400 of parseRequest, with its message', async () => {
    const e = await rejection(parseApiRequest(form([['upload', new Blob([jpeg]), 'a.jpg'], ['config', '{"threshold_d": 2}']])));
    expect(e).toBeInstanceOf(ApiValidationError);
    expect(e.toJSON()).toEqual({
      error: { code: 400, message: 'config.threshold_d: expected a number between 0 and 1, got 2' },
    });
    const bad = await rejection(parseApiRequest(form([['upload', new Blob([jpeg]), 'a.jpg'], ['config', '{oops']])));
    expect(bad.message).toMatch(/^config: invalid JSON/);
    const region = await rejection(parseApiRequest(form([['upload', new Blob([jpeg]), 'a.jpg'], ['regions', 'zz-top']])));
    expect(region.message).toMatch(/^regions: unknown region code "zz-top"/);
  });

  it('no upload and no upload_url: 400 naming the field', async () => {
    const e = await rejection(parseApiRequest(form([['regions', 'de']])));
    expect(e).toBeInstanceOf(ApiHttpError);
    expect((e as ApiHttpError).status).toBe(400);
    expect(e.message).toMatch(/^upload: this field is required/);
  });

  it('a base64 upload that is not base64: 400', async () => {
    const e = (await rejection(parseApiRequest(form([['upload', 'this is not an image!']])))) as ApiHttpError;
    expect(e.status).toBe(400);
    expect(e.message).toBe('upload: expected an image file or a base64-encoded image');
  });

  it('too large: 413, for a file and for base64', async () => {
    const big = await rejection(parseApiRequest(form([['upload', new Blob([new Uint8Array(2048)]), 'a.jpg']]), { maxBytes: 1024 }));
    expect((big as ApiHttpError).status).toBe(413);
    expect(big.toJSON()).toEqual({ error: { code: 413, message: 'upload: the image is too large (0 MB; the limit is 0 MB)' } });
    const big64 = (await rejection(parseApiRequest(form([['upload', b64(jpeg)]]), { maxBytes: 1024 }))) as ApiHttpError;
    expect(big64.status).toBe(413);
  });

  it('a declared body far over the limit is refused before it is read', async () => {
    const req = new Request(URL_, {
      method: 'POST',
      body: 'x',
      headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(200 * 1024 * 1024) },
    });
    const e = (await rejection(parseApiRequest(req))) as ApiHttpError;
    expect(e.status).toBe(413);
  });

  it('upload_url without upload: the URL, named by its last segment', async () => {
    const call = await parseApiRequest(form([['upload_url', 'https://example.com/static/demo.jpg?x=1']]));
    expect(call.upload).toBeNull();
    expect(call.uploadUrl).toBe('https://example.com/static/demo.jpg?x=1');
    expect(call.filename).toBe('demo.jpg');
    const rel = await parseApiRequest(form([['upload_url', 'samples/car.jpg']]), { baseUrl: 'http://app.test/' });
    expect(rel.uploadUrl).toBe('http://app.test/samples/car.jpg');
    const e = (await rejection(parseApiRequest(form([['upload_url', 'ftp://example.com/a.jpg']])))) as ApiHttpError;
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/^upload_url: expected an http\(s\) URL/);
  });

  it('urlencoded fields work too (base64 upload)', async () => {
    const body = new URLSearchParams({ upload: b64(jpeg), regions: 'de', mmc: 'false' });
    const call = await parseApiRequest(post(body));
    expect(await bytesOf(call.upload)).toEqual(jpeg);
    expect(call.input).toEqual({ regions: ['de'], mmc: 'false' });
  });

  it('a file where a text field belongs: 400', async () => {
    const e = (await rejection(parseApiRequest(form([['upload', new Blob([jpeg]), 'a.jpg'], ['regions', new Blob(['de']), 'r.txt']])))) as ApiHttpError;
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/^regions:/);
  });
});

describe('parseApiRequest: JSON body', () => {
  it('base64 upload, regions as a list, config as an object or a string, mmc as a boolean', async () => {
    const call = await parseApiRequest(json({ upload: b64(jpeg), regions: ['de', 'fr'], config: { mode: 'fast' }, mmc: true, camera_id: 7 }));
    expect(await bytesOf(call.upload)).toEqual(jpeg);
    expect(call.input).toEqual({ regions: ['de', 'fr'], config: { mode: 'fast' }, mmc: true, camera_id: '7' });
    const s = await parseApiRequest(json({ upload: b64(jpeg), regions: 'de', config: '{"mode":"fast"}' }));
    expect(parseRequest(s.input).config.mode).toBe('fast');
  });

  it('invalid JSON, or not an object: 400', async () => {
    expect(((await rejection(parseApiRequest(post('{', { 'content-type': 'application/json' })))) as ApiHttpError).status).toBe(400);
    expect((await rejection(parseApiRequest(json([1, 2])))).message).toBe('the JSON body must be an object of request fields');
  });

  it('a bad option in JSON: the same 400 as in a form', async () => {
    const e = await rejection(parseApiRequest(json({ upload: b64(jpeg), config: { mode: 'turbo' } })));
    expect(e.toJSON()).toEqual({ error: { code: 400, message: 'config.mode: expected "normal" or "fast" or "redaction", got "turbo"' } });
  });
});

it('another content type: 415', async () => {
  const e = (await rejection(parseApiRequest(post(jpeg, { 'content-type': 'image/jpeg' })))) as ApiHttpError;
  expect(e.status).toBe(415);
  expect(e.toJSON().error.code).toBe(415);
});

describe('helpers', () => {
  it('decodeBase64Upload: URL-safe alphabet, missing padding and line breaks', async () => {
    const std = b64(png);
    const urlSafe = std.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const wrapped = urlSafe.replace(/(.{76})/g, '$1\n');
    expect(new Uint8Array(await decodeBase64Upload(wrapped).arrayBuffer())).toEqual(png);
    expect(() => decodeBase64Upload('data:image/png,abc')).toThrow(/must be base64-encoded/);
  });

  it('sniffExtension', () => {
    expect(sniffExtension(jpeg.subarray(0, 16))).toBe('jpg');
    expect(sniffExtension(png.subarray(0, 16))).toBe('png');
    expect(sniffExtension(new Uint8Array([1, 2, 3]))).toBe('bin');
  });

  it('filenameOfUrl', () => {
    expect(filenameOfUrl('https://a.test/x/my%20car.jpg')).toBe('my car.jpg');
    expect(filenameOfUrl('https://a.test/')).toBe('upload');
  });

  it('fetchUpload: the body; 400 for HTTP errors and network failures; 413 for too large', async () => {
    const ok = (async () => new Response(jpeg, { status: 200 })) as unknown as typeof fetch;
    expect(new Uint8Array(await (await fetchUpload('https://a.test/c.jpg', ok)).arrayBuffer())).toEqual(jpeg);
    const missing = (async () => new Response('no', { status: 404 })) as unknown as typeof fetch;
    const e404 = (await rejection(fetchUpload('https://a.test/c.jpg', missing))) as ApiHttpError;
    expect([e404.status, e404.message]).toEqual([400, 'upload_url: could not fetch https://a.test/c.jpg (HTTP 404)']);
    const down = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    expect(((await rejection(fetchUpload('https://a.test/c.jpg', down))) as ApiHttpError).message).toMatch(/Failed to fetch.*CORS/);
    expect(((await rejection(fetchUpload('https://a.test/c.jpg', ok, 100))) as ApiHttpError).status).toBe(413);
  });
});
