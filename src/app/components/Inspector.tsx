import { useEffect, useRef, useState } from 'react';
import { downloadText, stem } from '../results';
import { useStore } from '../store';
import { AnnotatedImage } from './AnnotatedImage';
import { ReadInfo } from './ReadSource';

/** The selected image, large, with the raw JSON of its response (or its error body). */
export function Inspector() {
  const items = useStore((s) => s.items);
  const selectedId = useStore((s) => s.selectedId);
  const select = useStore((s) => s.select);
  const [copied, setCopied] = useState(false);
  const ref = useRef<HTMLElement>(null);
  // Show the chosen image; before any choice, the first one read.
  const item =
    items.find((i) => i.id === selectedId) ?? items.find((i) => i.status === 'done' || i.status === 'error');

  useEffect(() => {
    if (selectedId && ref.current) ref.current.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
  }, [selectedId]);
  useEffect(() => setCopied(false), [item?.id]);

  if (!item) return null;
  const body = item.status === 'done' ? item.response : item.status === 'error' ? item.error : undefined;
  const json = body ? JSON.stringify(body, null, 2) : '';
  return (
    <section className="panel inspector" ref={ref} aria-label="Selected image" data-testid="inspector" data-id={item.id}>
      <div className="panel-title inspector-head">
        <h2 className="inspector-name" title={item.name}>
          {item.name}
        </h2>
        {selectedId ? (
          <button type="button" className="icon-btn" aria-label="Close details" onClick={() => select(null)}>
            ×
          </button>
        ) : null}
      </div>
      <div className="inspector-body">
        <AnnotatedImage key={item.id} item={item} className="inspector-image" labelSize={1 / 32} />
        <div className="json">
          <ReadInfo item={item} />
          <div className="json-head">
            <span className="muted small">
              {item.status === 'error' ? 'Error response' : 'Response'}
              {item.wallMs ? ` · ${Math.round(item.wallMs)} ms` : ''}
            </span>
            <span className="json-actions">
              <button
                type="button"
                className="btn btn-small"
                disabled={!json}
                data-testid="copy-json"
                onClick={async () => {
                  try {
                    await navigator.clipboard.writeText(json);
                    setCopied(true);
                  } catch {
                    setCopied(false);
                  }
                }}
              >
                {copied ? 'Copied' : 'Copy'}
              </button>
              <button
                type="button"
                className="btn btn-small"
                disabled={!json}
                data-testid="download-json"
                onClick={() => downloadText(json + '\n', `${stem(item.name)}.json`, 'application/json')}
              >
                Download
              </button>
            </span>
          </div>
          <pre className="json-body" data-testid="raw-json" tabIndex={0}>
            {json || (item.status === 'reading' ? 'Reading…' : 'Queued')}
          </pre>
        </div>
      </div>
    </section>
  );
}
