import { describe, expect, it } from 'vitest';
import type { AuditRecord, K8sAuditEvent } from '../../sources/event.js';
import { compileCondition } from '../compile-condition.js';
import { EventContext } from '../event-context.js';
import { NO_INTEL } from '../intel-lookup.js';
import { PREDICATES } from '../predicates/index.js';
import { VIEWS } from '../views/index.js';
import { SelectorMatchDetector, selects } from './selector-match.js';

const env = {
  views: VIEWS,
  predicates: PREDICATES,
  list: (): string[] => [],
};

const trustPods = compileCondition(
  {
    some: {
      of: 'containers',
      where: {
        some: {
          of: 'env',
          where: {
            all: [
              { field: 'name', equals: 'POSTGRES_HOST_AUTH_METHOD' },
              { field: 'value', equals: 'trust' },
            ],
          },
        },
      },
    },
  },
  env,
  [],
);
const loadBalancers = compileCondition(
  { field: 'object.spec.type', equals: 'LoadBalancer' },
  env,
  [],
);

let sequence = 0;

function auditEvent(
  verb: string,
  resource: string,
  name: string,
  requestObject: unknown,
  cluster = 'prod',
): K8sAuditEvent {
  sequence++;
  const audit: AuditRecord = {
    auditID: `audit-${sequence}`,
    stage: 'ResponseComplete',
    level: 'RequestResponse',
    verb,
    requestURI: `/apis/apps/v1/namespaces/db/${resource}`,
    user: { username: 'alice@example.com', groups: [] },
    sourceIPs: ['198.51.100.20'],
    userAgent: 'helm/v3.15.2',
    objectRef: { resource, namespace: 'db', name },
    responseStatus: { code: verb === 'create' ? 201 : 200 },
    requestObject,
    annotations: {},
  };
  return {
    id: audit.auditID,
    kind: 'k8s-audit',
    time: '2026-11-02T10:00:00.000Z',
    timeMs: Date.parse('2026-11-02T10:00:00Z') + sequence,
    cluster,
    node: 'unknown',
    container: 'unknown',
    pod: 'unknown',
    origin: { format: 'k8s-audit' },
    truncated: false,
    audit,
  };
}

function statefulSet(env: { name: string; value: string }[]) {
  return {
    kind: 'StatefulSet',
    spec: {
      template: {
        metadata: { labels: { app: 'postgres', tier: 'db' } },
        spec: { containers: [{ name: 'pg', image: 'postgres:16', env }] },
      },
    },
  };
}

const TRUST = [{ name: 'POSTGRES_HOST_AUTH_METHOD', value: 'trust' }];
const PASSWORD = [{ name: 'POSTGRES_PASSWORD', value: 'x' }];

function service(type: string, selector: Record<string, string>) {
  return { kind: 'Service', spec: { type, selector, ports: [{ port: 5432 }] } };
}

function detector() {
  return new SelectorMatchDetector({
    pods: trustPods,
    services: loadBalancers,
    maxKeys: 100,
    maxObjectsPerKey: 8,
  });
}

function observe(d: SelectorMatchDetector, event: K8sAuditEvent) {
  return d.observe(event, new EventContext(event, VIEWS, NO_INTEL));
}

describe('selects', () => {
  it('accepts a subset of the labels', () => {
    expect(selects({ app: 'postgres' }, { app: 'postgres', tier: 'db' })).toBe(
      true,
    );
  });

  it('rejects a different value', () => {
    expect(selects({ app: 'postgres' }, { app: 'redis' })).toBe(false);
  });

  it('rejects an empty selector', () => {
    expect(selects({}, { app: 'postgres' })).toBe(false);
  });
});

