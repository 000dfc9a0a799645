import { exportCsv, exportJson, downloadText } from '../results';
import { progressOf, useStore } from '../store';

/** Overall progress and the batch actions. */
export function Toolbar() {
  const items = useStore((s) => s.items);
  const clear = useStore((s) => s.clear);
  const engine = useStore((s) => s.engine.status);
  const { total, finished, errors, plates } = progressOf(items);
  if (!total) return null;
  const pct = (100 * finished) / total;
  const busy = finished < total;
  return (
    <section className="toolbar panel" aria-label="Progress">
      <div className="toolbar-status">
        <p className="toolbar-text" data-testid="progress-text">
          {busy
            ? engine === 'ready'
              ? `Reading ${Math.min(finished + 1, total)} of ${total}…`
              : engine === 'error'
                ? `${total} queued — the reader failed to start`
                : `${total} queued — the reader is loading`
            : `${total} ${total === 1 ? 'image' : 'images'} done`}
          <span className="muted">
            {' '}
            · {plates} {plates === 1 ? 'plate' : 'plates'}
            {errors ? ` · ${errors} failed` : ''}
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
