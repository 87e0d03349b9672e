import {
  type ConditionEnvironment,
  compileCondition,
  compileFieldReader,
} from './compile-condition.js';
import {
  CLUSTER_MARKER_DETAILS,
  ClusterMarkerDetector,
} from './detectors/cluster-marker.js';
import type { DetectorInstance } from './detectors/detector.js';
import {
  FOLLOWED_BY_DETAILS,
  FollowedByDetector,
} from './detectors/followed-by.js';
import { RareOperationDetector } from './detectors/rare-operation.js';
import {
  SELECTOR_MATCH_DETAILS,
  SelectorMatchDetector,
} from './detectors/selector-match.js';
import { ThresholdDetector } from './detectors/threshold.js';
import type { Evaluator } from './predicates/predicate-registry.js';
import { RuleError } from './rule-error.js';
import {
  type Detector,
  parseDuration,
  type RuleException,
  type RuleFile,
  type RuleScope,
} from './rule-schema.js';
import { compileTemplate, ENTITY_FIELDS, type Template } from './template.js';

/** A compiled exception: when it matches, the rule raises nothing. */
export interface CompiledException {
  name: string;
  reason: string;
  /** Milliseconds since the epoch after which the exception lapses. */
  expiresMs: number | undefined;
  matches: Evaluator;
}

/** A rule ready for the engine. */
export interface CompiledRule {
  id: string;
  file: string;
  meta: RuleFile;
  scope: RuleScope;
  condition: Evaluator;
  exceptions: CompiledException[];
  /** Creates the state of a stateful rule; one per engine. */
  createDetector: (() => DetectorInstance) | undefined;
  aggregateBy: string[];
  windowMs: number;
  description: Template;
  remediation: Template;
}

/** Entity fields that alerts aggregate by unless a rule says otherwise. */
export const DEFAULT_AGGREGATE_BY = ['user', 'namespace', 'resources'];

const AGGREGATE_FIELDS: readonly string[] = ENTITY_FIELDS;

/** Names that `some … capture:` uses anywhere in a condition. */
function captureNames(raw: unknown, out: string[] = []): string[] {
  if (Array.isArray(raw)) {
    for (const item of raw) captureNames(item, out);
  } else if (typeof raw === 'object' && raw !== null) {
    for (const [key, value] of Object.entries(raw)) {
      if (key === 'capture' && typeof value === 'string') out.push(value);
      else captureNames(value, out);
    }
  }
  return out;
}

/** Names that the predicates a condition names may capture. */
function predicateCaptureNames(
  raw: unknown,
  env: ConditionEnvironment,
  out: string[] = [],
): string[] {
  if (Array.isArray(raw)) {
    for (const item of raw) predicateCaptureNames(item, env, out);
  } else if (typeof raw === 'object' && raw !== null) {
    for (const [key, value] of Object.entries(raw)) {
      const captures =
        key === 'predicate' && typeof value === 'string'
          ? env.predicates.get(value)?.captures
          : undefined;
      if (captures) out.push(...captures);
      else predicateCaptureNames(value, env, out);
    }
  }
  return out;
}

/**
 * Compile an exception; it lapses at the end of its `expires` day (UTC).
 * A bad condition throws a RuleError located below `path`.
 */
export function compileException(
  exception: RuleException,
  env: ConditionEnvironment,
  path: ReadonlyArray<string | number>,
): CompiledException {
  return {
    name: exception.name,
    reason: exception.reason,
    expiresMs: exception.expires
      ? Date.parse(`${exception.expires}T23:59:59Z`)
      : undefined,
    matches: compileCondition(exception.condition, env, [...path, 'condition']),
  };
}

