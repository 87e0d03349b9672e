import { describe, expect, it } from 'vitest';
import { RetryKeyCache } from './retry-key-cache.js';

describe('RetryKeyCache', () => {
  it('keys expire after the window', () => {
    const cache = new RetryKeyCache(1000, 10);
    cache.add('prod', ['a'], 5000);
    expect(cache.has('prod', 'a', 6000)).toBe(true);
    expect(cache.has('prod', 'a', 6001)).toBe(false);
  });

  it('keys are scoped by cluster', () => {
    const cache = new RetryKeyCache(1000, 10);
    cache.add('prod', ['a'], 5000);
    expect(cache.has('dev', 'a', 5000)).toBe(false);
  });

  it('expired keys are evicted on add', () => {
    const cache = new RetryKeyCache(1000, 10);
    cache.add('prod', ['a', 'b'], 1000);
    cache.add('prod', ['c'], 2500);
    expect(cache.size).toBe(1);
  });

  it('overflow evicts the oldest', () => {
    const cache = new RetryKeyCache(60_000, 2);
    cache.add('prod', ['a'], 1000);
    cache.add('prod', ['b', 'c'], 2000);
    expect(cache.size).toBe(2);
    expect(cache.has('prod', 'a', 2000)).toBe(false);
    expect(cache.has('prod', 'c', 2000)).toBe(true);
  });

  it('adding a key again renews it', () => {
    const cache = new RetryKeyCache(1000, 2);
    cache.add('prod', ['a', 'b'], 1000);
    cache.add('prod', ['a'], 1500);
    cache.add('prod', ['c'], 1600);
    expect(cache.has('prod', 'a', 1600)).toBe(true);
    expect(cache.has('prod', 'b', 1600)).toBe(false);
  });
});

describe('RetryKeyCache at scale', () => {
  it('keeps the newest keys past eviction', () => {
    const cache = new RetryKeyCache(60_000, 1000);
    const key = (n: number) => `["id-${n}","ResponseComplete"]`;
    for (let n = 0; n < 5000; n += 10) {
      cache.add(
        'prod',
        Array.from({ length: 10 }, (_, i) => key(n + i)),
        1000,
      );
    }
    expect(cache.size).toBe(1000);
    const present = Array.from({ length: 5000 }, (_, n) =>
      cache.has('prod', key(n), 1000),
    );
    expect(present.indexOf(true)).toBe(4000);
    expect(present.slice(4000).every(Boolean)).toBe(true);
  });

  it('renewed keys survive many evictions', () => {
    const cache = new RetryKeyCache(60_000, 100);
    for (let n = 0; n < 10_000; n++) {
      cache.add('prod', ['kept', `other-${n}`], n);
    }
    expect(cache.has('prod', 'kept', 10_000)).toBe(true);
    expect(cache.has('prod', 'other-9999', 10_000)).toBe(true);
    expect(cache.has('prod', 'other-9000', 10_000)).toBe(false);
    expect(cache.size).toBe(100);
  });
});

describe('RetryKeyCache.claim', () => {
  it('first claim adds, repeat reports', () => {
    const cache = new RetryKeyCache(1000, 10);
    expect(cache.claim('prod', 'a', 5000)).toBe(false);
    expect(cache.claim('prod', 'a', 5500)).toBe(true);
    expect(cache.claim('dev', 'a', 5500)).toBe(false);
    expect(cache.size).toBe(2);
  });

  it('expired key is claimed afresh', () => {
    const cache = new RetryKeyCache(1000, 10);
    cache.claim('prod', 'a', 5000);
    expect(cache.claim('prod', 'a', 6001)).toBe(false);
    expect(cache.claim('prod', 'a', 6500)).toBe(true);
  });
});
