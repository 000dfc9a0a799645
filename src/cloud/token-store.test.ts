import { describe, expect, it } from 'vitest';
import {
  STORAGE_KEY,
  clearCloudSettings,
  defaultSettings,
  defaultStorage,
  forgetToken,
  loadCloudSettings,
  maskToken,
  redact,
  saveCloudSettings,
} from './token-store';

const TOKEN = '0123456789abcdef0123456789abcdef01234567';

/** A Storage over a Map, as localStorage behaves. */
class MemoryStorage implements Storage {
  private m = new Map<string, string>();
  failWrites = false;
  get length() {
    return this.m.size;
  }
  clear() {
    this.m.clear();
  }
  getItem(k: string) {
    return this.m.has(k) ? (this.m.get(k) as string) : null;
  }
  key(i: number) {
    return [...this.m.keys()][i] ?? null;
  }
  removeItem(k: string) {
    this.m.delete(k);
  }
  setItem(k: string, v: string) {
    if (this.failWrites) throw new DOMException('quota', 'QuotaExceededError');
    this.m.set(k, String(v));
  }
}

describe('cloud settings storage', () => {
  it('round-trips the config, policy and webhook under one key', () => {
    const st = new MemoryStorage();
    const settings = {
      cloud: { kind: 'cloud' as const, url: 'https://api.platerecognizer.com/v1/plate-reader/', token: TOKEN },
      fallback: { policy: 'low-score' as const, threshold: 0.7 },
      webhook: { url: 'https://hooks.example/in', format: 'multipart' as const },
    };
    expect(saveCloudSettings(settings, st)).toBe(true);
    expect(st.length).toBe(1);
    expect(JSON.parse(st.getItem(STORAGE_KEY) as string).cloud.token).toBe(TOKEN);
    expect(loadCloudSettings(st)).toEqual(settings);
  });

  it('gives the defaults when nothing, garbage or wrong types are stored', () => {
    const st = new MemoryStorage();
    expect(loadCloudSettings(st)).toEqual(defaultSettings());
    expect(defaultSettings().fallback).toEqual({ policy: 'never', threshold: 0.8 });
    st.setItem(STORAGE_KEY, '{not json');
    expect(loadCloudSettings(st)).toEqual(defaultSettings());
    st.setItem(
      STORAGE_KEY,
      JSON.stringify({ cloud: { kind: 'ftp', url: 'x' }, fallback: { policy: 'sometimes', threshold: 7 }, webhook: { url: 3 } }),
    );
    expect(loadCloudSettings(st)).toEqual(defaultSettings());
  });

  it('stores only known fields', () => {
    const st = new MemoryStorage();
    const dirty = {
      cloud: { kind: 'sdk', url: 'http://localhost:8080/v1/plate-reader/', token: '', extra: 'x' },
      fallback: { policy: 'mmc', threshold: 0.5, more: 1 },
      webhook: null,
      other: true,
    };
    saveCloudSettings(dirty as never, st);
    expect(JSON.parse(st.getItem(STORAGE_KEY) as string)).toEqual({
      cloud: { kind: 'sdk', url: 'http://localhost:8080/v1/plate-reader/' },
      fallback: { policy: 'mmc', threshold: 0.5 },
      webhook: null,
    });
  });

  it('forgets the token but keeps the rest; clear removes everything', () => {
    const st = new MemoryStorage();
    saveCloudSettings(
      { cloud: { kind: 'cloud', url: 'https://a.example/', token: TOKEN }, fallback: { policy: 'always', threshold: 0.8 }, webhook: null },
      st,
    );
    expect(forgetToken(st)).toBe(true);
    const s = loadCloudSettings(st);
    expect(s.cloud).toEqual({ kind: 'cloud', url: 'https://a.example/' });
    expect(s.fallback.policy).toBe('always');
    expect(st.getItem(STORAGE_KEY)).not.toContain(TOKEN);
    clearCloudSettings(st);
    expect(st.getItem(STORAGE_KEY)).toBeNull();
  });

  it('without usable storage: defaults, and saving says false', () => {
    const st = new MemoryStorage();
    st.failWrites = true;
    expect(saveCloudSettings(defaultSettings(), st)).toBe(false);
    expect(saveCloudSettings(defaultSettings(), null)).toBe(false);
    expect(loadCloudSettings(null)).toEqual(defaultSettings());
    const throwing = { getItem: () => { throw new Error('SecurityError'); } } as unknown as Storage;
    expect(loadCloudSettings(throwing)).toEqual(defaultSettings());
    // Node has no localStorage: the default storage is none.
    expect(defaultStorage()).toBeNull();
  });
});

describe('redact', () => {
  it('removes the token in every form it may take', () => {
    const text = `a ${TOKEN} b ${encodeURIComponent(TOKEN)} c ${btoa(TOKEN)}`;
    const out = redact(text, TOKEN);
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain(btoa(TOKEN));
    expect(out.match(/\[redacted\]/g)).toHaveLength(3);
    const special = 'a+b/c=d?e';
    expect(redact(`x ${encodeURIComponent(special)} y ${special}`, special)).toBe('x [redacted] y [redacted]');
  });

  it('removes credentials after "Token"/"Bearer" even without knowing the token', () => {
    expect(redact(`Authorization: Token ${TOKEN}`)).toBe('Authorization: Token [redacted]');
    expect(redact('Bearer eyJhbGciOiJIUzI1NiJ9.abc123def456')).toBe('Bearer [redacted]');
  });

  it('leaves ordinary text alone', () => {
    const msg = 'The API token contains characters that are not allowed. Token expired? HTTP 403';
    expect(redact(msg)).toBe(msg);
    expect(redact(msg, '')).toBe(msg);
    expect(redact(msg, null)).toBe(msg);
  });
});

describe('maskToken', () => {
  it('shows only the last 4 characters', () => {
    expect(maskToken(TOKEN)).toBe('••••••4567');
    expect(maskToken(TOKEN)).not.toContain(TOKEN.slice(0, 8));
    expect(maskToken('short')).toBe('•••••');
    expect(maskToken('')).toBe('');
    expect(maskToken(undefined)).toBe('');
  });
});
