// The page's side of the optional cloud fallback and webhooks (src/cloud/ does the work):
// - the settings form's state, kept on this device only (localStorage through src/cloud/token-store.ts);
// - `readItem`: the queue's read path; the local reading alone while nothing is set up, else readAndReport();
// - per-image webhook status (sending / delivered / failed) and its retry.
// Which engine answered is kept beside the response (QueueItem.source), never in it: the JSON stays the API's.

import { create } from 'zustand';
import type { RequestInput } from '../api/options';
import {
  CLOUD_URL,
  SDK_URL,
  checkCloudConfig,
  defaultStorage,
  FallbackError,
  forgetToken as forgetStoredToken,
  loadCloudSettings,
  readAndReport,
  saveCloudSettings,
  sendWebhook,
  type CloudKind,
  type CloudSettings,
  type FallbackPolicy,
  type WebhookFormat,
  type WebhookStatus,
} from '../cloud';
import { useStore, type AnyResponse } from './store';

/** Who produced an image's result. */
export type EngineKind = 'device' | 'cloud' | 'sdk';

export interface ReadSource {
  engine: EngineKind;
  /** For 'sdk': the SDK's host (and port). */
  host?: string;
  /** The cloud was asked and failed; the result is this device's. */
  cloudError?: string;
  /** This device failed; the result is the cloud's. */
  localError?: string;
}

export interface WebhookState {
  state: 'sending' | 'delivered' | 'failed';
  /** Requests sent (after it settled). */
  attempts?: number;
  /** HTTP status of the last answer. */
  status?: number;
  /** For 'failed': why, for the user. */
  error?: string;
}

/** What the settings form holds. Both URLs are kept so that switching the target back and forth loses nothing. */
export interface CloudForm {
  policy: FallbackPolicy;
  threshold: number;
  kind: CloudKind;
  cloudUrl: string;
  sdkUrl: string;
  token: string;
  webhookOn: boolean;
  webhookUrl: string;
  webhookFormat: WebhookFormat;
}

export function formFromSettings(s: CloudSettings): CloudForm {
  const kind = s.cloud?.kind ?? 'cloud';
  return {
    policy: s.fallback.policy,
    threshold: s.fallback.threshold,
    kind,
    cloudUrl: kind === 'cloud' && s.cloud ? s.cloud.url : CLOUD_URL,
    sdkUrl: kind === 'sdk' && s.cloud ? s.cloud.url : SDK_URL,
    token: s.cloud?.token ?? '',
    webhookOn: s.webhook !== null,
    webhookUrl: s.webhook?.url ?? '',
    webhookFormat: s.webhook?.format ?? 'json',
  };
}

/** The settings the form stands for. The cloud target is kept while the fallback is off ('never'). */
export function settingsFromForm(f: CloudForm): CloudSettings {
  const url = (f.kind === 'cloud' ? f.cloudUrl : f.sdkUrl).trim();
  const token = f.token.trim();
  return {
    cloud: url ? { kind: f.kind, url, ...(token ? { token } : {}) } : null,
    fallback: { policy: f.policy, threshold: f.threshold },
    webhook: f.webhookOn && f.webhookUrl.trim() ? { url: f.webhookUrl.trim(), format: f.webhookFormat } : null,
  };
}

/** Whether a read needs readAndReport: a cloud fallback that may be asked, or a webhook. */
export function isActive(s: CloudSettings): boolean {
  return (s.cloud !== null && s.fallback.policy !== 'never') || s.webhook !== null;
}

