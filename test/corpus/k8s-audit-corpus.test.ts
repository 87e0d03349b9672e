import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { K8sAuditEvent } from '../../src/sources/event.js';
import {
  type AuditReadStats,
  createAuditReadStats,
} from '../../src/sources/k8s-audit/audit-read-stats.js';
import { readAuditFile } from '../../src/sources/k8s-audit/read-audit-file.js';

/** Returns the corpus folder, whose samples may not be redistributed. */
function corpusDirectory(): string {
  const directory = process.env.VIGIL_CORPUS;
  if (directory === undefined || directory === '') {
    throw new Error('VIGIL_CORPUS is not set: set it to the corpus folder');
  }
  if (!existsSync(directory)) {
    throw new Error(`VIGIL_CORPUS folder not found: ${directory}`);
  }
  return directory;
}

async function read(relative: string) {
  const stats: AuditReadStats = createAuditReadStats();
  const diagnostics: string[] = [];
  const events: K8sAuditEvent[] = [];
  const path = join(corpusDirectory(), relative);
  for await (const event of readAuditFile(path, {
    stats,
    onDiagnostic: (d) => diagnostics.push(`${d.line}: ${d.reason}`),
  })) {
    events.push(event);
  }
  return { events, diagnostics, stats };
}

describe('k8s audit corpus', () => {
  it('reads the mixed Elastic sample', async () => {
    const { events, diagnostics, stats } = await read(
      'k8s-audit/elastic-test-audit-mixed.log',
    );
    expect(diagnostics).toEqual([]);
    expect(events.map((e) => e.origin.format)).toEqual([
      'k8s-audit',
      'k8s-audit',
      'k8s-audit',
      'gke',
      'aks',
    ]);
    expect(events.map((e) => e.audit.verb)).toEqual([
      'get',
      'get',
      'get',
      'get',
      'update',
    ]);
    expect(events.map((e) => e.cluster)).toEqual([
      'unknown',
      'unknown',
      'unknown',
      'test-cluster',
      'test-aks',
    ]);
    expect(events[3]?.audit.user.username).toBe(
      'system:gke-master-healthcheck',
    );
    expect(events[3]?.audit.requestURI).toBe('/readyz');
    expect(events[3]?.id).toBe('1234abcd');
    expect(events[4]?.audit.user.username).toBe('aksService');
    expect(events[4]?.time).toBe('2025-09-30T06:23:35.091Z');
    expect(stats.truncated).toBe(0);
  });

  it('reads the AKS kube-audit record', async () => {
    const { events, diagnostics } = await read(
      'aks-diagnostics/elastic-test-kube-audit.log',
    );
    expect(diagnostics).toEqual([]);
    expect(events.length).toBe(1);
    expect(events[0]?.id).toBe('ad26f7bc-f1c6-4097-90f1-e0924e12f257');
    expect(events[0]?.cluster).toBe('test-cluster');
    expect(events[0]?.audit.verb).toBe('update');
    expect(events[0]?.audit.objectRef?.name).toBe(
      'kubelet-serving-csr-approver',
    );
  });

  it('reads the GKE anonymous probe', async () => {
    const { events, diagnostics } = await read(
      'gke-cloudlogging/elastic-test-k8s-nonmatching-resourcename.log',
    );
    expect(diagnostics).toEqual([]);
    expect(events[0]?.cluster).toBe('example-cluster');
    expect(events[0]?.audit.user.username).toBe('system:anonymous');
    expect(events[0]?.audit.requestURI).toBe('/HNAP1');
    expect(events[0]?.audit.responseStatus?.code).toBe(403);
    expect(events[0]?.audit.annotations).toEqual({
      'authorization.k8s.io/decision': 'forbid',
    });
    expect(events[0]?.audit.responseObject).toEqual({
      metadata: expect.any(Object),
    });
  });

  it('reads the pretty-printed GKE denial', async () => {
    const { events, diagnostics, stats } = await read(
      'gke-cloudlogging/qwiklabs-binauthz-pod-create-denied.json',
    );
    expect(diagnostics).toEqual([]);
    expect(stats.lines).toBe(104);
    expect(events.length).toBe(1);
    const audit = events[0]?.audit;
    expect(events[0]?.cluster).toBe('my-cluster-1');
    expect(audit?.verb).toBe('create');
    expect(audit?.user.username).toBe('lab-student@example.com');
    expect(audit?.objectRef).toEqual({
      resource: 'pods',
      namespace: 'default',
      name: 'nginx',
      apiGroup: '',
      apiVersion: 'v1',
    });
    expect(audit?.responseStatus?.code).toBe(400);
    expect(audit?.responseStatus?.reason).toBe('VIOLATES_POLICY');
    expect(audit?.annotations['authorization.k8s.io/decision']).toBe('allow');
    expect(
      audit?.annotations['pod-security.kubernetes.io/enforce-policy'],
    ).toBe('privileged:latest');
  });
});
