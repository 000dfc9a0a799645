// The plate formats of ./formats.ts compiled once, indexed by region and by length.

import { REGIONS, getRegion } from '../../api/regions';
import { FORMATS } from './formats';
import { compilePattern, type Template } from './pattern';

export interface CompiledTemplate {
  slots: Template;
  /** A catch-all (vanity) format: weak evidence, not enough for strict mode. */
  generic: boolean;
  pattern: string;
}

export interface CompiledRegion {
  code: string;
  /** Templates by reading length. */
  byLength: ReadonlyMap<number, readonly CompiledTemplate[]>;
  /** Where the formats come from (this region's entry, or its country's when it has none). */
  formatsOf: string;
}

const patternCache = new Map<string, Template[]>();
function templatesOf(pattern: string): Template[] {
  let t = patternCache.get(pattern);
  if (!t) {
    t = compilePattern(pattern);
    patternCache.set(pattern, t);
  }
  return t;
}

const ENTRY = new Map(FORMATS.map((f) => [f.region, f]));
const compiled = new Map<string, CompiledRegion | null>();

function build(code: string): CompiledRegion | null {
  let own = ENTRY.get(code);
  let formatsOf = code;
  const info = getRegion(code);
  if (!own && info?.parent) {
    own = ENTRY.get(info.parent);
    formatsOf = info.parent;
  }
  const list: { pattern: string; generic: boolean }[] = [];
  if (own) {
    for (const p of own.formats) list.push({ pattern: p, generic: false });
    for (const p of own.generic ?? []) list.push({ pattern: p, generic: true });
  }
  // A country with states also accepts its states' formats.
  if (!info?.parent) {
    for (const f of FORMATS) {
      if (getRegion(f.region)?.parent !== code) continue;
      for (const p of f.formats) list.push({ pattern: p, generic: false });
      for (const p of f.generic ?? []) list.push({ pattern: p, generic: true });
    }
  }
  if (list.length === 0) return null;
  const byLength = new Map<number, CompiledTemplate[]>();
  const seen = new Set<string>();
  for (const { pattern, generic } of list) {
    const key = `${generic ? 'g' : 's'}:${pattern}`;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const slots of templatesOf(pattern)) {
      const arr = byLength.get(slots.length) ?? [];
      arr.push({ slots, generic, pattern });
      byLength.set(slots.length, arr);
    }
  }
  // Regular formats first, so that the first fit found is the strongest one.
  for (const arr of byLength.values()) arr.sort((a, b) => Number(a.generic) - Number(b.generic));
  return { code, byLength, formatsOf };
}

/** The compiled formats of a region (its own, else its country's), or null when none are known. */
export function compiledRegion(code: string): CompiledRegion | null {
  let c = compiled.get(code);
  if (c === undefined) {
    c = build(code);
    compiled.set(code, c);
  }
  return c;
}

let countries: CompiledRegion[] | null = null;
/** Every country with known formats, in the reference's order. */
export function countriesWithFormats(): readonly CompiledRegion[] {
  if (!countries) {
    countries = [];
    for (const r of REGIONS) {
      if (r.parent) continue;
      const c = compiledRegion(r.code);
      if (c) countries.push(c);
    }
  }
  return countries;
}

/** Compiles every entry of FORMATS (used by tests to prove the data is well-formed). */
export function compileAllFormats(): number {
  let n = 0;
  for (const f of FORMATS) {
    for (const p of [...f.formats, ...(f.generic ?? [])]) n += templatesOf(p).length;
  }
  return n;
}