/** What is wrong with the cloud target, in the client's words; null when it can be used (or is off). */
export function cloudProblem(f: CloudForm): string | null {
  if (f.policy === 'never') return null;
  const s = settingsFromForm(f);
  if (!s.cloud) return f.kind === 'cloud' ? `Enter the API URL (${CLOUD_URL}).` : `Enter the SDK URL (e.g. ${SDK_URL}).`;
  try {
    checkCloudConfig(s.cloud);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** What is wrong with the webhook target; null when it can be used (or is off). */
export function webhookProblem(f: CloudForm): string | null {
  if (!f.webhookOn) return null;
  const raw = f.webhookUrl.trim();
  if (!raw) return 'Enter the URL the results are posted to.';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'The webhook URL is not a valid URL.';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'The webhook URL must start with https:// or http://.';
  return null;
}

/** "api.platerecognizer.com", "127.0.0.1:8080"; the text itself when it is not a URL. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** How an engine is named on the page. */
export function engineLabel(src: ReadSource | undefined): string {
  if (!src || src.engine === 'device') return 'This device';
  if (src.engine === 'cloud') return 'Plate Recognizer cloud';
  return `SDK at ${src.host ?? 'unknown host'}`;
}

interface CloudState {
  form: CloudForm;
  /** The settings in force (what the form stands for). */
  settings: CloudSettings;
  /** False when the settings could not be stored (no or full localStorage): they then last until the page closes. */
  saved: boolean;
  update(patch: Partial<CloudForm>): void;
  /** Removes the token from the form and from this device; the rest of the settings stay. */
  forgetToken(): void;
}

const initial = loadCloudSettings();

export const useCloud = create<CloudState>()((set, get) => ({
  form: formFromSettings(initial),
  settings: initial,
  saved: true,
  update(patch) {
    const form = { ...get().form, ...patch };
    const settings = settingsFromForm(form);
    set({ form, settings, saved: saveCloudSettings(settings) });
  },
  forgetToken() {
    const form = { ...get().form, token: '' };
    const saved = forgetStoredToken(defaultStorage());
    set({ form, settings: settingsFromForm(form), saved });
  },
}));

/** A local failure with the local engine's error code and a message that also names the cloud's failure. */
class CombinedError extends Error {
  readonly error: { code: number; message: string };
  constructor(local: unknown, message: string) {
    super(message);
    const e = local as { toJSON?: () => unknown; error?: { code?: unknown }; code?: unknown } | null;
    let code: unknown = e?.error?.code ?? e?.code;
    if (code === undefined && e && typeof e.toJSON === 'function') {
      code = (e.toJSON() as { error?: { code?: unknown } } | null)?.error?.code;
    }
    this.error = { code: typeof code === 'number' ? code : 400, message };
  }
}

export interface ItemRead {
  response: AnyResponse;
  source: ReadSource;
  /** Settles when the webhook is delivered or has failed; null without a webhook. Never rejects. */
  webhook: Promise<WebhookStatus> | null;
}

/**
 * Reads one image: `local()` (the worker) alone while no fallback or webhook is set up, else through
 * readAndReport with the settings in force. Rejects as `local()` does (the local error itself when the cloud was
 * not asked), or, when the cloud was asked and failed too, with the local error's code and both messages.
 */
export async function readItem(
  local: () => Promise<AnyResponse>,
  file: Blob,
  filename: string,
  input: RequestInput,
  signal: AbortSignal,
  settings: CloudSettings = useCloud.getState().settings,
): Promise<ItemRead> {
  if (!isActive(settings)) return { response: await local(), source: { engine: 'device' }, webhook: null };
  let localFailure: unknown;
  let failed = false;
  const tracked = () =>
    local().catch((e: unknown) => {
      failed = true;
      localFailure = e;
      throw e;
    });
  try {
    const out = await readAndReport({ local: tracked, file, filename, input, settings, signal });
    const source: ReadSource = { engine: 'device' };
    if (out.engine === 'cloud' && settings.cloud) {
      source.engine = settings.cloud.kind;
      if (settings.cloud.kind === 'sdk') source.host = hostOf(settings.cloud.url);
    }
    if (out.cloudError !== undefined) source.cloudError = out.cloudError;
    if (out.localError !== undefined) source.localError = out.localError;
    return { response: out.response, source, webhook: out.webhook };
  } catch (e) {
    if (e instanceof FallbackError && failed) {
      if (e.cloudError === undefined) throw localFailure;
      throw new CombinedError(localFailure, e.message);
    }
    throw e;
  }
}

function setWebhook(id: string, response: AnyResponse, webhook: WebhookState): void {
  const st = useStore.getState();
  // A late answer for a result that was since re-read (or removed) is not shown.
  const item = st.items.find((i) => i.id === id);
  if (item && item.response === response) st.updateItem(id, { webhook });
}

/** Shows 'sending' for the image, then what became of the webhook. */
export function trackWebhook(id: string, response: AnyResponse, sending: Promise<WebhookStatus>): void {
  setWebhook(id, response, { state: 'sending' });
  void sending.then((s) => {
    const done: WebhookState = { state: s.ok ? 'delivered' : 'failed', attempts: s.attempts };
    if (s.status !== undefined) done.status = s.status;
    if (!s.ok) done.error = s.error ?? 'The webhook could not be delivered.';
    setWebhook(id, response, done);
  });
}

/** Sends an image's result to the webhook again, with the webhook settings in force now. */
export function retryWebhook(id: string): void {
  const item = useStore.getState().items.find((i) => i.id === id);
  if (!item || item.status !== 'done' || !item.response) return;
  const hook = useCloud.getState().settings.webhook;
  if (!hook) {
    setWebhook(id, item.response, { state: 'failed', attempts: 0, error: 'No webhook is set up any more (Cloud fallback & webhook settings).' });
    return;
  }
  trackWebhook(
    id,
    item.response,
    sendWebhook(hook.url, item.response, {
      format: hook.format,
      image: hook.format === 'multipart' ? item.file : undefined,
      filename: item.name,
    }),
  );
}
