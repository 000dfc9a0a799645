import { useEffect } from 'react';
import { CloudSettings } from './components/CloudSettings';
import { DropZone } from './components/DropZone';
import { Gallery } from './components/Gallery';
import { Header } from './components/Header';
import { Inspector } from './components/Inspector';
import { OptionsPanel } from './components/OptionsPanel';
import { ResultsTable } from './components/ResultsTable';
import { Toolbar } from './components/Toolbar';
import { useCloud } from './cloud';
import { startReader } from './runner';
import { useStore } from './store';

function Intro() {
  // True to the cloud settings: "nothing is uploaded" only while nothing is.
  const sends = useCloud((s) => (!!s.settings.cloud && s.settings.fallback.policy !== 'never') || !!s.settings.webhook);
  return (
    <ul className="intro" aria-label="About">
      <li>
        <strong>Private</strong>
        <span data-testid="intro-private">
          {sends
            ? 'Photos are read on this device; the cloud fallback or webhook you set up sends some data out (see Cloud fallback & webhook).'
            : 'Photos are read on this device by a model in the page; nothing is uploaded.'}
        </span>
      </li>
      <li>
        <strong>API-compatible</strong>
        <span>Each photo gives the exact JSON of the Plate Recognizer Snapshot API.</span>
      </li>
      <li>
        <strong>Batches</strong>
        <span>Drop whole folders; export every plate as JSON or CSV.</span>
      </li>
    </ul>
  );
}

export function App() {
  const hasItems = useStore((s) => s.items.length > 0);
  const backend = useStore((s) => s.engine.info?.backend ?? '');
  const engineStatus = useStore((s) => s.engine.status);

  // Start the worker and fetch the models at once, while the user is still choosing photos.
  useEffect(() => startReader(), []);

  return (
    <div className="app" data-backend={backend} data-engine={engineStatus}>
      <Header />
      <main className="layout">
        <div className="workspace">
          <DropZone compact={hasItems} />
          {hasItems ? null : <Intro />}
          <Toolbar />
          <Gallery />
          <ResultsTable />
          <Inspector />
        </div>
        <aside className="sidebar">
          <OptionsPanel />
          <CloudSettings />
        </aside>
      </main>
      <footer className="footer muted small">
        Responses follow the Plate Recognizer Snapshot API (<code>POST /v1/plate-reader/</code>) field for field.
        Everything runs on this device with ONNX Runtime Web.
      </footer>
    </div>
  );
}
