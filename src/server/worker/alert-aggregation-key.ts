import { createHash } from 'node:crypto';
import type { Alert, AlertEntities } from '../../alerts/alert.js';
import type { CompiledRule } from '../../engine/compile-rule.js';

/**
 * Returns the key under which the aggregator folds repeats of an alert:
 * its type, cluster and the entities the rule aggregates by, hashed to a
 * fixed length for the store's index. The store matches repeats that
 * arrive after a restart, when the in-memory aggregator has forgotten the
 * alert, on this key.
 */
export function alertAggregationKey(alert: Alert, rule: CompiledRule): string {
  const parts: unknown[] = [rule.id, alert.cluster];
  for (const field of rule.aggregateBy) {
    parts.push(alert.entities[field as keyof AlertEntities] ?? null);
  }
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}
