import { describe, expect, it } from 'vitest';
import { BoundedSet } from './bounded-set.js';

describe('BoundedSet', () => {
  it('reports a repeat', () => {
    const set = new BoundedSet<string>(4);
    expect(set.add('a')).toBe(true);
    expect(set.add('a')).toBe(false);
  });

  it('keeps the most recent half of its capacity', () => {
    const set = new BoundedSet<number>(4);
    for (let i = 0; i < 10; i++) set.add(i);
    expect(set.has(9)).toBe(true);
    expect(set.has(8)).toBe(true);
    expect(set.has(0)).toBe(false);
  });

  it('never holds more than its capacity', () => {
    const set = new BoundedSet<number>(100);
    for (let i = 0; i < 1000; i++) set.add(i);
    expect(set.size).toBeLessThanOrEqual(100);
  });

  it('forgets keys by generations of half its capacity', () => {
    // The definition: a key is present when it was added in the current
    // or the previous generation, and a generation ends when a new key
    // finds the current one full.
    const capacity = 16;
    let current = new Set<number>();
    let previous = new Set<number>();
    const set = new BoundedSet<number>(capacity);
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const key = seed % 40;
      const known = current.has(key) || previous.has(key);
      expect(set.add(key), `key ${key} at step ${i}`).toBe(!known);
      if (known) continue;
      if (current.size >= capacity / 2) {
        previous = current;
        current = new Set();
      }
      current.add(key);
    }
  });

  it('reports a repeat of a key from the previous half', () => {
    const set = new BoundedSet<number>(4);
    set.add(1);
    set.add(2);
    set.add(3);
    expect(set.add(1)).toBe(false);
    expect(set.add(2)).toBe(false);
    expect(set.add(3)).toBe(false);
  });
});
