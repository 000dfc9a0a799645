// The response shaper: engine findings -> the Plate Recognizer Snapshot JSON, with the reference's field order,
// lower-case plates, 3-decimal scores, integer boxes and the vehicle "not found" convention.
//
// Decisions where the reference is silent (also in docs/regions.md):
// - Results are sorted by detection confidence (`dscore`, highest first), ties left to right, so that
//   `results[0]` is the most certain plate; the order never depends on the engine's internal order.
// - `mmc=true` without make/model/colour/orientation data (no such model yet): each list holds one entry that
//   says "unknown" with score 0 (`{make: "Unknown", model: "Unknown", score: 0}`, `{color: "unknown", score: 0}`,
//   `{orientation: "Unknown", score: 0}`), the same convention the API uses for a vehicle it cannot find. Code
//   that reads `model_make[0]` keeps working, and a score of 0 never passes for a prediction.
// - `detection_rule: "strict"` drops a plate unless it has a found vehicle (score > 0) whose box contains the
//   plate box's centre. Without a vehicle model every vehicle is "not found", so every plate is dropped:
//   that is what the rule asks for, and the caller asked for it.
// - `detection_mode: "vehicle"`: `plate.score` is the detection score (`dscore`) and `props.plate` the reading
//   candidates, as in the reference's example; `vehicle` is left out when no vehicle was found; `vehicle.props`
//   lists the top 3 of each, "unknown" entries with mmc and no data, empty lists without mmc and no data.
//   Its timestamp has the same ISO format as the default shape (the reference's vehicle example prints a
//   space-separated one; the two shapes agreeing is more useful than copying that).

import type {
  Box,
  Candidate,
  ColorGuess,
  ModelMake,
  OrientationGuess,
  PlateReaderResponse,
  PlateResult,
  ReadRequest,
  RegionGuess,
  ValueScore,
  Vehicle,
  VehicleModeResponse,
  VehicleModeResult,
} from './types';
import { formatDate } from './time';

/** One plate as the engine found it (unrounded; plate text upper- or lower-case). */
export interface PlateFinding {
  box: Box;
  dscore: number;
  plate: string;
  score: number;
  candidates: Candidate[];
  region: RegionGuess;
  vehicle: Vehicle | null;
  model_make?: ModelMake[];
  color?: ColorGuess[];
  orientation?: OrientationGuess[];
}

/** A vehicle without a plate (only shown with `detection_mode: "vehicle"`). */
export interface VehicleFinding {
  vehicle: Vehicle;
  model_make?: ModelMake[];
  color?: ColorGuess[];
  orientation?: OrientationGuess[];
}

export interface ShapeExtras {
  /** Vehicles that carry no detected plate; used only by the `detection_mode: "vehicle"` shape. */
  vehicles?: VehicleFinding[];
}

export const NO_VEHICLE: Readonly<Vehicle> = Object.freeze({
  score: 0,
  type: 'Unknown',
  box: Object.freeze({ xmin: 0, ymin: 0, xmax: 0, ymax: 0 }),
});

/** Rounds to 3 decimals (the API's precision); NaN becomes 0. */
export function round3(x: number): number {
  if (!Number.isFinite(x)) return 0;
  const r = Math.round(x * 1000) / 1000;
  return r === 0 ? 0 : r; // no -0 in JSON
}

/** A score: clamped to 0..1, 3 decimals. */
export function shapeScore(x: number): number {
  return round3(Math.min(1, Math.max(0, Number.isFinite(x) ? x : 0)));
}

function coord(v: number): number {
  const r = Math.round(Number.isFinite(v) ? v : 0);
  return r <= 0 ? 0 : r;
}

export function shapeBox(b: Box): Box {
  return { xmin: coord(b.xmin), ymin: coord(b.ymin), xmax: coord(b.xmax), ymax: coord(b.ymax) };
}

function vehicleFound(v: Vehicle | null): v is Vehicle {
  return v !== null && v.score > 0 && v.box.xmax > v.box.xmin && v.box.ymax > v.box.ymin;
}

function shapeVehicle(v: Vehicle | null): Vehicle {
  if (!vehicleFound(v)) return { score: 0, type: 'Unknown', box: { xmin: 0, ymin: 0, xmax: 0, ymax: 0 } };
  return { score: shapeScore(v.score), type: v.type, box: shapeBox(v.box) };
}

/**
 * Candidates, lower case, 3 decimals, no duplicates; the first is always `plate` with the plate's `score`
 * (the reference: "The first element is the top prediction (same as results/plate)").
 */
export function shapeCandidates(plate: string, score: number, candidates: Candidate[]): Candidate[] {
  const out: Candidate[] = [{ score: shapeScore(score), plate }];
  const seen = new Set([plate]);
  for (const c of candidates) {
    const p = c.plate.toLowerCase();
    if (seen.has(p)) continue;
    seen.add(p);
    out.push({ score: shapeScore(c.score), plate: p });
  }
  return out;
}

/** True when a detection_rule "strict" request keeps this plate: its centre lies in a found vehicle. */
export function insideVehicle(f: PlateFinding): boolean {
  const v = f.vehicle;
  if (!vehicleFound(v)) return false;
  const cx = (f.box.xmin + f.box.xmax) / 2;
  const cy = (f.box.ymin + f.box.ymax) / 2;
  return cx >= v.box.xmin && cx <= v.box.xmax && cy >= v.box.ymin && cy <= v.box.ymax;
}

