// The engine's public surface (docs/interfaces.md, "src/engine").
export { PlateEngine, ImageError, detectionSizes } from './pipeline';
export type { EngineOptions, EngineTimings, RecognizeOptions, RecognizeResult } from './pipeline';
export type { RgbaImage } from './preprocess';
export { WORK_PIXELS, workingSize } from './preprocess';
export type { OrtModule, Backend } from './session';
export {
  parseManifest,
  verifyModel,
  sha256Hex,
  manifestEntry,
  manifestVersion,
  ModelIntegrityError,
  MODEL_NAMES,
} from './models';
export type { ModelBundle, ModelManifest, ManifestEntry, DetectorSidecar, OcrSidecar, ModelName } from './models';
