// Region logic for one plate: the `regions` hint and `text_formats` re-rank and correct the OCR's candidates,
// `region: "strict"` decides whether the plate is kept, and the region code and score are estimated.
// The rules and the score formula are explained in docs/regions.md.

import type { Candidate, ReadRequest, RegionGuess } from '../../api/types';
import { compileTextFormat } from '../../api/options';
import { countryOf, getRegion } from '../../api/regions';
import { compiledRegion, countriesWithFormats, type CompiledRegion } from './catalog';
import { fitByTest, fitWithConfusions, type Fit } from './confusions';
import { fitsTemplate, slotAllows } from './pattern';

export interface ResolvedPlate {
  /** The chosen reading, upper case (the shaper lower-cases). */
  plate: string;
  /** The OCR score of the chosen reading. */
  score: number;
  /** Readings best first; the first is `plate`. */
  candidates: Candidate[];
  region: RegionGuess;
  /** False when `region: "strict"` rejects the plate (or there is no reading at all). */
  keep: boolean;
}

// --- Tuning (see docs/regions.md) ---
/** A hint stays a hint: at most this many confusable characters are substituted to fit a format. */
export const MAX_SUBS = 2;
/** Rank factor per substitution made to fit a format. */
const SUB_FACTOR = 0.9;
/** Rank factor of a reading that fits only a catch-all (vanity) format of a hinted region. */
const GENERIC_FACTOR = 0.5;
/** Rank factor of a reading that fits no hinted format / text_format, when there are some. */
const NO_FIT_FACTOR = 0.3;

/** Region score weights. */
const HINT_WEIGHT = 8;
const FIT_REGULAR = 1;
const FIT_GENERIC = 0.3;
const FIT_UNKNOWN = 0.3;
const FIT_NONE = 0.02;
const LOOK_FLOOR = 0.01;
/** Mass left for "some region we cannot tell": large without a look model, small with one. */
const OTHER_MASS_NO_LOOK = 1;
const OTHER_MASS_LOOK = 0.05;
/** Score of a fallback guess (nothing fits, no hint, no look model). */
const FALLBACK_SCORE = 0.01;

type FitKind = 'regular' | 'generic' | 'none';

interface Guides {
  regions: CompiledRegion[];
  /** Some hinted region has no known formats, so strict mode cannot rule it out. */
  unknownHinted: boolean;
  text: RegExp[];
}

interface Entry {
  plate: string;
  score: number;
  rank: number;
  fit: FitKind;
  order: number;
}

function normalizeReading(s: string): string {
  return s.toUpperCase().replace(/[\s\-_.·:]+/g, '');
}

/** The best fit of a reading to any regular template of the given regions (fewest substitutions). */
function bestRegionFit(reading: string, regions: readonly CompiledRegion[]): { fit: Fit; kind: FitKind } | null {
  let best: { fit: Fit; kind: FitKind } | null = null;
  for (const r of regions) {
    const ts = r.byLength.get(reading.length);
    if (!ts) continue;
    for (const t of ts) {
      if (t.generic) {
        if (!best && fitsTemplate(reading, t.slots)) best = { fit: { plate: reading, subs: 0 }, kind: 'generic' };
        continue;
      }
      const f = fitWithConfusions(reading, t.slots, MAX_SUBS);
      if (f && (!best || best.kind !== 'regular' || f.subs < best.fit.subs)) {
        best = { fit: f, kind: 'regular' };
        if (f.subs === 0) return best;
      }
    }
  }
  return best;
}

function bestTextFit(reading: string, text: readonly RegExp[]): Fit | null {
  if (text.length === 0) return null;
  return fitByTest(reading, (s) => text.some((re) => re.test(s)), MAX_SUBS);
}

function guidesOf(req: ReadRequest): Guides {
  const regions: CompiledRegion[] = [];
  let unknownHinted = false;
  for (const code of req.regions) {
    const c = compiledRegion(code);
    if (c) regions.push(c);
    else unknownHinted = true;
  }
  return { regions, unknownHinted, text: req.config.text_formats.map(compileTextFormat) };
}

