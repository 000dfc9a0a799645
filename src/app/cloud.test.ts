import { afterEach, describe, expect, it, vi } from 'vitest';

// The page's localStorage, in memory (the store persists its options there; Node has none by default).
vi.hoisted(() => {
  const data = new Map<string, string>();
  const storage = {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, String(v)),
    removeItem: (k: string) => void data.delete(k),
    clear: () => data.clear(),
    key: (i: number) => [...data.keys()][i] ?? null,
    get length() {
      return data.size;
    },
  };
  Object.defineProperty(globalThis, 'localStorage', { value: storage, configurable: true });
});
import type { PlateReaderResponse } from '../api/types';
import { CLOUD_URL, SDK_URL, STORAGE_KEY, defaultSettings, loadCloudSettings, type CloudSettings } from '../cloud';
import { startFakeApi, startWebhookReceiver, type FakeServer } from '../cloud/test-server';
import {
  cloudProblem,
  engineLabel,
  formFromSettings,
  isActive,
  readItem,
  settingsFromForm,
  trackWebhook,
  useCloud,
  webhookProblem,
  type CloudForm,
} from './cloud';
import { useStore } from './store';

const TOKEN = 'abcdef0123456789abcdef0123456789abcdef01';
const FILE = new Blob([new Uint8Array([0xff, 0xd8, 1, 2, 0xff, 0xd9])], { type: 'image/jpeg' });
const response = (plates: number): PlateReaderResponse => ({
  processing_time: 5,
  results: Array.from({ length: plates }, () => ({
    box: { xmin: 1, ymin: 1, xmax: 9, ymax: 5 },
    plate: 'abc123',
    region: { code: 'ro', score: 0.9 },
    vehicle: { score: 0, type: 'Unknown', box: { xmin: 0, ymin: 0, xmax: 0, ymax: 0 } },
    score: 0.95,
    candidates: [{ score: 0.95, plate: 'abc123' }],
    dscore: 0.9,
  })),
  filename: 'car.jpg',
  version: 1,
  camera_id: null,
  timestamp: '2020-01-01T00:00:00Z',
});
const form = (patch: Partial<CloudForm> = {}): CloudForm => ({ ...formFromSettings(defaultSettings()), ...patch });

let servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

