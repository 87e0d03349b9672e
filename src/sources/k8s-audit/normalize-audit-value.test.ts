import { describe, expect, it } from 'vitest';
import { normalizeAuditValue } from './normalize-audit-value.js';
import { falcoEvent } from './test-events.js';

const EXEC_ID = 'ca1ed9f4-7bf4-4c85-81a8-1b11253d1ba6';
const AKS_RESOURCE =
  '/SUBSCRIPTIONS/ae2861b3/RESOURCEGROUPS/TEST/PROVIDERS/' +
  'MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/PROD-WEST';

function aksRecord(log: unknown, category = 'kube-audit') {
  return {
    category,
    operationName:
      'Microsoft.ContainerService/managedClusters/diagnosticLogs/Read',
    properties: { log, pod: 'kube-apiserver-869d7bb754-kkg69' },
    resourceId: AKS_RESOURCE,
    time: '2018-10-26T13:38:35.000000000Z',
  };
}

function gkeEntry(methodName: string, resourceName: string, code = 0) {
  return {
    insertId: 'insert-1',
    operation: { id: 'op-1', producer: 'k8s.io', first: true, last: true },
    protoPayload: {
      '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
      authenticationInfo: { principalEmail: 'dev@example.com' },
      authorizationInfo: [{ granted: code !== 7, permission: methodName }],
      methodName,
      resourceName,
      requestMetadata: {
        callerIp: '203.0.113.9',
        callerSuppliedUserAgent: 'kubectl/v1.30.0',
      },
      request: { '@type': 'core.k8s.io/v1.Pod', kind: 'Pod' },
      status: { code },
    },
    resource: { type: 'k8s_cluster', labels: { cluster_name: 'gke-1' } },
    timestamp: '2024-05-12T05:13:08.760303Z',
  };
}

