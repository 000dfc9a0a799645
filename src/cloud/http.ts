// Small HTTP helpers shared by the cloud client and the webhook sender: abortable sleep, back-off delays,
// Retry-After parsing and a per-attempt timeout that also follows the caller's AbortSignal.

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The error a fetch rejects with when its signal aborts (a DOMException named "AbortError"). */
export function abortError(signal?: AbortSignal): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  return new DOMException('The operation was aborted.', 'AbortError');
}

export function isAbortError(e: unknown): boolean {
  return (
    typeof e === 'object' &&
    e !== null &&
    ((e as { name?: unknown }).name === 'AbortError' || (e as { name?: unknown }).name === 'TimeoutError')
  );
}

/** setTimeout as a promise that rejects early (with the signal's reason) when the signal aborts. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Exponential back-off: base, 2*base, 4*base, ... (attempt counts from 0), capped at `max`. */
export function backoffDelay(attempt: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** attempt);
}

/**
 * Milliseconds to wait from a Retry-After header: delay-seconds ("2") or an HTTP-date. Null when absent or
 * unparsable. Past dates give 0.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | null {
  if (value === null || value === undefined) return null;
  const v = value.trim();
  if (v === '') return null;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  if (Number.isNaN(t)) return null;
  return Math.max(0, t - now);
}

/**
 * The wait the API's throttling body announces: {"detail":"Request was throttled. Expected available in 1
 * second.","status_code":429}. Null when the body does not say.
 */
export function parseThrottleDetail(body: string): number | null {
  const m = /available in (\d+(?:\.\d+)?) second/i.exec(body);
  return m ? Math.round(Number(m[1]) * 1000) : null;
}

/**
 * A signal for one attempt: aborts when the caller's signal aborts or after `timeoutMs`. `timedOut()` tells the
 * two apart. Call `done()` when the attempt is over to clear the timer and the listener.
 */
export function attemptSignal(
  outer: AbortSignal | undefined,
  timeoutMs: number,
): { signal: AbortSignal; timedOut: () => boolean; done: () => void } {
  const ctl = new AbortController();
  let timedOut = false;
  const onAbort = () => ctl.abort(outer?.reason);
  if (outer?.aborted) ctl.abort(outer.reason);
  else outer?.addEventListener('abort', onAbort, { once: true });
  const timer =
    timeoutMs > 0 && Number.isFinite(timeoutMs)
      ? setTimeout(() => {
          timedOut = true;
          ctl.abort(new DOMException('The request timed out.', 'TimeoutError'));
        }, timeoutMs)
      : undefined;
  return {
    signal: ctl.signal,
    timedOut: () => timedOut,
    done: () => {
      if (timer !== undefined) clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}

/** True for http: and https: URLs on a loopback host (localhost, 127.x.x.x, [::1]). */
export function isLoopback(url: URL): boolean {
  const h = url.hostname.toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(h) || h === '[::1]';
}

/** The URL without query, fragment or credentials, for messages: "https://api.example.com/v1/plate-reader/". */
export function describeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}
