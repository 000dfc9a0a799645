// Cloud settings on this device only: localStorage in the browser (an injectable Storage in tests), one JSON
// entry. Nothing here reads from or writes to the URL, and nothing sends the settings anywhere; the token
// leaves the device only in the Authorization header of a cloud request (client.ts).
//
// `redact` is the last guard of error reporting: any text shown or logged is passed through it.

import type { CloudConfig } from './client';
import type { FallbackPolicy, FallbackSettings } from './policy';

export const STORAGE_KEY = 'plate-reader.cloud.v1';

export type WebhookFormat = 'json' | 'multipart';

export interface WebhookSettings {
  url: string;
  format: WebhookFormat;
}

export interface CloudSettings {
  /** Where the fallback sends images; null until the user sets it up. */
  cloud: CloudConfig | null;
  fallback: FallbackSettings;
  /** Where results are posted after each reading; null for none. */
  webhook: WebhookSettings | null;
}

export const DEFAULT_FALLBACK: Readonly<FallbackSettings> = Object.freeze({ policy: 'never', threshold: 0.8 });

const POLICIES: readonly FallbackPolicy[] = ['never', 'no-plates', 'low-score', 'always', 'mmc'];

export function defaultSettings(): CloudSettings {
  return { cloud: null, fallback: { ...DEFAULT_FALLBACK }, webhook: null };
}

/** The page's localStorage, or null where there is none or it may not be used (workers, Node, blocked storage). */
export function defaultStorage(): Storage | null {
  try {
    const s = (globalThis as { localStorage?: Storage }).localStorage;
    return s ?? null;
  } catch {
    return null; // SecurityError in sandboxed frames or with storage blocked
  }
}

function sanitizeCloud(v: unknown): CloudConfig | null {
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  if ((o.kind !== 'cloud' && o.kind !== 'sdk') || typeof o.url !== 'string') return null;
  const cfg: CloudConfig = { kind: o.kind, url: o.url };
  if (typeof o.token === 'string' && o.token.trim() !== '') cfg.token = o.token.trim();
  return cfg;
}

function sanitizeFallback(v: unknown): FallbackSettings {
  const out: FallbackSettings = { ...DEFAULT_FALLBACK };
  if (!v || typeof v !== 'object') return out;
  const o = v as Record<string, unknown>;
  if (typeof o.policy === 'string' && (POLICIES as readonly string[]).includes(o.policy)) {
    out.policy = o.policy as FallbackPolicy;
  }
  if (typeof o.threshold === 'number' && Number.isFinite(o.threshold) && o.threshold >= 0 && o.threshold <= 1) {
    out.threshold = o.threshold;
  }
  return out;
}

function sanitizeWebhook(v: unknown): WebhookSettings | null {
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  if (typeof o.url !== 'string' || o.url.trim() === '') return null;
  return { url: o.url.trim(), format: o.format === 'multipart' ? 'multipart' : 'json' };
}

/** Settings as stored, with defaults for whatever is missing or damaged. Never throws. */
export function loadCloudSettings(storage: Storage | null = defaultStorage()): CloudSettings {
  if (!storage) return defaultSettings();
  let raw: string | null;
  try {
    raw = storage.getItem(STORAGE_KEY);
  } catch {
    return defaultSettings();
  }
  if (raw === null) return defaultSettings();
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return defaultSettings();
  }
  const o = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
  return { cloud: sanitizeCloud(o.cloud), fallback: sanitizeFallback(o.fallback), webhook: sanitizeWebhook(o.webhook) };
}

/** Stores the settings (only the known fields). False when there is no usable storage or it is full. */
export function saveCloudSettings(settings: CloudSettings, storage: Storage | null = defaultStorage()): boolean {
  if (!storage) return false;
  const clean: CloudSettings = {
    cloud: sanitizeCloud(settings.cloud),
    fallback: sanitizeFallback(settings.fallback),
    webhook: sanitizeWebhook(settings.webhook),
  };
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify(clean));
    return true;
  } catch {
    return false;
  }
}

/** Removes the token but keeps the rest (kind, URL, policy, webhook). */
export function forgetToken(storage: Storage | null = defaultStorage()): boolean {
  const s = loadCloudSettings(storage);
  if (s.cloud) delete s.cloud.token;
  return saveCloudSettings(s, storage);
}

/** Removes everything this module stored. */
export function clearCloudSettings(storage: Storage | null = defaultStorage()): void {
  try {
    storage?.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored, or storage blocked: nothing to clear
  }
}

export const REDACTED = '[redacted]';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `text` with every occurrence of `token` (as is, URL-encoded, or base64 as in a Basic header) replaced by
 * "[redacted]", and any credential written after "Token " or "Bearer " (16+ characters with a digit), so that
 * even a token that is not the configured one does not show.
 */
export function redact(text: string, token?: string | null): string {
  let out = String(text);
  const t = typeof token === 'string' ? token.trim() : '';
  if (t.length > 0) {
    const forms = new Set([t, encodeURIComponent(t)]);
    try {
      forms.add(btoa(t));
    } catch {
      // not Latin-1: has no btoa form
    }
    for (const f of forms) out = out.replace(new RegExp(escapeRegExp(f), 'g'), REDACTED);
  }
  // A credential after the scheme word: 16+ token characters with at least one digit ("Token 9f3c...").
  return out.replace(/\b(Token|Bearer)\s+(?=[\w.~+/=-]*\d)[\w.~+/=-]{16,}/g, (_m, kind: string) => `${kind} ${REDACTED}`);
}

/** For display: "••••••a1b2" (the last 4 characters), or '' for no token. */
export function maskToken(token?: string | null): string {
  const t = typeof token === 'string' ? token.trim() : '';
  if (t === '') return '';
  if (t.length <= 8) return '•'.repeat(t.length);
  return `${'•'.repeat(6)}${t.slice(-4)}`;
}
