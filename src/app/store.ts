// UI state: the queue of images, the request options, and the reader's state.
// The reading itself happens in runner.ts, which watches this store.
import { create } from 'zustand';
import { persist, createJSONStorage } from 'zustand/middleware';
import type { ApiError, EngineConfig, Mode, PlateReaderResponse, VehicleModeResponse } from '../api/types';
import type { RequestInput } from '../api/options';
import type { BackendInfo, LoadProgress } from '../worker/bridge';
import type { ReadSource, WebhookState } from './cloud';

export type AnyResponse = PlateReaderResponse | VehicleModeResponse;
export type ItemStatus = 'queued' | 'reading' | 'done' | 'error';

export interface QueueItem {
  id: string;
  file: Blob;
  /** The file's name, with its folder path when it came from a dropped or chosen folder. */
  name: string;
  status: ItemStatus;
  response?: AnyResponse;
  error?: ApiError;
  /** Wall time of the read as the page saw it (queueing and transfer included), ms. */
  wallMs?: number;
  /** Which engine produced `response` (this device, the cloud, an SDK): shown beside the API JSON, never in it. */
  source?: ReadSource;
  /** The webhook's delivery of this result, when one is set up. */
  webhook?: WebhookState;
}

/** The request options, as the form holds them (text fields stay strings until sent). */
export interface Options {
  regions: string[];
  mode: Mode;
  threshold_d: number;
  threshold_o: number;
  regionStrict: boolean;
  detectionRuleStrict: boolean;
  detectionMode: EngineConfig['detection_mode'];
  /** One regular expression per line. */
  textFormats: string;
  mmc: boolean;
  cameraId: string;
}

export const DEFAULT_OPTIONS: Options = {
  regions: [],
  mode: 'normal',
  threshold_d: 0.2,
  threshold_o: 0.6,
  regionStrict: false,
  detectionRuleStrict: false,
  detectionMode: 'plate',
  textFormats: '',
  mmc: false,
  cameraId: '',
};

export type EngineStatus = 'idle' | 'loading' | 'ready' | 'error';
export interface EngineState {
  status: EngineStatus;
  progress: LoadProgress | null;
  info: BackendInfo | null;
  error: string | null;
}

/** The engine `config` the options stand for: only what differs from the API's defaults. */
export function configOf(o: Options): Partial<EngineConfig> {
  const config: Partial<EngineConfig> = {};
  if (o.mode !== DEFAULT_OPTIONS.mode) config.mode = o.mode;
  if (o.threshold_d !== DEFAULT_OPTIONS.threshold_d) config.threshold_d = o.threshold_d;
  if (o.threshold_o !== DEFAULT_OPTIONS.threshold_o) config.threshold_o = o.threshold_o;
  if (o.regionStrict) config.region = 'strict';
  if (o.detectionRuleStrict) config.detection_rule = 'strict';
  if (o.detectionMode !== 'plate') config.detection_mode = o.detectionMode;
  const formats = o.textFormats
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
  if (formats.length) config.text_formats = formats;
  return config;
}

/** The API request the options stand for, for one file. */
export function requestOf(o: Options, filename: string): RequestInput {
  return {
    regions: o.regions,
    config: configOf(o),
    mmc: o.mmc,
    camera_id: o.cameraId.trim() || null,
    filename,
  };
}

interface State {
  items: QueueItem[];
  options: Options;
  engine: EngineState;
  /** The image whose details (raw JSON) are open. */
  selectedId: string | null;
  /** The batch is paused: the image being read is finished, nothing more is started until resumed. */
  paused: boolean;
  setPaused(paused: boolean): void;
  /** How many not-yet-read images the last Cancel removed (null: no cancel since files were last added). */
  cancelled: number | null;
  /** Cancel the batch: removes the images not read yet (the one being read finishes), and un-pauses. */
  cancelQueued(): number;
  addFiles(files: ReadonlyArray<{ file: Blob; name: string }>): void;
  updateItem(id: string, patch: Partial<QueueItem>): void;
  removeItem(id: string): void;
  clear(): void;
  /** Puts every read (or failed) image back in the queue, e.g. after the options changed. */
  rereadAll(): void;
  setOptions(patch: Partial<Options>): void;
  resetOptions(): void;
  setEngine(patch: Partial<EngineState>): void;
  select(id: string | null): void;
}

