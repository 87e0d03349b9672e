import { isIntelCategory } from './categories.js';
import type { IndicatorStore } from './indicator-store.js';
import { IndicatorStoreBuilder } from './indicator-store-builder.js';
import { testIndicator } from './test-indicators.js';

/**
 * Build the intelligence of one rule test case from its `intel:` entries.
 * Throws on an unknown category or a value that is not an indicator, so
 * that a typo fails the case instead of silently listing nothing.
 */
export function buildTestIntel(
  entries: readonly { value: string; category: string }[],
): IndicatorStore {
  const builder = new IndicatorStoreBuilder();
  for (const { value, category } of entries) {
    if (!isIntelCategory(category)) {
      throw new Error(`unknown intel category ${JSON.stringify(category)}`);
    }
    builder.add(testIndicator(value, category, 'rule-test'));
  }
  return builder.build();
}
