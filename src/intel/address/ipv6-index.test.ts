import { describe, expect, it } from 'vitest';
import { IPv6Index } from './ipv6-index.js';
import { formatIPv6, parseIPv6 } from './parse-ipv6.js';

/** An interval as text, inclusive at both ends, with its set id. */
type Interval = [start: string, end: string, set: number];

function words(text: string): Uint32Array {
  const out = new Uint32Array(4);
  if (!parseIPv6(text, out)) throw new Error(`not IPv6: ${text}`);
  return out;
}

function indexOf(...intervals: Interval[]): IPv6Index {
  const starts = new Uint32Array(intervals.length * 4);
  const ends = new Uint32Array(intervals.length * 4);
  intervals.forEach(([start, end], i) => {
    starts.set(words(start), i * 4);
    ends.set(words(end), i * 4);
  });
  const sets = Uint32Array.from(intervals.map(([, , set]) => set));
  return new IPv6Index(starts, ends, sets);
}

function lookup(index: IPv6Index, address: string): number {
  return index.lookup(words(address));
}

/** Add two addresses modulo 2^128, so adding all ones subtracts 1. */
function add(a: readonly number[], b: readonly number[]): number[] {
  const sum = [0, 0, 0, 0];
  let carry = 0;
  for (let w = 3; w >= 0; w--) {
    const total = (a[w] as number) + (b[w] as number) + carry;
    sum[w] = total >>> 0;
    carry = total > 0xffffffff ? 1 : 0;
  }
  return sum;
}

