import { useState } from 'react';
import { objectUrl, type QueueItem } from '../store';
import { Overlay } from './Overlay';

/**
 * An image shown "contain" inside its frame, with the overlay laid over the same frame. The overlay only
 * needs the image's natural size, read once it has loaded.
 */
export function AnnotatedImage({
  item,
  labelSize,
  className,
  lazy = false,
}: {
  item: QueueItem;
  labelSize?: number;
  className?: string;
  /** Thumbnails of a long batch: decode only those near the screen. */
  lazy?: boolean;
}) {
  const [size, setSize] = useState<{ w: number; h: number } | null>(null);
  const [broken, setBroken] = useState(false);
  return (
    <div className={`annotated ${className ?? ''}`}>
      {broken ? (
        <div className="annotated-broken" role="img" aria-label="The browser cannot display this file">
          <span aria-hidden="true">⚠</span>
        </div>
      ) : (
        <img
          src={objectUrl(item)}
          alt={item.name}
          decoding="async"
          loading={lazy ? 'lazy' : 'eager'}
          draggable={false}
          onLoad={(e) => setSize({ w: e.currentTarget.naturalWidth, h: e.currentTarget.naturalHeight })}
          onError={() => setBroken(true)}
        />
      )}
      {size && !broken && item.status === 'done' ? (
        <Overlay response={item.response} width={size.w} height={size.h} labelSize={labelSize} />
      ) : null}
    </div>
  );
}
