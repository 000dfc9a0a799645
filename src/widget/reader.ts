// The widget's reader: the app's bridge (queue, restarts, ApiError-shaped rejections) on a worker that may live
// on another origin than the page. A page cannot start a Worker from a cross-origin URL, so the widget starts a
// same-origin blob: module worker that imports the real worker script; inside it, import.meta.url is still the
// widget's own URL, so ORT's WASM and the models resolve against the widget's host (which must send CORS).
import * as Comlink from 'comlink';
import workerUrl from '../worker/worker.ts?worker&url';
import { Reader, type ReaderBridge } from '../worker/bridge';
import { pageLocks } from '../worker/lifeline';
import type { WorkerApi } from '../worker/protocol';

/** The worker script's absolute URL (next to widget.js, under assets/). */
export const widgetWorkerUrl = (): string => new URL(workerUrl, import.meta.url).href;

export interface WidgetReaderOptions {
  /** WASM threads; forced to 1 when the worker is cross-origin (ORT's threads would be cross-origin workers). */
  threads?: number;
}

export function createWidgetReader(opts: WidgetReaderOptions = {}): ReaderBridge {
  const url = widgetWorkerUrl();
  const crossOrigin = new URL(url).origin !== self.location.origin;
  return new Reader({
    createWorker: () => {
      if (!crossOrigin) return new Worker(url, { type: 'module', name: 'alpr-widget' });
      const blob = new Blob([`import ${JSON.stringify(url)};`], { type: 'text/javascript' });
      const blobUrl = URL.createObjectURL(blob);
      const w = new Worker(blobUrl, { type: 'module', name: 'alpr-widget' });
      // The worker has fetched its script by the time it answers; the URL can go after a while.
      setTimeout(() => URL.revokeObjectURL(blobUrl), 60_000);
      return w;
    },
    wrap: (w) => {
      const remote = Comlink.wrap<WorkerApi>(w as Worker);
      return {
        init: (o, onProgress) => remote.init({ ...o, threads: crossOrigin ? 1 : o.threads ?? opts.threads }, onProgress),
        read: (file, filename, input) => remote.read(file, filename, input),
        hold: (name) => remote.hold(name),
      } as Pick<WorkerApi, 'init' | 'read' | 'hold'>;
    },
    proxy: (fn) => Comlink.proxy(fn),
    // A blob: worker has the page's origin, so the page and the worker share Web Locks (same-origin: likewise).
    locks: pageLocks(),
  });
}
