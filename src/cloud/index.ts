// The cloud package's entry for the UI: one call that reads locally, asks the cloud when the stored policy
// says so, and posts the webhook if one is set up.

import type { RequestInput } from '../api/options';
import { readWithCloud } from './client';
import { runWithFallback, type FallbackResult, type ReaderResponse } from './policy';
import type { CloudSettings } from './token-store';
import { sendWebhook, type WebhookStatus } from './webhook';

export * from './client';
export * from './policy';
export * from './token-store';
export { sendWebhook, webhookPayload, type WebhookOptions, type WebhookPayload, type WebhookStatus } from './webhook';

export interface ReadAndReportArgs {
  /** The local reading, e.g. `() => bridge.read(file, filename, input, signal)`. */
  local: () => Promise<ReaderResponse>;
  file: Blob;
  filename: string;
  input: RequestInput;
  /** From `loadCloudSettings()`. */
  settings: CloudSettings;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export interface ReadAndReportResult extends FallbackResult {
  /** Resolves when the webhook is delivered or has failed; null when no webhook is set up. Never rejects. */
  webhook: Promise<WebhookStatus> | null;
}

/**
 * Local reading, cloud fallback by `settings.fallback` (only when `settings.cloud` is set), then the webhook
 * (not awaited: the result shows at once, the webhook's status arrives later). Rejects like runWithFallback.
 */
export async function readAndReport(args: ReadAndReportArgs): Promise<ReadAndReportResult> {
  const { settings } = args;
  const cloudCfg = settings.cloud;
  const fallback = cloudCfg ? settings.fallback : { ...settings.fallback, policy: 'never' as const };
  const result = await runWithFallback(
    args.local,
    () =>
      readWithCloud(args.file, args.filename, args.input, cloudCfg!, {
        signal: args.signal,
        fetch: args.fetch,
        sleep: args.sleep,
      }),
    fallback,
    args.input,
  );
  const hook = settings.webhook;
  const webhook = hook
    ? sendWebhook(hook.url, result.response, {
        format: hook.format,
        image: hook.format === 'multipart' ? args.file : undefined,
        filename: args.filename || undefined,
        signal: args.signal,
        fetch: args.fetch,
        sleep: args.sleep,
      })
    : null;
  return { ...result, webhook };
}
