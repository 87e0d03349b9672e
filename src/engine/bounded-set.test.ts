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
});
