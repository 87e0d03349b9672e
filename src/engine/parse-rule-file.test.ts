import { describe, expect, it } from 'vitest';
import { parseRuleFile, withoutTestsSection } from './parse-rule-file.js';
import { RulePackError } from './parse-yaml-file.js';

const HEAD = `id: K8S_Example
title: Example rule
severity: Low
tactics: [Execution]
version: 1
sources: [k8s-audit]
summary: >-
  Example summary.
notes: >-
  Example notes.
falsePositives: >-
  None known.
on:
  kind: k8s-audit
condition:
  field: audit.verb
  equals: delete
description: >-
  {{user}} deleted {{resources}}.
remediation: >-
  Ask {{user}}.
`;

const TESTS = `tests:
  - name: delete raises
    expect: alert
    event: { verb: delete }
  - name: get raises nothing
    expect: none
    event: { verb: get }
`;

function parse(text: string) {
  return parseRuleFile(text, 'example.yaml');
}

function problemOf(read: () => unknown): RulePackError {
  try {
    read();
  } catch (error) {
    if (error instanceof RulePackError) return error;
    throw error;
  }
  throw new Error('expected a RulePackError');
}

describe('withoutTestsSection', () => {
  it('blanks a last section and keeps line numbers', () => {
    const text = `id: a\ntests:\n  - name: x\n\n  - name: y\n`;
    expect(withoutTestsSection(text)).toBe('id: a\n\n\n\n\n');
  });

  it('stops at the next top-level key', () => {
    const text = `id: a\ntests:\n  - name: x\nversion: 1\n`;
    expect(withoutTestsSection(text)).toBe('id: a\n\n\nversion: 1\n');
  });

  it('keeps indentless entries and comments', () => {
    const text = `tests:\n- name: x\n# note\n- name: y\nid: a\n`;
    expect(withoutTestsSection(text)).toBe('\n\n\n\nid: a\n');
  });

  it('stops at a document marker', () => {
    const text = `tests:\n  - name: x\n---\nid: b\n`;
    expect(withoutTestsSection(text)).toBe('\n\n---\nid: b\n');
  });

  it('ignores keys that only start with tests', () => {
    expect(withoutTestsSection('testsuite: 1\n')).toBeUndefined();
    expect(withoutTestsSection('id: a\n  tests: 1\n')).toBeUndefined();
  });
});

describe('parseRuleFile', () => {
  it('reads tests on first access', () => {
    const { rule } = parse(HEAD + TESTS);
    expect(rule.tests.map((test) => test.name)).toEqual([
      'delete raises',
      'get raises nothing',
    ]);
  });

  it('reads tests placed before other keys', () => {
    const text = `${TESTS}${HEAD}`;
    const { rule } = parse(text);
    expect(rule.id).toBe('K8S_Example');
    expect(rule.tests).toHaveLength(2);
  });

  it('locates fields at their lines in the file', () => {
    const { parsed } = parse(TESTS + HEAD);
    expect(parsed.locate(['id'])).toBe(8);
  });

  it('loads a rule whose tests are invalid', () => {
    const text = `${HEAD}tests:\n  - name: only one\n    expect: maybe\n`;
    expect(parse(text).rule.id).toBe('K8S_Example');
  });

  it('rejects an invalid case on access', () => {
    const text = `${HEAD}tests:\n  - name: only one\n    expect: maybe\n`;
    const { rule } = parse(text);
    const problem = problemOf(() => rule.tests);
    expect(problem.line).toBe(24);
    expect(problem.reason).toMatch(/^tests\.0\.expect: /);
  });

  it('rejects invalid test YAML on access', () => {
    const text = `${HEAD}tests:\n  - name: [unclosed\n`;
    const { rule } = parse(text);
    expect(problemOf(() => rule.tests).file).toBe('example.yaml');
  });

  it('rejects other problems at load', () => {
    const text = HEAD.replace('severity: Low', 'severity: Extreme') + TESTS;
    const problem = problemOf(() => parse(text));
    expect(problem.line).toBe(3);
    expect(problem.reason).toMatch(/^severity: /);
  });

  it('rejects a second tests key at load', () => {
    const problem = problemOf(() => parse(HEAD + TESTS + TESTS));
    expect(problem.reason).toMatch(/unique/i);
  });

  it('parses a flow-style file whole', () => {
    const { rule: block } = parse(HEAD + TESTS);
    const flow = JSON.stringify({ ...block, tests: block.tests });
    const { rule } = parse(flow);
    const tests = Object.getOwnPropertyDescriptor(rule, 'tests');
    expect(tests?.get).toBeUndefined();
    expect(rule.tests).toEqual(block.tests);
  });

  it('lists tests among the fields', () => {
    const { rule } = parse(HEAD + TESTS);
    expect(Object.keys(rule)).toContain('tests');
    expect(JSON.parse(JSON.stringify(rule)).tests).toHaveLength(2);
  });
});
