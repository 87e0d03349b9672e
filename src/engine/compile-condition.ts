import safeRegex from 'safe-regex2';
import type { EventContext } from './event-context.js';
import { compileGetter, parseFieldPath } from './field-path.js';
import type {
  CompileEnvironment,
  Evaluator,
  PredicateRegistry,
} from './predicates/predicate-registry.js';
import { anyPrefix, anyPrefixIgnoringCase, anySuffix } from './prefix-match.js';
import { RuleError } from './rule-error.js';
import type { ViewRegistry } from './views/view-registry.js';

type Path = ReadonlyArray<string | number>;

/** Top-level fields of normalized events (see src/sources/event.ts). */
const EVENT_FIELDS = [
  'id',
  'kind',
  'time',
  'timeMs',
  'cluster',
  'node',
  'container',
  'pod',
  'origin',
  'truncated',
  'audit',
  'process',
  'file',
  'network',
  'runtime',
  'flow',
];

/** The views, predicates and lists a condition may name. */
export interface ConditionEnvironment extends CompileEnvironment {
  views: ViewRegistry;
  predicates: PredicateRegistry;
}

interface Scope {
  /** True at the top level, where paths may start with a view. */
  root: boolean;
  /** True below `not`, where captures would record non-matches. */
  negated: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Compile a condition from a rule file into an evaluator. Every unknown key,
 * predicate, view or list and every bad value throws a RuleError located
 * at `path`.
 */
export function compileCondition(
  raw: unknown,
  env: ConditionEnvironment,
  path: Path,
): Evaluator {
  return compileNode(raw, env, path, { root: true, negated: false });
}

function compileNode(
  raw: unknown,
  env: ConditionEnvironment,
  path: Path,
  scope: Scope,
): Evaluator {
  if (!isRecord(raw)) {
    throw new RuleError('a condition must be a mapping', path);
  }
  if ('all' in raw || 'any' in raw) {
    return compileGroup(raw, env, path, scope);
  }
  if ('not' in raw) {
    expectKeys(raw, ['not'], path);
    const inner = compileNode(raw.not, env, [...path, 'not'], {
      ...scope,
      negated: true,
    });
    return (item, context) => !inner(item, context);
  }
  if ('some' in raw) return compileSome(raw, env, path, scope);
  if ('predicate' in raw) return compilePredicate(raw, env, path);
  if ('field' in raw) return compileFieldTest(raw, env, path, scope);
  throw new RuleError(
    `unknown condition with keys ${Object.keys(raw).join(', ')}; expected ` +
      'all, any, not, some, predicate or field',
    path,
  );
}

function expectKeys(
  raw: Record<string, unknown>,
  allowed: string[],
  path: Path,
): void {
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) {
      throw new RuleError(
        `unknown key ${key}; expected ${allowed.join(', ')}`,
        [...path, key],
      );
    }
  }
}

function compileGroup(
  raw: Record<string, unknown>,
  env: ConditionEnvironment,
  path: Path,
  scope: Scope,
): Evaluator {
  const key = 'all' in raw ? 'all' : 'any';
  expectKeys(raw, [key], path);
  const list = raw[key];
  if (!Array.isArray(list) || list.length === 0) {
    throw new RuleError(`${key} must be a non-empty list`, [...path, key]);
  }
  const parts = list.map((child, i) =>
    compileNode(child, env, [...path, key, i], scope),
  );
  if (key === 'all') {
    return (item, context) => {
      for (const part of parts) if (!part(item, context)) return false;
      return true;
    };
  }
  return (item, context) => {
    for (const part of parts) if (part(item, context)) return true;
    return false;
  };
}

function compileSome(
  raw: Record<string, unknown>,
  env: ConditionEnvironment,
  path: Path,
  scope: Scope,
): Evaluator {
  expectKeys(raw, ['some'], path);
  const some = raw.some;
  const somePath = [...path, 'some'];
  if (!isRecord(some)) throw new RuleError('some must be a mapping', somePath);
  expectKeys(some, ['of', 'where', 'capture'], somePath);
  if (typeof some.of !== 'string') {
    throw new RuleError('some.of must name a collection', [...somePath, 'of']);
  }
  if (some.capture !== undefined && typeof some.capture !== 'string') {
    throw new RuleError('capture must be a name', [...somePath, 'capture']);
  }
  if (some.capture !== undefined && scope.negated) {
    throw new RuleError('capture is not allowed below not', somePath);
  }

  const collection = compileValue(some.of, env, [...somePath, 'of'], scope);
  const where =
    some.where === undefined
      ? () => true
      : compileNode(some.where, env, [...somePath, 'where'], {
          root: false,
          negated: scope.negated,
        });
  const capture = some.capture;

  return (item, context) => {
    const items = collection(item, context);
    if (!Array.isArray(items)) return false;
    if (capture === undefined) {
      for (const element of items) if (where(element, context)) return true;
      return false;
    }
    const passing = items.filter((element) => where(element, context));
    if (passing.length > 0) context.capture(capture, passing);
    return passing.length > 0;
  };
}

