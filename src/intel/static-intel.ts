import { BlockList, isIP } from 'node:net';
import type { IntelLookup } from '../engine/intel-lookup.js';

/** One indicator: an address, a CIDR range or any other exact value. */
export interface Indicator {
  value: string;
  category: string;
}

/**
 * Threat intelligence held in memory: exact values in a map, addresses and
 * CIDR ranges in one node:net BlockList per category. IPv4-mapped IPv6
 * addresses are looked up as IPv4.
 */
export class StaticIntel implements IntelLookup {
  private readonly exact = new Map<string, string[]>();
  private readonly ranges = new Map<string, BlockList>();

  constructor(indicators: Iterable<Indicator>) {
    for (const { value, category } of indicators) this.add(value, category);
  }

  add(value: string, category: string): void {
    const [address, prefix] = value.split('/');
    const family = address ? isIP(address) : 0;
    if (family !== 0) {
      const list = this.ranges.get(category) ?? new BlockList();
      const type = family === 4 ? 'ipv4' : 'ipv6';
      const bits =
        prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix);
      if (
        !Number.isInteger(bits) ||
        bits < 0 ||
        bits > (family === 4 ? 32 : 128)
      ) {
        throw new Error(`invalid CIDR prefix in ${JSON.stringify(value)}`);
      }
      list.addSubnet(address as string, bits, type);
      this.ranges.set(category, list);
      return;
    }
    const key = value.toLowerCase();
    const categories = this.exact.get(key) ?? [];
    if (!categories.includes(category)) categories.push(category);
    this.exact.set(key, categories);
  }

  categories(): ReadonlySet<string> {
    const all = new Set(this.ranges.keys());
    for (const categories of this.exact.values()) {
      for (const category of categories) all.add(category);
    }
    return all;
  }

  categoriesOf(value: string): readonly string[] {
    const found = [...(this.exact.get(value.toLowerCase()) ?? [])];
    const address = value.startsWith('::ffff:') ? value.slice(7) : value;
    const family = isIP(address);
    if (family === 0) return found;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    for (const [category, list] of this.ranges) {
      if (!found.includes(category) && list.check(address, type)) {
        found.push(category);
      }
    }
    return found;
  }
}
