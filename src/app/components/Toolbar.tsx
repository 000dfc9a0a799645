import { exportCsv, exportJson, downloadText } from '../results';
import { progressOf, useStore } from '../store';

const images = (n: number) => `${n} ${n === 1 ? 'image' : 'images'}`;

/** Overall progress and the batch actions: pause/resume, cancel, export, clear. */
export function Toolbar() {
  const items = useStore((s) => s.items);
  const clear = useStore((s) => s.clear);
  const engine = useStore((s) => s.engine.status);
  const paused = useStore((s) => s.paused);
  const setPaused = useStore((s) => s.setPaused);
  const cancelled = useStore((s) => s.cancelled);
  const cancelQueued = useStore((s) => s.cancelQueued);
  const { total, finished, errors, plates, queued, reading } = progressOf(items);
  if (!total) return null;
  const pct = (100 * finished) / total;
  const busy = finished < total;
  const status = !busy
    ? `${images(total)} done`
    : paused
      ? reading
        ? `Pausing — finishing the image being read (${finished} of ${total} done)…`
        : `Paused — ${finished} of ${total} done, ${queued} waiting`
      : engine === 'ready'
        ? `Reading ${Math.min(finished + 1, total)} of ${total}…`
        : engine === 'error'
          ? `${total} queued — the reader failed to start`
          : `${total} queued — the reader is loading`;
  return (
    <section
      className="toolbar panel"
      aria-label="Progress"
      data-testid="toolbar"
      data-total={total}
      data-finished={finished}
      data-reading={reading}
      data-queued={queued}
      data-paused={paused ? 'true' : 'false'}
    >
      <div className="toolbar-status">
        <p className="toolbar-text" data-testid="progress-text">
          {status}
          <span className="muted">
            {' '}
            · {plates} {plates === 1 ? 'plate' : 'plates'}
            {errors ? ` · ${errors} failed` : ''}
            {cancelled ? ` · cancelled: ${images(cancelled)} not read, removed` : ''}
          </span>
        </p>
        <div
          className="bar"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={total}
          aria-valuenow={finished}
          data-testid="progress"
        >
          <span className="bar-fill" style={{ width: `${pct}%` }} />
        </div>
      </div>
      <div className="toolbar-actions">
        {busy ? (
          <>
            <button
              type="button"
              className="btn btn-small"
              data-testid="pause"
              aria-pressed={paused}
              title={paused ? 'Go on reading the queue' : 'Finish the image being read, then wait'}
              onClick={() => setPaused(!paused)}
            >
              {paused ? 'Resume' : 'Pause'}
            </button>
            {queued ? (
              <button
                type="button"
                className="btn btn-small btn-ghost"
                data-testid="cancel"
                title="Stop: finish the image being read and remove the images not read yet (results so far are kept)"
                onClick={cancelQueued}
              >
                Cancel
              </button>
            ) : null}
          </>
        ) : null}
        <button
          type="button"
          className="btn btn-small"
          data-testid="export-json"
          disabled={!finished}
          onClick={() => downloadText(exportJson(items), 'plates.json', 'application/json')}
        >
          Export JSON
        </button>
        <button
          type="button"
          className="btn btn-small"
          data-testid="export-csv"
          disabled={!finished}
          onClick={() => downloadText(exportCsv(items), 'plates.csv', 'text/csv;charset=utf-8')}
        >
          Export CSV
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={clear} data-testid="clear">
          Clear
        </button>
      </div>
    </section>
  );
}
