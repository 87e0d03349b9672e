import type { IntelCategory } from './categories.js';
import type { Indicator } from './indicator.js';
import { normalizeIndicator } from './normalize-indicator.js';

/**
 * Build a normalized indicator for tests and rule test cases, throwing
 * when the value is not one, because a test indicator that is silently
 * dropped tests nothing.
 */
export function testIndicator(
  value: string,
  category: IntelCategory,
  source = 'test',
): Indicator {
  const result = normalizeIndicator(value);
  if (!result.ok) {
    throw new Error(
      `invalid indicator ${JSON.stringify(value)}: ${result.reason}`,
    );
  }
  return { type: result.type, value: result.value, category, source };
}
