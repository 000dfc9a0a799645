import { retryReader } from '../runner';
import { useStore } from '../store';
import { Tagline } from './CloudSettings';

const mb = (n: number) => (n / 1e6).toFixed(1);

/** Title, the backend badge (data-backend for tests) and the model download. */
export function Header() {
  const engine = useStore((s) => s.engine);
  const { status, info, progress, error } = engine;
  const pct = progress && progress.total > 0 ? Math.min(100, (100 * progress.loaded) / progress.total) : null;
  return (
    <header className="header">
      <div className="brand">
        <svg className="brand-logo" viewBox="0 0 32 32" aria-hidden="true">
          <rect x="1.5" y="8.5" width="29" height="15" rx="3" fill="#ffd400" stroke="#111" strokeWidth="2" />
          <path d="M2.5 11.5a2 2 0 012-2h3v13h-3a2 2 0 01-2-2z" fill="#1d4ed8" />
          <path d="M11 13v6M15 13v6M19 13v6M23 13v6M26.5 13v6" stroke="#111" strokeWidth="2.2" strokeLinecap="round" />
        </svg>
        <div>
          <h1>Plate Reader</h1>
          <Tagline />
        </div>
      </div>
      <div className="engine" aria-live="polite">
        {status === 'ready' && info ? (
          <span
            className={`badge badge-${info.backend}`}
            data-testid="backend"
            data-backend={info.backend}
            data-threads={info.threads}
            title={`Models ${info.modelsVersion}`}
          >
            <span className="badge-dot" aria-hidden="true" />
            {info.backend === 'webgpu' ? 'WebGPU' : 'WASM'}
            <span className="badge-sep">·</span>
            {info.threads} {info.threads === 1 ? 'thread' : 'threads'}
          </span>
        ) : status === 'error' ? (
          <span className="engine-error" role="alert">
            <span className="badge badge-error" data-testid="backend" data-backend="" title={error ?? ''}>
              The reader could not start: {error}
            </span>
            <button type="button" className="btn btn-small" onClick={retryReader}>
              Retry
            </button>
          </span>
        ) : (
          <div className="model-progress" data-testid="model-progress">
            <span className="small">
              {progress
                ? `Loading ${progress.file} ${mb(progress.loaded)}${progress.total ? ` / ${mb(progress.total)}` : ''} MB`
                : 'Starting the reader…'}
            </span>
            <span className="bar bar-thin">
              <span
                className={`bar-fill${pct === null ? ' is-indeterminate' : ''}`}
                style={pct === null ? undefined : { width: `${pct}%` }}
              />
            </span>
          </div>
        )}
      </div>
    </header>
  );
}
