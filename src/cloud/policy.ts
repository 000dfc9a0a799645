// When to ask the cloud: the local reading always runs first (it is free, private and already there), then the
// policy decides from its result whether the image also goes to the cloud. A cloud failure never costs the
// local result: it is kept and the cloud's error is reported beside it.

import type { PlateReaderResponse, VehicleModeResponse } from '../api/types';
import type { RequestInput } from '../api/options';
import { isAbortError } from './http';
import { redact } from './token-store';

export type ReaderResponse = PlateReaderResponse | VehicleModeResponse;

/**
 * - 'never': local only.
 * - 'no-plates': the cloud when the local engine found no plate (or failed).
 * - 'low-score': the cloud when the best local plate reads below `threshold` (no plate counts as 0).
 * - 'always': the cloud for every image; the local result stays as the fallback if the cloud fails.
 * - 'mmc': the cloud when make/model/colour (`mmc`) was asked for: the local engine has no such model.
 */
export type FallbackPolicy = 'never' | 'no-plates' | 'low-score' | 'always' | 'mmc';

export interface FallbackSettings {
  policy: FallbackPolicy;
  /** For 'low-score': 0..1, compared with the reading score (`score`) of the best plate. */
  threshold: number;
}

export type Engine = 'local' | 'cloud';

export interface FallbackResult {
  response: ReaderResponse;
  engine: Engine;
  /** Set when the cloud was asked and failed; `response` is then the local one. */
  cloudError?: string;
  /** Set when the local engine failed and the cloud answered instead. */
  localError?: string;
  /** The local response (also when the cloud's is the one returned); null when the local engine failed. */
  local: ReaderResponse | null;
}

/** Thrown when the local engine failed and the cloud was not asked or failed too. */
export class FallbackError extends Error {
  override readonly name = 'FallbackError';
  readonly localError: string;
  readonly cloudError?: string;
  constructor(localError: string, cloudError?: string) {
    super(cloudError ? `Local reading failed: ${localError} Cloud fallback failed: ${cloudError}` : localError);
    this.localError = localError;
    if (cloudError !== undefined) this.cloudError = cloudError;
  }
}

function mmcRequested(input: RequestInput | undefined): boolean {
  const v = input?.mmc;
  return v === true || (typeof v === 'string' && v.trim().toLowerCase() === 'true');
}

/** Reading scores of the plates of either response shape (vehicles without a plate are not plates). */
export function plateScores(resp: ReaderResponse): number[] {
  const out: number[] = [];
  for (const r of resp.results as unknown[]) {
    if (!r || typeof r !== 'object') continue;
    const o = r as Record<string, unknown>;
    if (typeof o.plate === 'string') {
      if (typeof o.score === 'number') out.push(o.score);
    } else if (o.plate && typeof o.plate === 'object') {
      // detection_mode "vehicle": plate.props.plate[0].score is the reading score, plate.score the detection's.
      const p = o.plate as { score?: unknown; props?: { plate?: Array<{ score?: unknown }> } };
      const reading = p.props?.plate?.[0]?.score;
      if (typeof reading === 'number') out.push(reading);
      else if (typeof p.score === 'number') out.push(p.score);
    }
  }
  return out;
}

/** Whether the image should (also) go to the cloud. `local` is null when the local engine failed. */
export function shouldUseCloud(settings: FallbackSettings, local: ReaderResponse | null, input?: RequestInput): boolean {
  switch (settings.policy) {
    case 'never':
      return false;
    case 'always':
      return true;
    case 'mmc':
      return mmcRequested(input);
    case 'no-plates':
      return local === null || plateScores(local).length === 0;
    case 'low-score': {
      if (local === null) return true;
      const scores = plateScores(local);
      const best = scores.length === 0 ? 0 : Math.max(...scores);
      return best < settings.threshold;
    }
    default:
      return false;
  }
}

/** A failure as text for the UI, with anything that looks like a credential redacted. */
function message(e: unknown): string {
  let text: string;
  if (e instanceof Error) text = e.message;
  else if (e && typeof e === 'object' && 'error' in e) {
    const inner = (e as { error?: { message?: unknown } }).error;
    text = inner && typeof inner.message === 'string' ? inner.message : String(e);
  } else text = String(e);
  return redact(text);
}

/**
 * Runs the local reading, then the cloud if the policy says so. The cloud's answer wins when it comes; when it
 * fails, the local answer is returned with `cloudError`. An abort (AbortError) is passed through as it is.
 * Throws FallbackError only when there is no answer at all.
 */
export async function runWithFallback(
  local: () => Promise<ReaderResponse>,
  cloud: () => Promise<ReaderResponse>,
  settings: FallbackSettings,
  input?: RequestInput,
): Promise<FallbackResult> {
  let localResp: ReaderResponse | null = null;
  let localError: string | undefined;
  try {
    localResp = await local();
  } catch (e) {
    if (isAbortError(e)) throw e;
    localError = message(e);
  }
  if (!shouldUseCloud(settings, localResp, input)) {
    if (localResp) return { response: localResp, engine: 'local', local: localResp };
    throw new FallbackError(localError ?? 'Local reading failed.');
  }
  try {
    const response = await cloud();
    const out: FallbackResult = { response, engine: 'cloud', local: localResp };
    if (localError !== undefined) out.localError = localError;
    return out;
  } catch (e) {
    if (isAbortError(e)) throw e;
    const cloudError = message(e);
    if (localResp) return { response: localResp, engine: 'local', cloudError, local: localResp };
    throw new FallbackError(localError ?? 'Local reading failed.', cloudError);
  }
}
