import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BoundedSet } from './bounded-set.js';
import { parseLowercaseUuid, RecentIdSet } from './recent-id-set.js';

describe('parseLowercaseUuid', () => {
  it('reads the four words in order', () => {
    const words = new Uint32Array(4);
    expect(
      parseLowercaseUuid('01234567-89ab-cdef-0011-2233445566ff', words),
    ).toBe(true);
    expect([...words]).toEqual([
      0x01234567, 0x89abcdef, 0x00112233, 0x445566ff,
    ]);
  });

  it.each([
    ['uppercase digits', '01234567-89AB-CDEF-0011-2233445566FF'],
    ['a missing hyphen', '01234567089ab-cdef-0011-2233445566ff'],
    ['a hyphen out of place', '0123456-789ab-cdef-0011-2233445566ff'],
    ['a letter past f', '01234567-89ab-cdeg-0011-2233445566ff'],
    ['one digit too many', '01234567-89ab-cdef-0011-2233445566ff0'],
    ['one digit too few', '01234567-89ab-cdef-0011-2233445566f'],
    ['braces', '{1234567-89ab-cdef-0011-2233445566f}'],
    ['the empty string', ''],
  ])('rejects %s', (_case, text) => {
    expect(parseLowercaseUuid(text, new Uint32Array(4))).toBe(false);
  });
});

describe('RecentIdSet', () => {
  it('reports a repeat of a UUID', () => {
    const set = new RecentIdSet(8);
    const id = randomUUID();
    expect(set.add(id)).toBe(true);
    expect(set.add(id)).toBe(false);
    expect(set.has(id)).toBe(true);
  });

  it('keeps two spellings of one UUID apart', () => {
    const set = new RecentIdSet(8);
    const id = '3c8f6a2e-51b4-4c1d-9e7a-00000000000a';
    expect(set.add(id)).toBe(true);
    expect(set.add(id.toUpperCase())).toBe(true);
    expect(set.add(id.toUpperCase())).toBe(false);
  });

  it('reports a repeat of an ID that is no UUID', () => {
    const set = new RecentIdSet(8);
    expect(set.add('insert-id-1')).toBe(true);
    expect(set.add('insert-id-1')).toBe(false);
    expect(set.has('insert-id-2')).toBe(false);
  });

  it('tells sequential UUIDs apart', () => {
    const set = new RecentIdSet(20_000);
    const id = (i: number) =>
      `3c8f6a2e-51b4-4c1d-9e7a-${i.toString(16).padStart(12, '0')}`;
    for (let i = 0; i < 10_000; i++) {
      expect(set.add(id(i)), `id ${i}`).toBe(true);
    }
    for (let i = 0; i < 10_000; i++) {
      expect(set.has(id(i)), `id ${i}`).toBe(true);
    }
    expect(set.has(id(10_000))).toBe(false);
  });

  it('forgets as BoundedSet does', () => {
    // The same UUIDs must get the same results, generation changes
    // included.
    const capacity = 16;
    const reference = new BoundedSet<string>(capacity);
    const set = new RecentIdSet(capacity);
    const pool = Array.from({ length: 30 }, () => randomUUID());
    let seed = 11;
    for (let step = 0; step < 3000; step++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const id = pool[seed % pool.length] as string;
      const expected = reference.add(id);
      expect(set.add(id), `${id} at step ${step}`).toBe(expected);
    }
  });

  it('holds at most its capacity of each kind', () => {
    const set = new RecentIdSet(100);
    for (let i = 0; i < 1000; i++) {
      set.add(randomUUID());
      set.add(`id-${i}`);
    }
    expect(set.size).toBeLessThanOrEqual(200);
  });

  it('same ID in two scopes is two IDs', () => {
    const set = new RecentIdSet(100);
    const uuid = randomUUID();
    expect(set.add(uuid, 'prod')).toBe(true);
    expect(set.add(uuid, 'dev')).toBe(true);
    expect(set.add(uuid, 'prod')).toBe(false);
    expect(set.has(uuid, 'dev')).toBe(true);
    expect(set.has(uuid, 'staging')).toBe(false);
    expect(set.has(uuid)).toBe(false);
    expect(set.add('not-a-uuid', 'prod')).toBe(true);
    expect(set.add('not-a-uuid', 'dev')).toBe(true);
    expect(set.has('not-a-uuid', 'dev')).toBe(true);
    expect(set.has('not-a-uuid')).toBe(false);
  });
});
