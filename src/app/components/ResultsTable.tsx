import { memo } from 'react';
import { findingsOf } from '../results';
import { useStore, type QueueItem } from '../store';
import { EngineBadge, WebhookBadge } from './ReadSource';

const fmt = (n: number | null) => (n === null ? '—' : n.toFixed(3));

/** The rows of one image. Memoised: a batch's update re-renders the rows of the image that changed only. */
const ItemRows = memo(function ItemRows({ it, select }: { it: QueueItem; select: (id: string) => void }) {
  const open = () => select(it.id);
  const file = (
    <td className="file-cell">
      <button type="button" className="link" onClick={open} title={it.name}>
        {it.name}
      </button>
    </td>
  );
  if (it.status === 'error') {
    return (
      <tr key={it.id} className="row-error" data-testid="error-row" data-id={it.id}>
        {file}
        <td colSpan={6}>
          <span className="status status-error">Error {it.error?.error.code}</span>{' '}
          {it.error?.error.message}
        </td>
      </tr>
    );
  }
  const found = it.response ? findingsOf(it.response) : [];
  const engine = (first: boolean) => (
    <td className="engine-cell">
      <EngineBadge item={it} />
      {first ? <WebhookBadge item={it} /> : null}
    </td>
  );
  if (!found.length) {
    return (
      <tr key={it.id} className="row-empty" data-testid="empty-row" data-id={it.id}>
        {file}
        <td colSpan={5} className="muted">
          No plate found
        </td>
        {engine(true)}
      </tr>
    );
  }
  return found.map((f, i) => (
    <tr key={`${it.id}-${i}`} data-testid="result-row" data-id={it.id}>
      {file}
      <td>
        {f.plate ? (
          <span className="plate-chip" data-testid="row-plate" title={f.candidates.map((c) => `${c.plate} ${c.score}`).join('\n')}>
            {f.plate}
          </span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="num">{fmt(f.score)}</td>
      <td className="num">{fmt(f.dscore)}</td>
      <td>
        {f.region ? <code>{f.region}</code> : <span className="muted">—</span>}
        {f.regionScore !== null ? <span className="muted small"> {f.regionScore.toFixed(2)}</span> : null}
      </td>
      <td>{f.vehicleType || <span className="muted">—</span>}</td>
      {engine(i === 0)}
    </tr>
  ));
});

/** Every plate of every image; one row per failed image; one row per image without a plate. */
export function ResultsTable() {
  const items = useStore((s) => s.items);
  const select = useStore((s) => s.select);
  const finished = items.filter((i) => i.status === 'done' || i.status === 'error');
  if (!finished.length) return null;
  return (
    <section className="panel table-panel" aria-label="Results">
      <h2 className="panel-title">Results</h2>
      <div className="table-scroll">
        <table className="results" data-testid="results-table">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Plate</th>
              <th scope="col" className="num">
                Score
              </th>
              <th scope="col" className="num">
                dscore
              </th>
              <th scope="col">Region</th>
              <th scope="col">Vehicle</th>
              <th scope="col">Engine</th>
            </tr>
          </thead>
          <tbody>
            {finished.map((it) => (
              <ItemRows key={it.id} it={it} select={select} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