/** The countries whose regular formats a reading fits exactly, in the reference's order. */
export function fittingCountries(reading: string): string[] {
  const out: string[] = [];
  for (const c of countriesWithFormats()) {
    const ts = c.byLength.get(reading.length);
    if (ts?.some((t) => !t.generic && fitsTemplate(reading, t.slots))) out.push(c.code);
  }
  return out;
}

/**
 * How a reading fits a region: 'regular' (with `regular`, the region's number of regular templates of that
 * length), 'generic', 'none', or 'unknown' (no formats known for the region).
 */
function fitKindFor(reading: string, code: string): { kind: FitKind | 'unknown'; regular: number } {
  const c = compiledRegion(code);
  if (!c) return { kind: 'unknown', regular: 0 };
  const ts = c.byLength.get(reading.length);
  if (!ts) return { kind: 'none', regular: 0 };
  let kind: FitKind = 'none';
  let regular = 0;
  for (const t of ts) {
    if (!t.generic) regular++;
    if (kind === 'regular' || !fitsTemplate(reading, t.slots)) continue;
    kind = t.generic ? 'generic' : 'regular';
  }
  return { kind, regular };
}

function fallbackRegion(reading: string): RegionGuess {
  // The country whose formats come closest: length difference plus mismatching positions.
  let bestCode = 'us';
  let bestDist = Infinity;
  for (const c of countriesWithFormats()) {
    for (const [len, ts] of c.byLength) {
      for (const t of ts) {
        if (t.generic) continue;
        let d = Math.abs(len - reading.length) * 2;
        const n = Math.min(len, reading.length);
        for (let i = 0; i < n; i++) if (!slotAllows(t.slots[i], reading.charCodeAt(i))) d++;
        if (d < bestDist) {
          bestDist = d;
          bestCode = c.code;
        }
      }
    }
  }
  return { code: bestCode, score: FALLBACK_SCORE };
}

/**
 * The region of a reading. Each contender c (hinted regions, regions of the look model, countries whose
 * regular formats the reading fits) gets the weight
 *     w(c) = hint(c) * fit(c) * look(c)
 *   hint(c) = 8 when c or its country is hinted, else 1
 *   fit(c)  = 1/sqrt(n) when a regular format fits, n being the number of c's regular templates of that
 *             length (a region with many formats fits more strings by chance); 0.3 when only a vanity
 *             format fits or no formats are known; 0.02 when formats are known but none fits
 *   look(c) = with a look model, + 0.01: for a country or a hinted state, the probability of the country and
 *             all its states; for another state, its own (else its country's); without one, 1
 * and score(c) = w(c) / (sum of w + Z), Z = 1 without a look model, 0.05 with one: the mass of "a region we
 * cannot tell", so that a format alone never gives a confident answer. The look model adds a country when
 * the country and its states reach 1%; a state stands in for its country when it holds at least half of that.
 * When a state is hinted, its country and the country's other states are no contenders. With no contender at
 * all, the nearest country by format, with score 0.01.
 */
