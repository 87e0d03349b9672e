import { describe, expect, it } from 'vitest';
import type { EventContext } from '../event-context.js';
import {
  compileRepositoryEntry,
  IMAGE_PREDICATES,
} from './image-list-predicates.js';

describe('compileRepositoryEntry', () => {
  it('matches a prefix entry below it', () => {
    const matches = compileRepositoryEntry('registry.k8s.io/');
    expect(matches('registry.k8s.io/kube-proxy')).toBe(true);
  });

  it('rejects a host that only starts like a prefix entry', () => {
    const matches = compileRepositoryEntry('registry.k8s.io/');
    expect(matches('registry.k8s.io.example.net/kube-proxy')).toBe(false);
  });

  it('matches a repository entry exactly', () => {
    const matches = compileRepositoryEntry('xmrig/xmrig');
    expect(matches('docker.io/xmrig/xmrig')).toBe(true);
  });

  it('rejects a longer repository than the entry', () => {
    const matches = compileRepositoryEntry('xmrig/xmrig');
    expect(matches('docker.io/xmrig/xmrig-proxy')).toBe(false);
  });

  it('matches one host label with a wildcard', () => {
    const matches = compileRepositoryEntry(
      '602401143452.dkr.ecr.*.amazonaws.com/eks/',
    );
    expect(matches('602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/x')).toBe(
      true,
    );
  });

  it('keeps a wildcard within one host label', () => {
    const matches = compileRepositoryEntry(
      '602401143452.dkr.ecr.*.amazonaws.com/eks/',
    );
    expect(
      matches('602401143452.dkr.ecr.evil.example.amazonaws.com/eks/x'),
    ).toBe(false);
  });

  it('throws on an entry with a tag', () => {
    expect(() => compileRepositoryEntry('xmrig/xmrig:latest')).toThrow(
      /without tag or digest/,
    );
  });
});

describe('image-in-list', () => {
  const [definition] = IMAGE_PREDICATES;
  const lists: Record<string, string[]> = {
    miners: ['xmrig/xmrig', 'docker.io/metal3d/'],
  };
  const evaluate = definition?.compile(
    { list: 'miners' },
    { list: (name) => lists[name] ?? [] },
  );
  const context = {} as EventContext;

  it('matches an image with a tag', () => {
    expect(evaluate?.({ image: 'xmrig/xmrig:6.21.0' }, context)).toBe(true);
  });

  it('matches an image below a prefix', () => {
    expect(evaluate?.({ image: 'metal3d/xmrig' }, context)).toBe(true);
  });

  it('ignores an image off the list', () => {
    expect(evaluate?.({ image: 'nginx:1.27' }, context)).toBe(false);
  });

  it('ignores an item without an image', () => {
    expect(evaluate?.({ name: 'web' }, context)).toBe(false);
  });
});
