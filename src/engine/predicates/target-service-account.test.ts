import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../sources/event.js';
import { isRequestByTargetServiceAccount } from './target-service-account.js';

function tokenRequest(username: string, namespace = 'payments'): AuditRecord {
  return {
    auditID: '5d1f2a9e-7c41-4f0e-9b63-2f8e7c1d0a44',
    stage: 'ResponseComplete',
    level: 'Metadata',
    verb: 'create',
    requestURI: `/api/v1/namespaces/${namespace}/serviceaccounts/api/token`,
    user: { username, groups: ['system:serviceaccounts'] },
    sourceIPs: ['10.0.4.12'],
    userAgent: 'kubectl/v1.30.2 (linux/amd64) kubernetes/3968350',
    objectRef: {
      resource: 'serviceaccounts',
      subresource: 'token',
      namespace,
      name: 'api',
      apiVersion: 'v1',
    },
    annotations: {},
  };
}

describe('isRequestByTargetServiceAccount', () => {
  it('accepts the account itself', () => {
    const audit = tokenRequest('system:serviceaccount:payments:api');
    expect(isRequestByTargetServiceAccount(audit)).toBe(true);
  });
  it('rejects another account of the namespace', () => {
    const audit = tokenRequest('system:serviceaccount:payments:default');
    expect(isRequestByTargetServiceAccount(audit)).toBe(false);
  });
  it('rejects the same name in another namespace', () => {
    const audit = tokenRequest('system:serviceaccount:payments:api', 'web');
    expect(isRequestByTargetServiceAccount(audit)).toBe(false);
  });
  it('rejects a user', () => {
    const audit = tokenRequest('alice@example.com');
    expect(isRequestByTargetServiceAccount(audit)).toBe(false);
  });
  it('rejects a request on another resource', () => {
    const audit = tokenRequest('system:serviceaccount:payments:api');
    audit.objectRef = {
      resource: 'secrets',
      namespace: 'payments',
      name: 'api',
    };
    expect(isRequestByTargetServiceAccount(audit)).toBe(false);
  });
});
