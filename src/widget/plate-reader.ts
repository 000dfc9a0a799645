// <plate-reader>: the reader as a custom element for any page (docs/widget.md).
//   <script type="module" src="https://host/widget.js"></script>
//   <plate-reader regions="ro" config='{"mode":"fast"}' mmc></plate-reader>
// Attributes mirror the Snapshot API's fields; read(fileOrBlob) resolves with the API's JSON; events:
// `progress` (model download, detail: {loaded, total, file}), `ready` (detail: BackendInfo), `result`
// (detail: the response), `error` (detail: the API's { error: { code, message } }).
import type { RequestInput } from '../api/options';
import type { PlateReaderResponse, VehicleModeResponse } from '../api/types';
import type { BackendInfo, ReaderBridge } from '../worker/bridge';
import { createWidgetReader } from './reader';

export type WidgetResponse = PlateReaderResponse | VehicleModeResponse;

const STYLE = `
:host { display: block; font: 14px/1.4 system-ui, sans-serif; color: #0f172a; }
.zone { display: flex; flex-direction: column; align-items: center; justify-content: center; gap: 6px;
  min-height: 120px; padding: 16px; border: 2px dashed #94a3b8; border-radius: 10px; background: #f8fafc;
  cursor: pointer; text-align: center; }
.zone.over { border-color: #1d4ed8; background: #eff6ff; }
.zone input { position: absolute; width: 1px; height: 1px; opacity: 0; }
.status { margin-top: 8px; color: #475569; min-height: 1.4em; }
.status.error { color: #b91c1c; }
ul { list-style: none; padding: 0; margin: 8px 0 0; display: flex; flex-wrap: wrap; gap: 6px; }
li { padding: 2px 10px; border: 2px solid #111; border-radius: 4px; background: #ffd400; font-weight: 700;
  letter-spacing: .08em; text-transform: uppercase; }
`;

let sharedSheet: CSSStyleSheet | null | undefined;
/** One constructed sheet shared by every <plate-reader> on the page; null where the browser lacks them. */
function styleSheet(): CSSStyleSheet | null {
  if (sharedSheet !== undefined) return sharedSheet;
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
    sharedSheet = sheet;
  } catch {
    sharedSheet = null;
  }
  return sharedSheet;
}

function errorOf(e: unknown): { error: { code: number; message: string } } {
  const x = e as { toJSON?: () => unknown; code?: number; message?: string; name?: string };
  if (x && typeof x.toJSON === 'function') return x.toJSON() as { error: { code: number; message: string } };
  if (x?.name === 'AbortError') return { error: { code: 499, message: 'the read was aborted' } };
  return { error: { code: typeof x?.code === 'number' ? x.code : 500, message: x?.message ?? String(e) } };
}

export class PlateReaderElement extends HTMLElement {
  static observedAttributes = ['regions', 'config', 'mmc'];

