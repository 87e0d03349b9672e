import type { AuditRecord } from '../../sources/event.js';
import { podSpecOf } from './pod-spec.js';
import type { ViewFunction } from './view-registry.js';

/** The pod spec fields that share a node namespace with the pod. */
export const HOST_NAMESPACE_FIELDS = ['hostNetwork', 'hostPID', 'hostIPC'];

/**
 * List the node namespaces that the request's pod spec shares, as the
 * names of the HOST_NAMESPACE_FIELDS set to true, in that order. The list
 * is empty when the object states no pod spec.
 */
export function hostNamespacesOf(audit: AuditRecord): string[] {
  const spec = podSpecOf(audit);
  if (spec === undefined) return [];
  return HOST_NAMESPACE_FIELDS.filter((field) => spec[field] === true);
}

/** The `hostNamespaces` view: the node namespaces a pod spec shares. */
export const HOST_NAMESPACES_VIEW: [string, ViewFunction] = [
  'hostNamespaces',
  (event) =>
    event.kind === 'k8s-audit' ? hostNamespacesOf(event.audit) : undefined,
];
