import { describe, expect, it } from 'vitest';
import { parseAuditTime } from './parse-audit-time.js';

describe('parseAuditTime', () => {
  it('reads RFC 3339 with microseconds', () => {
    expect(parseAuditTime('2025-03-04T06:22:18.819232Z')).toBe(
      Date.UTC(2025, 2, 4, 6, 22, 18, 819),
    );
  });

  it('reads nanoseconds and offsets', () => {
    expect(parseAuditTime('2025-10-07T16:19:19.647880072Z')).toBe(
      Date.UTC(2025, 9, 7, 16, 19, 19, 647),
    );
    expect(parseAuditTime('2018-10-26T13:38:34+02:00')).toBe(
      Date.UTC(2018, 9, 26, 11, 38, 34),
    );
  });

  it('reads Panther timestamps as UTC', () => {
    expect(parseAuditTime('2024-11-13 18:34:10.595141000')).toBe(
      Date.UTC(2024, 10, 13, 18, 34, 10, 595),
    );
  });

  it('reads whole seconds and one fractional digit', () => {
    expect(parseAuditTime('2025-03-04T06:22:18Z')).toBe(
      Date.UTC(2025, 2, 4, 6, 22, 18),
    );
    expect(parseAuditTime('2025-03-04T06:22:18.5Z')).toBe(
      Date.UTC(2025, 2, 4, 6, 22, 18, 500),
    );
  });

  it('rejects impossible dates', () => {
    expect(parseAuditTime('2025-04-31T00:00:00Z')).toBeNaN();
    expect(parseAuditTime('2025-00-10T00:00:00Z')).toBeNaN();
    expect(parseAuditTime('2025-01-10T24:00:00Z')).toBeNaN();
  });

  it('rejects other shapes', () => {
    expect(parseAuditTime('March 7, 2024 10:00:00')).toBeNaN();
    expect(parseAuditTime('1731522850')).toBeNaN();
    expect(parseAuditTime('2024-13-45T99:00:00Z')).toBeNaN();
  });

  it('checks days as Date.UTC rolls them over', () => {
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    for (const year of [0, 4, 96, 100, 1900, 2000, 2023, 2024, 2100, 9999]) {
      for (let month = 1; month <= 12; month++) {
        for (let day = 27; day <= 31; day++) {
          for (const [hour, minute, second] of [
            [0, 0, 0],
            [12, 30, 60],
            [23, 59, 59],
            [23, 59, 60],
          ] as const) {
            const text =
              `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T` +
              `${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.250Z`;
            const time = Date.UTC(year, month - 1, day, hour, minute, second);
            const valid = new Date(time).getUTCDate() === day;
            const expected = valid ? time + 250 : Number.NaN;
            expect(parseAuditTime(text), text).toBe(expected);
          }
        }
      }
    }
  });
});