function byDetection(a: PlateFinding, b: PlateFinding): number {
  return b.dscore - a.dscore || a.box.xmin - b.box.xmin || a.box.ymin - b.box.ymin;
}

function unknownMakes(): ModelMake[] {
  return [{ make: 'Unknown', model: 'Unknown', score: 0 }];
}
function unknownColors(): ColorGuess[] {
  return [{ color: 'unknown', score: 0 }];
}
function unknownOrientations(): OrientationGuess[] {
  return [{ orientation: 'Unknown', score: 0 }];
}

function shapeMakes(list: ModelMake[]): ModelMake[] {
  return list.map((m) => ({ make: m.make, model: m.model, score: shapeScore(m.score) }));
}
function shapeColors(list: ColorGuess[]): ColorGuess[] {
  return list.map((c) => ({ color: c.color, score: shapeScore(c.score) }));
}
function shapeOrientations(list: OrientationGuess[]): OrientationGuess[] {
  return list.map((o) => ({ orientation: o.orientation, score: shapeScore(o.score) }));
}

function shapePlateResult(f: PlateFinding, mmc: boolean): PlateResult {
  const plate = f.plate.toLowerCase();
  const r: PlateResult = {
    box: shapeBox(f.box),
    plate,
    region: { code: f.region.code.toLowerCase(), score: shapeScore(f.region.score) },
    vehicle: shapeVehicle(f.vehicle),
    score: shapeScore(f.score),
    candidates: shapeCandidates(plate, f.score, f.candidates),
    dscore: shapeScore(f.dscore),
  };
  if (mmc) {
    r.model_make = f.model_make?.length ? shapeMakes(f.model_make) : unknownMakes();
    r.color = f.color?.length ? shapeColors(f.color) : unknownColors();
    r.orientation = f.orientation?.length ? shapeOrientations(f.orientation) : unknownOrientations();
  }
  return r;
}

type VehicleProps = { make_model: ModelMake[]; orientation: ValueScore[]; color: ValueScore[] };

function vehicleProps(f: PlateFinding | VehicleFinding, mmc: boolean): VehicleProps {
  const makes = f.model_make?.length ? shapeMakes(f.model_make) : mmc ? unknownMakes() : [];
  const orient = f.orientation?.length ? shapeOrientations(f.orientation) : mmc ? unknownOrientations() : [];
  const colors = f.color?.length ? shapeColors(f.color) : mmc ? unknownColors() : [];
  return {
    make_model: makes.slice(0, 3),
    orientation: orient.slice(0, 3).map((o) => ({ value: o.orientation, score: o.score })),
    color: colors.slice(0, 3).map((c) => ({ value: c.color, score: c.score })),
  };
}

function shapeVehicleModeResult(f: PlateFinding, mmc: boolean): VehicleModeResult {
  const plate = f.plate.toLowerCase();
  const out: VehicleModeResult = {
    plate: {
      type: 'Plate',
      score: shapeScore(f.dscore),
      box: shapeBox(f.box),
      props: {
        plate: shapeCandidates(plate, f.score, f.candidates).map((c) => ({ value: c.plate, score: c.score })),
        region: [{ value: f.region.code.toLowerCase(), score: shapeScore(f.region.score) }],
      },
    },
  };
  if (vehicleFound(f.vehicle)) {
    out.vehicle = {
      type: f.vehicle.type,
      score: shapeScore(f.vehicle.score),
      box: shapeBox(f.vehicle.box),
      props: vehicleProps(f, mmc),
    };
  }
  return out;
}

/**
 * Shapes the engine's findings into the API response. `now` is the time of reading, used when the request has
 * no timestamp. `extras.vehicles` are vehicles without a plate, shown only in the `detection_mode: "vehicle"`
 * shape.
 */
export function shapeResponse(
  findings: PlateFinding[],
  req: ReadRequest,
  processingTimeMs: number,
  now?: Date,
  extras?: ShapeExtras,
): PlateReaderResponse | VehicleModeResponse {
  const kept = (req.config.detection_rule === 'strict' ? findings.filter(insideVehicle) : findings.slice()).sort(
    byDetection,
  );
  const timestamp = req.timestamp ?? formatDate(now ?? new Date());
  const processing_time = round3(Math.max(0, processingTimeMs));
  const camera_id = req.camera_id ?? null;

  if (req.config.detection_mode === 'vehicle') {
    const results = kept.map((f) => shapeVehicleModeResult(f, req.mmc));
    const lone = (extras?.vehicles ?? [])
      .filter((v) => vehicleFound(v.vehicle))
      .sort((a, b) => b.vehicle.score - a.vehicle.score || a.vehicle.box.xmin - b.vehicle.box.xmin);
    for (const v of lone) {
      results.push({
        vehicle: {
          type: v.vehicle.type,
          score: shapeScore(v.vehicle.score),
          box: shapeBox(v.vehicle.box),
          props: vehicleProps(v, req.mmc),
        },
      });
    }
    return { filename: req.filename, timestamp, camera_id, processing_time, results };
  }

  return {
    processing_time,
    results: kept.map((f) => shapePlateResult(f, req.mmc)),
    filename: req.filename,
    version: 1,
    camera_id,
    timestamp,
  };
}
