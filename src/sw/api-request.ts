// The in-page API's request side: turns a `POST /v1/plate-reader/` Request, as the Snapshot API documents it
// (multipart/form-data or urlencoded fields, or a JSON body), into the image and the RequestInput the page's
// reader takes. Plain TS on the Fetch API (Request, FormData, Blob, atob): runs in the service worker and in
// vitest. Option validation is parseRequest's (src/api/options.ts), so the 400 messages are the same everywhere.
//
// Fields: `upload` (a file, or a base64 string, optionally a data: URL), `upload_url` (used when there is no
// `upload`), `regions` (repeatable; `region` too), `config` (a JSON string; in a JSON body also an object),
// `mmc`, `camera_id`, `timestamp`. Unknown fields are ignored, as the service does.
import { parseRequest, type RequestInput } from '../api/options';
import type { ApiError } from '../api/types';

/** Largest image the in-page API takes (bytes of the image, or of the request body when it says so). */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

/** An error the API answers with: HTTP `status` and the body `{ "error": { "code", "message" } }`. */
export class ApiHttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'ApiHttpError';
    this.status = status;
  }
  toJSON(): ApiError {
    return { error: { code: this.status, message: this.message } };
  }
}

export interface ApiCall {
  /** The image: the uploaded file or the decoded base64; null when it is to be fetched from `uploadUrl`. */
  upload: Blob | null;
  /** `upload_url` (absolute http(s) URL) when there is no `upload`; else null. */
  uploadUrl: string | null;
  /** The name the response's `filename` carries: the file's name, the URL's last segment, or `upload.<ext>`. */
  filename: string;
  /** The options, as given (validated: parseRequest accepted them). */
  input: RequestInput;
}

export interface ParseOptions {
  maxBytes?: number;
  /** Resolves a relative `upload_url` (the page's URL); default: absolute URLs only. */
  baseUrl?: string;
}

const tooLarge = (bytes: number, max: number) =>
  new ApiHttpError(413, `upload: the image is too large (${mb(bytes)} MB; the limit is ${mb(max)} MB)`);
const mb = (n: number) => (n / (1024 * 1024)).toFixed(1).replace(/\.0$/, '');

/** The image type from its first bytes, for the name of a base64 upload. */
export function sniffExtension(head: Uint8Array): string {
  const at = (i: number, ...bytes: number[]) => bytes.every((b, k) => head[i + k] === b);
  if (at(0, 0xff, 0xd8, 0xff)) return 'jpg';
  if (at(0, 0x89, 0x50, 0x4e, 0x47)) return 'png';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'webp';
  if (at(0, 0x47, 0x49, 0x46, 0x38)) return 'gif';
  if (at(0, 0x42, 0x4d)) return 'bmp';
  if (at(4, 0x66, 0x74, 0x79, 0x70)) return 'avif';
  return 'bin';
}

/** A base64 image (standard or URL-safe alphabet, whitespace and a `data:...;base64,` prefix allowed). */
export function decodeBase64Upload(text: string, maxBytes = MAX_UPLOAD_BYTES): Blob {
  let s = text.trim();
  const dataUrl = /^data:([^,;]*)(;[^,]*)?,/i.exec(s);
  if (dataUrl) {
    if (!/;base64$/i.test(dataUrl[2] ?? '')) {
      throw new ApiHttpError(400, 'upload: a data: URL must be base64-encoded (data:image/jpeg;base64,...)');
    }
    s = s.slice(dataUrl[0].length);
  }
  s = s.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
  if (s === '') throw new ApiHttpError(400, 'upload: empty; send an image file, a base64-encoded image or upload_url');
  const approx = Math.floor((s.length * 3) / 4);
  if (approx > maxBytes) throw tooLarge(approx, maxBytes);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s) || s.length % 4 === 1) {
    throw new ApiHttpError(400, 'upload: expected an image file or a base64-encoded image');
  }
  const bin = atob(s.padEnd(s.length + ((4 - (s.length % 4)) % 4), '='));
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes]);
}

function fieldString(name: string, v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new ApiHttpError(400, `${name}: expected a string, got ${typeof v === 'object' ? 'a file or an object' : typeof v}`);
}

