import type { LabelTable } from '../label-table.js';
import { IPv4Index } from './ipv4-index.js';
import { IPv6Index } from './ipv6-index.js';

/** One listed range: words as in AddressRange, and its label id. */
export interface LabelledRange {
  start: readonly number[];
  end: readonly number[];
  label: number;
}

function compareAt(
  a: Uint32Array,
  i: number,
  b: Uint32Array,
  j: number,
  words: number,
): number {
  for (let w = 0; w < words; w++) {
    const x = a[i + w] as number;
    const y = b[j + w] as number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Add one to the words at `at`; false when they overflow. */
function increment(words: Uint32Array, at: number, count: number): boolean {
  for (let w = count - 1; w >= 0; w--) {
    const value = words[at + w] as number;
    if (value !== 0xffffffff) {
      words[at + w] = value + 1;
      return true;
    }
    words[at + w] = 0;
  }
  return false;
}

/** Subtract one from the words at `at` (never called on zero). */
function decrement(words: Uint32Array, at: number, count: number): void {
  for (let w = count - 1; w >= 0; w--) {
    const value = words[at + w] as number;
    words[at + w] = value === 0 ? 0xffffffff : value - 1;
    if (value !== 0) return;
  }
}

/**
 * Sorted, disjoint address intervals of one family, each with the set of
 * labels of every listed range that covers it. Overlapping and adjacent
 * ranges are cut into intervals when built, so a lookup is one search of
 * an index built over plain Uint32Arrays and returns the precomputed set
 * id. IPv4 uses one word per address and IPv6 four.
 */
export class AddressIntervals {
  private readonly ipv4Index: IPv4Index | undefined;
  private readonly ipv6Index: IPv6Index | undefined;

  constructor(
    readonly words: 1 | 4,
    readonly starts: Uint32Array,
    readonly ends: Uint32Array,
    readonly sets: Uint32Array,
  ) {
    if (words === 1) this.ipv4Index = IPv4Index.build(starts, ends, sets);
    else this.ipv6Index = new IPv6Index(starts, ends, sets);
  }

  get size(): number {
    return this.sets.length;
  }

  /**
   * Build the intervals of `ranges` with a sweep over their boundaries:
   * each start adds its label and each end + 1 removes it, and the
   * labels active between two boundaries form one interval's set.
   * Neighbouring intervals with equal sets are merged.
   */
  static build(
    words: 1 | 4,
    ranges: readonly LabelledRange[],
    table: LabelTable,
  ): AddressIntervals {
    const total = ranges.length * 2;
    const points = new Uint32Array(total * words);
    const labels = new Int32Array(total);
    const deltas = new Int8Array(total);
    let count = 0;
    for (const range of ranges) {
      for (let w = 0; w < words; w++) {
        points[count * words + w] = range.start[w] as number;
      }
      labels[count] = range.label;
      deltas[count++] = 1;
      for (let w = 0; w < words; w++) {
        points[count * words + w] = range.end[w] as number;
      }
      // A range that ends at the last address never ends.
      if (increment(points, count * words, words)) {
        labels[count] = range.label;
        deltas[count++] = -1;
      }
    }

    const order = new Uint32Array(count);
    for (let i = 0; i < count; i++) order[i] = i;
    order.sort((a, b) =>
      compareAt(points, a * words, points, b * words, words),
    );
    return sweep(words, points, labels, deltas, order, table);
  }

  /** Find the label set id of an IPv4 address (IPv4 intervals only). */
  lookup4(address: number): number {
    return (this.ipv4Index as IPv4Index).lookup(address);
  }

  /** Find the label set id of an IPv6 address as four words (IPv6 only). */
  lookup6(address: Uint32Array): number {
    return (this.ipv6Index as IPv6Index).lookup(address);
  }
}

function sweep(
  words: 1 | 4,
  points: Uint32Array,
  labels: Int32Array,
  deltas: Int8Array,
  order: Uint32Array,
  table: LabelTable,
): AddressIntervals {
  const starts: number[] = [];
  const ends: number[] = [];
  const sets: number[] = [];
  const active = new Map<number, number>();
  const end = new Uint32Array(words);
  let current = 0;

  for (let k = 0; k < order.length; ) {
    const at = (order[k] as number) * words;
    // Apply every boundary at this address before emitting.
    let changed = false;
    while (k < order.length) {
      const p = order[k] as number;
      if (compareAt(points, p * words, points, at, words) !== 0) break;
      const label = labels[p] as number;
      const next = (active.get(label) ?? 0) + (deltas[p] as number);
      if (next === 0) active.delete(label);
      else active.set(label, next);
      changed = true;
      k++;
    }
    if (changed) current = table.set([...active.keys()].sort((a, b) => a - b));
    if (current === 0) continue;

    if (k < order.length) {
      end.set(
        points.subarray(
          (order[k] as number) * words,
          (order[k] as number) * words + words,
        ),
      );
      decrement(end, 0, words);
    } else {
      end.fill(0xffffffff);
    }
    const n = sets.length;
    if (
      n > 0 &&
      sets[n - 1] === current &&
      adjacent(ends, n - 1, points, at, words)
    ) {
      for (let w = 0; w < words; w++)
        ends[(n - 1) * words + w] = end[w] as number;
      continue;
    }
    for (let w = 0; w < words; w++) {
      starts.push(points[at + w] as number);
      ends.push(end[w] as number);
    }
    sets.push(current);
  }
  return new AddressIntervals(
    words,
    Uint32Array.from(starts),
    Uint32Array.from(ends),
    Uint32Array.from(sets),
  );
}

/** True when the interval `index` ends just before the point at `at`. */
function adjacent(
  ends: number[],
  index: number,
  points: Uint32Array,
  at: number,
  words: number,
): boolean {
  const next = Uint32Array.from(
    ends.slice(index * words, index * words + words),
  );
  if (!increment(next, 0, words)) return false;
  return compareAt(next, 0, points, at, words) === 0;
}