describe('SelectorMatchDetector', () => {
  it('fires on the service after the workload', () => {
    const d = detector();
    observe(d, auditEvent('create', 'statefulsets', 'pg', statefulSet(TRUST)));
    const details = observe(
      d,
      auditEvent(
        'create',
        'services',
        'pg',
        service('LoadBalancer', { app: 'postgres' }),
      ),
    );
    expect(details).toEqual({
      service: ['pg'],
      workloads: ['statefulsets/pg'],
    });
  });

  it('fires on the workload after the service', () => {
    const d = detector();
    observe(
      d,
      auditEvent(
        'create',
        'services',
        'pg',
        service('LoadBalancer', { app: 'postgres' }),
      ),
    );
    const details = observe(
      d,
      auditEvent('create', 'statefulsets', 'pg', statefulSet(TRUST)),
    );
    expect(details?.service).toEqual(['pg']);
  });

  it('fires once per service', () => {
    const d = detector();
    const lb = service('LoadBalancer', { app: 'postgres' });
    observe(d, auditEvent('create', 'services', 'pg', lb));
    observe(d, auditEvent('create', 'statefulsets', 'pg', statefulSet(TRUST)));
    const pod = {
      kind: 'Pod',
      metadata: { labels: { app: 'postgres' } },
      spec: { containers: [{ name: 'pg', image: 'postgres:16', env: TRUST }] },
    };
    expect(observe(d, auditEvent('create', 'pods', 'pg-0', pod))).toBe(
      undefined,
    );
  });

  it('ignores a service that selects other pods', () => {
    const d = detector();
    observe(d, auditEvent('create', 'statefulsets', 'pg', statefulSet(TRUST)));
    const details = observe(
      d,
      auditEvent(
        'create',
        'services',
        'web',
        service('LoadBalancer', { app: 'web' }),
      ),
    );
    expect(details).toBe(undefined);
  });

  it('ignores a workload without the property', () => {
    const d = detector();
    observe(
      d,
      auditEvent('create', 'statefulsets', 'pg', statefulSet(PASSWORD)),
    );
    const details = observe(
      d,
      auditEvent(
        'create',
        'services',
        'pg',
        service('LoadBalancer', { app: 'postgres' }),
      ),
    );
    expect(details).toBe(undefined);
  });

  it('forgets a workload updated without the property', () => {
    const d = detector();
    observe(d, auditEvent('create', 'statefulsets', 'pg', statefulSet(TRUST)));
    observe(
      d,
      auditEvent('update', 'statefulsets', 'pg', statefulSet(PASSWORD)),
    );
    const details = observe(
      d,
      auditEvent(
        'create',
        'services',
        'pg',
        service('LoadBalancer', { app: 'postgres' }),
      ),
    );
    expect(details).toBe(undefined);
  });

  it('forgets a deleted service', () => {
    const d = detector();
    observe(
      d,
      auditEvent(
        'create',
        'services',
        'pg',
        service('LoadBalancer', { app: 'postgres' }),
      ),
    );
    observe(
      d,
      auditEvent('delete', 'services', 'pg', { kind: 'DeleteOptions' }),
    );
    const details = observe(
      d,
      auditEvent('create', 'statefulsets', 'pg', statefulSet(TRUST)),
    );
    expect(details).toBe(undefined);
  });

  it('keeps namespaces of clusters apart', () => {
    const d = detector();
    observe(
      d,
      auditEvent('create', 'statefulsets', 'pg', statefulSet(TRUST), 'a'),
    );
    const details = observe(
      d,
      auditEvent(
        'create',
        'services',
        'pg',
        service('LoadBalancer', { app: 'postgres' }),
        'b',
      ),
    );
    expect(details).toBe(undefined);
  });

  it('bounds the namespaces it keeps', () => {
    const d = new SelectorMatchDetector({
      pods: trustPods,
      services: loadBalancers,
      maxKeys: 2,
      maxObjectsPerKey: 8,
    });
    for (const cluster of ['a', 'b', 'c']) {
      observe(
        d,
        auditEvent('create', 'statefulsets', 'pg', statefulSet(TRUST), cluster),
      );
    }
    expect(d.size).toBe(2);
  });
});
