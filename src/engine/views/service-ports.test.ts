import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../sources/event.js';
import { servicePortsOf } from './service-ports.js';

function serviceRecord(spec: unknown): AuditRecord {
  return {
    auditID: 'a1',
    stage: 'ResponseComplete',
    level: 'RequestResponse',
    verb: 'create',
    requestURI: '/api/v1/namespaces/default/services',
    user: { username: 'alice@example.com', groups: [] },
    sourceIPs: [],
    userAgent: 'kubectl/v1.30.2',
    objectRef: { resource: 'services', namespace: 'default', name: 'cache' },
    requestObject: { kind: 'Service', spec },
    annotations: {},
  };
}

describe('servicePortsOf', () => {
  it('writes numbers as text', () => {
    const [port] = servicePortsOf(
      serviceRecord({ ports: [{ port: 6379, targetPort: 6379 }] }),
    );
    expect(port?.port).toBe('6379');
  });

  it('defaults the target port to the port', () => {
    const [port] = servicePortsOf(serviceRecord({ ports: [{ port: 5432 }] }));
    expect(port?.targetPort).toBe('5432');
  });

  it('keeps a named target port', () => {
    const [port] = servicePortsOf(
      serviceRecord({ ports: [{ port: 80, targetPort: 'http' }] }),
    );
    expect(port?.targetPort).toBe('http');
  });

  it('names a port by number and protocol', () => {
    const [port] = servicePortsOf(
      serviceRecord({ ports: [{ port: 53, protocol: 'UDP' }] }),
    );
    expect(port?.name).toBe('53/UDP');
  });

  it('returns nothing for other resources', () => {
    const record = serviceRecord({ ports: [{ port: 80 }] });
    record.objectRef = { resource: 'pods', namespace: 'default' };
    expect(servicePortsOf(record)).toEqual([]);
  });
});
