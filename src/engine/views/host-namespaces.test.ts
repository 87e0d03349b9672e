import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../sources/event.js';
import { hostNamespacesOf } from './host-namespaces.js';

function record(resource: string, requestObject: unknown): AuditRecord {
  return {
    auditID: 'a1',
    stage: 'ResponseComplete',
    level: 'RequestResponse',
    verb: 'create',
    requestURI: `/api/v1/namespaces/default/${resource}`,
    user: { username: 'alice@example.com', groups: [] },
    sourceIPs: [],
    userAgent: 'kubectl/v1.30.2',
    objectRef: { resource, namespace: 'default', name: 'web' },
    requestObject,
    annotations: {},
  };
}

describe('hostNamespacesOf', () => {
  it('lists every shared namespace of a pod', () => {
    const spec = { hostNetwork: true, hostPID: true, hostIPC: true };
    expect(hostNamespacesOf(record('pods', { spec }))).toEqual([
      'hostNetwork',
      'hostPID',
      'hostIPC',
    ]);
  });

  it('reads a daemonset template', () => {
    const spec = { template: { spec: { hostPID: true } } };
    expect(hostNamespacesOf(record('daemonsets', { spec }))).toEqual([
      'hostPID',
    ]);
  });

  it('ignores fields set to false', () => {
    const spec = { hostNetwork: false, hostIPC: false };
    expect(hostNamespacesOf(record('pods', { spec }))).toEqual([]);
  });

  it('ignores a string that is not true', () => {
    const spec = { hostNetwork: 'true' };
    expect(hostNamespacesOf(record('pods', { spec }))).toEqual([]);
  });

  it('returns nothing without a pod spec', () => {
    expect(hostNamespacesOf(record('services', { spec: {} }))).toEqual([]);
  });
});
