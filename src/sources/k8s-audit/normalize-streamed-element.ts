import {
  type AuditCollector,
  addProblem,
  addSkip,
  type NormalizeContext,
} from './audit-collector.js';
import { normalizeAksRecord } from './normalize-aks-record.js';
import {
  eksClusterName,
  normalizeCloudWatchEvent,
} from './normalize-cloudwatch-event.js';
import { normalizeK8sEvent } from './normalize-k8s-event.js';
import { isPlainObject, type JsonObject, jsonTypeOf } from './read-fields.js';

/**
 * Normalizes one element of an array streamed out of a large document,
 * by the array's key: `items` of an EventList, `records` of an AKS
 * envelope, `logEvents` of a CloudWatch subscription message (`members`
 * supplies its logGroup) or `events` of filter-log-events output.
 */
export function normalizeStreamedElement(
  key: string,
  index: number,
  element: unknown,
  members: JsonObject,
  context: NormalizeContext,
  out: AuditCollector,
): void {
  const where = `${key}[${index}]: `;
  if (!isPlainObject(element)) {
    const reason = `invalid ${key}[${index}]: expected an object, got ${jsonTypeOf(element)}`;
    addProblem(out, context, 'invalid-event', reason);
    return;
  }

  if (key === 'items') {
    normalizeK8sEvent(element, context, out, 'k8s-audit', where);
  } else if (key === 'records') {
    normalizeAksRecord(element, context, out, where);
  } else if (members.messageType === 'CONTROL_MESSAGE') {
    addSkip(out, 'cloudwatch-control');
  } else {
    const cluster = eksClusterName(members.logGroup) ?? context.defaultCluster;
    normalizeCloudWatchEvent(element, context, out, cluster, where);
  }
}
