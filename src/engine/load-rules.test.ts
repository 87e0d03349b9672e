import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRuleTests, loadRulePack, RulePackError } from './load-rules.js';

const root = mkdtempSync(join(tmpdir(), 'vigil-load-rules-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function rule(tests: string): string {
  return `id: K8S_Example
title: Example rule
severity: Low
tactics: [Execution]
version: 1
sources: [k8s-audit]
summary: Example summary.
notes: Example notes.
falsePositives: None known.
on: { kind: k8s-audit }
condition: { field: audit.verb, equals: delete }
description: '{{user}} deleted {{resources}}.'
remediation: 'Ask {{user}}.'
${tests}`;
}

function packWith(name: string, text: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'cluster'), { recursive: true });
  writeFileSync(join(dir, 'cluster', 'example.yaml'), text);
  return dir;
}

const VALID_TESTS = `tests:
  - { name: delete, expect: alert, event: { verb: delete } }
  - { name: get, expect: none, event: { verb: get } }
`;

describe('checkRuleTests', () => {
  it('accepts valid test cases', () => {
    const pack = loadRulePack(packWith('valid', rule(VALID_TESTS)));
    expect(() => checkRuleTests(pack)).not.toThrow();
  });

  it('rejects a pack with one test case', () => {
    const text = rule('tests:\n  - { name: a, expect: alert, event: {} }\n');
    const pack = loadRulePack(packWith('one-case', text));
    expect(() => checkRuleTests(pack)).toThrow(RulePackError);
    expect(() => checkRuleTests(pack)).toThrow(
      /^cluster\/example\.yaml:15: tests: /,
    );
  });
});
