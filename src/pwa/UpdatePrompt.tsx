import { useEffect, useState } from 'react';
import { registerPwa, type PwaHandle } from './register';

const bar: React.CSSProperties = {
  position: 'fixed',
  left: '50%',
  bottom: 16,
  transform: 'translateX(-50%)',
  zIndex: 1000,
  display: 'flex',
  alignItems: 'center',
  gap: 12,
  padding: '10px 14px',
  borderRadius: 8,
  background: '#0f172a',
  color: '#f8fafc',
  boxShadow: '0 4px 16px rgba(0,0,0,.3)',
  font: '14px system-ui, sans-serif',
};
const button: React.CSSProperties = {
  font: 'inherit',
  padding: '4px 12px',
  borderRadius: 6,
  border: 0,
  background: '#ffd400',
  color: '#111',
  cursor: 'pointer',
};

/** Registers the service worker; shows "A new version is available — Reload" when one is waiting. */
export function UpdatePrompt() {
  const [waiting, setWaiting] = useState<PwaHandle | null>(null);
  useEffect(() => registerPwa((h) => setWaiting(h)), []);
  if (!waiting) return null;
  return (
    <div role="status" data-testid="pwa-update" style={bar}>
      <span>A new version is available</span>
      <button type="button" style={button} onClick={() => void waiting.update()}>
        Reload
      </button>
      <button type="button" style={{ ...button, background: 'transparent', color: '#f8fafc' }} aria-label="Dismiss" onClick={() => setWaiting(null)}>
        ✕
      </button>
    </div>
  );
}
