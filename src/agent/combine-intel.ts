import { type IntelLookup, NO_INTEL } from '../engine/intel-lookup.js';

/**
 * Combines two sources of threat intelligence into one lookup that lists
 * a value under the categories of both, for the intelligence pulled from
 * the server and the feed files given with `--intel`. Either may be
 * missing.
 */
export function combineIntel(
  first: IntelLookup | undefined,
  second: IntelLookup | undefined,
): IntelLookup {
  if (first === undefined) return second ?? NO_INTEL;
  if (second === undefined) return first;
  const categories = new Set([...first.categories(), ...second.categories()]);
  return {
    categoriesOf(value: string): readonly string[] {
      const listed = first.categoriesOf(value);
      const more = second.categoriesOf(value);
      if (more.length === 0) return listed;
      if (listed.length === 0) return more;
      return [...new Set([...listed, ...more])];
    },
    categories: () => categories,
  };
}
