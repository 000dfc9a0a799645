import { memo, useLayoutEffect, useRef, useState } from 'react';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { findingsOf } from '../results';
import { useStore, type QueueItem } from '../store';
import { AnnotatedImage } from './AnnotatedImage';

/**
 * From this many images on, only the rows of cards near the screen are in the page (a windowed list): a batch of
 * 1,000 would otherwise put 1,000 cards (15,000 elements) in the page at once and re-lay them all out on every
 * update, blocking the main thread for seconds (measured in e2e/batch.spec.ts). Smaller batches render every card.
 */
export const WINDOW_FROM = 60;

const STATUS_LABEL: Record<QueueItem['status'], string> = {
  queued: 'Queued',
  reading: 'Reading…',
  done: 'Read',
  error: 'Failed',
};

/** One image's card. Memoised: an update to one image re-renders that card only. */
const Card = memo(function Card({ item, selected }: { item: QueueItem; selected: boolean }) {
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
});

/** Columns of `.gallery` at this width, as its CSS grid lays them out (styles.css: 240 px minimum, 2 on phones). */
function columnsFor(width: number): number {
  if (window.matchMedia('(max-width: 599px)').matches) return 2;
  return Math.max(1, Math.floor((width + 14) / (240 + 14)));
}

/** A long batch: rows of cards, only those near the viewport mounted (the page scrolls as usual). */
function WindowedGallery({ items, selectedId }: { items: QueueItem[]; selectedId: string | null }) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [top, setTop] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current!;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, []);
  const cols = width ? columnsFor(width) : 1;
  // Where the list starts in the page (it moves when the content above changes height: re-read with the width or
  // the number of images, not on every update, which would force a layout per image read).
  useLayoutEffect(() => {
    const t = Math.round(ref.current!.getBoundingClientRect().top + window.scrollY);
    setTop((prev) => (prev === t ? prev : t));
  }, [width, items.length]);
  const rows = Math.ceil(items.length / cols);
  const v = useWindowVirtualizer({ count: rows, estimateSize: () => 320, overscan: 2, scrollMargin: top });
  return (
    <div ref={ref} className="gallery-window" style={{ height: v.getTotalSize() }} data-testid="gallery" data-windowed="true">
      {v.getVirtualItems().map((row) => (
        <ul
          key={row.key}
          ref={v.measureElement}
          data-index={row.index}
          className="gallery gallery-row"
          style={{ transform: `translateY(${row.start - top}px)` }}
        >
          {items.slice(row.index * cols, row.index * cols + cols).map((it) => (
            <Card key={it.id} item={it} selected={it.id === selectedId} />
          ))}
        </ul>
      ))}
    </div>
  );
}

export function Gallery() {
  const items = useStore((s) => s.items);
  const selectedId = useStore((s) => s.selectedId);
  if (!items.length) return null;
  return (
    <section aria-label="Images">
      {items.length >= WINDOW_FROM ? (
        <WindowedGallery items={items} selectedId={selectedId} />
      ) : (
        <ul className="gallery" data-testid="gallery">
          {items.map((it) => (
            <Card key={it.id} item={it} selected={it.id === selectedId} />
          ))}
        </ul>
      )}
    </section>
  );
}
