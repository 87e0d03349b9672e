/** Buckets of the IPv6 space by the top 16 bits of an address. */
const BUCKETS = 65536;

/** Compare the four words at `a[i]` with the four at `b[0]`. */
function compareWords(a: Uint32Array, i: number, b: Uint32Array): number {
  for (let w = 0; w < 4; w++) {
    const x = a[i + w] as number;
    const y = b[w] as number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * Lookup index over sorted, disjoint IPv6 intervals, four words per
 * address. A table on the top 16 bits of an address gives the slice of
 * intervals that start in its bucket. `keys` contains the next 32 bits
 * of each start, so the binary search reads one small array and compares
 * whole addresses only where two starts share those 48 bits.
 */
export class IPv6Index {
  /** How many intervals start below each bucket. */
  private readonly slices: Uint32Array;
  private readonly keys: Uint32Array;

  constructor(
    private readonly starts: Uint32Array,
    private readonly ends: Uint32Array,
    private readonly sets: Uint32Array,
  ) {
    const count = sets.length;
    this.slices = new Uint32Array(BUCKETS + 1);
    this.keys = new Uint32Array(count);
    let next = 0;
    for (let bucket = 0; bucket <= BUCKETS; bucket++) {
      while (next < count && (starts[next * 4] as number) >>> 16 < bucket) {
        next++;
      }
      this.slices[bucket] = next;
    }
    for (let i = 0; i < count; i++) {
      this.keys[i] = keyOf(starts, i * 4);
    }
  }

  /** Find the set id of an address, 0 when no interval covers it. */
  lookup(address: Uint32Array): number {
    const keys = this.keys;
    const bucket = (address[0] as number) >>> 16;
    const key = keyOf(address, 0);
    let low = this.slices[bucket] as number;
    let high = (this.slices[bucket + 1] as number) - 1;
    // When no interval starts in the bucket at or before the address,
    // the last one that starts before the bucket may still cover it.
    let found = low - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const at = keys[mid] as number;
      const before =
        at < key ||
        (at === key && compareWords(this.starts, mid * 4, address) <= 0);
      if (before) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    if (found < 0 || compareWords(this.ends, found * 4, address) < 0) {
      return 0;
    }
    return this.sets[found] as number;
  }
}

/** Bits 16 to 47 of the address at `words[at]`. */
function keyOf(words: Uint32Array, at: number): number {
  const high = words[at] as number;
  const next = words[at + 1] as number;
  return ((high << 16) | (next >>> 16)) >>> 0;
}
