import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The argument that the test rule matches. */
export const TEST_MARKER = 'vigil-agent-test-marker-5d1e';

/** A cluster rule, which the agent must leave out. */
const CLUSTER_RULE = `id: TEST_ClusterOnly
title: Cluster rule
severity: Low
tactics: [Execution]
version: 1
sources: [k8s-audit]
summary: A cluster rule.
notes: Present to check that the agent keeps host rules only.
falsePositives: None.
on: { kind: k8s-audit }
condition: { field: audit.verb, equals: create }
description: A create.
remediation: None.
tests:
  - name: create
    expect: alert
    event: { verb: create, objectRef: { resource: pods } }
  - name: get
    expect: none
    event: { verb: get, objectRef: { resource: pods } }
`;

/** A host rule that matches a process with the test marker. */
const HOST_RULE = `id: TEST_AgentMarker
title: Agent test marker ran
severity: High
tactics: [Execution]
version: 1
sources: [agent]
summary: A process with the agent test marker ran.
notes: Used by the agent's own tests, so that they do not depend on the shipped pack.
falsePositives: None.
on: { kind: process }
condition: { field: commandLine, contains: ${TEST_MARKER} }
aggregate: { by: [node, containers, process], window: 1h }
description: "{{process}} ran in {{containers}} on {{node}}."
remediation: None.
tests:
  - name: marker
    expect: alert
    event: { kind: process, process: { argv: [/bin/echo, ${TEST_MARKER}] } }
  - name: other command
    expect: none
    event: { kind: process, process: { argv: [/bin/echo, hello] } }
`;

/** Writes a rule pack with one host rule and one cluster rule. */
export function writeMarkerRulePack(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-pack-'));
  mkdirSync(join(dir, 'node'));
  mkdirSync(join(dir, 'cluster'));
  writeFileSync(join(dir, 'node', 'agent-marker.yaml'), HOST_RULE);
  writeFileSync(join(dir, 'cluster', 'cluster-only.yaml'), CLUSTER_RULE);
  return dir;
}
