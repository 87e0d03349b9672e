/**
 * What the engine asks of threat intelligence: the categories under which
 * indicators list a value (an address, a domain, an image).
 */
export interface IntelLookup {
  categoriesOf(value: string): readonly string[];
  /** Every category with at least one indicator. */
  categories(): ReadonlySet<string>;
}

/** Intelligence that lists nothing, for runs without feeds. */
export const NO_INTEL: IntelLookup = {
  categoriesOf: () => [],
  categories: () => new Set(),
};
