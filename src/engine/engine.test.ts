import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Alert } from '../alerts/alert.js';
import { normalizeTestEvent } from '../cli/normalize-test-event.js';
import type { VigilEvent } from '../sources/event.js';
import { type CompiledRule, compileRule } from './compile-rule.js';
import { Engine, type EngineOptions } from './engine.js';
import { loadRulePack } from './load-rules.js';
import { PREDICATES } from './predicates/index.js';
import { defaultRulePackDir } from './rule-pack-dir.js';
import { ruleFileSchema } from './rule-schema.js';
import { buildTestAuditEvent, TEST_BASE_TIME } from './test-event-builder.js';
import { VIEWS } from './views/index.js';

const RULE = `
id: TEST_PodCreated
title: Pod created
severity: Low
tactics: [Execution]
version: 1
sources: [k8s-audit]
summary: A pod was created.
notes: Test rule.
falsePositives: Every pod.
on: { kind: k8s-audit, resources: [pods], verbs: [create] }
condition: { predicate: request-changed-state }
exceptions:
  - name: ignored-namespace
    reason: The test namespace is quiet.
    condition: { field: audit.objectRef.namespace, equals: quiet }
  - name: lapsed
    reason: Lapsed long ago.
    expires: 2020-01-01
    condition: { field: audit.objectRef.namespace, equals: lapsed }
aggregate: { by: [user, namespace], window: 10m }
description: "{{user}} created {{resources}}."
remediation: Nothing.
tests:
  - { name: a, expect: alert, event: {} }
  - { name: b, expect: none, event: {} }
`;

function engine(options: EngineOptions = {}) {
  const rule = compileRule(ruleFileSchema.parse(parse(RULE)), 'test.yaml', {
    views: VIEWS,
    predicates: PREDICATES,
    list: () => [],
  });
  const closed: Alert[] = [];
  const instance = new Engine(
    { rules: [rule], lists: new Map() },
    { onClose: (a) => closed.push(a), ...options },
  );
  return { instance, closed };
}

function podCreate(
  id: string,
  fields: Record<string, unknown> = {},
): VigilEvent[] {
  return normalizeTestEvent(
    buildTestAuditEvent(
      {
        verb: 'create',
        objectRef: { resource: 'pods', namespace: 'default', name: id },
        ...fields,
      },
      id,
      0,
    ),
  );
}

function run(target: Engine, events: VigilEvent[]) {
  for (const event of events) target.process(event);
}

describe('Engine', () => {
  it('raises one alert for one request', () => {
    const { instance, closed } = engine();
    run(instance, podCreate('a'));
    instance.flush();
    expect(closed).toHaveLength(1);
    expect(closed[0]?.description).toBe(
      'alice@example.com created pods default/a.',
    );
  });

  it('raises once across stages of one request', () => {
    const { instance, closed } = engine();
    run(instance, podCreate('a', { stage: 'ResponseStarted' }));
    run(instance, podCreate('a', { stage: 'ResponseComplete' }));
    instance.flush();
    expect(closed).toHaveLength(1);
    expect(instance.stats.repeatsAcrossStages).toBe(1);
  });

  it('one audit ID in two clusters raises twice', () => {
    const { instance, closed } = engine();
    run(instance, podCreate('a', { stage: 'ResponseStarted' }));
    const other = podCreate('a', { stage: 'ResponseComplete' });
    for (const event of other) event.cluster = 'other';
    run(instance, other);
    instance.flush();
    expect(closed.map((alert) => alert.cluster).sort()).toEqual(
      [other[0]?.cluster, podCreate('a')[0]?.cluster].sort(),
    );
    expect(instance.stats.repeatsAcrossStages).toBe(0);
  });

  it('skips the RequestReceived stage by default', () => {
    const { instance, closed } = engine();
    run(instance, podCreate('a', { stage: 'RequestReceived' }));
    instance.flush();
    expect(closed).toHaveLength(0);
  });

  it('aggregates repeats within the window', () => {
    const { instance, closed } = engine();
    run(instance, podCreate('a', { at: '0s' }));
    run(instance, podCreate('b', { at: '5m' }));
    run(instance, podCreate('c', { at: '11m' }));
    instance.flush();
    expect(closed.map((a) => a.count)).toEqual([2, 1]);
    expect(closed[0]?.endTime).toBe(
      new Date(TEST_BASE_TIME + 300_000).toISOString(),
    );
  });

  it('counts suppressions by exception', () => {
    const { instance, closed } = engine();
    run(
      instance,
      podCreate('a', { objectRef: { resource: 'pods', namespace: 'quiet' } }),
    );
    instance.flush();
    expect(closed).toHaveLength(0);
    expect(instance.stats.suppressed).toEqual({
      'TEST_PodCreated/ignored-namespace': 1,
    });
  });

  it('ignores an expired exception', () => {
    const { instance, closed } = engine();
    run(
      instance,
      podCreate('a', { objectRef: { resource: 'pods', namespace: 'lapsed' } }),
    );
    instance.flush();
    expect(closed).toHaveLength(1);
  });

  it('skips events before enrolment', () => {
    const { instance, closed } = engine({
      enrolledAt: () => TEST_BASE_TIME + 60_000,
    });
    run(instance, podCreate('a', { at: '0s' }));
    run(instance, podCreate('b', { at: '2m' }));
    instance.flush();
    expect(instance.stats.beforeEnrolment).toBe(1);
    expect(closed.map((a) => a.count)).toEqual([1]);
  });

  it('ignores subresources the scope does not name', () => {
    const { instance, closed } = engine();
    run(
      instance,
      podCreate('a', {
        objectRef: {
          resource: 'pods',
          subresource: 'exec',
          namespace: 'default',
        },
      }),
    );
    instance.flush();
    expect(closed).toHaveLength(0);
  });

  it('raises nothing for a dry run', () => {
    const { instance, closed } = engine();
    run(
      instance,
      podCreate('a', {
        requestURI: '/api/v1/namespaces/default/pods?dryRun=All',
      }),
    );
    instance.flush();
    expect(closed).toHaveLength(0);
  });

  it('raises nothing for a denied request', () => {
    const { instance, closed } = engine();
    run(
      instance,
      podCreate('a', {
        responseStatus: { code: 403 },
        annotations: { 'authorization.k8s.io/decision': 'forbid' },
      }),
    );
    instance.flush();
    expect(closed).toHaveLength(0);
  });

  it('closes alerts beyond the open limit', () => {
    const { instance, closed } = engine({ maxOpenAlerts: 1 });
    run(instance, podCreate('a'));
    run(
      instance,
      podCreate('b', { objectRef: { resource: 'pods', namespace: 'other' } }),
    );
    expect(closed).toHaveLength(1);
  });
});

