import { describe, expect, it } from 'vitest';
import type { IntelLookup } from '../engine/intel-lookup.js';
import { combineIntel } from './combine-intel.js';

function listing(entries: Record<string, string[]>): IntelLookup {
  const categories = new Set(Object.values(entries).flat());
  return {
    categoriesOf: (value) => entries[value] ?? [],
    categories: () => categories,
  };
}

describe('combineIntel', () => {
  const pulled = listing({ '192.0.2.1': ['malicious'], 'a.example': ['test'] });
  const local = listing({ '192.0.2.1': ['tor-exit', 'malicious'] });

  it('lists a value under the categories of both', () => {
    const combined = combineIntel(pulled, local);
    expect(combined.categoriesOf('192.0.2.1')).toEqual([
      'malicious',
      'tor-exit',
    ]);
    expect(combined.categoriesOf('a.example')).toEqual(['test']);
    expect(combined.categoriesOf('198.51.100.1')).toEqual([]);
  });

  it('reports the categories of both', () => {
    const combined = combineIntel(pulled, local);
    expect([...combined.categories()].sort()).toEqual([
      'malicious',
      'test',
      'tor-exit',
    ]);
  });

  it('returns the one source that exists', () => {
    expect(combineIntel(undefined, local)).toBe(local);
    expect(combineIntel(pulled, undefined)).toBe(pulled);
    expect(combineIntel(undefined, undefined).categoriesOf('x')).toEqual([]);
  });
});
