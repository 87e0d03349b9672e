import type { SourceFormat } from './audit-format.js';
import type { JsonObject } from './read-fields.js';

/**
 * Names the source format of one parsed JSON object by its fields, or
 * returns undefined. Bare audit Events are `k8s-audit` even when they
 * came from EKS, because the content is the same.
 */
export function detectAuditFormat(value: JsonObject): SourceFormat | undefined {
  // Plain events come first: they are the common case.
  if (value.auditID !== undefined || value.kind === 'Event') {
    return 'k8s-audit';
  }
  if (value.protoPayload !== undefined) return 'gke';
  if (value.category !== undefined && value.properties !== undefined) {
    return 'aks';
  }
  if (Array.isArray(value.records)) return 'aks';
  if (value.messageType !== undefined || Array.isArray(value.logEvents)) {
    return 'eks';
  }
  if (Array.isArray(value.events)) return 'eks';
  if (
    typeof value.message === 'string' ||
    typeof value['@message'] === 'string'
  ) {
    return 'eks';
  }
  if (value.kind === 'EventList' || Array.isArray(value.items)) {
    return 'k8s-audit';
  }
  if (value.verb !== undefined) return 'k8s-audit';
  return undefined;
}
