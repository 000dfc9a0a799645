// Which engine produced an image's result, and what became of its webhook: shown beside the API JSON, never in it.
import { engineLabel, retryWebhook } from '../cloud';
import type { QueueItem } from '../store';
import './cloud.css';

/** "This device" / "Plate Recognizer cloud" / "SDK at host", with a warning mark when the cloud failed. */
export function EngineBadge({ item }: { item: QueueItem }) {
  const src = item.source;
  const engine = src?.engine ?? 'device';
  const trouble = src?.cloudError ?? src?.localError;
  return (
    <span
      className={`engine-badge engine-${engine}${src?.cloudError ? ' has-warning' : ''}`}
      data-testid="engine-label"
      data-engine={engine}
      title={trouble ?? undefined}
    >
      {engineLabel(src)}
      {src?.cloudError ? <span aria-label="cloud fallback failed"> ⚠</span> : null}
    </span>
  );
}

const WEBHOOK_TEXT = { sending: 'Webhook: sending…', delivered: 'Webhook: delivered', failed: 'Webhook: failed' } as const;

/** The webhook state of an image; a failed one shows its reason and a retry button. */
export function WebhookBadge({ item, detail = false }: { item: QueueItem; detail?: boolean }) {
  const hook = item.webhook;
  if (!hook) return null;
  return (
    <span className={`webhook webhook-${hook.state}`} data-testid="webhook-status" data-state={hook.state}>
      <span className="webhook-text" title={hook.error}>
        {WEBHOOK_TEXT[hook.state]}
      </span>
      {hook.state === 'failed' && detail && hook.error ? (
        <span className="webhook-error small" data-testid="webhook-error">
          {hook.error}
        </span>
      ) : null}
      {hook.state === 'failed' ? (
        <button
          type="button"
          className="btn btn-small"
          onClick={() => retryWebhook(item.id)}
          aria-label={`Retry the webhook for ${item.name}`}
          data-testid="webhook-retry"
        >
          Retry
        </button>
      ) : null}
    </span>
  );
}

/** For the inspector: who read it, why the other engine did not help, and the webhook. */
export function ReadInfo({ item }: { item: QueueItem }) {
  if (item.status !== 'done' || !item.source) return null;
  const src = item.source;
  return (
    <div className="read-info" data-testid="read-info">
      <span className="read-by">
        <span className="muted small">Read by</span> <EngineBadge item={item} />
      </span>
      {src.cloudError ? (
        <p className="cloud-warning small" role="status" data-testid="cloud-error">
          Cloud fallback failed, this device’s result is shown: {src.cloudError}
        </p>
      ) : null}
      {src.localError ? (
        <p className="cloud-warning small" role="status" data-testid="local-error">
          This device could not read it ({src.localError}); the result is the cloud’s.
        </p>
      ) : null}
      <WebhookBadge item={item} detail />
    </div>
  );
}