  private reader: ReaderBridge | null = null;
  private ready: Promise<BackendInfo> | null = null;
  private readonly root: ShadowRoot;
  private readonly statusEl: HTMLElement;
  private readonly listEl: HTMLUListElement;
  /** The last response (or null before the first read). */
  result: WidgetResponse | null = null;
  /** The backend once the models are loaded. */
  backend: BackendInfo | null = null;

  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    // A constructed style sheet, not a <style> element: a host page's CSP without style-src 'unsafe-inline'
    // blocks inline <style> (also in a shadow root) but not constructed sheets (docs/widget.md).
    const sheet = styleSheet();
    if (sheet) this.root.adoptedStyleSheets = [sheet];
    this.root.innerHTML = `${sheet ? '' : `<style>${STYLE}</style>`}
<label class="zone" part="zone"><input type="file" accept="image/*" part="input" />
<strong>Drop a photo here</strong><span>or click to choose one — it never leaves this device</span></label>
<div class="status" part="status" role="status" aria-live="polite"></div><ul part="plates"></ul>`;
    this.statusEl = this.root.querySelector('.status')!;
    this.listEl = this.root.querySelector('ul')!;
    const zone = this.root.querySelector<HTMLLabelElement>('.zone')!;
    const input = this.root.querySelector<HTMLInputElement>('input')!;
    input.addEventListener('change', () => {
      const f = input.files?.[0];
      input.value = '';
      if (f) void this.read(f).catch(() => undefined);
    });
    zone.addEventListener('dragover', (e) => {
      e.preventDefault();
      zone.classList.add('over');
    });
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', (e) => {
      e.preventDefault();
      zone.classList.remove('over');
      const f = e.dataTransfer?.files?.[0];
      if (f) void this.read(f).catch(() => undefined);
    });
  }

  connectedCallback(): void {
    // Start loading the models as soon as the element is on the page.
    void this.init().catch(() => undefined);
  }

  disconnectedCallback(): void {
    this.reader?.dispose();
    this.reader = null;
    this.ready = null;
  }

  /** Loads the models (once); resolves with the backend. */
  init(): Promise<BackendInfo> {
    if (this.ready) return this.ready;
    this.reader = createWidgetReader();
    this.setStatus('Loading the reader…');
    this.ready = this.reader.init({
      // WebGPU only when asked for (attribute `webgpu`): WASM is the predictable default on any host.
      preferWebGPU: this.hasAttribute('webgpu'),
      onProgress: (p) => {
        this.setStatus(`Loading the models… ${p.total ? Math.round((100 * p.loaded) / p.total) : 0}%`);
        this.dispatchEvent(new CustomEvent('progress', { detail: { ...p } }));
      },
    });
    this.ready.then(
      (info) => {
        this.backend = info;
        this.setAttribute('data-backend', info.backend);
        this.setStatus('Ready');
        this.dispatchEvent(new CustomEvent('ready', { detail: { ...info } }));
      },
      (e) => {
        this.ready = null;
        const err = errorOf(e);
        this.setStatus(`The reader could not start: ${err.error.message}`, true);
        this.dispatchEvent(new CustomEvent('error', { detail: err }));
      },
    );
    return this.ready;
  }

  /** The request fields from the attributes (the API's names and formats). */
  requestInput(): RequestInput {
    const input: RequestInput = {};
    const regions = this.getAttribute('regions');
    if (regions) input.regions = regions.split(/[\s,]+/).filter(Boolean);
    const config = this.getAttribute('config');
    if (config) input.config = config;
    const mmc = this.getAttribute('mmc');
    if (mmc !== null) input.mmc = mmc === '' ? true : mmc;
    return input;
  }

  /** Reads one image; resolves with the Snapshot API's JSON, rejects with `{ error: { code, message } }`. */
  async read(file: Blob, filename?: string): Promise<WidgetResponse> {
    const name = filename ?? (file instanceof File ? file.name : 'upload');
    try {
      await this.init();
      this.setStatus(`Reading ${name}…`);
      this.setAttribute('data-status', 'reading');
      const response = await this.reader!.read(file, name, this.requestInput());
      this.result = response;
      this.showPlates(response);
      this.setAttribute('data-status', 'done');
      this.dispatchEvent(new CustomEvent('result', { detail: response }));
      return response;
    } catch (e) {
      const err = errorOf(e);
      this.setAttribute('data-status', 'error');
      this.setStatus(err.error.message, true);
      this.dispatchEvent(new CustomEvent('error', { detail: err }));
      throw err;
    }
  }

  attributeChangedCallback(): void {
    // Read at read() time; nothing to redo here.
  }

  private showPlates(r: WidgetResponse): void {
    const plates = r.results.flatMap((x) => ('plate' in x && typeof x.plate === 'string' ? [x.plate] : []));
    this.listEl.replaceChildren(
      ...plates.map((p) => {
        const li = document.createElement('li');
        li.textContent = p;
        li.setAttribute('part', 'plate');
        return li;
      }),
    );
    this.setStatus(plates.length ? `${plates.length} plate${plates.length === 1 ? '' : 's'} read` : 'No plate found');
  }

  private setStatus(text: string, error = false): void {
    this.statusEl.textContent = text;
    this.statusEl.classList.toggle('error', error);
  }
}
