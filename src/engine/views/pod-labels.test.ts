import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../sources/event.js';
import { podLabelsOf } from './pod-labels.js';

function record(resource: string, requestObject: unknown): AuditRecord {
  return {
    auditID: 'a1',
    stage: 'ResponseComplete',
    level: 'RequestResponse',
    verb: 'create',
    requestURI: `/apis/apps/v1/namespaces/db/${resource}`,
    user: { username: 'alice@example.com', groups: [] },
    sourceIPs: [],
    userAgent: 'kubectl/v1.30.2',
    objectRef: { resource, namespace: 'db', name: 'pg' },
    requestObject,
    annotations: {},
  };
}

describe('podLabelsOf', () => {
  it('reads a pod template', () => {
    const labels = podLabelsOf(
      record('statefulsets', {
        spec: { template: { metadata: { labels: { app: 'postgres' } } } },
      }),
    );
    expect(labels).toEqual({ app: 'postgres' });
  });

  it('reads a pod', () => {
    const labels = podLabelsOf(
      record('pods', { metadata: { labels: { app: 'postgres' } } }),
    );
    expect(labels).toEqual({ app: 'postgres' });
  });

  it('reads a cron job template', () => {
    const template = { metadata: { labels: { job: 'dump' } } };
    const labels = podLabelsOf(
      record('cronjobs', { spec: { jobTemplate: { spec: { template } } } }),
    );
    expect(labels).toEqual({ job: 'dump' });
  });

  it('drops values that are not strings', () => {
    const labels = podLabelsOf(
      record('pods', { metadata: { labels: { app: 'pg', tier: 3 } } }),
    );
    expect(labels).toEqual({ app: 'pg' });
  });

  it('is undefined without labels', () => {
    expect(podLabelsOf(record('pods', { spec: {} }))).toBeUndefined();
  });

  it('is undefined for services', () => {
    const labels = podLabelsOf(
      record('services', { metadata: { labels: { app: 'pg' } } }),
    );
    expect(labels).toBeUndefined();
  });
});