describe('normalizeAuditValue', () => {
  it('normalizes an EventList', () => {
    const list = {
      kind: 'EventList',
      apiVersion: 'audit.k8s.io/v1',
      items: [falcoEvent('k8s_audit/exec_pod.json'), { kind: 'Event' }],
    };
    const out = normalizeAuditValue(list, { defaultCluster: 'lab' });
    expect(out.events.map((event) => event.id)).toEqual([EXEC_ID]);
    expect(out.events[0]?.cluster).toBe('lab');
    expect(out.problems).toEqual([
      { code: 'invalid-event', reason: 'items[1]: missing verb' },
    ]);
  });

  it('keeps every stage of a request', () => {
    const started = falcoEvent('k8s_audit/exec_pod.json');
    const complete = { ...started, stage: 'ResponseComplete' };
    const out = normalizeAuditValue([started, complete]);
    expect(out.events.map((event) => event.audit.stage)).toEqual([
      'ResponseStarted',
      'ResponseComplete',
    ]);
  });

  it('decodes an AKS string log', () => {
    const log = JSON.stringify(falcoEvent('k8s_audit/exec_pod.json'));
    const out = normalizeAuditValue(aksRecord(log));
    expect(out.problems).toEqual([]);
    expect(out.events[0]?.id).toBe(EXEC_ID);
    expect(out.events[0]?.cluster).toBe('prod-west');
    expect(out.events[0]?.origin.format).toBe('aks');
  });

  it('reads an AKS object log', () => {
    const record = aksRecord(falcoEvent('k8s_audit/exec_pod.json'));
    record.category = 'kube-audit-admin';
    const out = normalizeAuditValue(record);
    expect(out.events[0]?.audit.verb).toBe('create');
  });

  it('skips other AKS categories', () => {
    const out = normalizeAuditValue({
      records: [
        aksRecord('I1026 13:38:35 server.go:1] listening', 'kube-apiserver'),
        aksRecord(JSON.stringify(falcoEvent('k8s_audit/exec_pod.json'))),
      ],
    });
    expect(out.events.length).toBe(1);
    expect(out.skipped).toEqual({ 'other-aks-category': 1 });
    expect(out.problems).toEqual([]);
  });

  it('salvages a cut AKS log', () => {
    const log = JSON.stringify(falcoEvent('psp/host_pid.json'));
    const cut = log.slice(0, log.indexOf('"requestObject"') + 200);
    const out = normalizeAuditValue(aksRecord(cut));
    expect(out.problems).toEqual([]);
    expect(out.events[0]?.id).toBe('3df89bb7-9071-4f0c-afab-339ebec678c0');
    expect(out.events[0]?.truncated).toBe(true);
    expect(out.events[0]?.time).toBe('2018-10-26T13:38:35.000Z');
    expect(out.events[0]?.audit.objectRef?.resource).toBe('pods');
    expect(out.events[0]?.audit.requestObject).toBeUndefined();
  });

  it('reports a cut log without a verb', () => {
    const log = JSON.stringify(falcoEvent('k8s_audit/exec_pod.json'));
    const out = normalizeAuditValue(aksRecord(log.slice(0, 80)));
    expect(out.events).toEqual([]);
    expect(out.problems[0]?.reason).toBe('missing verb');
  });

  it('reads a CloudWatch subscription message', () => {
    const message = JSON.stringify(falcoEvent('k8s_audit/exec_pod.json'));
    const out = normalizeAuditValue({
      messageType: 'DATA_MESSAGE',
      owner: '111122223333',
      logGroup: '/aws/eks/payments/cluster',
      logStream: 'kube-apiserver-audit-0a1b',
      logEvents: [{ id: '1', timestamp: 1540561114902, message }],
    });
    expect(out.events[0]?.cluster).toBe('payments');
    expect(out.events[0]?.origin.format).toBe('eks');
    expect(out.events[0]?.id).toBe(EXEC_ID);
  });

  it('salvages a cut CloudWatch message', () => {
    const message = JSON.stringify(falcoEvent('psp/host_pid.json'));
    const out = normalizeAuditValue({
      messageType: 'DATA_MESSAGE',
      logGroup: '/aws/eks/payments/cluster',
      logEvents: [
        { id: '1', timestamp: 1561000000000, message: message.slice(0, 900) },
      ],
    });
    expect(out.problems).toEqual([]);
    expect(out.events[0]?.truncated).toBe(true);
    expect(out.events[0]?.time).toBe('2019-06-20T03:06:40.000Z');
    expect(out.events[0]?.audit.user.username).toBe(
      'system:serviceaccount:kube-system:replicaset-controller',
    );
  });

  it('skips CloudWatch control messages', () => {
    const out = normalizeAuditValue({
      messageType: 'CONTROL_MESSAGE',
      logGroup: '',
      logEvents: [{ id: '', timestamp: 1, message: 'CWL CONTROL MESSAGE' }],
    });
    expect(out.events).toEqual([]);
    expect(out.skipped).toEqual({ 'cloudwatch-control': 1 });
  });

  it('reads filter-log-events output', () => {
    const message = JSON.stringify(falcoEvent('k8s_audit/exec_pod.json'));
    const out = normalizeAuditValue(
      {
        events: [
          { logStreamName: 'kube-apiserver-audit-1', timestamp: 1, message },
          { logStreamName: 'kube-apiserver-audit-1', timestamp: 2 },
        ],
      },
      { defaultCluster: 'eks-a' },
    );
    expect(out.events[0]?.cluster).toBe('eks-a');
    expect(out.problems).toEqual([
      {
        code: 'invalid-event',
        reason: 'events[1]: missing message',
      },
    ]);
  });

  it('maps a GKE exec', () => {
    const out = normalizeAuditValue(
      gkeEntry(
        'io.k8s.core.v1.pods.exec.create',
        'core/v1/namespaces/default/pods/nginx/exec',
      ),
    );
    const event = out.events[0];
    expect(event?.id).toBe('op-1');
    expect(event?.cluster).toBe('gke-1');
    expect(event?.audit.verb).toBe('create');
    expect(event?.audit.objectRef).toEqual({
      resource: 'pods',
      subresource: 'exec',
      namespace: 'default',
      name: 'nginx',
      apiGroup: '',
      apiVersion: 'v1',
    });
    expect(event?.audit.requestURI).toBe(
      '/api/v1/namespaces/default/pods/nginx/exec',
    );
    expect(event?.audit.user).toEqual({
      username: 'dev@example.com',
      groups: [],
    });
    expect(event?.audit.sourceIPs).toEqual(['203.0.113.9']);
    expect(event?.audit.userAgent).toBe('kubectl/v1.30.0');
  });

  it('maps a GKE RBAC create', () => {
    const out = normalizeAuditValue(
      gkeEntry(
        'io.k8s.authorization.rbac.v1.clusterrolebindings.create',
        'rbac.authorization.k8s.io/v1/clusterrolebindings/admin-2',
      ),
    );
    const audit = out.events[0]?.audit;
    expect(audit?.objectRef).toEqual({
      resource: 'clusterrolebindings',
      name: 'admin-2',
      apiGroup: 'rbac.authorization.k8s.io',
      apiVersion: 'v1',
    });
    expect(audit?.requestObject).toEqual({ kind: 'Pod' });
    expect(audit?.responseStatus).toEqual({ code: 200, status: 'Success' });
    expect(audit?.annotations).toEqual({
      'authorization.k8s.io/decision': 'allow',
    });
  });

  it('maps a GKE denial', () => {
    const entry = gkeEntry(
      'io.k8s.core.v1.secrets.list',
      'core/v1/namespaces/kube-system/secrets',
      7,
    );
    const audit = normalizeAuditValue(entry).events[0]?.audit;
    expect(audit?.verb).toBe('list');
    expect(audit?.objectRef?.namespace).toBe('kube-system');
    expect(audit?.objectRef?.name).toBeUndefined();
    expect(audit?.responseStatus).toEqual({ code: 403, status: 'Failure' });
    expect(audit?.annotations['authorization.k8s.io/decision']).toBe('forbid');
  });

  it('prefers the Kubernetes status code', () => {
    const entry = gkeEntry(
      'io.k8s.core.v1.pods.create',
      'core/v1/namespaces/default/pods/nginx',
      3,
    );
    Object.assign(entry.protoPayload, {
      response: {
        '@type': 'core.k8s.io/v1.Status',
        kind: 'Status',
        code: 400,
        reason: 'VIOLATES_POLICY',
      },
    });
    const audit = normalizeAuditValue(entry).events[0]?.audit;
    expect(audit?.responseStatus).toEqual({
      code: 400,
      status: 'Failure',
      reason: 'VIOLATES_POLICY',
    });
    expect(audit?.responseObject).toEqual({
      kind: 'Status',
      code: 400,
      reason: 'VIOLATES_POLICY',
    });
  });

  it('reports an unknown value', () => {
    const out = normalizeAuditValue({ kind: 0 });
    expect(out.problems[0]?.code).toBe('unknown-format');
  });

  it('applies a forced format', () => {
    const out = normalizeAuditValue(falcoEvent('k8s_audit/exec_pod.json'), {
      format: 'eks',
    });
    expect(out.events[0]?.origin.format).toBe('eks');

    const wrong = normalizeAuditValue(falcoEvent('k8s_audit/exec_pod.json'), {
      format: 'gke',
    });
    expect(wrong.problems[0]?.reason).toBe('missing protoPayload');
  });

  it('reports a nested array instead of recursing into it', () => {
    let nested: unknown = [];
    for (let i = 0; i < 200_000; i++) nested = [nested];
    const out = normalizeAuditValue([nested]);
    expect(out.events).toEqual([]);
    expect(out.problems.map((p) => p.reason)).toEqual([
      'unrecognized audit log value: expected an object inside the array, got an array',
    ]);
  });
});
