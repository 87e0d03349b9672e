import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Alert } from '../alerts/alert.js';
import { compileRule } from './compile-rule.js';
import { Engine } from './engine.js';
import { PREDICATES } from './predicates/index.js';
import { ruleFileSchema } from './rule-schema.js';
import { buildTestHostEvent, isTestHostEvent } from './test-host-event.js';
import { VIEWS } from './views/index.js';

const RULE = `
id: TEST_ShellInWebServer
title: Shell under a web server
severity: Medium
tactics: [Persistence]
version: 1
sources: [agent]
summary: A web server started a shell.
notes: Test rule.
falsePositives: None known in tests.
on: { kind: process }
condition:
  all:
    - { field: exeName, in: [sh, bash] }
    - { field: ancestorNames, in: [nginx] }
    - { field: inContainer, equals: true }
aggregate: { by: [pod, process] }
description: "{{process}} ran in {{pod}} on {{node}}."
remediation: Nothing.
tests:
  - { name: a, expect: alert, event: { kind: process } }
  - { name: b, expect: none, event: { kind: process } }
`;

describe('host test events', () => {
  it('recognizes host kinds', () => {
    expect(isTestHostEvent({ kind: 'process' })).toBe(true);
    expect(isTestHostEvent({ kind: 'Event', verb: 'get' })).toBe(false);
  });

  it('fill process defaults from argv', () => {
    const event = buildTestHostEvent(
      { kind: 'process', process: { argv: ['/usr/bin/curl', '-s', 'x'] } },
      'id-1',
      0,
    );
    expect(event.kind === 'process' && event.process.name).toBe('curl');
  });

  it('raise through the engine with host entities', () => {
    const rule = compileRule(ruleFileSchema.parse(parse(RULE)), 't.yaml', {
      views: VIEWS,
      predicates: PREDICATES,
      list: () => [],
    });
    const alerts: Alert[] = [];
    const engine = new Engine(
      { rules: [rule], lists: new Map() },
      { onClose: (a) => alerts.push(a) },
    );
    const ancestors = [
      { pid: 10, exe: '/usr/sbin/nginx', name: 'nginx', argv: ['nginx'] },
    ];
    engine.process(
      buildTestHostEvent(
        {
          kind: 'process',
          process: { argv: ['/bin/sh', '-c', 'id'], ancestors },
        },
        'id-2',
        0,
      ),
    );
    engine.process(
      buildTestHostEvent(
        {
          kind: 'process',
          container: 'unknown',
          process: { argv: ['/bin/sh'], ancestors },
        },
        'id-3',
        1,
      ),
    );
    engine.flush();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.description).toBe(
      '/bin/sh -c id ran in web-7d4b9c6f5-x2x7k on aks-node-1.',
    );
    expect(alerts[0]?.entities.containers).toEqual([
      { name: 'web', image: 'nginx:1.27', id: 'c0ffee'.padEnd(64, '0') },
    ]);
  });
});