/** Compile a validated rule file; bad values throw a located RuleError. */
export function compileRule(
  rule: RuleFile,
  file: string,
  env: ConditionEnvironment,
): CompiledRule {
  const condition = compileCondition(rule.condition, env, ['condition']);
  const exceptions = rule.exceptions.map((exception, i) =>
    compileException(exception, env, ['exceptions', i]),
  );

  const aggregateBy = rule.aggregate.by ?? DEFAULT_AGGREGATE_BY;
  for (const [i, field] of aggregateBy.entries()) {
    if (!AGGREGATE_FIELDS.includes(field)) {
      throw new RuleError(
        `cannot aggregate by ${field}; expected ${AGGREGATE_FIELDS.join(', ')}`,
        ['aggregate', 'by', i],
      );
    }
  }

  const captures = [
    ...captureNames(rule.condition),
    ...captureNames(rule.detector),
    'powers',
    ...predicateCaptureNames(rule.condition, env),
    ...detectorDetailNames(rule.detector),
  ];
  const template = (key: 'description' | 'remediation') => {
    try {
      return compileTemplate(rule[key], captures);
    } catch (error) {
      throw new RuleError((error as Error).message, [key]);
    }
  };

  return {
    id: rule.id,
    file,
    meta: rule,
    scope: expandScope(rule.on, env),
    condition,
    exceptions,
    createDetector: rule.detector
      ? detectorFactory(rule.detector, env)
      : undefined,
    aggregateBy,
    windowMs: parseDuration(rule.aggregate.window),
    description: template('description'),
    remediation: template('remediation'),
  };
}

/** Expand `@NAME` entries of `on.commands` into the named list's items. */
function expandScope(scope: RuleScope, env: ConditionEnvironment): RuleScope {
  if (!scope.commands) return scope;
  const commands = scope.commands.flatMap((name, i) => {
    if (!name.startsWith('@')) return [name];
    try {
      return [...env.list(name.slice(1))];
    } catch (error) {
      throw new RuleError((error as Error).message, ['on', 'commands', i]);
    }
  });
  return { ...scope, commands };
}

/** Details that the correlating detectors add to their alerts. */
function detectorDetailNames(detector: Detector | undefined): string[] {
  if (detector?.type === 'selector-match') return SELECTOR_MATCH_DETAILS;
  if (detector?.type === 'cluster-marker') return CLUSTER_MARKER_DETAILS;
  if (detector?.type === 'followed-by') return FOLLOWED_BY_DETAILS;
  if (detector?.type === 'rare-operation') return ['operation'];
  if (detector?.type === 'threshold') return ['observed', 'values'];
  return [];
}

function detectorFactory(
  detector: Detector,
  env: ConditionEnvironment,
): () => DetectorInstance {
  const readers = (key: string, fields: string[]) =>
    fields.map((field, i) =>
      compileFieldReader(field, env, ['detector', key, i]),
    );
  if (detector.type === 'threshold') {
    const options = {
      by: readers('by', detector.by),
      distinct: detector.distinct
        ? compileFieldReader(detector.distinct, env, ['detector', 'distinct'])
        : undefined,
      count: detector.count,
      windowMs: parseDuration(detector.window),
      maxKeys: detector.maxKeys,
    };
    return () => new ThresholdDetector(options);
  }
  const condition = (key: string, raw: unknown) =>
    compileCondition(raw, env, ['detector', key]);
  if (detector.type === 'selector-match') {
    const options = {
      pods: condition('pods', detector.pods),
      services: condition('services', detector.services),
      maxKeys: detector.maxKeys,
      maxObjectsPerKey: detector.maxObjectsPerKey,
    };
    return () => new SelectorMatchDetector(options);
  }
  if (detector.type === 'cluster-marker') {
    const options = {
      marker: condition('marker', detector.marker),
      clear:
        detector.clear === undefined
          ? undefined
          : condition('clear', detector.clear),
      maxKeys: detector.maxKeys,
    };
    return () => new ClusterMarkerDetector(options);
  }
  if (detector.type === 'followed-by') {
    const options = {
      by: readers('by', detector.by),
      first: condition('first', detector.first),
      later: condition('later', detector.later),
      windowMs: parseDuration(detector.window),
      maxKeys: detector.maxKeys,
    };
    return () => new FollowedByDetector(options);
  }
  const options = {
    by: readers('by', detector.by),
    operation: readers('operation', detector.operation),
    learningPeriodMs: parseDuration(detector.learningPeriod),
    maxKeys: detector.maxKeys,
    maxOperationsPerKey: detector.maxOperationsPerKey,
  };
  return () => new RareOperationDetector(options);
}