function compare(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let w = 0; w < 4; w++) {
    const x = a[w] as number;
    const y = b[w] as number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

describe('IPv6Index', () => {
  it('finds nothing when empty', () => {
    const index = indexOf();
    expect(lookup(index, '::')).toBe(0);
    expect(lookup(index, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(0);
  });

  it('covers every address with ::/0', () => {
    const index = indexOf(['::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 2]);
    expect(lookup(index, '::')).toBe(2);
    expect(lookup(index, '8000::1')).toBe(2);
    expect(lookup(index, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(2);
  });

  it('finds /128 addresses at both ends of the space', () => {
    const last = 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff';
    const index = indexOf(['::', '::', 1], [last, last, 2]);
    expect(lookup(index, '::')).toBe(1);
    expect(lookup(index, '::1')).toBe(0);
    expect(lookup(index, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe')).toBe(0);
    expect(lookup(index, last)).toBe(2);
  });

  it('uses an interval that starts in an earlier bucket', () => {
    // 2000::/3 starts in bucket 0x2000 and covers bucket 0x2001 too,
    // where 2001:db8::/32 starts later than the address looked up.
    const index = indexOf(
      ['2000::', '2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', 1],
      ['2001:db8::', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', 2],
      ['2001:db9::', '3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 1],
    );
    expect(lookup(index, '1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(0);
    expect(lookup(index, '2001::1')).toBe(1);
    expect(lookup(index, '2001:db8::')).toBe(2);
    expect(lookup(index, '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(2);
    expect(lookup(index, '2001:db9::')).toBe(1);
    expect(lookup(index, '2a00::1')).toBe(1);
    expect(lookup(index, '4000::')).toBe(0);
  });

  it('tells apart starts that share their first 48 bits', () => {
    // Every start below shares 2001:db8:1, so the search compares
    // whole addresses.
    const index = indexOf(
      ['2001:db8:1::1', '2001:db8:1::1', 1],
      ['2001:db8:1::3', '2001:db8:1::3', 2],
      ['2001:db8:1:0:1::', '2001:db8:1:0:1:ffff:ffff:ffff', 3],
      ['2001:db8:1:1::', '2001:db8:1:1:ffff:ffff:ffff:ffff', 4],
      ['2001:db8:1:2::', '2001:db8:1:2::', 5],
    );
    expect(lookup(index, '2001:db8:1::')).toBe(0);
    expect(lookup(index, '2001:db8:1::1')).toBe(1);
    expect(lookup(index, '2001:db8:1::2')).toBe(0);
    expect(lookup(index, '2001:db8:1::3')).toBe(2);
    expect(lookup(index, '2001:db8:1::4')).toBe(0);
    expect(lookup(index, '2001:db8:1:0:1:2:3:4')).toBe(3);
    expect(lookup(index, '2001:db8:1:0:2::')).toBe(0);
    expect(lookup(index, '2001:db8:1:1:abcd::')).toBe(4);
    expect(lookup(index, '2001:db8:1:2::')).toBe(5);
    expect(lookup(index, '2001:db8:1:2::1')).toBe(0);
  });

  it('tells adjacent intervals apart', () => {
    const index = indexOf(
      ['2001:db8::', '2001:db8:0:ffff:ffff:ffff:ffff:ffff', 1],
      ['2001:db8:1::', '2001:db8:1:ffff:ffff:ffff:ffff:ffff', 2],
    );
    expect(lookup(index, '2001:db8:0:ffff:ffff:ffff:ffff:ffff')).toBe(1);
    expect(lookup(index, '2001:db8:1::')).toBe(2);
    expect(lookup(index, '2001:db8:2::')).toBe(0);
  });

  it('agrees with a linear scan on random intervals', () => {
    // A fixed linear congruential sequence keeps the case reproducible.
    let seed = 7;
    const next = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed;
    };
    // Lengths and gaps mostly within one /48 make many starts share
    // their first 48 bits, and now and then one of many /32s makes
    // intervals start in later buckets or span them.
    const randomAmount = () => {
      const amount = [0, 0, 0, next()];
      const roll = next() % 16;
      if (roll === 0) amount[0] = next() & 0x1ffff;
      else if (roll < 6) amount[1] = next() & 0xffff;
      else if (roll < 11) amount[2] = next() & 0xffff;
      return amount;
    };
    const intervals: [number[], number[], number][] = [];
    let at = [0x20010db8, 0, 0, 0];
    for (let i = 0; i < 1500; i++) {
      const end = add(at, randomAmount());
      intervals.push([at, end, 1 + (next() % 4)]);
      at = add(
        add(end, [0, 0, 0, 1]),
        next() % 3 === 0 ? [0, 0, 0, 0] : randomAmount(),
      );
    }
    const starts = new Uint32Array(intervals.length * 4);
    const ends = new Uint32Array(intervals.length * 4);
    intervals.forEach(([start, end], i) => {
      starts.set(start, i * 4);
      ends.set(end, i * 4);
    });
    const sets = Uint32Array.from(intervals.map(([, , set]) => set));
    const index = new IPv6Index(starts, ends, sets);
    const scan = (address: ArrayLike<number>) => {
      const found = intervals.find(
        ([start, end]) =>
          compare(start, address) <= 0 && compare(address, end) <= 0,
      );
      return found ? found[2] : 0;
    };
    const probes: Uint32Array[] = [];
    for (const [start, end] of intervals) {
      probes.push(Uint32Array.from(start), Uint32Array.from(end));
      probes.push(Uint32Array.from(add(end, [0, 0, 0, 1])));
      const before = add(
        start,
        [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
      );
      probes.push(Uint32Array.from(before));
    }
    for (let i = 0; i < 5000; i++) {
      const from = intervals[next() % intervals.length]?.[0] ?? [];
      const probe = Uint32Array.from(from);
      probe[2] = next();
      probe[3] = next();
      probes.push(probe);
    }
    const wrong = probes
      .filter((probe) => index.lookup(probe) !== scan(probe))
      .map((probe) => formatIPv6(probe));
    expect(wrong).toEqual([]);
    const lastEnd = intervals.at(-1)?.[1][0] ?? 0;
    expect(lastEnd >>> 16).toBeGreaterThan(0x2001);
  });
});
