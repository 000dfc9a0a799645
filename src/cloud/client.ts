// The optional cloud client: sends one image to the Plate Recognizer Snapshot API (cloud) or to a self-hosted
// Plate Recognizer SDK, exactly as the reference's examples do (multipart `upload`, `regions` repeated, `config`
// as a JSON string, `mmc`, `camera_id`, `timestamp`), and returns its JSON unchanged.
//
// Token hygiene: the token is read from the CloudConfig, put in the Authorization header of the request to the
// configured URL, and nowhere else: not in the URL, not on the CloudError (messages are passed through
// `redact`), not in logs. It is only sent over https, or plain http to a loopback host.
//
// Throttling: HTTP 429 is retried (as parkpow's own client does) up to 3 times with exponential back-off
// (1 s, 2 s, 4 s), honouring Retry-After, or the "Expected available in N second" of the API's 429 body.

import type { ApiError, PlateReaderResponse, VehicleModeResponse } from '../api/types';
import { parseRequest, type RequestInput } from '../api/options';
import { redact } from './token-store';
import {
  abortError,
  attemptSignal,
  backoffDelay,
  describeUrl,
  isLoopback,
  parseRetryAfter,
  parseThrottleDetail,
  realSleep,
  type Sleep,
} from './http';

export type CloudKind = 'cloud' | 'sdk';

/** Where the fallback sends images. `token` is needed for the cloud and never sent to an SDK. */
export interface CloudConfig {
  kind: CloudKind;
  url: string;
  token?: string;
}

/** The Snapshot API endpoint of the reference. */
export const CLOUD_URL = 'https://api.platerecognizer.com/v1/plate-reader/';
/** The SDK's default endpoint (the reference's on-premise examples). */
export const SDK_URL = 'http://localhost:8080/v1/plate-reader/';

export const DEFAULT_MAX_RETRIES = 3;
export const RETRY_BASE_MS = 1000;
/** A Retry-After longer than this is not waited for: the request fails at once and says when to try again. */
export const MAX_RETRY_WAIT_MS = 60_000;
export const DEFAULT_TIMEOUT_MS = 60_000;

export type CloudErrorKind =
  | 'config' // the CloudConfig cannot be used (no token, bad URL, token over plain http)
  | 'forbidden' // 401/403: token wrong, no credits, feature (mmc) not enabled
  | 'too-large' // 413
  | 'throttled' // 429 after the retries
  | 'bad-request' // other 4xx
  | 'server' // 5xx
  | 'network' // fetch rejected: offline, DNS, refused, CORS, redirect
  | 'timeout'
  | 'bad-response'; // 2xx that is not the API's JSON

/** A cloud failure with a message meant for the user. Carries no token, URL query or request data. */
export class CloudError extends Error {
  override readonly name = 'CloudError';
  readonly kind: CloudErrorKind;
  /** The HTTP status, or null when there was no response. */
  readonly status: number | null;
  /** How many requests were sent (0 when the config was refused before sending). */
  readonly attempts: number;
  /** For 'throttled': how long the server asked to wait, when it said. */
  readonly retryAfterMs?: number;

  constructor(
    kind: CloudErrorKind,
    message: string,
    opts: { status?: number | null; attempts?: number; retryAfterMs?: number; token?: string | null } = {},
  ) {
    super(redact(message, opts.token ?? undefined));
    this.kind = kind;
    this.status = opts.status ?? null;
    this.attempts = opts.attempts ?? 0;
    if (opts.retryAfterMs !== undefined) this.retryAfterMs = opts.retryAfterMs;
  }

  /** The API's error shape, as the local engine reports errors. */
  toJSON(): ApiError & { kind: CloudErrorKind } {
    return { error: { code: this.status ?? 0, message: this.message }, kind: this.kind };
  }
}

export interface CloudReadOptions {
  signal?: AbortSignal;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** 429 retries; default 3. */
  maxRetries?: number;
  /** Per attempt; default 60 s. */
  timeoutMs?: number;
}

interface Target {
  url: URL;
  token: string | null;
}

/**
 * Checks a CloudConfig before anything is sent. The token is trimmed, and a pasted "Token " prefix dropped.
 * Throws CloudError('config').
 */
