import type { AuditRecord } from '../../sources/event.js';
import { isObject } from './object-after.js';
import { podTemplateOf } from './pod-spec.js';
import type { ViewFunction } from './view-registry.js';

/**
 * Reads the labels of the pods that the request's object is or creates:
 * a pod's own labels, or those of a workload's pod template. Only string
 * values are kept. Undefined when the object does not state them, as in
 * a merge patch that leaves the labels alone.
 */
export function podLabelsOf(
  audit: AuditRecord,
): Record<string, string> | undefined {
  const value = podTemplateOf(audit)?.metadata;
  if (!isObject(value) || !isObject(value.labels)) return undefined;

  const labels: Record<string, string> = {};
  for (const [key, label] of Object.entries(value.labels)) {
    if (typeof label === 'string') labels[key] = label;
  }
  return labels;
}

/** The `podLabels` view: the labels of the pods the object creates. */
export const POD_LABELS_VIEW: [string, ViewFunction] = [
  'podLabels',
  (event) =>
    event.kind === 'k8s-audit' ? podLabelsOf(event.audit) : undefined,
];