function compilePredicate(
  raw: Record<string, unknown>,
  env: ConditionEnvironment,
  path: Path,
): Evaluator {
  expectKeys(raw, ['predicate', 'args'], path);
  const name = raw.predicate;
  const definition =
    typeof name === 'string' ? env.predicates.get(name) : undefined;
  if (!definition) {
    throw new RuleError(
      `unknown predicate ${JSON.stringify(name)}; expected one of ` +
        [...env.predicates.keys()].join(', '),
      [...path, 'predicate'],
    );
  }
  const args = raw.args ?? {};
  if (!isRecord(args)) {
    throw new RuleError('args must be a mapping', [...path, 'args']);
  }
  try {
    return definition.compile(args, env);
  } catch (error) {
    throw new RuleError(
      `predicate ${definition.name}: ${(error as Error).message}`,
      [...path, 'args'],
    );
  }
}

export type ValueGetter = (item: unknown, context: EventContext) => unknown;

/** Compile a field path read from the event and its views. */
export function compileFieldReader(
  fieldPath: string,
  env: ConditionEnvironment,
  path: Path,
): ValueGetter {
  return compileValue(fieldPath, env, path, { root: true, negated: false });
}

/**
 * Compile a field path. At the top level a first key that names a view
 * reads the view; inside `some` paths start at the item, and `$.` reaches
 * back to the event and its views.
 */
function compileValue(
  fieldPath: string,
  env: ConditionEnvironment,
  path: Path,
  scope: Scope,
): ValueGetter {
  let keys: string[];
  let fromRoot = scope.root;
  let text = fieldPath;
  if (text.startsWith('$.')) {
    fromRoot = true;
    text = text.slice(2);
  }
  try {
    keys = parseFieldPath(text);
  } catch (error) {
    throw new RuleError((error as Error).message, path);
  }

  const [first, ...rest] = keys as [string, ...string[]];
  if (fromRoot && !env.views.has(first) && !EVENT_FIELDS.includes(first)) {
    // A misspelt path would read nothing forever, and in an exception
    // `not` of it would silence the rule.
    throw new RuleError(
      `unknown field ${first} in ${JSON.stringify(fieldPath)}; an event ` +
        `has ${EVENT_FIELDS.join(', ')}, and the views are ` +
        [...env.views.keys()].join(', '),
      path,
    );
  }
  if (fromRoot && env.views.has(first)) {
    const getRest = rest.length > 0 ? compileGetter(rest) : undefined;
    return (_item, context) => {
      const value = context.view(first);
      return getRest ? getRest(value) : value;
    };
  }
  const get = compileGetter(keys);
  if (fromRoot && !scope.root) {
    return (_item, context) => get(context.event);
  }
  return (item) => get(item);
}

function compileFieldTest(
  raw: Record<string, unknown>,
  env: ConditionEnvironment,
  path: Path,
  scope: Scope,
): Evaluator {
  const operators = Object.keys(raw).filter(
    (key) => key !== 'field' && key !== 'ignoreCase',
  );
  if (operators.length !== 1) {
    throw new RuleError(
      `a field test needs exactly one operator, found ${operators.length}: ` +
        (operators.join(', ') || 'none'),
      path,
    );
  }
  const operator = operators[0] as string;
  if (typeof raw.field !== 'string') {
    throw new RuleError('field must be a path', [...path, 'field']);
  }
  if (raw.ignoreCase !== undefined && typeof raw.ignoreCase !== 'boolean') {
    throw new RuleError('ignoreCase must be true or false', [
      ...path,
      'ignoreCase',
    ]);
  }
  const value = compileValue(raw.field, env, [...path, 'field'], scope);
  const test = compileOperator(
    operator,
    raw[operator],
    raw.ignoreCase === true,
    env,
    [...path, operator],
  );

  if (operator === 'exists') {
    return (item, context) => test(value(item, context), context);
  }
  return (item, context) => {
    const found = value(item, context);
    if (Array.isArray(found)) {
      for (const element of found) if (test(element, context)) return true;
      return false;
    }
    return test(found, context);
  };
}

type ValueTest = (value: unknown, context: EventContext) => boolean;

