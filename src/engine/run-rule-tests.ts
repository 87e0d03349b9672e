import { isDeepStrictEqual } from 'node:util';
import type { Alert } from '../alerts/alert.js';
import { buildTestIntel } from '../intel/build-test-intel.js';
import type { VigilEvent } from '../sources/event.js';
import {
  buildTestFlowEvent,
  isTestFlowEvent,
} from '../sources/flow/test-flow-event.js';
import type { CompiledRule } from './compile-rule.js';
import { Engine } from './engine.js';
import type { RulePack } from './load-rules.js';
import type { RuleTest } from './rule-schema.js';
import { buildTestAuditEvent } from './test-event-builder.js';
import { buildTestHostEvent, isTestHostEvent } from './test-host-event.js';

/** Turns one raw test event into normalized events, or throws. */
export type TestEventNormalizer = (raw: unknown) => VigilEvent[];

/** The outcome of one test case of one rule. */
export interface RuleTestResult {
  rule: string;
  file: string;
  name: string;
  passed: boolean;
  /** Why the case failed; empty when it passed. */
  failures: string[];
}

function containerNames(value: unknown): unknown {
  return Array.isArray(value)
    ? value.map((c) => (typeof c === 'object' && c && 'name' in c ? c.name : c))
    : value;
}

function entityFailures(alert: Alert, expected: Record<string, unknown>) {
  const failures: string[] = [];
  const actual = alert.entities as Record<string, unknown>;
  for (const [key, want] of Object.entries(expected)) {
    const got =
      key === 'containers' ? containerNames(actual[key]) : actual[key];
    if (!isDeepStrictEqual(got, want)) {
      failures.push(
        `entity ${key}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`,
      );
    }
  }
  return failures;
}

/**
 * Turn one test event into normalized events: host events are completed
 * directly, audit events are completed and then parsed like real logs.
 */
export function testEventsOf(
  raw: unknown,
  id: string,
  index: number,
  normalize: TestEventNormalizer,
): VigilEvent[] {
  if (isTestFlowEvent(raw)) {
    return [buildTestFlowEvent(raw as Record<string, unknown>, id, index)];
  }
  if (isTestHostEvent(raw)) {
    return [buildTestHostEvent(raw as Record<string, unknown>, id, index)];
  }
  return normalize(buildTestAuditEvent(raw, id, index));
}

function runCase(
  rule: CompiledRule,
  pack: RulePack,
  test: RuleTest,
  normalize: TestEventNormalizer,
): string[] {
  const intel = buildTestIntel(test.intel ?? []);
  const closed: Alert[] = [];
  const engine = new Engine(
    { rules: [rule], lists: pack.lists },
    { intel, onClose: (alert) => closed.push(alert) },
  );
  const raws = test.events ?? [test.event];
  for (const [i, raw] of raws.entries()) {
    const id = `test-${rule.id}-${test.name}-${i}`;
    for (const event of testEventsOf(raw, id, i, normalize)) {
      engine.process(event);
    }
  }
  engine.flush();

  const expected = test.alerts ?? (test.expect === 'alert' ? 1 : 0);
  if (closed.length !== expected) {
    return [`expected ${expected} alert(s), got ${closed.length}`];
  }
  const failures: string[] = [];
  const [first] = closed;
  if (first && test.entities)
    failures.push(...entityFailures(first, test.entities));
  if (first && test.count !== undefined && first.count !== test.count) {
    failures.push(`expected count ${test.count}, got ${first.count}`);
  }
  return failures;
}

/**
 * Run every test case of every rule, each case on a fresh engine that holds
 * only its rule, so that state never leaks between cases.
 */
export function runRuleTests(
  pack: RulePack,
  normalize: TestEventNormalizer,
): RuleTestResult[] {
  const results: RuleTestResult[] = [];
  for (const rule of pack.rules) {
    for (const test of rule.meta.tests) {
      let failures: string[];
      try {
        failures = runCase(rule, pack, test, normalize);
      } catch (error) {
        failures = [`error: ${(error as Error).message}`];
      }
      results.push({
        rule: rule.id,
        file: rule.file,
        name: test.name,
        passed: failures.length === 0,
        failures,
      });
    }
  }
  return results;
}
