// Timestamps as the API writes them: ISO 8601 in UTC with a 'Z', like Python's isoformat() (what the real
// service is built on): microseconds only when they are not zero ("2020-10-12T16:17:27.574008Z",
// "2019-08-19T13:11:25Z").

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Writes epoch milliseconds plus extra microseconds (0..999) as the API does. */
export function formatUtc(epochMs: number, extraMicros = 0): string {
  const ms = Math.floor(epochMs);
  const d = new Date(ms);
  const micros = d.getUTCMilliseconds() * 1000 + extraMicros;
  const base =
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  return micros === 0 ? `${base}Z` : `${base}.${pad(micros, 6)}Z`;
}

/** The time of a Date in the API's format. */
export function formatDate(date: Date): string {
  return formatUtc(date.getTime());
}

/**
 * Parses an ISO 8601 date-time (`2019-08-19T13:11:25`, `...25.5Z`, `...25+02:00`, a date alone, a space instead
 * of the T) and returns it normalised to UTC in the API's format, or null when it is not a valid date-time.
 * Without a zone it is taken as UTC, as the reference asks ("The timestamp has to be in UTC").
 * Sub-microsecond digits are dropped.
 */
export function normalizeTimestamp(input: string): string | null {
  const m = ISO_RE.exec(input.trim());
  if (!m) return null;
  const [, ys, mos, ds, hs, mis, ss, frac, zone] = m;
  const y = Number(ys);
  const mo = Number(mos);
  const d = Number(ds);
  const h = hs === undefined ? 0 : Number(hs);
  const mi = mis === undefined ? 0 : Number(mis);
  const s = ss === undefined ? 0 : Number(ss);
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d > daysInMonth) return null;
  let offsetMin = 0;
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 23 || om > 59) return null;
    offsetMin = sign * (oh * 60 + om);
  }
  const micros = frac === undefined ? 0 : Number(frac.slice(0, 6).padEnd(6, '0'));
  const utcMs = Date.UTC(y, mo - 1, d, h, mi, s) - offsetMin * 60_000;
  // Date.UTC maps years 0..99 to 1900..1999; guard against that and against out-of-range results.
  if (y < 100 || !Number.isFinite(utcMs)) return null;
  return formatUtc(utcMs + Math.floor(micros / 1000), micros % 1000);
}
