import { expect, it } from 'vitest';
import { monthKey, statisticsBody } from './usage';

it('statisticsBody: the reference shape, this month, both kinds of reads counted', () => {
  expect(statisticsBody({ api: 3, page: 2 }, new Date('2026-11-21T22:05:00Z'))).toEqual({
    usage: { month: 11, calls: 5, year: 2026, resets_on: '2026-12-01T00:00:00Z' },
    total_calls: null,
  });
  // December rolls over into January of the next year.
  expect(statisticsBody({ api: 0, page: 0 }, new Date('2026-12-31T23:59:59Z')).usage).toEqual({
    month: 12,
    calls: 0,
    year: 2026,
    resets_on: '2027-01-01T00:00:00Z',
  });
});

it('monthKey is the UTC month', () => {
  expect(monthKey(new Date('2026-02-01T00:30:00+02:00'))).toBe('2026-01');
  expect(monthKey(new Date('2026-10-05T12:00:00Z'))).toBe('2026-10');
});
