// The model files the engine runs and how they are described: the sidecars (NAME.json, written by the export
// scripts, see models/README.md) and models/manifest.json (byte size + SHA-256 of each graph, written by
// scripts/build-manifest.js), used to detect a stale or corrupted copy.

/** detector.json */
export interface DetectorSidecar {
  name: string;
  version: string;
  input: string;
  outputs: string[];
  /** Output cell size in input pixels. */
  stride: number;
  /** H and W of the input must be multiples of this. */
  input_multiple: number;
  /** Long side of the resized photo per mode; `large` (optional) is the second look of the default mode. */
  sizes: { fast: number; default: number; large?: number };
  threshold?: number;
  nms_iou?: number;
}

/** ocr.json */
export interface OcrSidecar {
  name: string;
  version: string;
  input: string;
  outputs: string[];
  height: number;
  width: number;
  slots: number;
  alphabet: string;
  crop_pad: [number, number];
  regions?: string[];
  /** Optional second read of uncertain plates (src/engine/ocr.ts, `readPlates`). */
  reread?: RereadConfig;
  /** Optional read of unsure plates turned in the photo, through a crop turned level (`readPlates`). */
  turn?: TurnConfig;
}

/**
 * Plates whose first reading scores in [`above`, `below`) and whose edges run `min_deg` degrees or more off level
 * (`plateAngle` in src/engine/preprocess.ts) are read again through a crop turned level; that reading counts only with
 * `min_chars` characters or more (default 0).
 */
export interface TurnConfig {
  below: number;
  above?: number;
  min_deg: number;
  min_chars?: number;
}

/**
 * Plates whose first reading scores in [`above`, `below`) are read again through nudged crops, one per entry of
 * `variants`: [left, top, right, bottom] edge moves as fractions of the box's width / height (positive widens),
 * applied before `crop_pad`. The reading with the highest score wins; candidates are merged.
 */
export interface RereadConfig {
  below: number;
  /** Plates whose first reading scores under this are left alone (most are not plates). Default 0. */
  above?: number;
  variants: [number, number, number, number][];
}

export interface ManifestEntry<S> {
  /** The graph's file name in models/. */
  file: string;
  bytes: number;
  /** Lower-case hex. */
  sha256: string;
  version: string;
  /** The sidecar's file name, and its content (so one fetch gives the engine everything but the graphs). */
  sidecar: string;
  config: S;
}

export interface ModelManifest {
  /** One string for the whole set, e.g. "detector@2026-11-21+ocr@2026.11.21-1948". */
  version: string;
  models: { detector: ManifestEntry<DetectorSidecar>; ocr: ManifestEntry<OcrSidecar> };
}

export interface ModelBundle {
  manifest: ModelManifest;
  detector: Uint8Array;
  ocr: Uint8Array;
}

export type ModelName = keyof ModelManifest['models'];
export const MODEL_NAMES: readonly ModelName[] = ['detector', 'ocr'];

export class ModelIntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelIntegrityError';
  }
}

/** SHA-256 of bytes as lower-case hex (Web Crypto: the browser, workers and Node 20 all have it). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  const out = new Uint8Array(digest);
  let s = '';
  for (let i = 0; i < out.length; i++) s += out[i].toString(16).padStart(2, '0');
  return s;
}

/** Throws ModelIntegrityError when bytes are not the graph the manifest describes. */
export async function verifyModel(bytes: Uint8Array, entry: ManifestEntry<unknown>): Promise<void> {
  if (bytes.byteLength !== entry.bytes) {
    throw new ModelIntegrityError(
      `models/${entry.file} has ${bytes.byteLength} bytes, manifest.json says ${entry.bytes} (stale or truncated copy)`,
    );
  }
  const hash = await sha256Hex(bytes);
  if (hash !== entry.sha256) {
    throw new ModelIntegrityError(`models/${entry.file} sha256 ${hash} does not match manifest.json (${entry.sha256})`);
  }
}

function need(cond: unknown, what: string): asserts cond {
  if (!cond) throw new ModelIntegrityError(`manifest.json: ${what}`);
}

/** Checks the parts of a manifest the engine relies on; returns it typed. */
export function parseManifest(json: unknown): ModelManifest {
  const m = json as ModelManifest;
  need(m && typeof m === 'object' && m.models && typeof m.models === 'object', 'no "models" object');
  need(typeof m.version === 'string', 'no "version"');
  for (const name of MODEL_NAMES) {
    const e = m.models[name];
    need(e && typeof e.file === 'string', `models.${name}.file missing`);
    need(Number.isInteger(e.bytes) && e.bytes > 0, `models.${name}.bytes missing`);
    need(typeof e.sha256 === 'string' && /^[0-9a-f]{64}$/.test(e.sha256), `models.${name}.sha256 missing`);
    need(e.config && typeof e.config === 'object', `models.${name}.config missing`);
  }
  const d = m.models.detector.config;
  need(d.stride > 0 && d.input_multiple > 0 && d.sizes?.fast > 0 && d.sizes?.default > 0, 'detector config incomplete');
  const o = m.models.ocr.config;
  need(o.height > 0 && o.width > 0 && o.slots > 0 && o.alphabet?.length > 0, 'ocr config incomplete');
  need(Array.isArray(o.crop_pad) && o.crop_pad.length === 2, 'ocr crop_pad missing');
  if (o.reread !== undefined) {
    const r = o.reread;
    need(r && typeof r.below === 'number' && Array.isArray(r.variants), 'ocr reread needs below and variants');
    need(r.above === undefined || typeof r.above === 'number', 'ocr reread above must be a number');
    need(r.variants.every((v) => Array.isArray(v) && v.length === 4 && v.every((x) => typeof x === 'number' && x > -0.5 && x < 1)),
      'ocr reread variants must be [left, top, right, bottom] edge moves in (-0.5, 1)');
  }
  if (o.turn !== undefined) {
    const t = o.turn;
    const num = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
    need(t && num(t.below) && num(t.min_deg) && t.min_deg > 0 && t.min_deg < 45, 'ocr turn needs below and min_deg in (0, 45)');
    need((t.above === undefined || num(t.above)) && (t.min_chars === undefined || num(t.min_chars)),
      'ocr turn above and min_chars must be numbers');
  }
  return m;
}

/** The manifest's entry for one model, built from its sidecar and graph bytes (what build-manifest.js writes). */
export async function manifestEntry<S extends { version: string }>(
  file: string,
  sidecar: string,
  config: S,
  bytes: Uint8Array,
): Promise<ManifestEntry<S>> {
  return { file, bytes: bytes.byteLength, sha256: await sha256Hex(bytes), version: config.version, sidecar, config };
}

export function manifestVersion(models: ModelManifest['models']): string {
  return MODEL_NAMES.map((n) => `${n}@${models[n].version}`).join('+');
}