/** Expand `@name` entries into the named list's entries. */
function expandStrings(
  raw: unknown,
  env: ConditionEnvironment,
  path: Path,
): string[] {
  const entries = Array.isArray(raw) ? raw : [raw];
  const out: string[] = [];
  for (const [i, entry] of entries.entries()) {
    if (typeof entry !== 'string') {
      throw new RuleError('expected a string or a list of strings', [
        ...path,
        i,
      ]);
    }
    if (entry.startsWith('@')) {
      try {
        out.push(...env.list(entry.slice(1)));
      } catch (error) {
        throw new RuleError((error as Error).message, [...path, i]);
      }
    } else {
      out.push(entry);
    }
  }
  if (out.length === 0) throw new RuleError('the list is empty', path);
  return out;
}

function compileOperator(
  operator: string,
  operand: unknown,
  ignoreCase: boolean,
  env: ConditionEnvironment,
  path: Path,
): ValueTest {
  const fold = (s: string) => (ignoreCase ? s.toLowerCase() : s);

  switch (operator) {
    case 'equals': {
      if (typeof operand === 'object' && operand !== null) {
        throw new RuleError('equals takes a scalar', path);
      }
      const expected = typeof operand === 'string' ? fold(operand) : operand;
      return (v) => (typeof v === 'string' ? fold(v) : v) === expected;
    }
    case 'in': {
      if (!Array.isArray(operand)) {
        throw new RuleError('in takes a list', path);
      }
      const scalars = operand.filter((v) => typeof v !== 'string');
      const strings = new Set(
        operand.some((v) => typeof v === 'string')
          ? expandStrings(
              operand.filter((v) => typeof v === 'string'),
              env,
              path,
            ).map(fold)
          : [],
      );
      return (v) =>
        typeof v === 'string' ? strings.has(fold(v)) : scalars.includes(v);
    }
    case 'startsWith':
    case 'endsWith':
    case 'contains': {
      const needles = expandStrings(operand, env, path).map(fold);
      if (operator === 'startsWith' && ignoreCase) {
        const test = anyPrefixIgnoringCase(needles);
        return (v) => typeof v === 'string' && test(v);
      }
      // One closure per operator: a computed method name would make the
      // call site megamorphic on the hot path.
      const found =
        operator === 'startsWith'
          ? anyPrefix(needles)
          : operator === 'endsWith'
            ? anySuffix(needles)
            : (s: string) => needles.some((n) => s.includes(n));
      // Folding case only as far as the longest needle reaches keeps a
      // long user agent from being lowered whole on every event.
      const reach = Math.max(...needles.map((n) => n.length));
      const part =
        operator === 'startsWith'
          ? (s: string) => s.slice(0, reach)
          : operator === 'endsWith'
            ? (s: string) => s.slice(-reach)
            : (s: string) => s;
      return (v) => {
        if (typeof v !== 'string') return false;
        return found(ignoreCase ? part(v).toLowerCase() : v);
      };
    }
    case 'matches': {
      const regex = compileRegex(operand, ignoreCase, path);
      return (v) => typeof v === 'string' && regex.test(v);
    }
    case 'exists': {
      if (typeof operand !== 'boolean') {
        throw new RuleError('exists takes true or false', path);
      }
      return (v) => (v !== undefined && v !== null) === operand;
    }
    case 'gte':
    case 'lte': {
      if (typeof operand !== 'number') {
        throw new RuleError(`${operator} takes a number`, path);
      }
      return operator === 'gte'
        ? (v) => typeof v === 'number' && v >= operand
        : (v) => typeof v === 'number' && v <= operand;
    }
    case 'intel': {
      const categories = expandStrings(operand, env, path);
      return (v, context) => {
        if (typeof v !== 'string') return false;
        const found = context.categoriesOf(v);
        for (let i = 0; i < found.length; i++) {
          if (categories.includes(found[i] as string)) return true;
        }
        return false;
      };
    }
    default:
      throw new RuleError(`unknown operator ${operator}`, path);
  }
}

/**
 * Compile a regular expression that cannot backtrack exponentially: no
 * backreferences, no lookaround, and a star height that safe-regex2
 * accepts.
 */
function compileRegex(source: unknown, ignoreCase: boolean, path: Path) {
  if (typeof source !== 'string') {
    throw new RuleError('matches takes a regular expression string', path);
  }
  if (/\\[1-9k]|\(\?<?[=!]/.test(source)) {
    throw new RuleError(
      'backreferences and lookaround are not allowed in matches',
      path,
    );
  }
  let regex: RegExp;
  try {
    regex = new RegExp(source, ignoreCase ? 'i' : '');
  } catch (error) {
    throw new RuleError(
      `invalid regular expression: ${(error as Error).message}`,
      path,
    );
  }
  if (!safeRegex(regex)) {
    throw new RuleError(
      'the regular expression may backtrack exponentially (nested ' +
        'quantifiers); rewrite it without them',
      path,
    );
  }
  return regex;
}
