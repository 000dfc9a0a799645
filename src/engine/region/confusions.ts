// Letter/digit pairs an OCR confuses on plates, and the per-position fixes they allow when a format demands a
// letter or a digit at that position.

import { slotAllows, type Template } from './pattern';

/** Letter -> the digit it is mistaken for. */
export const LETTER_TO_DIGIT: Readonly<Record<string, string>> = {
  O: '0',
  D: '0',
  Q: '0',
  I: '1',
  B: '8',
  S: '5',
  Z: '2',
  G: '6',
};

/** Digit -> the letters it is mistaken for, most likely first. */
export const DIGIT_TO_LETTERS: Readonly<Record<string, readonly string[]>> = {
  '0': ['O', 'D', 'Q'],
  '1': ['I'],
  '8': ['B'],
  '5': ['S'],
  '2': ['Z'],
  '6': ['G'],
};

/** The characters a character may really be, most likely first (not including itself). */
export function alternativesOf(ch: string): readonly string[] {
  const d = LETTER_TO_DIGIT[ch];
  if (d !== undefined) return [d];
  return DIGIT_TO_LETTERS[ch] ?? [];
}

export interface Fit {
  /** The reading with the substitutions made. */
  plate: string;
  /** How many characters were substituted. */
  subs: number;
}

/**
 * Fits `reading` to a fixed-length template, substituting confusable characters where the template does not
 * allow the character read. Null when the length differs, a position cannot be fixed, or more than `maxSubs`
 * substitutions are needed.
 */
export function fitWithConfusions(reading: string, t: Template, maxSubs: number): Fit | null {
  if (reading.length !== t.length) return null;
  let out: string[] | null = null;
  let subs = 0;
  for (let i = 0; i < t.length; i++) {
    if (slotAllows(t[i], reading.charCodeAt(i))) continue;
    const alt = alternativesOf(reading[i]).find((a) => slotAllows(t[i], a.charCodeAt(0)));
    if (alt === undefined || ++subs > maxSubs) return null;
    if (!out) out = reading.split('');
    out[i] = alt;
  }
  return { plate: out ? out.join('') : reading, subs };
}

/**
 * The first variant of `reading` (fewest substitutions, then leftmost) that a test accepts, substituting at
 * most `maxSubs` confusable characters. Used for `text_formats`, which are regular expressions, not templates.
 */
export function fitByTest(reading: string, test: (s: string) => boolean, maxSubs: number): Fit | null {
  if (test(reading)) return { plate: reading, subs: 0 };
  const positions: number[] = [];
  for (let i = 0; i < reading.length; i++) if (alternativesOf(reading[i]).length > 0) positions.push(i);
  const chars = reading.split('');
  let found: Fit | null = null;
  const search = (start: number, left: number, subs: number): boolean => {
    for (let p = start; p < positions.length; p++) {
      const i = positions[p];
      const orig = chars[i];
      for (const alt of alternativesOf(orig)) {
        chars[i] = alt;
        if (left === 1) {
          const s = chars.join('');
          if (test(s)) {
            found = { plate: s, subs };
            chars[i] = orig;
            return true;
          }
        } else if (search(p + 1, left - 1, subs)) {
          chars[i] = orig;
          return true;
        }
      }
      chars[i] = orig;
    }
    return false;
  };
  for (let k = 1; k <= maxSubs; k++) if (search(0, k, k)) return found;
  return null;
}
