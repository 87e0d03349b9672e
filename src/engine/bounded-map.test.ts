import { describe, expect, it } from 'vitest';
import { BoundedMap } from './bounded-map.js';

describe('BoundedMap', () => {
  it('returns what was set', () => {
    const map = new BoundedMap<string, number>(4);
    map.set('a', 1);
    expect(map.get('a')).toBe(1);
  });

  it('forgets the oldest keys beyond its capacity', () => {
    const map = new BoundedMap<number, number>(4);
    for (let i = 0; i < 10; i++) map.set(i, i);
    expect(map.get(9)).toBe(9);
    expect(map.get(0)).toBeUndefined();
    expect(map.size).toBeLessThanOrEqual(4);
  });

  it('keeps one entry for a key set twice across generations', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    map.set('a', 3);
    expect(map.get('a')).toBe(3);
    expect(map.size).toBe(2);
  });
});
