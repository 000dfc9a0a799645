import { useState } from 'react';
import { CLOUD_URL, maskToken, type FallbackPolicy } from '../../cloud';
import { cloudProblem, hostOf, useCloud, webhookProblem } from '../cloud';
import './cloud.css';

const POLICY_LABEL: Record<FallbackPolicy, string> = {
  never: 'Never (off)',
  'no-plates': 'When no plate is found',
  'low-score': 'When the best score is low',
  always: 'Always',
  mmc: 'When mmc is asked for',
};

/** What each policy does, under the select. */
const POLICY_HINT: Record<FallbackPolicy, string> = {
  never: 'Every image is read on this device only.',
  'no-plates': 'This device reads each image first; the service is asked only when it finds no plate.',
  'low-score': 'This device reads each image first; the service is asked when its best plate scores below the threshold.',
  always: 'Every image also goes to the service; its answer is shown, or this device’s result if the service fails.',
  mmc: 'The service is asked while make, model, colour (mmc) is on in the options: this device has no such model.',
};

/** When the policy sends an image, in words, for the notice. */
const POLICY_WHEN: Record<FallbackPolicy, string> = {
  never: '',
  'no-plates': 'each image in which this device finds no plate',
  'low-score': 'each image whose best plate this device reads below the threshold',
  always: 'every image',
  mmc: 'every image while make, model, colour (mmc) is asked for',
};

/** The optional Plate Recognizer cloud / SDK fallback and the webhook. Off by default; kept on this device. */
export function CloudSettings() {
  const form = useCloud((s) => s.form);
  const saved = useCloud((s) => s.saved);
  const update = useCloud((s) => s.update);
  const forgetToken = useCloud((s) => s.forgetToken);
  const [open, setOpen] = useState(false);
  const cloudOn = form.policy !== 'never';
  const problem = cloudProblem(form);
  const hookProblem = webhookProblem(form);
  const url = form.kind === 'cloud' ? form.cloudUrl : form.sdkUrl;
  const summary = [cloudOn ? (form.kind === 'cloud' ? 'cloud' : 'SDK') : '', form.webhookOn ? 'webhook' : '']
    .filter(Boolean)
    .join(' + ');

  return (
    <details
      className="panel options cloud-settings"
      open={open}
      onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}
      data-testid="cloud-settings"
    >
      <summary className="panel-title">
        <span>Cloud fallback &amp; webhook</span>
        <span className={`muted small${summary ? ' cloud-on' : ''}`} data-testid="cloud-summary">
          {summary || 'off'}
        </span>
      </summary>
      <div className="options-body">
        <fieldset className="field">
          <legend>Cloud fallback</legend>
          <label className="stack">
            <span>Ask a Plate Recognizer service</span>
            <select
              className="input"
              value={form.policy}
              onChange={(e) => update({ policy: e.target.value as FallbackPolicy })}
              data-testid="cloud-policy"
            >
              {(Object.keys(POLICY_LABEL) as FallbackPolicy[]).map((p) => (
                <option key={p} value={p}>
                  {POLICY_LABEL[p]}
                </option>
              ))}
            </select>
          </label>
          <p className="muted small hint" data-testid="cloud-policy-hint">
            {POLICY_HINT[form.policy]}
          </p>
          {form.policy === 'low-score' ? (
            <label className="stack">
              <span>
                Threshold <code>score</code>
              </span>
              <span className="range">
                <input
                  type="range"
                  min={0}
                  max={1}
                  step={0.05}
                  value={form.threshold}
                  aria-label="Cloud threshold"
                  onChange={(e) => update({ threshold: Number(e.target.value) })}
                />
                <output>{form.threshold.toFixed(2)}</output>
              </span>
            </label>
          ) : null}
          {cloudOn ? (
            <>
              <div className="segmented" role="radiogroup" aria-label="Service">
                <label className={`seg${form.kind === 'cloud' ? ' is-on' : ''}`}>
                  <input
                    type="radio"
                    name="cloud-kind"
                    checked={form.kind === 'cloud'}
                    onChange={() => update({ kind: 'cloud' })}
                  />
                  Plate Recognizer cloud
                </label>
                <label className={`seg${form.kind === 'sdk' ? ' is-on' : ''}`}>
                  <input type="radio" name="cloud-kind" checked={form.kind === 'sdk'} onChange={() => update({ kind: 'sdk' })} />
                  Self-hosted SDK
                </label>
              </div>
              <label className="stack">
                <span>{form.kind === 'cloud' ? 'API URL' : 'SDK URL'}</span>
                <input
                  className="input mono"
                  type="url"
                  spellCheck={false}
                  autoComplete="off"
                  value={url}
                  placeholder={form.kind === 'cloud' ? CLOUD_URL : 'http://localhost:8080/v1/plate-reader/'}
                  onChange={(e) => update(form.kind === 'cloud' ? { cloudUrl: e.target.value } : { sdkUrl: e.target.value })}
                  data-testid="cloud-url"
                />
              </label>
              {form.kind === 'cloud' ? (
                <div className="stack">
                  <label className="stack">
                    <span>API token</span>
                    <input
                      className="input mono"
                      type="password"
                      spellCheck={false}
                      autoComplete="off"
                      value={form.token}
                      placeholder="from app.platerecognizer.com"
                      onChange={(e) => update({ token: e.target.value })}
                      data-testid="cloud-token"
                    />
                  </label>
                  <div className="token-row">
                    <span className="muted small" data-testid="token-state">
                      {form.token.trim()
                        ? `Kept on this device only (${maskToken(form.token)}); sent only to ${hostOf(url) || 'the API URL'}.`
                        : 'No token stored.'}
                    </span>
                    <button
                      type="button"
                      className="btn btn-small btn-ghost"
                      disabled={!form.token}
                      onClick={forgetToken}
                      data-testid="forget-token"
                    >
                      Forget token
                    </button>
                  </div>
                </div>
              ) : (
                <p className="muted small hint">An SDK needs no token here; its licence key is set where it runs.</p>
              )}
              {problem ? (
                <p className="alert" role="alert" data-testid="cloud-problem">
                  {problem}
                </p>
              ) : null}
            </>
          ) : null}
        </fieldset>

        <fieldset className="field">
          <legend>Webhook</legend>
          <label className="check">
            <input
              type="checkbox"
              checked={form.webhookOn}
              onChange={(e) => update({ webhookOn: e.target.checked })}
              data-testid="webhook-on"
            />
            <span>
              Post each result to a URL
              <small>The reference’s webhook payload, event image.done, retried on failure.</small>
            </span>
          </label>
          {form.webhookOn ? (
            <>
              <label className="stack">
                <span>Target URL</span>
                <input
                  className="input mono"
                  type="url"
                  spellCheck={false}
                  autoComplete="off"
                  value={form.webhookUrl}
                  placeholder="https://example.com/plates"
                  onChange={(e) => update({ webhookUrl: e.target.value })}
                  data-testid="webhook-url"
                />
              </label>
              <label className="stack">
                <span>Format</span>
                <select
                  className="input"
                  value={form.webhookFormat}
                  onChange={(e) => update({ webhookFormat: e.target.value as 'json' | 'multipart' })}
                  data-testid="webhook-format"
                >
                  <option value="json">JSON data only</option>
                  <option value="multipart">Multipart, with the image</option>
                </select>
              </label>
              {hookProblem ? (
                <p className="alert" role="alert" data-testid="webhook-problem">
                  {hookProblem}
                </p>
              ) : null}
            </>
          ) : null}
        </fieldset>

        <Notice />
        {!saved ? (
          <p className="alert" role="alert">
            These settings could not be stored in this browser; they last until the page is closed.
          </p>
        ) : null}
      </div>
    </details>
  );
}

