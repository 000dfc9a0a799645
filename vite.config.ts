import { cpSync, existsSync, readdirSync, statSync, createReadStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { CSP, DEV_CSP } from './scripts/csp.js';

// Multi-threaded WASM needs SharedArrayBuffer, which needs cross-origin isolation.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const modelsDir = fileURLToPath(new URL('./models', import.meta.url));
/** The files the app fetches at run time: graphs, sidecars and the manifest (model cards stay in the repo). */
const isModelAsset = (name: string) => /\.(onnx|json)$/.test(name);

/**
 * models/ lives at the repo root (training writes it, the CLI reads it), not in public/.
 * Serve it at /models/ in dev and copy it to dist/models/ on build, rather than duplicating it in public/.
 */
function modelsPlugin(): Plugin {
  let outDir = 'dist';
  return {
    name: 'alpr-models',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    configureServer(server) {
      server.middlewares.use('/models/', (req, res) => {
        const name = decodeURIComponent((req.url ?? '').split('?')[0].replace(/^\/+/, ''));
        const file = join(modelsDir, name);
        // A 404, not the SPA fallback's index.html, for anything missing under /models/.
        if (!isModelAsset(name) || name.includes('/') || name.includes('..') || !existsSync(file)) {
          res.statusCode = 404;
          res.end('not found');
          return;
        }
        res.setHeader('Content-Type', name.endsWith('.json') ? 'application/json' : 'application/octet-stream');
        res.setHeader('Content-Length', String(statSync(file).size));
        for (const [k, v] of Object.entries(isolationHeaders)) res.setHeader(k, v);
        createReadStream(file).pipe(res);
      });
    },
    writeBundle() {
      if (!existsSync(modelsDir)) return;
      for (const name of readdirSync(modelsDir)) {
        if (isModelAsset(name)) cpSync(join(modelsDir, name), join(outDir, 'models', name));
      }
    },
  };
}

export default defineConfig({
  // Relative base: the build works from any sub-path (GitHub Pages, the widget's host page).
  base: './',
  plugins: [
    react(),
    modelsPlugin(),
    // Installable, offline after the first visit, and the in-page API (docs/pwa.md). Our own service worker,
    // src/sw/sw.ts, built by the plugin; Workbox injects the precache list at closeBundle, after modelsPlugin has
    // copied the models at writeBundle, so the glob below finds them in dist/models/.
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      registerType: 'prompt',
      // src/pwa/register.ts registers it (and shows the update banner).
      injectRegister: false,
      // The glob below already lists the icons and the favicon.
      includeManifestIcons: false,
      manifest: {
        id: './',
        name: 'Plate Reader',
        short_name: 'Plate Reader',
        description: 'Read licence plates in your browser. Photos never leave your device.',
        start_url: './',
        scope: './',
        display: 'standalone',
        background_color: '#0f172a',
        theme_color: '#0f172a',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        // App shell, models and sample photos. ORT's wasm builds are listed too, only so the SW knows their URLs:
        // it leaves them out of the precache and keeps the one the page loads (src/sw/sw.ts).
        globPatterns: ['**/*.{html,js,css,svg,png,jpg,wasm,webmanifest}', 'models/*.{onnx,json}'],
        // The widget and its demo page are for other sites; the app never loads them.
        globIgnores: ['widget*', '**/widget*'],
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        // One classic script: no module service worker needed.
        rollupFormat: 'iife',
      },
    }),
  ],
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // The app, and the embeddable <plate-reader> widget at a stable URL: dist/widget.js (docs/widget.md).
      input: {
        index: fileURLToPath(new URL('./index.html', import.meta.url)),
        widget: fileURLToPath(new URL('./src/widget/index.ts', import.meta.url)),
      },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'widget' ? 'widget.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  // The Content-Security-Policy of scripts/serve.js (scripts/csp.js); dev adds what Vite's dev server needs.
  server: { headers: { ...isolationHeaders, 'Content-Security-Policy': DEV_CSP } },
  preview: { headers: { ...isolationHeaders, 'Content-Security-Policy': CSP } },
});
