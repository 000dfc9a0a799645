// A small pattern language for plate serials, compiled once into fixed-length templates so that a reading can
// be checked, and corrected position by position, in O(length).
//
//   L          a letter A-Z
//   D          a digit 0-9
//   A          a letter or a digit
//   [ABC0-9]   one of these characters (ranges allowed)
//   X{n}       n times;  X{m,n}  m to n times (m may be 0)
//   spaces     ignored (for readability: "LL DD LLL")
//
// Plates are compared without spaces, dashes or separators, as the API returns them.

/** One position: which digits (bit i = '0'+i) and which letters (bit i = 'A'+i) it allows. */
export interface Slot {
  digits: number;
  letters: number;
}

export type Template = readonly Slot[];

const ALL_DIGITS = (1 << 10) - 1;
const ALL_LETTERS = (1 << 26) - 1;
const MAX_TEMPLATES_PER_PATTERN = 512;

export function slotAllows(slot: Slot, code: number): boolean {
  if (code >= 48 && code <= 57) return (slot.digits & (1 << (code - 48))) !== 0;
  if (code >= 65 && code <= 90) return (slot.letters & (1 << (code - 65))) !== 0;
  return false;
}

function setSlot(body: string, pattern: string): Slot {
  const slot: Slot = { digits: 0, letters: 0 };
  const add = (ch: string) => {
    const c = ch.toUpperCase().charCodeAt(0);
    if (c >= 48 && c <= 57) slot.digits |= 1 << (c - 48);
    else if (c >= 65 && c <= 90) slot.letters |= 1 << (c - 65);
    else throw new Error(`plate pattern ${JSON.stringify(pattern)}: ${JSON.stringify(ch)} is not A-Z or 0-9`);
  };
  for (let i = 0; i < body.length; i++) {
    if (body[i + 1] === '-' && i + 2 < body.length) {
      const from = body.toUpperCase().charCodeAt(i);
      const to = body.toUpperCase().charCodeAt(i + 2);
      if (to < from) throw new Error(`plate pattern ${JSON.stringify(pattern)}: bad range ${body.slice(i, i + 3)}`);
      for (let c = from; c <= to; c++) add(String.fromCharCode(c));
      i += 2;
    } else add(body[i]);
  }
  if (slot.digits === 0 && slot.letters === 0) throw new Error(`plate pattern ${JSON.stringify(pattern)}: empty set`);
  return slot;
}

/** Expands a pattern into every fixed-length template it denotes. Throws on a malformed pattern. */
export function compilePattern(pattern: string): Template[] {
  const parts: { slot: Slot; min: number; max: number }[] = [];
  const s = pattern.replace(/\s+/g, '');
  let i = 0;
  while (i < s.length) {
    let slot: Slot;
    const ch = s[i];
    if (ch === 'L') slot = { digits: 0, letters: ALL_LETTERS };
    else if (ch === 'D') slot = { digits: ALL_DIGITS, letters: 0 };
    else if (ch === 'A') slot = { digits: ALL_DIGITS, letters: ALL_LETTERS };
    else if (ch === '[') {
      const end = s.indexOf(']', i);
      if (end < 0) throw new Error(`plate pattern ${JSON.stringify(pattern)}: unclosed [`);
      slot = setSlot(s.slice(i + 1, end), pattern);
      i = end;
    } else throw new Error(`plate pattern ${JSON.stringify(pattern)}: unexpected ${JSON.stringify(ch)}`);
    i++;
    let min = 1;
    let max = 1;
    if (s[i] === '{') {
      const end = s.indexOf('}', i);
      const m = end < 0 ? null : /^(\d+)(?:,(\d+))?$/.exec(s.slice(i + 1, end));
      if (!m) throw new Error(`plate pattern ${JSON.stringify(pattern)}: bad quantifier`);
      min = Number(m[1]);
      max = m[2] === undefined ? min : Number(m[2]);
      if (max < min || max > 12) throw new Error(`plate pattern ${JSON.stringify(pattern)}: bad quantifier`);
      i = end + 1;
    }
    parts.push({ slot, min, max });
  }
  let out: Slot[][] = [[]];
  for (const p of parts) {
    const next: Slot[][] = [];
    for (const prefix of out) {
      for (let n = p.min; n <= p.max; n++) next.push(prefix.concat(Array<Slot>(n).fill(p.slot)));
    }
    if (next.length > MAX_TEMPLATES_PER_PATTERN) {
      throw new Error(`plate pattern ${JSON.stringify(pattern)}: expands to too many templates`);
    }
    out = next;
  }
  // Patterns like "L{0,2}D{1,3}" can yield the same template twice; and an empty one is never a plate.
  const seen = new Set<string>();
  return out.filter((t) => {
    if (t.length === 0) return false;
    const key = t.map((x) => `${x.digits}.${x.letters}`).join('|');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** True when `reading` (upper case, no separators) fits the template exactly. */
export function fitsTemplate(reading: string, t: Template): boolean {
  if (reading.length !== t.length) return false;
  for (let i = 0; i < t.length; i++) if (!slotAllows(t[i], reading.charCodeAt(i))) return false;
  return true;
}
