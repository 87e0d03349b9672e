import { describe, expect, it } from 'vitest';
import type { AuditRecord, K8sAuditEvent } from '../../sources/event.js';
import { compileCondition } from '../compile-condition.js';
import { EventContext } from '../event-context.js';
import { NO_INTEL } from '../intel-lookup.js';
import { PREDICATES } from '../predicates/index.js';
import { VIEWS } from '../views/index.js';
import { ClusterMarkerDetector } from './cluster-marker.js';

const env = {
  views: VIEWS,
  predicates: PREDICATES,
  list: (): string[] => [],
};

const inKubeflow = compileCondition(
  { field: 'audit.objectRef.namespace', equals: 'kubeflow' },
  env,
  [],
);
const namespaceDeleted = compileCondition(
  {
    all: [
      { field: 'audit.verb', equals: 'delete' },
      { field: 'audit.objectRef.resource', equals: 'namespaces' },
      { field: 'audit.objectRef.name', equals: 'kubeflow' },
    ],
  },
  env,
  [],
);

function auditEvent(
  verb: string,
  resource: string,
  namespace: string,
  name: string,
  cluster = 'prod',
): K8sAuditEvent {
  const audit: AuditRecord = {
    auditID: `${cluster}-${verb}-${resource}-${name}`,
    stage: 'ResponseComplete',
    level: 'Metadata',
    verb,
    requestURI: `/api/v1/namespaces/${namespace}/${resource}/${name}`,
    user: { username: 'alice@example.com', groups: [] },
    sourceIPs: ['198.51.100.20'],
    userAgent: 'kubectl/v1.30.2',
    objectRef: { resource, namespace, name },
    responseStatus: { code: 200 },
    annotations: {},
  };
  return {
    id: audit.auditID,
    kind: 'k8s-audit',
    time: '2026-11-02T10:00:00.000Z',
    timeMs: Date.parse('2026-11-02T10:00:00Z'),
    cluster,
    node: 'unknown',
    container: 'unknown',
    pod: 'unknown',
    origin: { format: 'k8s-audit' },
    truncated: false,
    audit,
  };
}

const GATEWAY = ['patch', 'services', 'istio-system', 'istio-ingressgateway'];

function detector(maxKeys = 100) {
  return new ClusterMarkerDetector({
    marker: inKubeflow,
    clear: namespaceDeleted,
    maxKeys,
  });
}

function observe(
  d: ClusterMarkerDetector,
  [verb, resource, namespace, name]: string[],
  cluster = 'prod',
) {
  const event = auditEvent(
    verb ?? '',
    resource ?? '',
    namespace ?? '',
    name ?? '',
    cluster,
  );
  return d.observe(event, new EventContext(event, VIEWS, NO_INTEL));
}

describe('ClusterMarkerDetector', () => {
  it('fires after a marker', () => {
    const d = detector();
    observe(d, ['create', 'deployments', 'kubeflow', 'centraldashboard']);
    expect(observe(d, GATEWAY)).toEqual({
      marker: ['create deployments kubeflow/centraldashboard'],
    });
  });

  it('stays silent without a marker', () => {
    expect(observe(detector(), GATEWAY)).toBe(undefined);
  });

  it('never fires on the marker', () => {
    const d = detector();
    observe(d, ['create', 'deployments', 'kubeflow', 'centraldashboard']);
    expect(observe(d, ['update', 'leases', 'kubeflow', 'ctrl'])).toBe(
      undefined,
    );
  });

  it('forgets a cleared cluster', () => {
    const d = detector();
    observe(d, ['create', 'deployments', 'kubeflow', 'centraldashboard']);
    observe(d, ['delete', 'namespaces', 'kubeflow', 'kubeflow']);
    expect(observe(d, GATEWAY)).toBe(undefined);
  });

  it('keeps clusters apart', () => {
    const d = detector();
    observe(d, ['create', 'deployments', 'kubeflow', 'centraldashboard'], 'a');
    expect(observe(d, GATEWAY, 'b')).toBe(undefined);
  });

  it('bounds the clusters it keeps', () => {
    const d = detector(2);
    for (const cluster of ['a', 'b', 'c']) {
      observe(d, ['get', 'pods', 'kubeflow', 'ml-pipeline'], cluster);
    }
    expect(d.size).toBe(2);
  });
});
