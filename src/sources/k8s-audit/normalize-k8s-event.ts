import {
  type AuditCollector,
  addProblem,
  type NormalizeContext,
} from './audit-collector.js';
import type { SourceFormat } from './audit-format.js';
import { buildAuditEvent } from './build-audit-event.js';
import { isPlainObject, type JsonObject, jsonTypeOf } from './read-fields.js';

/**
 * Normalizes one audit.k8s.io Event object (v1, v1beta1 or without
 * apiVersion). `format` labels the origin, since EKS exports carry the
 * same objects.
 */
export function normalizeK8sEvent(
  value: JsonObject,
  context: NormalizeContext,
  out: AuditCollector,
  format: SourceFormat = 'k8s-audit',
  where = '',
): void {
  const result = buildAuditEvent(value, {
    format,
    cluster: context.defaultCluster,
    file: context.file,
    line: context.line,
    fallbackTimeMs: Number.NaN,
    truncated: context.truncated,
  });
  if (typeof result === 'string') {
    addProblem(out, context, 'invalid-event', where + result);
  } else {
    out.events.push(result);
  }
}

/** Normalizes an `EventList`, the body the audit webhook backend posts. */
export function normalizeEventList(
  list: JsonObject,
  context: NormalizeContext,
  out: AuditCollector,
): void {
  const items = list.items;
  if (!Array.isArray(items)) {
    const reason = `invalid EventList: expected items to be an array, got ${jsonTypeOf(items)}`;
    addProblem(out, context, 'invalid-event', reason);
    return;
  }
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i];
    if (isPlainObject(item)) {
      normalizeK8sEvent(item, context, out, 'k8s-audit', `items[${i}]: `);
    } else {
      const reason = `invalid items[${i}]: expected an object, got ${jsonTypeOf(item)}`;
      addProblem(out, context, 'invalid-event', reason);
    }
  }
}
