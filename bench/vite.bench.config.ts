// The benchmark page's build: the app's Vite config (COOP/COEP, models copied next to the build, ORT's wasm as an
// asset) with bench/ as the root, so bench/index.html becomes dist-bench/index.html and the app's dist/ is untouched.
// The app's own entries (page, widget) and its service worker are left out: the bench measures the reader, not caching.
import { fileURLToPath } from 'node:url';
import type { PluginOption, UserConfig } from 'vite';
import base from '../vite.config.ts';

const app = base as UserConfig;
const plugins = ([app.plugins ?? []] as PluginOption[])
  .flat(Infinity as 1)
  .filter((p) => p && typeof p === 'object' && 'name' in p && !String(p.name).toLowerCase().includes('pwa'));

export default {
  ...app,
  root: fileURLToPath(new URL('.', import.meta.url)),
  publicDir: false,
  plugins,
  build: {
    ...app.build,
    outDir: fileURLToPath(new URL('../dist-bench', import.meta.url)),
    emptyOutDir: true,
    rollupOptions: {},
  },
} satisfies UserConfig;
