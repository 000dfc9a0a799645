import { useState } from 'react';
import type { Mode } from '../../api/types';
import { optionsError } from '../runner';
import { configOf, DEFAULT_OPTIONS, useStore } from '../store';
import { RegionPicker } from './RegionPicker';

const MODE_HINT: Record<Mode, string> = {
  normal: '',
  fast: 'Fast: one detection pass, quicker, may miss small plates.',
  redaction: 'Redaction: more candidates, misses fewer plates but finds more false ones.',
};

const isDesktop = () => typeof matchMedia === 'function' && matchMedia('(min-width: 960px)').matches;

/** The API's request fields: regions, config, mmc, camera_id. */
export function OptionsPanel() {
  const options = useStore((s) => s.options);
  const setOptions = useStore((s) => s.setOptions);
  const resetOptions = useStore((s) => s.resetOptions);
  const rereadAll = useStore((s) => s.rereadAll);
  const anyRead = useStore((s) => s.items.some((i) => i.status === 'done' || i.status === 'error'));
  const [open, setOpen] = useState(isDesktop);
  const error = optionsError(options);
  const config = configOf(options);
  const changed = JSON.stringify(options) !== JSON.stringify(DEFAULT_OPTIONS);

  return (
    <details
      className="panel options"
      open={open}
      onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}
      data-testid="options"
    >
      <summary className="panel-title">
        <span>Options</span>
        <span className="muted small">{changed ? 'custom' : 'API defaults'}</span>
      </summary>
      <div className="options-body">
        <fieldset className="field">
          <legend>Regions</legend>
          <RegionPicker value={options.regions} onChange={(regions) => setOptions({ regions })} />
          <label className="check">
            <input
              type="checkbox"
              checked={options.regionStrict}
              onChange={(e) => setOptions({ regionStrict: e.target.checked })}
            />
            <span>
              Strict region <code>region: "strict"</code>
              <small>Drop readings that fit no chosen region (or text format).</small>
            </span>
          </label>
        </fieldset>

        <fieldset className="field">
          <legend>Engine</legend>
          <div className="row">
            <label className="stack">
              <span>Mode</span>
              <select
                className="input"
                value={options.mode}
                onChange={(e) => setOptions({ mode: e.target.value as Mode })}
                data-testid="opt-mode"
              >
                <option value="normal">normal</option>
                <option value="fast">fast</option>
                <option value="redaction">redaction</option>
              </select>
            </label>
            <label className="stack">
              <span>Detection mode</span>
              <select
                className="input"
                value={options.detectionMode}
                onChange={(e) => setOptions({ detectionMode: e.target.value as 'plate' | 'vehicle' })}
              >
                <option value="plate">plate</option>
                <option value="vehicle">vehicle</option>
              </select>
            </label>
          </div>
          {MODE_HINT[options.mode] || options.detectionMode === 'vehicle' ? (
            <p className="muted small hint">
              {MODE_HINT[options.mode]}
              {MODE_HINT[options.mode] && options.detectionMode === 'vehicle' ? ' ' : ''}
              {options.detectionMode === 'vehicle' ? 'Vehicle mode answers with the nested vehicle shape.' : ''}
            </p>
          ) : null}
          <div className="row row-1">
            <ThresholdSlider label="Detection threshold" field="threshold_d" value={options.threshold_d} onChange={setOptions} />
            <ThresholdSlider label="Reading threshold" field="threshold_o" value={options.threshold_o} onChange={setOptions} />
          </div>
          <label className="check">
            <input
              type="checkbox"
              checked={options.detectionRuleStrict}
              onChange={(e) => setOptions({ detectionRuleStrict: e.target.checked })}
            />
            <span>
              Strict detection <code>detection_rule: "strict"</code>
              <small>Drop plates found outside a vehicle.</small>
            </span>
          </label>
          <label className="stack">
            <span>
              Text formats <code>text_formats</code>
            </span>
            <textarea
              className="input mono"
              rows={2}
              spellCheck={false}
              placeholder={'one regular expression per line, e.g.\n[0-9][0-9][0-9][a-z][a-z]'}
              value={options.textFormats}
              onChange={(e) => setOptions({ textFormats: e.target.value })}
            />
          </label>
        </fieldset>

        <fieldset className="field">
          <legend>Request</legend>
          <label className="check">
            <input type="checkbox" checked={options.mmc} onChange={(e) => setOptions({ mmc: e.target.checked })} />
            <span>
              Make, model, colour <code>mmc</code>
            </span>
          </label>
          <label className="stack">
            <span>
              Camera ID <code>camera_id</code>
            </span>
            <input
              className="input"
              value={options.cameraId}
              maxLength={200}
              placeholder="optional, returned as-is"
              onChange={(e) => setOptions({ cameraId: e.target.value })}
            />
          </label>
        </fieldset>

        {error ? (
          <p className="alert" role="alert" data-testid="options-error">
            {error} — reading is paused until this is fixed.
          </p>
        ) : null}

        <div className="config-preview">
          <span className="muted small">config</span>
          <code data-testid="config-json">{JSON.stringify(config)}</code>
        </div>

        <div className="options-actions">
          <button type="button" className="btn btn-small" onClick={rereadAll} disabled={!anyRead || !!error}>
            Re-read all with these options
          </button>
          <button type="button" className="btn btn-small btn-ghost" onClick={resetOptions} disabled={!changed}>
            Reset
          </button>
        </div>
      </div>
    </details>
  );
}

/** One of the two API thresholds (0..1) as a labelled slider. */
function ThresholdSlider(props: {
  label: string;
  field: 'threshold_d' | 'threshold_o';
  value: number;
  onChange: (patch: { threshold_d?: number; threshold_o?: number }) => void;
}) {
  const { label, field, value, onChange } = props;
  return (
    <label className="stack">
      <span>
        {label} <code>{field}</code>
      </span>
      <span className="range">
        <input
          type="range"
          min={0}
          max={1}
          step={0.05}
          value={value}
          onChange={(e) => onChange({ [field]: Number(e.target.value) })}
        />
        <output>{value.toFixed(2)}</output>
      </span>
    </label>
  );
}
