import { describe, expect, it } from 'vitest';
import { CgroupCache, MAX_CGROUP_ENTRIES } from './cgroup-cache.js';

const ID = 'a'.repeat(64);

describe('CgroupCache', () => {
  it('parses a container cgroup', () => {
    const cache = new CgroupCache();
    const parsed = cache.parse(`0::/system.slice/docker-${ID}.scope\n`);
    expect(parsed.containerId).toBe(ID);
    expect(parsed.runtime).toBe('docker');
  });

  it('returns one object per distinct text', () => {
    const cache = new CgroupCache();
    const text = `0::/system.slice/docker-${ID}.scope\n`;
    expect(cache.parse(text)).toBe(cache.parse(`${text}`));
    expect(cache.parse('0::/init.scope\n').containerId).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it('starts over when full', () => {
    const cache = new CgroupCache();
    for (let i = 0; i < MAX_CGROUP_ENTRIES; i++) {
      cache.parse(`0::/user.slice/session-${i}.scope\n`);
    }
    expect(cache.size).toBe(MAX_CGROUP_ENTRIES);
    cache.parse('0::/one-more\n');
    expect(cache.size).toBe(1);
  });
});
