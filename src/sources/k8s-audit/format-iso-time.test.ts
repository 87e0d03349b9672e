import { describe, expect, it } from 'vitest';
import { formatIsoTime } from './format-iso-time.js';

describe('formatIsoTime', () => {
  it('matches toISOString around the epoch', () => {
    for (let ms = -2500; ms <= 2500; ms += 7) {
      expect(formatIsoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('matches toISOString across years', () => {
    const step = 86_399_997;
    const first = Date.UTC(1968, 0, 1);
    for (let ms = first; ms < Date.UTC(2030, 0, 1); ms += step) {
      expect(formatIsoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('matches toISOString for consecutive events', () => {
    const start = Date.parse('2026-11-02T23:59:58.990Z');
    for (let ms = start; ms < start + 3000; ms += 3) {
      expect(formatIsoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('matches toISOString at the four-digit year limits', () => {
    const cases = [
      -62_167_219_200_000, -62_167_219_200_001, 253_402_300_799_999,
      253_402_300_800_000, 8.64e15, -8.64e15,
    ];
    for (const ms of cases) {
      expect(formatIsoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('matches toISOString for fractional milliseconds', () => {
    expect(formatIsoTime(1_500.7)).toBe(new Date(1_500.7).toISOString());
  });

  it('throws on NaN like toISOString', () => {
    expect(() => formatIsoTime(Number.NaN)).toThrow(RangeError);
  });
});
