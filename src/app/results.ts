// One flat view of both response shapes (plate mode and the nested vehicle mode), for the overlay,
// the table and the CSV export.
import type { Box, PlateReaderResponse, VehicleModeResponse } from '../api/types';
import type { AnyResponse, QueueItem } from './store';

export interface Finding {
  /** The plate's box, or null for a vehicle found without a plate (vehicle mode). */
  box: Box | null;
  plate: string;
  score: number | null;
  dscore: number | null;
  region: string;
  regionScore: number | null;
  vehicleType: string;
  vehicleScore: number | null;
  /** The vehicle's box, or null when the API's "not found" convention applies (score 0, zero box). */
  vehicleBox: Box | null;
  candidates: { plate: string; score: number }[];
}

export function isVehicleMode(r: AnyResponse): r is VehicleModeResponse {
  return !('version' in r);
}

const realBox = (b: Box | undefined, score: number | undefined): Box | null =>
  b && (score ?? 0) > 0 && b.xmax > b.xmin && b.ymax > b.ymin ? b : null;

export function findingsOf(r: AnyResponse): Finding[] {
  if (isVehicleMode(r)) {
    return r.results.map((res) => {
      const p = res.plate;
      const v = res.vehicle;
      const best = p?.props.plate[0];
      const region = p?.props.region[0];
      return {
        box: p ? p.box : null,
        plate: best?.value ?? '',
        score: best?.score ?? null,
        dscore: p?.score ?? null,
        region: region?.value ?? '',
        regionScore: region?.score ?? null,
        vehicleType: v?.type ?? '',
        vehicleScore: v?.score ?? null,
        vehicleBox: realBox(v?.box, v?.score),
        candidates: p?.props.plate.map((c) => ({ plate: c.value, score: c.score })) ?? [],
      };
    });
  }
  return (r as PlateReaderResponse).results.map((res) => ({
    box: res.box,
    plate: res.plate,
    score: res.score,
    dscore: res.dscore,
    region: res.region.code,
    regionScore: res.region.score,
    vehicleType: res.vehicle.score > 0 ? res.vehicle.type : '',
    vehicleScore: res.vehicle.score > 0 ? res.vehicle.score : null,
    vehicleBox: realBox(res.vehicle.box, res.vehicle.score),
    candidates: res.candidates,
  }));
}

/** What "Export JSON" writes: one entry per image, the API's response or its error body, in queue order. */
export function exportJson(items: QueueItem[]): string {
  const out = items
    .filter((it) => it.status === 'done' || it.status === 'error')
    .map((it) => (it.status === 'done' ? it.response : it.error));
  return JSON.stringify(out, null, 2) + '\n';
}

export const CSV_COLUMNS = [
  'filename',
  'timestamp',
  'camera_id',
  'plate',
  'score',
  'dscore',
  'region',
  'region_score',
  'vehicle_type',
  'vehicle_score',
  'xmin',
  'ymin',
  'xmax',
  'ymax',
  'error',
] as const;

/**
 * RFC 4180 field: quoted when it holds a comma, quote, CR or LF, quotes doubled. A text cell that a
 * spreadsheet would run as a formula (= + - @ tab CR first) gets a leading apostrophe (OWASP's CSV-injection
 * advice): file names are user-controlled. Numbers are written as they are. Hand-written: it is these
 * few lines, and a library would not do the formula guard anyway.
 */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  let s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  if (/[",\r\n]/.test(s)) s = `"${s.replace(/"/g, '""')}"`;
  return s;
}

/** What "Export CSV" writes: one row per plate, one row for an image without plates, one per failed image. */
export function exportCsv(items: QueueItem[]): string {
  const rows: (string | number | null)[][] = [];
  for (const it of items) {
    if (it.status === 'error') {
      const row: (string | number | null)[] = CSV_COLUMNS.map(() => null);
      row[0] = it.name;
      row[CSV_COLUMNS.length - 1] = it.error?.error.message ?? 'error';
      rows.push(row);
      continue;
    }
    if (it.status !== 'done' || !it.response) continue;
    const r = it.response;
    const base = [r.filename || it.name, r.timestamp, r.camera_id];
    const found = findingsOf(r);
    if (!found.length) rows.push([...base, ...CSV_COLUMNS.slice(3).map(() => null)]);
    for (const f of found) {
      rows.push([
        ...base,
        f.plate,
        f.score,
        f.dscore,
        f.region,
        f.regionScore,
        f.vehicleType,
        f.vehicleScore,
        f.box?.xmin ?? null,
        f.box?.ymin ?? null,
        f.box?.xmax ?? null,
        f.box?.ymax ?? null,
        null,
      ]);
    }
  }
  return [CSV_COLUMNS.join(','), ...rows.map((r) => r.map(csvField).join(','))].join('\r\n') + '\r\n';
}

export function downloadText(text: string, filename: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name for a download derived from an image's name: its base, without folders or extension. */
export function stem(name: string): string {
  const base = name.split(/[\\/]/).pop() || 'image';
  return base.replace(/\.[^.]*$/, '') || 'image';
}
