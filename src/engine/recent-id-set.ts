import { randomBytes } from 'node:crypto';
import { BoundedSet } from './bounded-set.js';

/**
 * A random seed of the scope salt, new in each process, so that an ID
 * cannot be chosen to meet another scope's ID.
 */
const SALT_SEED = randomBytes(4).readUInt32LE(0);

/** The character code of `-`. */
const HYPHEN = 45;

/**
 * Parse a UUID written as 8-4-4-4-12 lowercase hex digits into four
 * 32-bit words, or return false. Uppercase digits are left to the caller's
 * string path, so that two spellings of one UUID stay two IDs, as they
 * are as strings.
 */
export function parseLowercaseUuid(text: string, out: Uint32Array): boolean {
  if (text.length !== 36) return false;
  let word = 0;
  let value = 0;
  let nibbles = 0;
  for (let i = 0; i < 36; i++) {
    const c = text.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== HYPHEN) return false;
      continue;
    }
    // `0`-`9` are 48-57 and `a`-`f` are 97-102.
    let digit = c - 48;
    if (digit >>> 0 > 9) {
      digit = c - 87;
      if (digit < 10 || digit > 15) return false;
    }
    value = (value << 4) | digit;
    nibbles++;
    if (nibbles === 8) {
      out[word++] = value >>> 0;
      value = 0;
      nibbles = 0;
    }
  }
  return true;
}

/**
 * An open-addressing hash table of 128-bit keys in typed arrays, with no
 * deletion. A slot is in use when its stamp equals the table's epoch, so
 * that clearing it is one increment.
 */
class WordTable {
  private readonly keys: Uint32Array;
  private readonly stamps: Uint32Array;
  private readonly mask: number;
  private epoch = 1;
  size = 0;

  constructor(readonly limit: number) {
    // At most half the slots are used, which keeps probe runs short.
    let slots = 8;
    while (slots < limit * 2) slots *= 2;
    this.keys = new Uint32Array(slots * 4);
    this.stamps = new Uint32Array(slots);
    this.mask = slots - 1;
  }

  /** Returns the slot that contains the key of hash `hash`, or -1. */
  find(words: Uint32Array, hash: number): number {
    const { keys, stamps, mask, epoch } = this;
    let slot = hash & mask;
    while (stamps[slot] === epoch) {
      if (sameWords(keys, slot * 4, words)) return slot;
      slot = (slot + 1) & mask;
    }
    return -1;
  }

  /** Adds a key of hash `hash` that `find` did not find. */
  insert(words: Uint32Array, hash: number): void {
    const { keys, stamps, mask, epoch } = this;
    let slot = hash & mask;
    while (stamps[slot] === epoch) slot = (slot + 1) & mask;
    stamps[slot] = epoch;
    keys.set(words, slot * 4);
    this.size++;
  }

  clear(): void {
    this.size = 0;
    this.epoch++;
    // After 2^32 - 1 clears the epoch would wrap onto old stamps.
    if (this.epoch === 0xffffffff) {
      this.stamps.fill(0);
      this.epoch = 1;
    }
  }
}

/** Tells whether the four words at `at` in `keys` equal `words`. */
export function sameWords(
  keys: Uint32Array,
  at: number,
  words: Uint32Array,
): boolean {
  return (
    keys[at] === words[0] &&
    keys[at + 1] === words[1] &&
    keys[at + 2] === words[2] &&
    keys[at + 3] === words[3]
  );
}

/**
 * Mixes the four words at `at` into one hash, so that sequential or
 * structured IDs spread over a table.
 */
export function hashWords(words: Uint32Array, at = 0): number {
  let h = words[at + 3] as number;
  h ^= Math.imul(words[at + 2] as number, 0x9e3779b1);
  h ^= Math.imul(words[at + 1] as number, 0x85ebca6b);
  h ^= Math.imul(words[at] as number, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A set of the most recently added request IDs, with BoundedSet's two
 * generations of half the capacity each. IDs that are lowercase UUIDs,
 * as Kubernetes writes audit IDs, are kept as four 32-bit words in typed
 * arrays. Holding the ID strings instead would keep each one alive until
 * it is promoted to the old generation of the heap, and a scan of
 * millions of requests would then pay the collector for every one of
 * them. Other IDs go to a BoundedSet of strings with the same capacity.
 */
export class RecentIdSet {
  private current: WordTable;
  private previous: WordTable;
  private readonly others: BoundedSet<string>;
  private readonly words = new Uint32Array(4);
  private saltScope = '';
  private readonly salt = new Uint32Array(4);

  constructor(capacity: number) {
    const generation = Math.max(1, Math.floor(capacity / 2));
    this.current = new WordTable(generation);
    this.previous = new WordTable(generation);
    this.others = new BoundedSet(capacity);
  }

  /**
   * Tells whether `id` was added in `scope`. IDs of different scopes (the
   * clusters of a scan) are different IDs.
   */
  has(id: string, scope = ''): boolean {
    if (!this.parse(id, scope)) return this.others.has(scopedText(id, scope));
    const words = this.words;
    const hash = hashWords(words);
    return (
      this.current.find(words, hash) >= 0 ||
      this.previous.find(words, hash) >= 0
    );
  }

  /** Add an ID of `scope`; returns false when it was already present. */
  add(id: string, scope = ''): boolean {
    if (!this.parse(id, scope)) return this.others.add(scopedText(id, scope));
    const words = this.words;
    // Both tables use the same hash, so it is computed once per ID.
    const hash = hashWords(words);
    if (
      this.current.find(words, hash) >= 0 ||
      this.previous.find(words, hash) >= 0
    ) {
      return false;
    }
    let current = this.current;
    if (current.size >= current.limit) {
      // The previous generation is dropped and its table reused.
      const dropped = this.previous;
      dropped.clear();
      this.previous = current;
      this.current = dropped;
      current = dropped;
    }
    current.insert(words, hash);
    return true;
  }

  /**
   * Parses a lowercase UUID into `words`, with `scope` mixed in; returns
   * false for another ID, which the string set keeps.
   */
  private parse(id: string, scope: string): boolean {
    if (!parseLowercaseUuid(id, this.words)) return false;
    this.applySalt(scope);
    return true;
  }

  /**
   * Mixes `scope` into the parsed words. The empty scope leaves them as
   * they are. Another scope XORs a seeded hash of its name into them,
   * kept for the next call, since a scan reads one cluster at a time.
   */
  private applySalt(scope: string): void {
    if (scope === '') return;
    const salt = this.salt;
    if (scope !== this.saltScope) {
      let h = SALT_SEED;
      for (let i = 0; i < scope.length; i++) {
        h = Math.imul(h ^ scope.charCodeAt(i), 0x01000193);
      }
      for (let i = 0; i < 4; i++) {
        h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) ^ i;
        h ^= h >>> 13;
        salt[i] = h >>> 0;
      }
      this.saltScope = scope;
    }
    const words = this.words;
    for (let i = 0; i < 4; i++) {
      words[i] = ((words[i] as number) ^ (salt[i] as number)) >>> 0;
    }
  }

  /** IDs held, UUIDs and others. */
  get size(): number {
    return this.current.size + this.previous.size + this.others.size;
  }
}

/** Returns `id` joined with `scope` so that no two pairs give one text. */
function scopedText(id: string, scope: string): string {
  return scope === '' ? id : `${scope.length}:${scope}${id}`;
}
