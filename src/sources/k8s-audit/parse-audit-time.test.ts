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
});
