// Request validation: turns what a caller sends (form fields, CLI flags, a JS object) into a ReadRequest, or
// throws ApiValidationError with a message that names the field.
//
// Decisions where the reference is silent (also in docs/regions.md):
// - Unknown `config` keys are ignored, as the real service does; their names are listed in `req.warnings`.
// - `config.region: "strict"` without any `regions` is accepted and is a no-op for region templates (the
//   reference: "A region must be specified in order for this parameter to work"); a warning says so. With
//   `text_formats` it still filters: the reading must match one of them.
// - `regions` may also be one comma- or space-separated string ("mx,us-ca"); duplicates are dropped, order kept.
//   A `region` field is taken as more `regions` (the reference's strict example sends `-F region=us-ca`).
// - `threshold_d` / `threshold_o` accept numbers or numeric strings, 0..1 inclusive.
// - `mode: "normal"` is accepted as the explicit default.
// - `text_formats` are compiled case-insensitively and anchored (the whole reading must match).

import type { ApiError, EngineConfig, Mode, ReadRequest } from './types';
import { normalizeRegionCode } from './regions';
import { normalizeTimestamp } from './time';

export type RequestInput = {
  regions?: string | string[];
  /** Accepted as a synonym of `regions` (the reference's own "Strict region matching" example sends `region`). */
  region?: string | string[];
  config?: string | Partial<EngineConfig> | null;
  mmc?: boolean | string;
  camera_id?: string | null;
  timestamp?: string | null;
  filename?: string;
};

export class ApiValidationError extends Error {
  readonly code = 400;
  /** The request field at fault (`regions`, `config.threshold_d`, ...). */
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'ApiValidationError';
    this.field = field;
  }
  toJSON(): ApiError {
    return { error: { code: this.code, message: this.message } };
  }
}

export const DEFAULT_CONFIG: Readonly<EngineConfig> = Object.freeze({
  threshold_d: 0.2,
  threshold_o: 0.6,
  mode: 'normal' as Mode,
  detection_mode: 'plate' as const,
  text_formats: [] as string[],
});

const KNOWN_CONFIG_KEYS = new Set([
  'region',
  'threshold_d',
  'threshold_o',
  'mode',
  'detection_rule',
  'detection_mode',
  'text_formats',
]);

const textFormatCache = new Map<string, RegExp>();

/**
 * Compiles one `text_formats` entry: case-insensitive, anchored to the whole reading. Cached, so the engine can
 * call it per plate. Throws ApiValidationError naming the pattern when it is not a valid regular expression.
 */
export function compileTextFormat(pattern: string): RegExp {
  let re = textFormatCache.get(pattern);
  if (re) return re;
  try {
    re = new RegExp(`^(?:${pattern})$`, 'i');
  } catch (e) {
    throw new ApiValidationError(
      'config.text_formats',
      `config.text_formats: invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message}`,
    );
  }
  if (textFormatCache.size > 1000) textFormatCache.clear();
  textFormatCache.set(pattern, re);
  return re;
}

function parseRegions(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const items: unknown[] = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') {
      throw new ApiValidationError('regions', `regions: expected a region code string, got ${JSON.stringify(item)}`);
    }
    for (const part of item.split(/[\s,]+/)) {
      if (part === '') continue;
      const code = normalizeRegionCode(part);
      if (code === null) {
        throw new ApiValidationError(
          'regions',
          `regions: unknown region code ${JSON.stringify(part)} (see the country list: e.g. "gb", "us-ca")`,
        );
      }
      if (!out.includes(code)) out.push(code);
    }
  }
  return out;
}

