// Posts a reading to a webhook target in the shape of the reference's webhooks (snapshot-api-2021.md,
// "WebHooks"):
//
//   {"hook": {"target": "<target url>", "id": <n>, "event": "image.done"}, "data": <the plate-reader JSON>}
//
// - Data only ('json'): that payload is the request body, Content-Type application/json.
// - With image ('multipart'): multipart/form-data with two fields, `upload` (the image) and `json` (the payload
//   JSON-encoded).
// Network errors, timeouts, 408, 429 and 5xx are retried with back-off; other answers are final. It never
// throws: the returned status says what happened, for the UI to show.

import type { PlateReaderResponse, VehicleModeResponse } from '../api/types';
import { attemptSignal, backoffDelay, describeUrl, parseRetryAfter, realSleep, type Sleep } from './http';
import { redact } from './token-store';

export type ReaderResponse = PlateReaderResponse | VehicleModeResponse;

export interface WebhookPayload {
  hook: { target: string; id: number; event: 'image.done' };
  data: ReaderResponse;
}

export interface WebhookOptions {
  format: 'json' | 'multipart';
  /** The image read; required for 'multipart'. */
  image?: Blob;
  /** Name of the `upload` part; default the response's `filename`, else "image.jpg". */
  filename?: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Retries after the first attempt; default 3 (so at most 4 requests). */
  retries?: number;
  signal?: AbortSignal;
  /** Per attempt; default 15 s. */
  timeoutMs?: number;
  /** `hook.id` of the payload; default 1. */
  hookId?: number;
}

export interface WebhookStatus {
  ok: boolean;
  /** Requests sent. */
  attempts: number;
  /** HTTP status of the last answer, when there was one. */
  status?: number;
  /** What went wrong, for the user. */
  error?: string;
}

export const WEBHOOK_DEFAULT_RETRIES = 3;
export const WEBHOOK_RETRY_BASE_MS = 1000;
export const WEBHOOK_MAX_WAIT_MS = 30_000;
export const WEBHOOK_TIMEOUT_MS = 15_000;

/** The reference's webhook payload for one reading. */
export function webhookPayload(targetUrl: string, response: ReaderResponse, hookId = 1): WebhookPayload {
  return { hook: { target: targetUrl, id: hookId, event: 'image.done' }, data: response };
}

function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Sends the webhook; resolves with its status, never rejects. */
export async function sendWebhook(
  targetUrl: string,
  response: ReaderResponse,
  opts: WebhookOptions,
): Promise<WebhookStatus> {
  let url: URL;
  try {
    url = new URL(targetUrl);
  } catch {
    return { ok: false, attempts: 0, error: 'The webhook URL is not a valid URL.' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, attempts: 0, error: 'The webhook URL must start with https:// or http://.' };
  }
  if (opts.format === 'multipart' && !opts.image) {
    return { ok: false, attempts: 0, error: 'A webhook with image needs the image; none was given.' };
  }
  const where = describeUrl(url);
  const payload = JSON.stringify(webhookPayload(targetUrl, response, opts.hookId ?? 1));
  const body = (): BodyInit => {
    if (opts.format === 'json') return payload;
    const form = new FormData();
    form.append('upload', opts.image as Blob, opts.filename || response.filename || 'image.jpg');
    form.append('json', payload);
    return form;
  };
  const headers: Record<string, string> = opts.format === 'json' ? { 'Content-Type': 'application/json' } : {};
  const doFetch: typeof fetch = opts.fetch ?? ((i, init) => globalThis.fetch(i, init));
  const sleep: Sleep = opts.sleep ? (ms) => opts.sleep!(ms) : realSleep;
  const retries = Math.max(0, Math.floor(opts.retries ?? WEBHOOK_DEFAULT_RETRIES));
  const timeoutMs = opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS;

  let last: WebhookStatus = { ok: false, attempts: 0 };
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (opts.signal?.aborted) return { ...last, ok: false, error: 'The webhook was cancelled.' };
    const a = attemptSignal(opts.signal, timeoutMs);
    let wait = backoffDelay(attempt, WEBHOOK_RETRY_BASE_MS, WEBHOOK_MAX_WAIT_MS);
    try {
      const res = await doFetch(url.href, {
        method: 'POST',
        headers,
        body: body(),
        signal: a.signal,
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
      });
      // The body is not needed; drain it so the connection can be reused.
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { ok: true, attempts: attempt + 1, status: res.status };
      last = {
        ok: false,
        attempts: attempt + 1,
        status: res.status,
        error: `The webhook target ${where} answered HTTP ${res.status}${retryable(res.status) ? '' : ' (not retried)'}.`,
      };
      if (!retryable(res.status)) return last;
      const asked = parseRetryAfter(res.headers.get('retry-after'));
      if (asked !== null) wait = Math.min(asked, WEBHOOK_MAX_WAIT_MS);
    } catch {
      if (opts.signal?.aborted) return { ...last, attempts: attempt + 1, ok: false, error: 'The webhook was cancelled.' };
      last = {
        ok: false,
        attempts: attempt + 1,
        error: a.timedOut()
          ? `The webhook target ${where} did not answer within ${Math.round(timeoutMs / 1000)} s.`
          : `Could not reach the webhook target ${where}: network error, wrong address, or the browser blocked it (the target must allow CORS).`,
      };
    } finally {
      a.done();
    }
    if (attempt < retries) {
      try {
        await sleep(wait, opts.signal);
      } catch {
        return { ...last, ok: false, error: 'The webhook was cancelled.' };
      }
    }
  }
  if (last.error) last.error = redact(`${last.error} Gave up after ${last.attempts} attempts.`);
  return last;
}
