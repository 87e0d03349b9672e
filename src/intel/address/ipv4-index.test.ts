import { describe, expect, it } from 'vitest';
import { IPv4Index } from './ipv4-index.js';
import { parseIPv4 } from './parse-ipv4.js';

/** An interval as text, inclusive at both ends, with its set id. */
type Interval = [start: string, end: string, set: number];

function indexOf(...intervals: Interval[]): IPv4Index {
  return IPv4Index.build(
    Uint32Array.from(intervals.map(([start]) => parseIPv4(start))),
    Uint32Array.from(intervals.map(([, end]) => parseIPv4(end))),
    Uint32Array.from(intervals.map(([, , set]) => set)),
  );
}

function lookup(index: IPv4Index, address: string): number {
  return index.lookup(parseIPv4(address));
}

/** Find the set id by a linear scan, which the index must match. */
function scan(
  starts: Uint32Array,
  ends: Uint32Array,
  sets: Uint32Array,
  address: number,
): number {
  for (let i = 0; i < sets.length; i++) {
    if ((starts[i] as number) <= address && address <= (ends[i] as number)) {
      return sets[i] as number;
    }
  }
  return 0;
}

describe('IPv4Index', () => {
  it('finds nothing when empty', () => {
    const index = indexOf();
    expect(lookup(index, '0.0.0.0')).toBe(0);
    expect(lookup(index, '255.255.255.255')).toBe(0);
    expect(index.size).toBe(1);
  });

  it('covers every address with /0', () => {
    const index = indexOf(['0.0.0.0', '255.255.255.255', 3]);
    expect(lookup(index, '0.0.0.0')).toBe(3);
    expect(lookup(index, '128.0.0.0')).toBe(3);
    expect(lookup(index, '255.255.255.255')).toBe(3);
  });

  it('finds single addresses at both ends of the space', () => {
    const index = indexOf(
      ['0.0.0.0', '0.0.0.0', 1],
      ['255.255.255.255', '255.255.255.255', 2],
    );
    expect(lookup(index, '0.0.0.0')).toBe(1);
    expect(lookup(index, '0.0.0.1')).toBe(0);
    expect(lookup(index, '255.255.255.254')).toBe(0);
    expect(lookup(index, '255.255.255.255')).toBe(2);
  });

  it('tells adjacent intervals apart', () => {
    const index = indexOf(
      ['192.0.2.0', '192.0.2.127', 1],
      ['192.0.2.128', '192.0.2.255', 2],
      ['192.0.3.0', '192.0.3.0', 1],
    );
    expect(lookup(index, '192.0.1.255')).toBe(0);
    expect(lookup(index, '192.0.2.0')).toBe(1);
    expect(lookup(index, '192.0.2.127')).toBe(1);
    expect(lookup(index, '192.0.2.128')).toBe(2);
    expect(lookup(index, '192.0.2.255')).toBe(2);
    expect(lookup(index, '192.0.3.0')).toBe(1);
    expect(lookup(index, '192.0.3.1')).toBe(0);
  });

  it('carries an interval across bucket boundaries', () => {
    // 10.0.255.0 to 10.3.0.255 spans four buckets of 65,536 addresses.
    const index = indexOf(['10.0.255.0', '10.3.0.255', 5]);
    expect(lookup(index, '10.0.254.255')).toBe(0);
    expect(lookup(index, '10.0.255.0')).toBe(5);
    expect(lookup(index, '10.1.0.0')).toBe(5);
    expect(lookup(index, '10.2.128.9')).toBe(5);
    expect(lookup(index, '10.3.0.0')).toBe(5);
    expect(lookup(index, '10.3.0.255')).toBe(5);
    expect(lookup(index, '10.3.1.0')).toBe(0);
  });

  it('ends an interval on the last address of a bucket', () => {
    const index = indexOf(
      ['10.0.255.255', '10.0.255.255', 1],
      ['10.1.0.0', '10.1.0.0', 2],
    );
    expect(lookup(index, '10.0.255.254')).toBe(0);
    expect(lookup(index, '10.0.255.255')).toBe(1);
    expect(lookup(index, '10.1.0.0')).toBe(2);
    expect(lookup(index, '10.1.0.1')).toBe(0);
  });

  it('searches a bucket with many intervals', () => {
    const intervals: Interval[] = [];
    for (let i = 0; i < 256; i += 2) {
      intervals.push([`172.16.${i}.0`, `172.16.${i}.255`, 1 + (i % 7)]);
    }
    const index = indexOf(...intervals);
    for (let i = 0; i < 256; i++) {
      const expected = i % 2 === 0 ? 1 + (i % 7) : 0;
      expect(lookup(index, `172.16.${i}.0`)).toBe(expected);
      expect(lookup(index, `172.16.${i}.255`)).toBe(expected);
    }
  });

  it('keeps set ids of 65535 and more', () => {
    const index = indexOf(
      ['192.0.2.0', '192.0.2.0', 65534],
      ['192.0.2.1', '192.0.2.1', 65535],
      ['192.0.2.2', '192.0.2.2', 70000],
      ['192.0.2.3', '192.0.2.3', 7],
    );
    expect(lookup(index, '192.0.2.0')).toBe(65534);
    expect(lookup(index, '192.0.2.1')).toBe(65535);
    expect(lookup(index, '192.0.2.2')).toBe(70000);
    expect(lookup(index, '192.0.2.3')).toBe(7);
    expect(lookup(index, '192.0.2.4')).toBe(0);
  });

  it('accepts unmerged neighbours and empty sets', () => {
    // Decoded intel may contain either, though the builder writes neither.
    const index = indexOf(
      ['198.51.100.0', '198.51.100.9', 4],
      ['198.51.100.10', '198.51.100.19', 4],
      ['198.51.100.20', '198.51.100.29', 0],
      ['198.51.100.30', '198.51.100.39', 4],
    );
    expect(lookup(index, '198.51.100.15')).toBe(4);
    expect(lookup(index, '198.51.100.25')).toBe(0);
    expect(lookup(index, '198.51.100.35')).toBe(4);
  });

  it('agrees with a linear scan on random intervals', () => {
    // A fixed linear congruential sequence keeps the case reproducible.
    let seed = 99;
    const next = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed;
    };
    const starts: number[] = [];
    const ends: number[] = [];
    const sets: number[] = [];
    // Gaps and lengths mostly below 2^14 addresses put several intervals
    // in each bucket of 10.0.0.0/8, and a few of 2^18 span whole buckets.
    const lengthOf = (roll: number) =>
      roll === 0
        ? next() & 0x3ffff
        : roll < 16
          ? next() & 0x3fff
          : next() & 0xff;
    let at = 0x0a000000 + (next() & 0xfff);
    while (at < 0x0b000000) {
      const end = at + lengthOf(next() % 64);
      starts.push(at);
      ends.push(end);
      sets.push(1 + (next() % 5));
      at = end + 1 + (next() % 3 === 0 ? 0 : next() & 0x3fff);
    }
    const s = Uint32Array.from(starts);
    const e = Uint32Array.from(ends);
    const t = Uint32Array.from(sets);
    const index = IPv4Index.build(s, e, t);
    for (let i = 0; i < starts.length; i++) {
      for (const address of [s[i] as number, e[i] as number]) {
        for (const probe of [address - 1, address, address + 1]) {
          expect(index.lookup(probe)).toBe(scan(s, e, t, probe));
        }
      }
    }
    for (let i = 0; i < 20_000; i++) {
      const probe = (0x09ff0000 + (next() % 0x1020000)) >>> 0;
      expect(index.lookup(probe)).toBe(scan(s, e, t, probe));
    }
  });
});
