/** Buckets of the IPv4 space by the top 16 bits of an address. */
const BUCKETS = 65536;

/**
 * The largest set id that an entry stores itself. An entry whose low 16
 * bits hold this value has its set id in `wideSets` instead.
 */
const WIDE = 0xffff;

/**
 * Lookup index over sorted, disjoint IPv4 intervals. The address space is
 * cut at every interval start and at every address after an interval
 * end, so each piece has one set id (0 in the gaps) and a lookup never
 * compares against an end.
 *
 * The pieces are grouped in 65,536 buckets by the top 16 bits of their
 * first address. An entry is `(low 16 bits of the first address << 16)
 * | set id`, which orders entries by address within a bucket and puts the
 * set id in the word that the binary search compares, so a lookup reads
 * one array. An address before the first piece of its bucket lies in the
 * last piece of an earlier bucket, which is the entry before the slice.
 */
export class IPv4Index {
  private constructor(
    /** Bucket b owns entries from slices[b] up to slices[b + 1]. */
    private readonly slices: Uint32Array,
    private readonly entries: Uint32Array,
    /** Set id of each entry, only when some id is WIDE or more. */
    private readonly wideSets: Uint32Array,
  ) {}

  /**
   * Build the index of intervals given as sorted, disjoint starts and
   * inclusive ends, one word per address, with their set ids.
   */
  static build(
    starts: Uint32Array,
    ends: Uint32Array,
    sets: Uint32Array,
  ): IPv4Index {
    const pieces = piecesOf(starts, ends, sets);
    const wide = sets.some((set) => set >= WIDE);
    const entries = new Uint32Array(pieces.count);
    const wideSets = new Uint32Array(wide ? pieces.count : 0);
    const slices = new Uint32Array(BUCKETS + 1);

    let bucket = 0;
    for (let i = 0; i < pieces.count; i++) {
      const first = pieces.firsts[i] as number;
      const set = pieces.sets[i] as number;
      while (bucket <= first >>> 16) slices[bucket++] = i;
      entries[i] = (((first & 0xffff) << 16) | Math.min(set, WIDE)) >>> 0;
      if (wide) wideSets[i] = set;
    }
    while (bucket <= BUCKETS) slices[bucket++] = pieces.count;
    return new IPv4Index(slices, entries, wideSets);
  }

  /** Number of entries, one per piece. */
  get size(): number {
    return this.entries.length;
  }

  /** Find the set id of an address, 0 when no interval covers it. */
  lookup(address: number): number {
    const entries = this.entries;
    const bucket = address >>> 16;
    // Find the last entry at or below `key` in the slice, starting from
    // the entry before it. The first piece starts at address 0, so the
    // search never ends before entry 0.
    const key = ((address << 16) | 0xffff) >>> 0;
    let low = (this.slices[bucket] as number) - 1;
    let high = (this.slices[bucket + 1] as number) - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if ((entries[mid] as number) <= key) low = mid;
      else high = mid - 1;
    }
    const set = (entries[low] as number) & 0xffff;
    return set === WIDE ? (this.wideSets[low] as number) : set;
  }
}

interface Pieces {
  /** First address of each piece, ascending; the first piece is at 0. */
  firsts: Uint32Array;
  sets: Uint32Array;
  count: number;
}

/**
 * Cut the address space into pieces at interval starts and after
 * interval ends. Neighbouring pieces with one set become one piece.
 */
function piecesOf(
  starts: Uint32Array,
  ends: Uint32Array,
  sets: Uint32Array,
): Pieces {
  const firsts = new Uint32Array(sets.length * 2 + 1);
  const pieceSets = new Uint32Array(sets.length * 2 + 1);
  let count = 1;
  const add = (first: number, set: number) => {
    if (pieceSets[count - 1] === set) return;
    if (firsts[count - 1] === first) {
      // Only the interval that starts at address 0 replaces a piece.
      pieceSets[count - 1] = set;
      return;
    }
    firsts[count] = first;
    pieceSets[count++] = set;
  };

  // Past the last address once an interval ends at 255.255.255.255.
  let after = 0;
  for (let i = 0; i < sets.length; i++) {
    const start = starts[i] as number;
    if (start > after) add(after, 0);
    add(start, sets[i] as number);
    after = (ends[i] as number) + 1;
  }
  if (after <= 0xffffffff) add(after, 0);
  return { firsts, sets: pieceSets, count };
}
