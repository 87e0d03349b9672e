import { describe, expect, it } from 'vitest';
import { canonicalRepository, parseImageReference } from './image-reference.js';

describe('canonicalRepository', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx'],
    ['xmrig/xmrig', 'docker.io/xmrig/xmrig'],
    ['docker.io/nginx', 'docker.io/library/nginx'],
    ['index.docker.io/xmrig/xmrig', 'docker.io/xmrig/xmrig'],
    ['Registry.K8s.io/pause', 'registry.k8s.io/pause'],
    ['localhost/tool', 'localhost/tool'],
    ['localhost:5000/tool', 'localhost:5000/tool'],
    ['calico/', 'docker.io/calico/'],
    ['registry.k8s.io/', 'registry.k8s.io/'],
  ])('%s becomes %s', (input, expected) => {
    expect(canonicalRepository(input)).toBe(expected);
  });
});

describe('parseImageReference', () => {
  it('reads a tag', () => {
    expect(parseImageReference('nginx:1.27')).toEqual({
      registry: 'docker.io',
      repository: 'docker.io/library/nginx',
      tag: '1.27',
      digest: '',
    });
  });

  it('keeps a registry port out of the tag', () => {
    expect(parseImageReference('localhost:5000/tool').tag).toBe('');
  });

  it('reads a port and a tag', () => {
    expect(parseImageReference('10.0.0.5:5000/tool:v1').repository).toBe(
      '10.0.0.5:5000/tool',
    );
  });

  it('reads a digest after a tag', () => {
    const image = 'quay.io/cilium/cilium:v1.15.6@sha256:6aa8';
    expect(parseImageReference(image)).toEqual({
      registry: 'quay.io',
      repository: 'quay.io/cilium/cilium',
      tag: 'v1.15.6',
      digest: 'sha256:6aa8',
    });
  });

  it('reads an ECR registry', () => {
    const image =
      '602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/kube-proxy:v1.30.0';
    expect(parseImageReference(image).registry).toBe(
      '602401143452.dkr.ecr.us-west-2.amazonaws.com',
    );
  });
});
