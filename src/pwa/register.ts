/// <reference types="vite-plugin-pwa/client" />
// Registers the service worker (the app works offline after the first visit) and reports when a new version
// is waiting. The SW (src/sw/sw.ts) precaches the app shell and the models, keeps ORT's wasm, and answers the
// in-page API through this page (./api-host.ts); see docs/pwa.md.
import { registerSW } from 'virtual:pwa-register';
import { startApiHost } from './api-host';

export interface PwaHandle {
  /** Activates the waiting service worker and reloads the page on the new version. */
  update(): Promise<void>;
}

let registered = false;

/** Idempotent (React's StrictMode runs effects twice in development). */
export function registerPwa(onNeedRefresh: (handle: PwaHandle) => void): void {
  if (registered || !('serviceWorker' in navigator) || import.meta.env.DEV) return;
  registered = true;
  startApiHost();
  const updateSW = registerSW({
    immediate: true,
    onNeedRefresh() {
      onNeedRefresh({
        update: () => {
          // workbox-window reloads only if the page was controlled when it registered; a page whose first visit
          // installed the SW (clientsClaim) is not, so reload here once the new worker takes over.
          let reloading = false;
          navigator.serviceWorker.addEventListener('controllerchange', () => {
            if (reloading) return;
            reloading = true;
            window.location.reload();
          });
          return updateSW(true);
        },
      });
    },
  });
}