export function checkCloudConfig(cfg: CloudConfig): Target {
  const rawToken = typeof cfg?.token === 'string' ? cfg.token : '';
  const token = rawToken.trim().replace(/^token\s+/i, '').trim();
  const fail = (msg: string): never => {
    throw new CloudError('config', msg, { token: token || rawToken || null });
  };
  if (!cfg || (cfg.kind !== 'cloud' && cfg.kind !== 'sdk')) fail('Cloud settings: choose "cloud" or "sdk".');
  let url: URL;
  try {
    url = new URL(String(cfg.url ?? '').trim());
  } catch {
    return fail(
      cfg.kind === 'sdk'
        ? `SDK URL is not a valid URL (expected e.g. ${SDK_URL}).`
        : `Cloud URL is not a valid URL (expected ${CLOUD_URL}).`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail('The cloud URL must start with https:// or http://.');
  if (url.username || url.password) fail('The cloud URL must not contain a user name or password.');
  if (cfg.kind === 'sdk') return { url, token: null };
  if (!token) {
    fail('A Plate Recognizer API token is needed for the cloud fallback (app.platerecognizer.com, account page).');
  }
  if (!/^[\x21-\x7e]+$/.test(token)) fail('The API token contains characters that are not allowed (spaces, line breaks or non-ASCII).');
  const href = url.href;
  if (href.includes(token) || href.includes(encodeURIComponent(token))) {
    fail('The API token must not be part of the URL; enter it in the token field only.');
  }
  if (url.protocol !== 'https:' && !isLoopback(url)) {
    fail('The token is only sent over https:// (plain http:// is allowed for localhost only).');
  }
  return { url, token };
}

/**
 * The multipart body of the reference's examples. Validates `input` with the same rules as the local engine
 * (throws ApiValidationError, code 400, before anything is sent); `regions` are sent one field each, normalised;
 * `config` as the JSON string the caller gave (or JSON of the object); `timestamp` in UTC ISO 8601.
 */
export function buildCloudForm(file: Blob, filename: string, input: RequestInput): FormData {
  const req = parseRequest({ ...input, filename });
  const form = new FormData();
  form.append('upload', file, filename || 'image.jpg');
  for (const region of req.regions) form.append('regions', region);
  const cfg = input.config;
  if (typeof cfg === 'string') {
    if (cfg.trim() !== '' && cfg.trim() !== 'null') form.append('config', cfg.trim());
  } else if (cfg !== null && cfg !== undefined && Object.keys(cfg).length > 0) {
    form.append('config', JSON.stringify(cfg));
  }
  if (req.mmc) form.append('mmc', 'true');
  if (req.camera_id !== null) form.append('camera_id', req.camera_id);
  if (req.timestamp !== null) form.append('timestamp', req.timestamp);
  return form;
}

/** The `detail` (DRF) or `error` message of an error body, shortened; '' when there is none. */
function serverDetail(body: string): string {
  let text = '';
  try {
    const j = JSON.parse(body) as unknown;
    if (j && typeof j === 'object') {
      const o = j as Record<string, unknown>;
      const d = o.detail ?? (o.error && typeof o.error === 'object' ? (o.error as Record<string, unknown>).message : o.error);
      if (typeof d === 'string') text = d;
      else if (d !== undefined) text = JSON.stringify(d);
      else text = JSON.stringify(o);
    }
  } catch {
    // Not JSON (an HTML error page, a proxy's text): not shown.
  }
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

function withDetail(message: string, detail: string): string {
  return detail ? `${message} Server said: "${detail}"` : message;
}

function isReaderResponse(v: unknown): v is PlateReaderResponse | VehicleModeResponse {
  return typeof v === 'object' && v !== null && Array.isArray((v as { results?: unknown }).results);
}

function errorFor(status: number, body: string, kind: CloudKind, where: string, attempts: number, token: string | null): CloudError {
  const detail = serverDetail(body);
  const opts = { status, attempts, token };
  const service = kind === 'cloud' ? 'The Plate Recognizer cloud' : `The Plate Recognizer SDK at ${where}`;
  if (status === 401 || status === 403) {
    const why =
      kind === 'cloud'
        ? 'the API token is wrong, the account has no credits left, or the feature asked for (e.g. make/model/colour, mmc) is not enabled on the plan.'
        : 'the SDK licence key is not valid or has no calls left, or the feature asked for (e.g. mmc) is not enabled.';
    return new CloudError('forbidden', withDetail(`${service} refused the request (HTTP ${status}): ${why}`, detail), opts);
  }
  if (status === 413) {
    return new CloudError(
      'too-large',
      `${service} refused the image as too large (HTTP 413): it is over the server's upload limit. Resize it or save it as JPEG and try again.`,
      opts,
    );
  }
  if (status === 429) {
    return new CloudError(
      'throttled',
      withDetail(
        `${service} is still throttling requests (HTTP 429) after ${attempts} attempts. The free trial allows 1 lookup per second, a subscription 8; try again shortly.`,
        detail,
      ),
      opts,
    );
  }
  if (status >= 500) {
    return new CloudError('server', withDetail(`${service} had an internal error (HTTP ${status}); try again later.`, detail), opts);
  }
  if (status >= 400) {
    return new CloudError('bad-request', withDetail(`${service} rejected the request (HTTP ${status}).`, detail), opts);
  }
  return new CloudError('bad-response', `${service} answered with an unexpected HTTP ${status}.`, opts);
}

/**
 * Reads one image with the Plate Recognizer cloud or SDK. Resolves with the service's JSON; rejects with a
 * CloudError (user-facing message), an ApiValidationError (bad request fields, nothing sent), or the abort
 * reason when `signal` aborts.
 */
export async function readWithCloud(
  file: Blob,
  filename: string,
  input: RequestInput,
  cfg: CloudConfig,
  opts: CloudReadOptions = {},
): Promise<PlateReaderResponse | VehicleModeResponse> {
  const { url, token } = checkCloudConfig(cfg);
  const form = buildCloudForm(file, filename, input);
  const doFetch: typeof fetch = opts.fetch ?? ((i, init) => globalThis.fetch(i, init));
  const sleep: Sleep = opts.sleep ? (ms) => opts.sleep!(ms) : realSleep;
  const maxRetries = Math.max(0, Math.floor(opts.maxRetries ?? DEFAULT_MAX_RETRIES));
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const where = describeUrl(url);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token) headers.Authorization = `Token ${token}`;

  for (let attempt = 0; ; attempt++) {
    if (opts.signal?.aborted) throw abortError(opts.signal);
    const a = attemptSignal(opts.signal, timeoutMs);
    let status: number;
    let body: string;
    let retryAfter: string | null;
    try {
      const res = await doFetch(url.href, {
        method: 'POST',
        headers,
        body: form,
        signal: a.signal,
        // A redirect could carry the Authorization header elsewhere; the configured URL must be the endpoint.
        redirect: 'error',
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
      });
      status = res.status;
      retryAfter = res.headers.get('retry-after');
      body = await res.text();
    } catch {
      if (opts.signal?.aborted) throw abortError(opts.signal);
      if (a.timedOut()) {
        throw new CloudError('timeout', `No answer from ${where} within ${Math.round(timeoutMs / 1000)} s.`, {
          attempts: attempt + 1,
          token,
        });
      }
      throw new CloudError(
        'network',
        `Could not reach ${where}: the network is down, the address is wrong, the server refused the connection, ` +
          `it redirected elsewhere, or the browser blocked it (CORS).`,
        { attempts: attempt + 1, token },
      );
    } finally {
      a.done();
    }

    if (status >= 200 && status < 300) {
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      if (!isReaderResponse(json)) {
        throw new CloudError('bad-response', `${where} did not answer with plate-reader JSON (HTTP ${status}).`, {
          status,
          attempts: attempt + 1,
          token,
        });
      }
      return json;
    }

    if (status === 429) {
      const asked = parseRetryAfter(retryAfter);
      const hinted = parseThrottleDetail(body);
      const wait = asked ?? Math.max(hinted ?? 0, backoffDelay(attempt, RETRY_BASE_MS, MAX_RETRY_WAIT_MS));
      if (attempt < maxRetries && wait <= MAX_RETRY_WAIT_MS) {
        await sleep(wait, opts.signal);
        continue;
      }
      const err = errorFor(status, body, cfg.kind, where, attempt + 1, token);
      if (asked !== null || hinted !== null) {
        const askedMs = (asked ?? hinted) as number;
        throw new CloudError('throttled', `${err.message} The server asked to wait ${Math.ceil(askedMs / 1000)} s.`, {
          status,
          attempts: attempt + 1,
          retryAfterMs: askedMs,
          token,
        });
      }
      throw err;
    }

    throw errorFor(status, body, cfg.kind, where, attempt + 1, token);
  }
}