function parseUploadUrl(v: unknown, baseUrl: string | undefined): string {
  const s = fieldString('upload_url', v)!.trim();
  let url: URL;
  try {
    url = new URL(s, baseUrl);
  } catch {
    throw new ApiHttpError(400, `upload_url: not a valid URL: ${JSON.stringify(s)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ApiHttpError(400, `upload_url: expected an http(s) URL, got ${JSON.stringify(s)}`);
  }
  return url.href;
}

/** The last path segment of an upload_url, for `filename`. */
export function filenameOfUrl(url: string): string {
  const last = new URL(url).pathname.split('/').filter(Boolean).pop();
  try {
    return last ? decodeURIComponent(last) : 'upload';
  } catch {
    return last ?? 'upload';
  }
}

/** The fields common to both body types, as loose values. */
interface Fields {
  upload: unknown;
  upload_url: unknown;
  regions: unknown[];
  config: unknown;
  mmc: unknown;
  camera_id: unknown;
  timestamp: unknown;
}

async function fieldsOfForm(request: Request): Promise<Fields> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch (e) {
    throw new ApiHttpError(400, `the request body is not valid form data (${(e as Error).message})`);
  }
  const one = (k: string) => (form.has(k) ? form.get(k) : undefined);
  return {
    upload: one('upload'),
    upload_url: one('upload_url'),
    regions: [...form.getAll('regions'), ...form.getAll('region')],
    config: one('config'),
    mmc: one('mmc'),
    camera_id: one('camera_id'),
    timestamp: one('timestamp'),
  };
}

async function fieldsOfJson(request: Request): Promise<Fields> {
  let body: unknown;
  try {
    body = JSON.parse(await request.text());
  } catch (e) {
    throw new ApiHttpError(400, `the request body is not valid JSON (${(e as Error).message})`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiHttpError(400, 'the JSON body must be an object of request fields');
  }
  const o = body as Record<string, unknown>;
  const list = (v: unknown) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
  return {
    upload: o.upload,
    upload_url: o.upload_url,
    regions: [...list(o.regions), ...list(o.region)],
    config: o.config,
    mmc: o.mmc,
    camera_id: o.camera_id,
    timestamp: o.timestamp,
  };
}

/**
 * Parses and validates a plate-reader request. Throws ApiHttpError: 400 (no image, bad field, bad options: the
 * message is parseRequest's), 413 (over `maxBytes`), 415 (a body that is neither form data nor JSON).
 */
export async function parseApiRequest(request: Request, opts: ParseOptions = {}): Promise<ApiCall> {
  const maxBytes = opts.maxBytes ?? MAX_UPLOAD_BYTES;
  const declared = Number(request.headers.get('content-length'));
  // The body carries the image plus a few fields; refuse a body clearly over the limit before reading it.
  if (Number.isFinite(declared) && declared > maxBytes + 1024 * 1024) throw tooLarge(declared, maxBytes);
  const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  let f: Fields;
  if (type === 'multipart/form-data' || type === 'application/x-www-form-urlencoded') f = await fieldsOfForm(request);
  else if (type === 'application/json') f = await fieldsOfJson(request);
  else {
    throw new ApiHttpError(
      415,
      `unsupported Content-Type ${JSON.stringify(type || '(none)')}: send multipart/form-data (as FormData does), application/x-www-form-urlencoded or application/json`,
    );
  }

  const regions = f.regions.map((r) => {
    if (typeof r !== 'string') throw new ApiHttpError(400, 'regions: expected region code strings, got a file or an object');
    return r;
  });
  const input: RequestInput = {};
  if (regions.length > 0) input.regions = regions;
  if (f.config !== undefined && f.config !== null) {
    if (typeof f.config === 'string' || (typeof f.config === 'object' && !(f.config instanceof Blob))) {
      input.config = f.config as RequestInput['config'];
    } else throw new ApiHttpError(400, 'config: expected a JSON string');
  }
  if (f.mmc !== undefined && f.mmc !== null) {
    input.mmc = typeof f.mmc === 'boolean' ? f.mmc : fieldString('mmc', f.mmc);
  }
  const cameraId = fieldString('camera_id', f.camera_id);
  if (cameraId !== undefined) input.camera_id = cameraId;
  const timestamp = fieldString('timestamp', f.timestamp);
  if (timestamp !== undefined) input.timestamp = timestamp;
  // The options' own errors (bad JSON in config, an unknown region, ...) before anything is read.
  parseRequest(input);

  let upload: Blob | null = null;
  let filename = 'upload';
  if (f.upload instanceof Blob && f.upload.size > 0) {
    upload = f.upload;
    const name = (f.upload as File).name;
    if (typeof name === 'string' && name !== '' && name !== 'blob') filename = name;
  } else if (typeof f.upload === 'string' && f.upload.trim() !== '') {
    upload = decodeBase64Upload(f.upload, maxBytes);
  } else if (f.upload !== undefined && f.upload !== null && !(f.upload instanceof Blob) && f.upload !== '') {
    throw new ApiHttpError(400, 'upload: expected an image file or a base64-encoded image');
  }
  if (upload && upload.size > maxBytes) throw tooLarge(upload.size, maxBytes);
  if (upload && filename === 'upload') {
    filename = `upload.${sniffExtension(new Uint8Array(await upload.slice(0, 16).arrayBuffer()))}`;
  }

  let uploadUrl: string | null = null;
  if (!upload) {
    if (f.upload_url === undefined || f.upload_url === null || f.upload_url === '') {
      throw new ApiHttpError(400, 'upload: this field is required (an image file, a base64-encoded image, or upload_url)');
    }
    uploadUrl = parseUploadUrl(f.upload_url, opts.baseUrl);
    filename = filenameOfUrl(uploadUrl);
  }
  return { upload, uploadUrl, filename, input };
}

/** Fetches an `upload_url` image. 400 when it cannot be fetched (network, CORS, HTTP error), 413 when too large. */
export async function fetchUpload(
  url: string,
  fetchFn: typeof fetch = fetch,
  maxBytes = MAX_UPLOAD_BYTES,
): Promise<Blob> {
  let res: Response;
  try {
    res = await fetchFn(url, { credentials: 'omit', redirect: 'follow' });
  } catch (e) {
    throw new ApiHttpError(
      400,
      `upload_url: could not fetch ${url} (${(e as Error).message || String(e)}; a URL on another site must allow CORS)`,
    );
  }
  if (!res.ok) throw new ApiHttpError(400, `upload_url: could not fetch ${url} (HTTP ${res.status})`);
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(declared, maxBytes);
  const blob = await res.blob();
  if (blob.size > maxBytes) throw tooLarge(blob.size, maxBytes);
  if (blob.size === 0) throw new ApiHttpError(400, `upload_url: ${url} returned an empty body`);
  return blob;
}
