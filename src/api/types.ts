// The Plate Recognizer Snapshot API contract (POST /v1/plate-reader/), as in ../shared/reference/.
// Field order in these interfaces is the order the shaper writes them in.

export interface Box {
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

export interface Candidate {
  score: number;
  plate: string;
}

export interface RegionGuess {
  code: string;
  score: number;
}

export type VehicleType =
  | 'Big Truck'
  | 'Bus'
  | 'Motorcycle'
  | 'Pickup Truck'
  | 'Sedan'
  | 'SUV'
  | 'Van'
  | 'Unknown';

export interface Vehicle {
  score: number;
  type: VehicleType;
  box: Box;
}

export interface ModelMake {
  make: string;
  model: string;
  score: number;
}
export interface ColorGuess {
  color: string;
  score: number;
}
export interface OrientationGuess {
  orientation: 'Front' | 'Rear' | 'Unknown';
  score: number;
}

/** One plate of the default (detection_mode "plate") response. */
export interface PlateResult {
  box: Box;
  plate: string;
  region: RegionGuess;
  vehicle: Vehicle;
  score: number;
  candidates: Candidate[];
  dscore: number;
  model_make?: ModelMake[];
  color?: ColorGuess[];
  orientation?: OrientationGuess[];
}

export interface PlateReaderResponse {
  processing_time: number;
  results: PlateResult[];
  filename: string;
  version: 1;
  camera_id: string | null;
  timestamp: string;
}

/** detection_mode "vehicle": the nested shape. */
export interface ValueScore {
  value: string;
  score: number;
}
export interface VehicleModeResult {
  plate?: {
    type: 'Plate';
    score: number;
    box: Box;
    props: { plate: ValueScore[]; region: ValueScore[] };
  };
  vehicle?: {
    type: VehicleType;
    score: number;
    box: Box;
    props: {
      make_model: ModelMake[];
      orientation: ValueScore[];
      color: ValueScore[];
    };
  };
}
export interface VehicleModeResponse {
  filename: string;
  timestamp: string;
  camera_id: string | null;
  processing_time: number;
  results: VehicleModeResult[];
}

export type Mode = 'normal' | 'fast' | 'redaction';

/** Engine configuration (the `config` request field), after validation and defaults. */
export interface EngineConfig {
  region?: 'strict';
  threshold_d: number;
  threshold_o: number;
  mode: Mode;
  detection_rule?: 'strict';
  detection_mode: 'plate' | 'vehicle';
  text_formats: string[];
}

/** A validated request: what the engine needs besides the image. */
export interface ReadRequest {
  regions: string[];
  config: EngineConfig;
  mmc: boolean;
  camera_id: string | null;
  /** ISO 8601 UTC, or null to use the time of reading. */
  timestamp: string | null;
  filename: string;
  /** Notes for the caller that did not fail validation (ignored config keys, strict without regions). */
  warnings?: string[];
}

/** Error body, in the style of the API's error responses. */
export interface ApiError {
  error: { code: number; message: string; filename?: string };
}
