// The benchmark page's build: the app's Vite config (COOP/COEP, models copied next to the build, ORT's wasm as an
// asset) with bench/ as the root, so bench/index.html becomes dist-bench/index.html and the app's dist/ is untouched.
import { fileURLToPath } from 'node:url';
import { mergeConfig } from 'vite';
import base from '../vite.config';

export default mergeConfig(base, {
  root: fileURLToPath(new URL('.', import.meta.url)),
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../dist-bench', import.meta.url)),
    emptyOutDir: true,
  },
});