function parseThreshold(name: 'threshold_d' | 'threshold_o', value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new ApiValidationError(
      `config.${name}`,
      `config.${name}: expected a number between 0 and 1, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

function parseEnum<T extends string>(name: string, value: unknown, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new ApiValidationError(
    `config.${name}`,
    `config.${name}: expected ${allowed.map((a) => JSON.stringify(a)).join(' or ')}, got ${JSON.stringify(value)}`,
  );
}

function parseTextFormats(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const items: unknown[] = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string' || item === '') {
      throw new ApiValidationError(
        'config.text_formats',
        `config.text_formats: expected a list of regular expression strings, got ${JSON.stringify(item)}`,
      );
    }
    compileTextFormat(item);
    out.push(item);
  }
  return out;
}

function parseConfig(value: unknown, warnings: string[]): EngineConfig {
  let raw: unknown = value;
  if (raw === undefined || raw === null) raw = {};
  if (typeof raw === 'string') {
    if (raw.trim() === '') raw = {};
    else {
      try {
        raw = JSON.parse(raw) ?? {}; // JSON null: no config
      } catch (e) {
        throw new ApiValidationError('config', `config: invalid JSON: ${(e as Error).message}`);
      }
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ApiValidationError('config', `config: expected a JSON object, got ${JSON.stringify(raw)}`);
  }
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN_CONFIG_KEYS.has(key)) warnings.push(`config.${key} is not a known option and was ignored`);
  }
  const config: EngineConfig = {
    threshold_d: parseThreshold('threshold_d', o.threshold_d, DEFAULT_CONFIG.threshold_d),
    threshold_o: parseThreshold('threshold_o', o.threshold_o, DEFAULT_CONFIG.threshold_o),
    mode: parseEnum<Mode>('mode', o.mode, ['normal', 'fast', 'redaction']) ?? 'normal',
    detection_mode: parseEnum('detection_mode', o.detection_mode, ['plate', 'vehicle'] as const) ?? 'plate',
    text_formats: parseTextFormats(o.text_formats),
  };
  const region = parseEnum('region', o.region === '' ? undefined : o.region, ['strict'] as const);
  if (region) config.region = region;
  const rule = parseEnum('detection_rule', o.detection_rule === '' ? undefined : o.detection_rule, [
    'strict',
  ] as const);
  if (rule) config.detection_rule = rule;
  return config;
}

function parseMmc(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (v === 'true') return true;
    if (v === 'false') return false;
  }
  throw new ApiValidationError('mmc', `mmc: expected true or false, got ${JSON.stringify(value)}`);
}

function parseCameraId(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') {
    throw new ApiValidationError('camera_id', `camera_id: expected a string, got ${JSON.stringify(value)}`);
  }
  const v = value.trim();
  return v === '' ? null : v;
}

function parseTimestamp(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  const ts = typeof value === 'string' ? normalizeTimestamp(value) : null;
  if (ts === null) {
    throw new ApiValidationError(
      'timestamp',
      `timestamp: expected an ISO 8601 date-time in UTC such as "2019-08-19T13:11:25", got ${JSON.stringify(value)}`,
    );
  }
  return ts;
}

/** Validates a request and applies the defaults. Throws ApiValidationError (code 400) naming the bad field. */
export function parseRequest(input: RequestInput): ReadRequest {
  if (typeof input !== 'object' || input === null) {
    throw new ApiValidationError('request', 'request: expected an object of request fields');
  }
  const warnings: string[] = [];
  const regions = parseRegions(
    input.region === undefined || input.region === null
      ? input.regions
      : ([] as unknown[]).concat(input.regions ?? [], input.region),
  );
  const config = parseConfig(input.config, warnings);
  if (config.region === 'strict' && regions.length === 0) {
    warnings.push(
      config.text_formats.length > 0
        ? 'config.region "strict" without regions: only text_formats are enforced'
        : 'config.region "strict" has no effect without regions (a region must be specified)',
    );
  }
  const filename = input.filename;
  if (filename !== undefined && typeof filename !== 'string') {
    throw new ApiValidationError('filename', `filename: expected a string, got ${JSON.stringify(filename)}`);
  }
  const req: ReadRequest = {
    regions,
    config,
    mmc: parseMmc(input.mmc),
    camera_id: parseCameraId(input.camera_id),
    timestamp: parseTimestamp(input.timestamp),
    filename: filename ?? '',
  };
  if (warnings.length > 0) req.warnings = warnings;
  return req;
}
