import type { IntelLookup } from '../engine/intel-lookup.js';
import type { AddressIntervals } from './address/address-intervals.js';
import { parseIPv4 } from './address/parse-ipv4.js';
import { mappedIPv4, parseIPv6 } from './address/parse-ipv6.js';
import { exactKeysOf, MAX_LOOKUP_LENGTH } from './exact-keys.js';
import type { IndicatorType } from './indicator.js';
import type { IntelLabel, LabelTable } from './label-table.js';
import {
  contentHash,
  decodeIntervals,
  decodeLabels,
  encodeIntervals,
  INTEL_FORMAT,
  INTEL_FORMAT_VERSION,
  type SerializedIntel,
  serializedIntelSchema,
} from './serialized-intel.js';

/** Indicators held, by type. */
export type IndicatorCounts = Partial<Record<IndicatorType, number>>;

const NONE: readonly string[] = Object.freeze([]);

/**
 * Threat intelligence ready for lookups: address intervals per family and
 * a map of exact values, each pointing at a label set whose categories
 * are precomputed. Build one with IndicatorStoreBuilder or fromJSON; it
 * never changes afterwards, so one instance may serve every engine.
 */
export class IndicatorStore implements IntelLookup {
  private readonly words = new Uint32Array(4);
  private readonly groups = new Uint16Array(8);
  private readonly listed: ReadonlySet<string>;

  constructor(
    readonly table: LabelTable,
    readonly ipv4: AddressIntervals,
    readonly ipv6: AddressIntervals,
    readonly exact: ReadonlyMap<string, number>,
    readonly counts: IndicatorCounts,
  ) {
    this.listed = new Set(table.labels.map((label) => label.category));
  }

  /** Every category with at least one indicator. */
  categories(): ReadonlySet<string> {
    return this.listed;
  }

  /** Indicators held, over every type. */
  get size(): number {
    let total = 0;
    for (const count of Object.values(this.counts)) total += count ?? 0;
    return total;
  }

  /**
   * The categories under which any indicator lists the value: every
   * range that covers an address (IPv4-mapped IPv6 is looked up as IPv4),
   * or an exact value as exactKeysOf spells it.
   */
  categoriesOf(value: string): readonly string[] {
    return this.table.categories[this.setOf(value)] ?? NONE;
  }

  /** Every category and source that lists the value. */
  labelsOf(value: string): IntelLabel[] {
    return this.table
      .labelsOf(this.setOf(value))
      .map((id) => this.table.labelAt(id));
  }

  /** The categories that list an IPv4 address given as a number. */
  categoriesOfIPv4(address: number): readonly string[] {
    return this.table.categories[this.ipv4.lookup4(address)] ?? NONE;
  }

  /** The label set id that lists the value, 0 when none does. */
  setOf(value: string): number {
    const address = this.addressSet(value);
    if (address >= 0) return address;
    if (value.length > MAX_LOOKUP_LENGTH || this.exact.size === 0) return 0;

    const { keys, host } = exactKeysOf(value);
    let set = 0;
    for (const key of keys) {
      const found = this.exact.get(key);
      if (found !== undefined) set = this.table.union(set, found);
    }
    if (host !== undefined) {
      const hostSet = this.addressSet(host);
      if (hostSet > 0) set = this.table.union(set, hostSet);
    }
    return set;
  }

  /**
   * The store as versioned JSON with a SHA-256 content hash, for sending
   * to agents and writing to disk. Counts are kept for display.
   */
  toJSON(): SerializedIntel {
    const content: Omit<SerializedIntel, 'sha256'> = {
      format: INTEL_FORMAT,
      version: INTEL_FORMAT_VERSION,
      labels: this.table.labels.map((l) => ({ ...l })),
      sets: this.table.sets.map((s) => [...s]),
      ipv4: encodeIntervals(this.ipv4),
      ipv6: encodeIntervals(this.ipv6),
      exact: [...this.exact],
      counts: { ...this.counts },
    };
    return { ...content, sha256: contentHash(content) };
  }

  /** The SHA-256 content hash that toJSON writes. */
  get contentHash(): string {
    return this.toJSON().sha256;
  }

  /**
   * Read what toJSON wrote. Throws on another format or version, on a
   * hash that does not match the content, and on intervals or sets that
   * lookups could not trust.
   */
  static fromJSON(json: unknown): IndicatorStore {
    const data = serializedIntelSchema.parse(json);
    const { sha256, ...content } = data;
    if (contentHash(content) !== sha256) {
      throw new Error('intel content does not match its sha256 hash');
    }
    const table = decodeLabels(data);
    const sets = data.sets.length;
    const exact = new Map<string, number>();
    for (const [value, set] of data.exact) {
      if (set >= sets) throw new Error('intel value names a missing set');
      exact.set(value, set);
    }
    return new IndicatorStore(
      table,
      decodeIntervals(1, data.ipv4, sets),
      decodeIntervals(4, data.ipv6, sets),
      exact,
      data.counts,
    );
  }

  /** The set of an address, or -1 when the value is not an address. */
  private addressSet(value: string): number {
    const first = value.charCodeAt(0);
    if (first >= 48 && first <= 57) {
      const v4 = parseIPv4(value);
      if (v4 >= 0) return this.ipv4.lookup4(v4);
    }
    if (value.length > 45 || !value.includes(':')) return -1;
    if (!parseIPv6(value, this.words, this.groups)) return -1;
    const mapped = mappedIPv4(this.words);
    return mapped >= 0
      ? this.ipv4.lookup4(mapped)
      : this.ipv6.lookup6(this.words);
  }
}
