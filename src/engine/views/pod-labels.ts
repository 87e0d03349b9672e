import type { AuditRecord } from '../../sources/event.js';
import { isObject, objectAfter } from './object-after.js';
import type { ViewFunction } from './view-registry.js';

/** Path to the metadata of the pods each resource creates. */
const POD_METADATA_PATHS: Record<string, readonly string[]> = {
  pods: ['metadata'],
  deployments: ['spec', 'template', 'metadata'],
  replicasets: ['spec', 'template', 'metadata'],
  replicationcontrollers: ['spec', 'template', 'metadata'],
  statefulsets: ['spec', 'template', 'metadata'],
  daemonsets: ['spec', 'template', 'metadata'],
  jobs: ['spec', 'template', 'metadata'],
  cronjobs: ['spec', 'jobTemplate', 'spec', 'template', 'metadata'],
  podtemplates: ['template', 'metadata'],
};

/**
 * Reads the labels of the pods that the request's object is or creates:
 * a pod's own labels, or those of a workload's pod template. Only string
 * values are kept. Undefined when the object does not state them, as in
 * a merge patch that leaves the labels alone.
 */
export function podLabelsOf(
  audit: AuditRecord,
): Record<string, string> | undefined {
  const resource = audit.objectRef?.resource;
  const path =
    resource === undefined ? undefined : POD_METADATA_PATHS[resource];
  if (path === undefined) return undefined;

  let value: unknown = objectAfter(audit);
  for (const key of path) {
    if (!isObject(value)) return undefined;
    value = value[key];
  }
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
