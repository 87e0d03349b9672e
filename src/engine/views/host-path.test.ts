import { describe, expect, it } from 'vitest';
import { canonicalHostPath, isWithin } from './host-path.js';

describe('canonicalHostPath', () => {
  it.each([
    ['/etc/', '/etc'],
    ['/etc//kubernetes/', '/etc/kubernetes'],
    ['/var/run/docker.sock', '/run/docker.sock'],
    ['/var/run', '/run'],
    ['/var/runner', '/var/runner'],
    ['/tmp/../etc', '/etc'],
    ['/../../', '/'],
    ['etc/shadow', '/etc/shadow'],
    ['/./proc/./1', '/proc/1'],
  ])('%s becomes %s', (input, expected) => {
    expect(canonicalHostPath(input)).toBe(expected);
  });
});

describe('isWithin', () => {
  it('accepts the path itself', () => {
    expect(isWithin('/etc', '/etc')).toBe(true);
  });
  it('accepts a child', () => {
    expect(isWithin('/etc/kubernetes', '/etc')).toBe(true);
  });
  it('rejects a sibling with the same prefix', () => {
    expect(isWithin('/etcd', '/etc')).toBe(false);
  });
  it('treats root as the ancestor of all', () => {
    expect(isWithin('/anything', '/')).toBe(true);
  });
});
