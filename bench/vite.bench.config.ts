// The benchmark page's build: the app's Vite config (COOP/COEP, models copied next to the build, ORT's wasm as an
// asset) with bench/index.html as the entry, into dist-bench/ so the app's dist/ is left alone.
import { fileURLToPath } from 'node:url';
import { mergeConfig } from 'vite';
import base from '../vite.config';

export default mergeConfig(base, {
  root: fileURLToPath(new URL('..', import.meta.url)),
  build: {
    outDir: 'dist-bench',
    emptyOutDir: true,
    rollupOptions: { input: fileURLToPath(new URL('./index.html', import.meta.url)) },
  },
});
