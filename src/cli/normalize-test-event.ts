import type { TestEventNormalizer } from '../engine/run-rule-tests.js';
import { normalizeAuditValue } from '../sources/k8s-audit/normalize-audit-value.js';

/**
 * Normalize a rule's test event as an audit event would be, and throw on
 * any problem, because a test event the parser rejects tests nothing.
 */
export const normalizeTestEvent: TestEventNormalizer = (raw) => {
  const result = normalizeAuditValue(raw, { defaultCluster: 'test' });
  const [problem] = result.problems;
  if (problem) throw new Error(`test event rejected: ${problem.reason}`);
  return result.events;
};
