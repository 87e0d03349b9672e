/**
 * The categories that threat intelligence files indicators under. Rules
 * name them in the `intel` operator, so the list is fixed: a feed that
 * names another category is rejected when it is loaded.
 */
export const INTEL_CATEGORIES = [
  'malicious',
  'anonymizing-proxy',
  'tor-exit',
  'mining-pool',
  'scanner',
  'malware-distribution',
  'malicious-image',
  'test',
] as const;

export type IntelCategory = (typeof INTEL_CATEGORIES)[number];

const KNOWN: ReadonlySet<string> = new Set(INTEL_CATEGORIES);

/** True when `value` is one of INTEL_CATEGORIES. */
export function isIntelCategory(value: string): value is IntelCategory {
  return KNOWN.has(value);
}