let nextId = 1;

// Object URLs for display, made when an image is first shown (objectUrl) and revoked when it leaves the queue.
// Made eagerly, a batch of 1,000 cost 0.2–0.3 s of blocked main thread in the drop's event (e2e/batch.spec.ts).
const urls = new Map<string, string>();

/** The image's object URL for an <img>, made on first use. */
export function objectUrl(item: Pick<QueueItem, 'id' | 'file'>): string {
  let u = urls.get(item.id);
  if (!u) {
    u = URL.createObjectURL(item.file);
    urls.set(item.id, u);
  }
  return u;
}

function revokeUrl(id: string): void {
  const u = urls.get(id);
  if (u !== undefined) {
    URL.revokeObjectURL(u);
    urls.delete(id);
  }
}

export const useStore = create<State>()(
  persist(
    (set, get) => ({
      items: [],
      options: DEFAULT_OPTIONS,
      engine: { status: 'idle', progress: null, info: null, error: null },
      selectedId: null,
      paused: false,
      setPaused(paused) {
        set({ paused });
      },
      cancelled: null,
      cancelQueued() {
        const keep: QueueItem[] = [];
        let dropped = 0;
        for (const it of get().items) {
          if (it.status === 'queued') {
            revokeUrl(it.id);
            dropped++;
          } else keep.push(it);
        }
        const sel = get().selectedId;
        set({
          items: keep,
          paused: false,
          cancelled: dropped,
          selectedId: sel && keep.some((i) => i.id === sel) ? sel : null,
        });
        return dropped;
      },
      addFiles(files) {
        if (!files.length) return;
        const t0 = performance.now();
        const added: QueueItem[] = files.map(({ file, name }) => ({
          id: `img-${nextId++}`,
          file,
          name,
          status: 'queued',
        }));
        set({ items: [...get().items, ...added], cancelled: null });
        // User Timing, for DevTools and e2e/batch.spec.ts: the page's own share of adding a batch
        performance.measure?.('plate-reader:add-files', { start: t0, detail: files.length });
      },
      updateItem(id, patch) {
        set({ items: get().items.map((it) => (it.id === id ? { ...it, ...patch } : it)) });
      },
      removeItem(id) {
        const it = get().items.find((i) => i.id === id);
        if (it) revokeUrl(it.id);
        set({
          items: get().items.filter((i) => i.id !== id),
          selectedId: get().selectedId === id ? null : get().selectedId,
        });
      },
      clear() {
        for (const it of get().items) revokeUrl(it.id);
        set({ items: [], selectedId: null, cancelled: null });
      },
      rereadAll() {
        set({
          items: get().items.map((it) =>
            it.status === 'done' || it.status === 'error'
              ? { ...it, status: 'queued', response: undefined, error: undefined, wallMs: undefined }
              : it,
          ),
        });
      },
      setOptions(patch) {
        set({ options: { ...get().options, ...patch } });
      },
      resetOptions() {
        set({ options: DEFAULT_OPTIONS });
      },
      setEngine(patch) {
        set({ engine: { ...get().engine, ...patch } });
      },
      select(id) {
        set({ selectedId: id });
      },
    }),
    {
      // Only the options survive a reload; images and results stay in memory, never in storage.
      name: 'plate-reader-options',
      version: 1,
      storage: createJSONStorage(() => localStorage),
      partialize: (s) => ({ options: s.options }),
      merge: (persisted, current) => ({
        ...current,
        options: { ...DEFAULT_OPTIONS, ...((persisted as { options?: Partial<Options> } | undefined)?.options ?? {}) },
      }),
    },
  ),
);

/** Counts for the progress bar. */
export function progressOf(items: QueueItem[]): {
  total: number;
  finished: number;
  errors: number;
  plates: number;
  queued: number;
  reading: number;
} {
  let finished = 0;
  let errors = 0;
  let plates = 0;
  let queued = 0;
  let reading = 0;
  for (const it of items) {
    if (it.status === 'queued') queued++;
    else if (it.status === 'reading') reading++;
    else if (it.status === 'done') {
      finished++;
      plates += it.response?.results.length ?? 0;
    } else if (it.status === 'error') {
      finished++;
      errors++;
    }
  }
  return { total: items.length, finished, errors, plates, queued, reading };
}
