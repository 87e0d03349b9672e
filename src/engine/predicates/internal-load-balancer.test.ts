import { describe, expect, it } from 'vitest';
import {
  parseAnnotationEntries,
  requestsInternalLoadBalancer,
} from './internal-load-balancer.js';

const internal = parseAnnotationEntries([
  'service.beta.kubernetes.io/azure-load-balancer-internal=true',
  'networking.gke.io/load-balancer-type=Internal',
]);

describe('requestsInternalLoadBalancer', () => {
  it('accepts an AKS internal annotation', () => {
    const annotations = {
      'service.beta.kubernetes.io/azure-load-balancer-internal': 'true',
    };
    expect(requestsInternalLoadBalancer(annotations, internal)).toBe(true);
  });

  it('compares values without case', () => {
    const annotations = { 'networking.gke.io/load-balancer-type': 'internal' };
    expect(requestsInternalLoadBalancer(annotations, internal)).toBe(true);
  });

  it('rejects another value', () => {
    const annotations = {
      'service.beta.kubernetes.io/azure-load-balancer-internal': 'false',
    };
    expect(requestsInternalLoadBalancer(annotations, internal)).toBe(false);
  });

  it('rejects missing annotations', () => {
    expect(requestsInternalLoadBalancer(undefined, internal)).toBe(false);
  });
});

describe('parseAnnotationEntries', () => {
  it('rejects an entry without a value', () => {
    expect(() => parseAnnotationEntries(['internal'])).toThrow(/KEY=VALUE/);
  });
});
