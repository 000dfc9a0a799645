// The app's Content-Security-Policy, shared by scripts/serve.js (production) and vite.config.ts (dev, preview).
// Why each part: docs/robustness.md#security.
import { createHash } from 'node:crypto';

const directives = {
  'default-src': ["'self'"],
  // Our scripts only; WebAssembly compilation (ONNX Runtime) but no eval/new Function (no 'unsafe-eval').
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  // The reader worker and ORT's threads (self); the widget's worker on a cross-origin host (blob:).
  'worker-src': ["'self'", 'blob:'],
  // Models, WASM (self); the cloud, SDK and webhook URLs are the user's: https anywhere, http on this machine.
  'connect-src': ["'self'", 'https:', 'http://localhost:*', 'http://127.0.0.1:*'],
  // Thumbnails and overlays of the user's own files are blob: URLs.
  'img-src': ["'self'", 'blob:', 'data:'],
  'style-src': ["'self'"],
  'font-src': ["'self'"],
  'manifest-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  // Not framed by other sites (clickjacking); the <plate-reader> widget is how other sites embed the reader.
  'frame-ancestors': ["'self'"],
};

function render(d) {
  return Object.entries(d)
    .map(([k, v]) => `${k} ${v.join(' ')}`)
    .join('; ');
}

/** The policy for every response of the production build. */
export const CSP = render(directives);

/**
 * The policy for one HTML page: the base policy plus the hashes of the page's own inline <script> and <style>
 * blocks (the widget demo page has some); nothing else inline runs.
 */
export function cspForHtml(html) {
  const d = { ...directives, 'script-src': [...directives['script-src']], 'style-src': [...directives['style-src']] };
  for (const m of html.matchAll(/<(script|style)\b([^>]*)>([\s\S]*?)<\/\1\s*>/gi)) {
    const kind = m[1].toLowerCase();
    if (kind === 'script' && /\bsrc\s*=/i.test(m[2])) continue;
    d[`${kind}-src`].push(`'sha256-${createHash('sha256').update(m[3], 'utf8').digest('base64')}'`);
  }
  return render(d);
}

/**
 * The dev server's policy: the same, plus what Vite's dev server itself needs — the React refresh preamble
 * (an inline script), CSS injected as <style> elements, and the HMR websocket.
 */
export const DEV_CSP = render({
  ...directives,
  'script-src': [...directives['script-src'], "'unsafe-inline'"],
  'style-src': [...directives['style-src'], "'unsafe-inline'"],
  'connect-src': [...directives['connect-src'], 'ws://localhost:*', 'ws://127.0.0.1:*'],
});