/** Where images and results go: stated plainly whenever anything leaves the device. */
function Notice() {
  const form = useCloud((s) => s.form);
  const settings = useCloud((s) => s.settings);
  const lines: string[] = [];
  if (form.policy !== 'never' && settings.cloud) {
    const host = hostOf(settings.cloud.url);
    const who =
      settings.cloud.kind === 'cloud'
        ? `Plate Recognizer (ParkPow) at ${host}, under its terms; each image read there uses a lookup of your plan`
        : `your Plate Recognizer SDK at ${host}`;
    lines.push(`${POLICY_WHEN[form.policy][0].toUpperCase()}${POLICY_WHEN[form.policy].slice(1)}, with the options above, is sent to ${who}.`);
  }
  if (settings.webhook) {
    lines.push(
      `After each image, ${settings.webhook.format === 'multipart' ? 'its result and the image itself are' : 'its result is'} sent to ${hostOf(settings.webhook.url)}.`,
    );
  }
  if (!lines.length) {
    return (
      <p className="cloud-notice is-private muted small" data-testid="cloud-notice">
        Off: images and results stay on this device.
      </p>
    );
  }
  return (
    <div className="cloud-notice" role="note" data-testid="cloud-notice">
      <strong>
        {(form.policy !== 'never' && settings.cloud) || settings.webhook?.format === 'multipart'
          ? 'Images leave this device.'
          : 'Results leave this device.'}
      </strong>
      {lines.map((l) => (
        <p key={l}>{l}</p>
      ))}
    </div>
  );
}

/** The header's promise, true to the settings: it no longer says "never leave" once something is sent. */
export function Tagline() {
  const settings = useCloud((s) => s.settings);
  const cloud = settings.cloud && settings.fallback.policy !== 'never' ? settings.cloud : null;
  let text = 'Licence plates read in your browser. Photos never leave this device.';
  if (cloud) {
    const to = cloud.kind === 'cloud' ? 'the Plate Recognizer cloud' : `your SDK at ${hostOf(cloud.url)}`;
    text = `Licence plates read in your browser; cloud fallback on: photos may be sent to ${to}.`;
  } else if (settings.webhook) {
    text = `Licence plates read in your browser; results are posted to ${hostOf(settings.webhook.url)}.`;
  }
  return (
    <p className="tagline" data-testid="tagline">
      {text}
    </p>
  );
}