describe('Engine with the shipped privileged container rule', () => {
  const pack = loadRulePack(defaultRulePackDir());
  const rule = pack.rules.find((r) => r.id === 'K8S_PrivilegedContainer');
  if (!rule) throw new Error('K8S_PrivilegedContainer not in the pack');

  function privilegedPod(name: string, owner?: string): VigilEvent[] {
    const metadata: Record<string, unknown> = { name, namespace: 'default' };
    if (owner) {
      metadata.ownerReferences = [
        { kind: 'ReplicaSet', name: owner, controller: true },
      ];
    }
    const pod = {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata,
      spec: {
        containers: [
          {
            name: 'app',
            image: 'nginx:1.27',
            securityContext: { privileged: true },
          },
        ],
      },
    };
    return podCreate(`${name}-id`, {
      objectRef: { resource: 'pods', namespace: 'default', name },
      requestObject: pod,
      responseObject: pod,
    });
  }

  function alertsOf(events: VigilEvent[]): Alert[] {
    const closed: Alert[] = [];
    const instance = new Engine(
      { rules: [rule as CompiledRule], lists: pack.lists },
      { onClose: (a) => closed.push(a) },
    );
    run(instance, events);
    instance.flush();
    return closed;
  }

  it('keeps two bare pods apart', () => {
    const alerts = alertsOf([
      ...privilegedPod('first'),
      ...privilegedPod('second'),
    ]);
    expect(alerts.map((a) => a.entities.pod).sort()).toEqual([
      'first',
      'second',
    ]);
    expect(alerts.map((a) => a.entities.workload).sort()).toEqual([
      'Pod/first',
      'Pod/second',
    ]);
  });

  it('folds changes to one Deployment', () => {
    const template = {
      spec: {
        containers: [
          {
            name: 'app',
            image: 'nginx:1.27',
            securityContext: { privileged: true },
          },
        ],
      },
    };
    const ref = {
      resource: 'deployments',
      apiGroup: 'apps',
      apiVersion: 'v1',
      namespace: 'default',
    };
    const alerts = alertsOf([
      ...podCreate('create-id', {
        objectRef: ref,
        requestObject: {
          kind: 'Deployment',
          metadata: { name: 'web', namespace: 'default' },
          spec: { template },
        },
      }),
      // A patch logged at the Request level: no kind, no metadata and no
      // response object.
      ...podCreate('patch-id', {
        verb: 'patch',
        objectRef: { ...ref, name: 'web' },
        requestObject: { spec: { template } },
        responseStatus: { code: 200 },
      }),
    ]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.count).toBe(2);
    expect(alerts[0]?.entities.workload).toBe('Deployment/web');
  });

  it('folds pods of one ReplicaSet', () => {
    const alerts = alertsOf([
      ...privilegedPod('web-1', 'web-5d9c'),
      ...privilegedPod('web-2', 'web-5d9c'),
    ]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.count).toBe(2);
    expect(alerts[0]?.entities.workload).toBe('ReplicaSet/web-5d9c');
  });
});
