import { describe, expect, it } from 'vitest';
import { normalizeTestEvent } from '../cli/normalize-test-event.js';
import {
  type ConditionEnvironment,
  compileCondition,
} from './compile-condition.js';
import { EventContext } from './event-context.js';
import { NO_INTEL } from './intel-lookup.js';
import { PREDICATES } from './predicates/index.js';
import { buildTestAuditEvent } from './test-event-builder.js';
import { VIEWS } from './views/index.js';

const env: ConditionEnvironment = {
  views: VIEWS,
  predicates: PREDICATES,
  list(name) {
    if (name === 'shells') return ['bash', 'sh'];
    throw new Error(`unknown list ${JSON.stringify(name)}`);
  },
};

function auditEvent(fields: Record<string, unknown>) {
  const [event] = normalizeTestEvent(buildTestAuditEvent(fields, 'id-1', 0));
  if (!event) throw new Error('no event');
  return event;
}

function evaluate(condition: unknown, fields: Record<string, unknown>) {
  const event = auditEvent(fields);
  const context = new EventContext(event, VIEWS, NO_INTEL);
  return compileCondition(condition, env, ['condition'])(event, context);
}

const pod = {
  verb: 'create',
  objectRef: { resource: 'pods', namespace: 'default', name: 'web' },
  requestObject: {
    kind: 'Pod',
    metadata: { name: 'web', labels: { 'app.kubernetes.io/name': 'web' } },
    spec: {
      containers: [{ name: 'web', image: 'nginx', command: ['bash'] }],
      initContainers: [{ name: 'setup', image: 'busybox' }],
    },
  },
};

describe('compileCondition', () => {
  it('tests a field with equals', () => {
    expect(evaluate({ field: 'audit.verb', equals: 'create' }, pod)).toBe(true);
  });
  it('folds case with ignoreCase', () => {
    const condition = {
      field: 'audit.verb',
      equals: 'CREATE',
      ignoreCase: true,
    };
    expect(evaluate(condition, pod)).toBe(true);
  });
  it('reads a bracketed label key through a view', () => {
    const condition = {
      field: 'object.metadata.labels[app.kubernetes.io/name]',
      equals: 'web',
    };
    expect(evaluate(condition, pod)).toBe(true);
  });
  it('passes on any element of a list field', () => {
    const condition = {
      field: 'audit.user.groups',
      in: ['system:authenticated'],
    };
    expect(evaluate(condition, pod)).toBe(true);
  });
  it('expands a named list', () => {
    const condition = {
      some: { of: 'containers', where: { field: 'command', in: ['@shells'] } },
    };
    expect(evaluate(condition, pod)).toBe(true);
  });
  it('sees init containers', () => {
    const condition = {
      some: {
        of: 'containers',
        where: { field: 'containerType', equals: 'init' },
      },
    };
    expect(evaluate(condition, pod)).toBe(true);
  });
  it('reaches the event from inside some with $.', () => {
    const condition = {
      some: {
        of: 'containers',
        where: { field: '$.audit.objectRef.namespace', equals: 'default' },
      },
    };
    expect(evaluate(condition, pod)).toBe(true);
  });
  it('negates with not', () => {
    expect(
      evaluate({ not: { field: 'audit.verb', equals: 'create' } }, pod),
    ).toBe(false);
  });
  it('tests existence', () => {
    expect(
      evaluate({ field: 'audit.impersonatedUser', exists: false }, pod),
    ).toBe(true);
  });
  it.each([
    [['kdigger', 'kubectl/'], true],
    [['kube-hunter', 'kubiscan'], false],
    [['KUBECTL/V1'], false],
  ])('tests prefixes %j', (needles, expected) => {
    const condition = { field: 'audit.userAgent', startsWith: needles };
    expect(evaluate(condition, pod)).toBe(expected);
  });

  it('tests suffixes by their last character', () => {
    const condition = { field: 'audit.userAgent', endsWith: ['x', '3968350'] };
    expect(evaluate(condition, pod)).toBe(true);
  });

  it('folds case only over the prefix it compares', () => {
    const condition = {
      field: 'audit.userAgent',
      startsWith: ['KUBECTL/V1'],
      ignoreCase: true,
    };
    expect(evaluate(condition, pod)).toBe(true);
  });

  it('matches a safe regular expression', () => {
    const condition = { field: 'audit.userAgent', matches: '^kubectl/v1\\.' };
    expect(evaluate(condition, pod)).toBe(true);
  });

  it.each([
    [{ field: 'audit.verb' }, /exactly one operator, found 0/],
    [
      { field: 'audit.verb', equals: 'a', in: ['b'] },
      /exactly one operator, found 2/,
    ],
    [{ field: 'audit.verb', equal: 'a' }, /unknown operator equal/],
    [{ field: 'a..b', equals: 1 }, /invalid field path/],
    [
      { field: 'audti.verb', equals: 'get' },
      /unknown field audti in "audti.verb"/,
    ],
    [{ predicate: 'nope' }, /unknown predicate "nope"/],
    [{ field: 'audit.verb', matches: '(a+)+$' }, /backtrack exponentially/],
    [{ field: 'audit.verb', matches: '(a)\\1' }, /backreferences/],
    [{ field: 'audit.verb', in: ['@missing'] }, /unknown list "missing"/],
    [{ every: [] }, /unknown condition with keys every/],
    [{ all: [] }, /all must be a non-empty list/],
    [
      { not: { some: { of: 'containers', capture: 'c' } } },
      /capture is not allowed below not/,
    ],
    [
      { predicate: 'request-changed-state', args: { x: 1 } },
      /unknown argument x/,
    ],
  ])('rejects %j', (condition, message) => {
    expect(() => compileCondition(condition, env, ['condition'])).toThrow(
      message,
    );
  });

  it('locates an error by its path', () => {
    try {
      compileCondition(
        { all: [{ field: 'audit.verb', equals: 1 }, { bad: 1 }] },
        env,
        ['condition'],
      );
      expect.unreachable();
    } catch (error) {
      expect((error as { path: unknown }).path).toEqual([
        'condition',
        'all',
        1,
      ]);
    }
  });
});