describe('settings form', () => {
  it('defaults: off, the cloud URL and SDK URL prefilled, nothing active', () => {
    const f = form();
    expect(f).toMatchObject({ policy: 'never', kind: 'cloud', cloudUrl: CLOUD_URL, sdkUrl: SDK_URL, token: '', webhookOn: false });
    expect(isActive(settingsFromForm(f))).toBe(false);
    expect(cloudProblem(f)).toBeNull();
    expect(webhookProblem(f)).toBeNull();
  });

  it('round-trips through the stored settings; the target is kept while the fallback is off', () => {
    const f = form({ policy: 'low-score', threshold: 0.6, kind: 'sdk', sdkUrl: ' http://10.0.0.5:8080/v1/plate-reader/ ', token: TOKEN });
    const s = settingsFromForm(f);
    expect(s.cloud).toEqual({ kind: 'sdk', url: 'http://10.0.0.5:8080/v1/plate-reader/', token: TOKEN });
    expect(s.fallback).toEqual({ policy: 'low-score', threshold: 0.6 });
    expect(isActive(s)).toBe(true);
    const back = formFromSettings(s);
    expect(back).toMatchObject({ policy: 'low-score', threshold: 0.6, kind: 'sdk', sdkUrl: 'http://10.0.0.5:8080/v1/plate-reader/', cloudUrl: CLOUD_URL });
    const off = settingsFromForm({ ...f, policy: 'never' });
    expect(off.cloud).not.toBeNull();
    expect(isActive(off)).toBe(false);
  });

  it('a webhook switched on without a URL is not active and says why', () => {
    const f = form({ webhookOn: true, webhookUrl: '  ' });
    expect(settingsFromForm(f).webhook).toBeNull();
    expect(webhookProblem(f)).toMatch(/Enter the URL/);
    expect(webhookProblem({ ...f, webhookUrl: 'ftp://x/' })).toMatch(/https:\/\/ or http:\/\//);
    const on = settingsFromForm({ ...f, webhookUrl: 'https://hooks.example/in', webhookFormat: 'multipart' });
    expect(on.webhook).toEqual({ url: 'https://hooks.example/in', format: 'multipart' });
    expect(isActive(on)).toBe(true);
  });

  it('names what is wrong with the cloud target, without the token', () => {
    expect(cloudProblem(form({ policy: 'always' }))).toMatch(/token is needed/);
    expect(cloudProblem(form({ policy: 'always', cloudUrl: '' }))).toMatch(/Enter the API URL/);
    const overHttp = cloudProblem(form({ policy: 'always', cloudUrl: 'http://example.com/v1/plate-reader/', token: TOKEN }));
    expect(overHttp).toMatch(/only sent over https/);
    expect(overHttp).not.toContain(TOKEN);
    expect(cloudProblem(form({ policy: 'always', token: TOKEN }))).toBeNull();
    expect(cloudProblem(form({ policy: 'always', kind: 'sdk' }))).toBeNull();
  });

  it('labels engines', () => {
    expect(engineLabel(undefined)).toBe('This device');
    expect(engineLabel({ engine: 'device' })).toBe('This device');
    expect(engineLabel({ engine: 'cloud' })).toBe('Plate Recognizer cloud');
    expect(engineLabel({ engine: 'sdk', host: '127.0.0.1:8080' })).toBe('SDK at 127.0.0.1:8080');
  });
});

describe('useCloud', () => {
  it('saves every change on this device; Forget token removes only the token', () => {
    useCloud.getState().update({ policy: 'no-plates', cloudUrl: CLOUD_URL, token: TOKEN, webhookOn: true, webhookUrl: 'https://h.example/in' });
    expect(useCloud.getState().saved).toBe(true);
    const stored = loadCloudSettings();
    expect(stored).toEqual({
      cloud: { kind: 'cloud', url: CLOUD_URL, token: TOKEN },
      fallback: { policy: 'no-plates', threshold: 0.8 },
      webhook: { url: 'https://h.example/in', format: 'json' },
    });
    useCloud.getState().forgetToken();
    expect(useCloud.getState().form.token).toBe('');
    expect(loadCloudSettings().cloud).toEqual({ kind: 'cloud', url: CLOUD_URL });
    expect(localStorage.getItem(STORAGE_KEY)).not.toContain(TOKEN);
    expect(useCloud.getState().settings.fallback.policy).toBe('no-plates');
    useCloud.getState().update(formFromSettings(defaultSettings()));
    expect(isActive(loadCloudSettings())).toBe(false);
  });
});

describe('readItem', () => {
  const signal = new AbortController().signal;

  it('with nothing set up: the local reading only, nothing else called', async () => {
    let calls = 0;
    const out = await readItem(async () => (calls++, response(0)), FILE, 'car.jpg', {}, signal, defaultSettings());
    expect(calls).toBe(1);
    expect(out.source).toEqual({ engine: 'device' });
    expect(out.webhook).toBeNull();
  });

  it('policy "no-plates": an SDK answers for an image without plates, and is labelled with its host', async () => {
    const api = await startFakeApi();
    servers.push(api);
    const settings: CloudSettings = {
      cloud: { kind: 'sdk', url: `${api.url}/v1/plate-reader/` },
      fallback: { policy: 'no-plates', threshold: 0.8 },
      webhook: null,
    };
    const none = await readItem(async () => response(0), FILE, 'car.jpg', {}, signal, settings);
    expect(none.source).toEqual({ engine: 'sdk', host: new URL(api.url).host });
    expect(none.response.results[0]).toMatchObject({ plate: 'nhk552' });
    const some = await readItem(async () => response(1), FILE, 'car.jpg', {}, signal, settings);
    expect(some.source).toEqual({ engine: 'device' });
    expect(api.requests).toHaveLength(1);
  });

  it('a cloud that refuses (403) keeps the local result and says why', async () => {
    const api = await startFakeApi({ token: 'the-right-token-0123456789' });
    servers.push(api);
    const settings: CloudSettings = {
      cloud: { kind: 'cloud', url: `${api.url}/v1/plate-reader/`, token: TOKEN },
      fallback: { policy: 'always', threshold: 0.8 },
      webhook: null,
    };
    const local = response(1);
    const out = await readItem(async () => local, FILE, 'car.jpg', {}, signal, settings);
    expect(out.response).toBe(local);
    expect(out.source.engine).toBe('device');
    expect(out.source.cloudError).toMatch(/HTTP 403.*token is wrong/);
    expect(out.source.cloudError).not.toContain(TOKEN);
  });

  it('a local failure the cloud was not asked about is rethrown as it was', async () => {
    const hook = await startWebhookReceiver();
    servers.push(hook);
    const settings: CloudSettings = { ...defaultSettings(), webhook: { url: `${hook.url}/`, format: 'json' } };
    const original = Object.assign(new Error('Could not decode the image.'), { code: 415 });
    await expect(readItem(async () => Promise.reject(original), FILE, 'x.jpg', {}, signal, settings)).rejects.toBe(original);
    expect(hook.requests).toHaveLength(0);
  });

  it('local and cloud both failing: the local code, both messages', async () => {
    const api = await startFakeApi({ script: [{ status: 500, body: '{"detail":"boom"}' }] });
    servers.push(api);
    const settings: CloudSettings = {
      cloud: { kind: 'sdk', url: `${api.url}/v1/plate-reader/` },
      fallback: { policy: 'no-plates', threshold: 0.8 },
      webhook: null,
    };
    const original = { error: { code: 415, message: 'Could not decode the image.' } };
    const err = (await readItem(async () => Promise.reject(original), FILE, 'x.jpg', {}, signal, settings).catch((e) => e)) as {
      error: { code: number; message: string };
    };
    expect(err.error.code).toBe(415);
    expect(err.error.message).toMatch(/Could not decode the image\..*Cloud fallback failed:.*HTTP 500/);
  });

  it('an abort passes through', async () => {
    const api = await startFakeApi({ script: ['hang'] });
    servers.push(api);
    const ctl = new AbortController();
    const settings: CloudSettings = {
      cloud: { kind: 'sdk', url: `${api.url}/v1/plate-reader/` },
      fallback: { policy: 'always', threshold: 0.8 },
      webhook: null,
    };
    const p = readItem(async () => response(0), FILE, 'x.jpg', {}, ctl.signal, settings);
    setTimeout(() => ctl.abort(), 50);
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('webhook status per image', () => {
  it('sending, then delivered or failed; a late answer for a re-read result is dropped', async () => {
    useStore.getState().clear();
    useStore.getState().addFiles([{ file: FILE, name: 'a.jpg' }]);
    const id = useStore.getState().items[0].id;
    const r = response(1);
    useStore.getState().updateItem(id, { status: 'done', response: r });
    let settle!: (v: { ok: boolean; attempts: number; status?: number; error?: string }) => void;
    trackWebhook(id, r, new Promise((res) => (settle = res)));
    expect(useStore.getState().items[0].webhook).toEqual({ state: 'sending' });
    settle({ ok: false, attempts: 4, status: 500, error: 'The webhook target answered HTTP 500.' });
    await new Promise((res) => setTimeout(res, 0));
    expect(useStore.getState().items[0].webhook).toEqual({
      state: 'failed',
      attempts: 4,
      status: 500,
      error: 'The webhook target answered HTTP 500.',
    });

    trackWebhook(id, r, new Promise((res) => (settle = res)));
    useStore.getState().updateItem(id, { response: response(2) }); // re-read meanwhile
    settle({ ok: true, attempts: 1, status: 200 });
    await new Promise((res) => setTimeout(res, 0));
    expect(useStore.getState().items[0].webhook).toEqual({ state: 'sending' });
    useStore.getState().clear();
  });
});
