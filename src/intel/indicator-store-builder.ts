import {
  AddressIntervals,
  type LabelledRange,
} from './address/address-intervals.js';
import { parseAddressRange } from './address/parse-address-range.js';
import type { Indicator } from './indicator.js';
import { type IndicatorCounts, IndicatorStore } from './indicator-store.js';
import { LabelTable } from './label-table.js';

/**
 * Collects normalized indicators and builds an IndicatorStore. The same
 * value listed twice by one source under one category counts once.
 */
export class IndicatorStoreBuilder {
  private readonly table = new LabelTable();
  private readonly v4: LabelledRange[] = [];
  private readonly v6: LabelledRange[] = [];
  private readonly exact = new Map<string, Set<number>>();
  private readonly seen = new Set<string>();
  private readonly counts: IndicatorCounts = {};

  /**
   * Add one indicator whose value normalizeIndicator produced. Throws on
   * an address value that does not parse, which means a caller skipped
   * normalization.
   */
  add(indicator: Indicator): this {
    const label = this.table.label(indicator.category, indicator.source);
    const key = `${label}\u0000${indicator.value}`;
    if (this.seen.has(key)) return this;
    this.seen.add(key);
    this.counts[indicator.type] = (this.counts[indicator.type] ?? 0) + 1;

    if (indicator.type === 'ipv4' || indicator.type === 'ipv6') {
      const result = parseAddressRange(indicator.value);
      if (!result.ok) {
        throw new Error(
          `not a normalized address: ${JSON.stringify(indicator.value)}`,
        );
      }
      const { family, start, end } = result.range;
      (family === 4 ? this.v4 : this.v6).push({ start, end, label });
      return this;
    }
    const labels = this.exact.get(indicator.value) ?? new Set<number>();
    labels.add(label);
    this.exact.set(indicator.value, labels);
    return this;
  }

  addAll(indicators: Iterable<Indicator>): this {
    for (const indicator of indicators) this.add(indicator);
    return this;
  }

  build(): IndicatorStore {
    const exact = new Map<string, number>();
    for (const value of [...this.exact.keys()].sort()) {
      const labels = [...(this.exact.get(value) ?? [])].sort((a, b) => a - b);
      exact.set(value, this.table.set(labels));
    }
    return new IndicatorStore(
      this.table,
      AddressIntervals.build(1, this.v4, this.table),
      AddressIntervals.build(4, this.v6, this.table),
      exact,
      { ...this.counts },
    );
  }
}