export function guessRegion(
  reading: string,
  lookProbs: Record<string, number> | null,
  hints: readonly string[],
): RegionGuess {
  const hinted = new Set(hints);
  const hintedStateOf = new Set<string>(); // countries one of whose states is hinted
  for (const h of hints) if (countryOf(h) !== h) hintedStateOf.add(countryOf(h));

  // The look model may speak of countries and of states. A country's look is its own probability plus its
  // states'; a state stands for its country only when it holds at least half of that mass (else the look model
  // knows the country, not the state).
  const look = new Map<string, number>();
  const mass = new Map<string, number>();
  if (lookProbs) {
    for (const [k, v] of Object.entries(lookProbs)) {
      const code = k.toLowerCase();
      if (!getRegion(code) || !Number.isFinite(v) || v <= 0) continue;
      look.set(code, (look.get(code) ?? 0) + v);
      mass.set(countryOf(code), (mass.get(countryOf(code)) ?? 0) + v);
    }
  }
  const lookOf = (c: string): number => {
    const country = countryOf(c);
    if (c === country || hinted.has(c)) return mass.get(country) ?? 0;
    return look.get(c) ?? look.get(country) ?? 0;
  };

  const contenders = new Set<string>(hints);
  for (const [country, m] of mass) {
    if (m < LOOK_FLOOR || hintedStateOf.has(country)) continue;
    let rep = country;
    for (const [code, v] of look) if (code !== country && countryOf(code) === country && v >= m / 2) rep = code;
    contenders.add(rep);
  }
  for (const c of fittingCountries(reading)) if (!hintedStateOf.has(c)) contenders.add(c);
  if (contenders.size === 0) return fallbackRegion(reading);

  let best = '';
  let bestW = -1;
  let total = 0;
  for (const c of contenders) {
    const hint = hinted.has(c) || hinted.has(countryOf(c)) ? HINT_WEIGHT : 1;
    const { kind, regular } = fitKindFor(reading, c);
    const fit =
      kind === 'regular'
        ? FIT_REGULAR / Math.sqrt(regular)
        : kind === 'generic'
          ? FIT_GENERIC
          : kind === 'unknown'
            ? FIT_UNKNOWN
            : FIT_NONE;
    const lk = lookProbs ? lookOf(c) + LOOK_FLOOR : 1;
    const w = hint * fit * lk;
    total += w;
    if (w > bestW) {
      bestW = w;
      best = c;
    }
  }
  const z = lookProbs ? OTHER_MASS_LOOK : OTHER_MASS_NO_LOOK;
  return { code: best, score: bestW / (total + z) };
}

/**
 * Re-ranks the OCR's candidates with the `regions` hint and `text_formats`, corrects confusable characters
 * where a format demands a letter or a digit, applies `region: "strict"`, and estimates the region.
 */
export function resolvePlate(
  candidates: Candidate[],
  lookProbs: Record<string, number> | null,
  req: ReadRequest,
): ResolvedPlate {
  const guides = guidesOf(req);
  const guided = guides.regions.length > 0 || guides.text.length > 0;
  const strict = req.config.region === 'strict' && guided && !guides.unknownHinted;

  const byPlate = new Map<string, Entry>();
  candidates.forEach((c, order) => {
    const reading = normalizeReading(c.plate);
    if (reading === '') return;
    let plate = reading;
    let fit: FitKind = 'none';
    let rank = c.score;
    if (guided) {
      const region = bestRegionFit(reading, guides.regions);
      const text = bestTextFit(reading, guides.text);
      const regular = [region?.kind === 'regular' ? region.fit : null, text]
        .filter((f): f is Fit => f !== null)
        .sort((a, b) => a.subs - b.subs)[0];
      if (regular) {
        plate = regular.plate;
        fit = 'regular';
        rank = c.score * SUB_FACTOR ** regular.subs;
      } else if (region?.kind === 'generic') {
        fit = 'generic';
        rank = c.score * GENERIC_FACTOR;
      } else rank = c.score * NO_FIT_FACTOR;
    }
    const prev = byPlate.get(plate);
    if (!prev) byPlate.set(plate, { plate, score: c.score, rank, fit, order });
    else {
      prev.score = Math.max(prev.score, c.score);
      if (rank > prev.rank) prev.rank = rank;
    }
  });

  let entries = [...byPlate.values()].sort((a, b) => b.rank - a.rank || a.order - b.order);
  let keep = entries.length > 0;
  if (strict) {
    const fitting = entries.filter((e) => e.fit === 'regular');
    if (fitting.length > 0) entries = fitting;
    else keep = false;
  }
  const top = entries[0];
  if (!top) return { plate: '', score: 0, candidates: [], region: fallbackRegion(''), keep: false };
  return {
    plate: top.plate,
    score: top.score,
    candidates: entries.map((e) => ({ score: e.score, plate: e.plate })),
    region: guessRegion(top.plate, lookProbs, req.regions),
    keep,
  };
}
