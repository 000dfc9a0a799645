import { useEffect, useRef, useState } from 'react';
import { filesFromClipboard, filesFromDataTransfer, filesFromInput, type NamedFile } from '../files';
import { useStore } from '../store';

/** The sample scenes in public/samples/ (synthetic, rendered by our own code: tests/fixtures/). */
export const SAMPLES = ['samples/two_cars_1280x720.jpg', 'samples/de_car_800x600.jpg', 'samples/night_ro_1280x720.jpg'];

async function loadSamples(): Promise<NamedFile[]> {
  const out: NamedFile[] = [];
  for (const path of SAMPLES) {
    const res = await fetch(path);
    if (!res.ok) continue;
    out.push({ file: await res.blob(), name: path.split('/').pop()! });
  }
  return out;
}

export function DropZone({ compact }: { compact: boolean }) {
  const addFiles = useStore((s) => s.addFiles);
  const [over, setOver] = useState(false);
  const [busy, setBusy] = useState(false);
  const depth = useRef(0);
  const fileInput = useRef<HTMLInputElement>(null);
  const dirInput = useRef<HTMLInputElement>(null);

  // Paste anywhere on the page (not into a text field).
  useEffect(() => {
    const onPaste = (e: ClipboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) return;
      const files = filesFromClipboard(e.clipboardData);
      if (files.length) {
        e.preventDefault();
        addFiles(files);
      }
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  }, [addFiles]);

  // The whole window takes drops (the zone scrolls away once images are queued), and a veil says so while
  // files are dragged over it. Without this, a drop outside the zone would open the file in the tab.
  useEffect(() => {
    const hasFiles = (e: DragEvent) => !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
    const onEnter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth.current++;
      setOver(true);
    };
    const onOver = (e: DragEvent) => {
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const onLeave = () => {
      depth.current = Math.max(0, depth.current - 1);
      if (!depth.current) setOver(false);
    };
    const onDrop = async (e: DragEvent) => {
      e.preventDefault();
      depth.current = 0;
      setOver(false);
      if (!e.dataTransfer) return;
      const pending = filesFromDataTransfer(e.dataTransfer); // takes the entries synchronously
      setBusy(true);
      try {
        addFiles(await pending);
      } finally {
        setBusy(false);
      }
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, [addFiles]);

  return (
    <section
      className={`dropzone${over ? ' is-over' : ''}${compact ? ' is-compact' : ''}`}
      data-testid="dropzone"
      aria-label="Add photos"
    >
      <div className="dropzone-icon" aria-hidden="true">
        <svg viewBox="0 0 48 48" width="40" height="40">
          <path d="M24 30V10M16 18l8-8 8 8" fill="none" stroke="currentColor" strokeWidth="3" strokeLinecap="round" strokeLinejoin="round" />
          <path d="M8 28v8a4 4 0 004 4h24a4 4 0 004-4v-8" fill="none" stroke="currentColor" strokeWidth="3" strokeLinecap="round" />
        </svg>
      </div>
      <div className="dropzone-text">
        <p className="dropzone-title">
          {busy ? (
            'Reading the folder…'
          ) : (
            <>
              <span className="on-pointer">Drop photos or folders here</span>
              <span className="on-touch">Add photos</span>
            </>
          )}
        </p>
        <p className="dropzone-hint">
          <span className="on-pointer">or paste an image · </span>JPEG, PNG, WebP, AVIF, GIF, BMP
        </p>
      </div>
      <div className="dropzone-actions">
        <button type="button" className="btn btn-primary" onClick={() => fileInput.current?.click()}>
          Choose files
        </button>
        <button type="button" className="btn" onClick={() => dirInput.current?.click()}>
          Choose folder
        </button>
        <button
          type="button"
          className="btn btn-ghost"
          data-testid="try-sample"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            try {
              addFiles(await loadSamples());
            } finally {
              setBusy(false);
            }
          }}
        >
          Try a sample
        </button>
      </div>
      {over ? (
        <div className="drop-veil" aria-hidden="true">
          <p>Drop photos or folders to read them</p>
        </div>
      ) : null}
      <input
        ref={fileInput}
        type="file"
        multiple
        accept="image/*"
        hidden
        data-testid="file-input"
        onChange={(e) => {
          addFiles(filesFromInput(e.currentTarget.files));
          e.currentTarget.value = '';
        }}
      />
      <input
        ref={dirInput}
        type="file"
        multiple
        hidden
        data-testid="folder-input"
        {...{ webkitdirectory: '', directory: '' }}
        onChange={(e) => {
          addFiles(filesFromInput(e.currentTarget.files));
          e.currentTarget.value = '';
        }}
      />
    </section>
  );
}
