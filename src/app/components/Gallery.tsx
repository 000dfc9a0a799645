import { findingsOf } from '../results';
import { useStore, type QueueItem } from '../store';
import { AnnotatedImage } from './AnnotatedImage';

const STATUS_LABEL: Record<QueueItem['status'], string> = {
  queued: 'Queued',
  reading: 'Reading…',
  done: 'Read',
  error: 'Failed',
};

function Card({ item, selected }: { item: QueueItem; selected: boolean }) {
  const select = useStore((s) => s.select);
  const removeItem = useStore((s) => s.removeItem);
  const plates = item.status === 'done' && item.response ? findingsOf(item.response) : [];
  return (
    <li
      className={`card${selected ? ' is-selected' : ''}`}
      data-testid="image-card"
      data-status={item.status}
      data-id={item.id}
    >
      <button
        type="button"
        className="card-hit"
        aria-label={`Show details of ${item.name}`}
        aria-pressed={selected}
        onClick={() => select(item.id)}
      />
      <AnnotatedImage item={item} className="card-image" labelSize={1 / 16} lazy />
      <div className="card-body">
        <div className="card-head">
          <span className="card-name" title={item.name} data-testid="card-name">
            {item.name}
          </span>
          <button
            type="button"
            className="icon-btn card-remove"
            aria-label={`Remove ${item.name}`}
            onClick={() => removeItem(item.id)}
          >
            ×
          </button>
        </div>
        <div className="card-meta">
          <span className={`status status-${item.status}`} data-testid="card-status">
            {STATUS_LABEL[item.status]}
          </span>
          {item.status === 'done' ? (
            plates.length ? (
              plates.map((p, i) =>
                p.plate ? (
                  <span key={i} className="plate-chip">
                    {p.plate}
                  </span>
                ) : null,
              )
            ) : (
              <span className="muted small">no plate found</span>
            )
          ) : null}
          {item.status === 'error' ? (
            <span className="card-error small" title={item.error?.error.message}>
              {item.error?.error.message}
            </span>
          ) : null}
        </div>
      </div>
    </li>
  );
}

export function Gallery() {
  const items = useStore((s) => s.items);
  const selectedId = useStore((s) => s.selectedId);
  if (!items.length) return null;
  return (
    <section aria-label="Images">
      <ul className="gallery" data-testid="gallery">
        {items.map((it) => (
          <Card key={it.id} item={it} selected={it.id === selectedId} />
        ))}
      </ul>
    </section>
  );
}
