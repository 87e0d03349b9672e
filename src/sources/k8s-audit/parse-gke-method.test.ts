import { describe, expect, it } from 'vitest';
import { isApiVersion, parseGkeMethod } from './parse-gke-method.js';

describe('parseGkeMethod', () => {
  it('splits a core resource method', () => {
    expect(parseGkeMethod('io.k8s.core.v1.pods.create')).toEqual({
      verb: 'create',
      resource: 'pods',
      apiGroup: '',
      apiVersion: 'v1',
    });
  });

  it('splits a subresource method', () => {
    expect(parseGkeMethod('io.k8s.core.v1.pods.exec.create')).toEqual({
      verb: 'create',
      resource: 'pods',
      subresource: 'exec',
      apiGroup: '',
      apiVersion: 'v1',
    });
  });

  it('reverses a domain group', () => {
    const method = parseGkeMethod(
      'io.k8s.authorization.rbac.v1.clusterrolebindings.create',
    );
    expect(method?.apiGroup).toBe('rbac.authorization.k8s.io');
    expect(method?.resource).toBe('clusterrolebindings');
  });

  it('keeps short built-in groups', () => {
    const method = parseGkeMethod('io.k8s.apps.v1.deployments.patch');
    expect(method?.apiGroup).toBe('apps');
    expect(method?.verb).toBe('patch');
  });

  it('reads a non-resource method', () => {
    expect(parseGkeMethod('io.k8s.get')).toEqual({ verb: 'get' });
  });

  it('recognizes API versions', () => {
    expect(isApiVersion('v1')).toBe(true);
    expect(isApiVersion('v2beta3')).toBe(true);
    expect(isApiVersion('v1alpha1')).toBe(true);
    expect(isApiVersion('v1beta')).toBe(false);
    expect(isApiVersion('pods')).toBe(false);
    expect(isApiVersion('v')).toBe(false);
  });
});
