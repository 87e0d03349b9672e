import { randomBytes } from 'node:crypto';
import {
  hashWords,
  parseLowercaseUuid,
  sameWords,
} from '../../engine/recent-id-set.js';

/** Words of a key's hash: 128 bits, so that two keys never meet in practice. */
const WORDS = 4;

/** Index slot with no entry. */
const EMPTY = -1;

/**
 * Retry keys seen recently, bounded by age and by count. The webhook
 * keeps one to answer `duplicates` without a database write. The
 * detection worker keeps one filled from the durable
 * `ingest_seen_batches` table at start.
 *
 * Each key is held as a 128-bit hash of its cluster and text in typed
 * arrays: entries in a ring in the order they were added, and an
 * open-addressing index of ring positions. Strings in a Map of hundreds
 * of thousands of entries would each live until the garbage collector
 * promoted them, and the collector would pay for every one.
 */
export class RetryKeyCache {
  private readonly ringSize: number;
  private readonly hashes: Uint32Array;
  private readonly seenMs: Float64Array;
  /** 1 for a ring entry still indexed, 0 for one added again since. */
  private readonly live: Uint8Array;
  private head = 0;
  /** Ring entries between head and tail, live or not. */
  private used = 0;
  private liveCount = 0;
  private readonly index: Int32Array;
  private readonly mask: number;
  private readonly hash = new Uint32Array(WORDS);

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries: number,
  ) {
    // Keys added again leave dead entries behind, so the ring has room
    // for as many again as the live ones.
    this.ringSize = Math.max(2, maxEntries * 2);
    this.hashes = new Uint32Array(this.ringSize * WORDS);
    this.seenMs = new Float64Array(this.ringSize);
    this.live = new Uint8Array(this.ringSize);
    // At most half the index is used, which keeps probe runs short.
    let slots = 8;
    while (slots < this.ringSize * 2) slots *= 2;
    this.index = new Int32Array(slots).fill(EMPTY);
    this.mask = slots - 1;
  }

  /** Number of keys held. */
  get size(): number {
    return this.liveCount;
  }

  /** Tells whether `key` of `cluster` was added within the window. */
  has(cluster: string, key: string, nowMs: number): boolean {
    hashKey(cluster, key, this.hash);
    const slot = this.find(this.hash);
    if (slot === EMPTY) return false;
    const entry = this.index[slot] as number;
    return (this.seenMs[entry] as number) >= nowMs - this.windowMs;
  }

  /**
   * Adds `key` of `cluster` as seen at `nowMs` unless it was added within
   * the window; returns true when it was, that is for a repeat.
   */
  claim(cluster: string, key: string, nowMs: number): boolean {
    const hash = this.hash;
    hashKey(cluster, key, hash);
    const slot = this.find(hash);
    if (slot !== EMPTY) {
      const entry = this.index[slot] as number;
      if ((this.seenMs[entry] as number) >= nowMs - this.windowMs) return true;
      this.live[entry] = 0;
      this.liveCount--;
      this.unindex(slot);
    }
    this.append(hash, nowMs);
    this.evict(nowMs);
    return false;
  }

  /** Adds keys seen at `nowMs`, evicting expired and the oldest keys. */
  add(cluster: string, keys: Iterable<string>, nowMs: number): void {
    const hash = this.hash;
    for (const key of keys) {
      hashKey(cluster, key, hash);
      const slot = this.find(hash);
      if (slot !== EMPTY) {
        this.live[this.index[slot] as number] = 0;
        this.liveCount--;
        this.unindex(slot);
      }
      this.append(hash, nowMs);
    }
    this.evict(nowMs);
  }

  /** Adds a ring entry for a hash that the index does not contain. */
  private append(hash: Uint32Array, nowMs: number): void {
    if (this.used === this.ringSize) this.dropHead();
    const entry = (this.head + this.used) % this.ringSize;
    this.used++;
    this.hashes.set(hash, entry * WORDS);
    this.seenMs[entry] = nowMs;
    this.live[entry] = 1;
    this.liveCount++;
    this.insert(hash, entry);
  }

  private evict(nowMs: number): void {
    const cutoff = nowMs - this.windowMs;
    while (this.used > 0) {
      const head = this.head;
      const expired =
        this.live[head] === 0 ||
        (this.seenMs[head] as number) < cutoff ||
        this.liveCount > this.maxEntries;
      if (!expired) break;
      this.dropHead();
    }
  }

  /** Removes the oldest ring entry and, when it is live, its index slot. */
  private dropHead(): void {
    const head = this.head;
    if (this.live[head] === 1) {
      const slot = this.find(
        this.hashes.subarray(head * WORDS, head * WORDS + WORDS),
      );
      this.unindex(slot);
      this.live[head] = 0;
      this.liveCount--;
    }
    this.head = (head + 1) % this.ringSize;
    this.used--;
  }

  /** Returns the index slot of the entry with `hash`, or EMPTY. */
  private find(hash: Uint32Array): number {
    const { index, hashes, mask } = this;
    let slot = hashWords(hash) & mask;
    for (;;) {
      const entry = index[slot] as number;
      if (entry === EMPTY) return EMPTY;
      if (sameWords(hashes, entry * WORDS, hash)) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private insert(hash: Uint32Array, entry: number): void {
    const { index, mask } = this;
    let slot = hashWords(hash) & mask;
    while (index[slot] !== EMPTY) slot = (slot + 1) & mask;
    index[slot] = entry;
  }

  /**
   * Empties an index slot, then moves back the entries after it in its
   * probe run that could no longer be reached (backward-shift deletion).
   */
  private unindex(slot: number): void {
    const { index, hashes, mask } = this;
    let hole = slot;
    let next = (slot + 1) & mask;
    for (;;) {
      const entry = index[next] as number;
      if (entry === EMPTY) break;
      const entryHome = hashWords(hashes, entry * WORDS) & mask;
      // The entry stays unless its home lies cyclically outside (hole, next].
      const stays =
        hole <= next
          ? hole < entryHome && entryHome <= next
          : hole < entryHome || entryHome <= next;
      if (!stays) {
        index[hole] = entry;
        hole = next;
      }
      next = (next + 1) & mask;
    }
    index[hole] = EMPTY;
  }
}

/**
 * Random seeds of the four hash lanes, new in each process. Hashes are
 * never stored, and a client that picks its audit IDs cannot aim them at
 * another event's key without the seeds.
 */
const SEEDS = new Uint32Array(randomBytes(16).buffer);

/** Length of `["`, the start of an audit event's key before its audit ID. */
const ID_START = 2;
/** Length of a UUID written with hyphens. */
const UUID_LENGTH = 36;
/** Characters `","` between the audit ID and the stage in a key. */
const SEPARATOR = '","';

/**
 * Writes a 128-bit hash of `cluster` and `key` into `out`. The key of an
 * audit event, `["<audit ID>","<stage>"]`, whose audit ID is a lowercase
 * UUID (as Kubernetes writes them) keeps the UUID's own 128 bits, mixed
 * with a seeded hash of the cluster and the stage. Two such keys of one
 * cluster and stage therefore never meet. Other keys take hashKeyText.
 */
export function hashKey(cluster: string, key: string, out: Uint32Array): void {
  const stageStart = ID_START + UUID_LENGTH + SEPARATOR.length;
  if (
    key.length > stageStart &&
    key.startsWith(SEPARATOR, ID_START + UUID_LENGTH) &&
    parseLowercaseUuid(key.slice(ID_START, ID_START + UUID_LENGTH), out)
  ) {
    let h = SEEDS[0] as number;
    for (let i = 0; i < cluster.length; i++) {
      h = Math.imul(rotate(h ^ cluster.charCodeAt(i), 13), 0x01000193);
    }
    for (let i = stageStart; i < key.length; i++) {
      h = Math.imul(rotate(h ^ key.charCodeAt(i), 15), 0x5bd1e995);
    }
    out[0] = (out[0] as number) ^ finish(h ^ (SEEDS[1] as number));
    out[1] = (out[1] as number) ^ finish(h ^ (SEEDS[2] as number));
    out[2] = (out[2] as number) ^ finish(h ^ (SEEDS[3] as number));
    out[3] = (out[3] as number) ^ finish(h);
    return;
  }
  hashKeyText(cluster, key, out);
}

/**
 * Writes a 128-bit hash of `cluster` and `key` into `out`: four seeded
 * lanes that mix each character with a multiply and a rotation, each
 * finished with murmur3's mixing step. Cluster names are DNS labels, so
 * the NUL between the two parts cannot occur in the cluster.
 */
export function hashKeyText(
  cluster: string,
  key: string,
  out: Uint32Array,
): void {
  let h0 = SEEDS[0] as number;
  let h1 = SEEDS[1] as number;
  let h2 = SEEDS[2] as number;
  let h3 = SEEDS[3] as number;
  const length = cluster.length + 1 + key.length;
  for (let i = 0; i < length; i++) {
    const c =
      i < cluster.length
        ? cluster.charCodeAt(i)
        : i === cluster.length
          ? 0
          : key.charCodeAt(i - cluster.length - 1);
    h0 = Math.imul(rotate(h0 ^ c, 13), 0x01000193);
    h1 = Math.imul(rotate(h1 ^ c, 15), 0x5bd1e995);
    h2 = Math.imul(rotate(h2 ^ c, 17), 0x85ebca6b);
    h3 = Math.imul(rotate(h3 ^ c, 19), 0xc2b2ae35);
  }
  out[0] = finish(h0 ^ length);
  out[1] = finish(h1 ^ h0);
  out[2] = finish(h2 ^ h1);
  out[3] = finish(h3 ^ h2);
}

function rotate(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits));
}

function finish(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
