import type { AuditRecord } from '../../sources/event.js';
import { isObject, objectAfter } from './object-after.js';

type JsonObject = Record<string, unknown>;

/**
 * Where each resource keeps the pod template its pods are made from: a
 * pod is its own template, and a workload keeps one in its spec.
 */
const POD_TEMPLATE_PATHS: Record<string, readonly string[]> = {
  pods: [],
  deployments: ['spec', 'template'],
  replicasets: ['spec', 'template'],
  replicationcontrollers: ['spec', 'template'],
  statefulsets: ['spec', 'template'],
  daemonsets: ['spec', 'template'],
  jobs: ['spec', 'template'],
  cronjobs: ['spec', 'jobTemplate', 'spec', 'template'],
  podtemplates: ['template'],
};

/** Resources whose objects carry a pod spec, for rule scopes. */
export const POD_SPEC_RESOURCES = Object.keys(POD_TEMPLATE_PATHS);

/**
 * Find the pod template (metadata and spec) that the request's object
 * creates pods from: the pod itself, or a workload's template. The
 * resource comes from `objectRef` because a patch body often has no
 * `kind`.
 */
export function podTemplateOf(audit: AuditRecord): JsonObject | undefined {
  const resource = audit.objectRef?.resource;
  if (resource === undefined) return undefined;
  const path = POD_TEMPLATE_PATHS[resource];
  if (path === undefined) return undefined;

  let value: unknown = objectAfter(audit);
  for (const key of path) {
    if (!isObject(value)) return undefined;
    value = value[key];
  }
  return isObject(value) ? value : undefined;
}

/** Return the pod spec of the request's pod template; see podTemplateOf. */
export function podSpecOf(audit: AuditRecord): JsonObject | undefined {
  const spec = podTemplateOf(audit)?.spec;
  return isObject(spec) ? spec : undefined;
}

export type ContainerType = 'container' | 'init' | 'ephemeral';

/** A container of a pod spec, with the list it came from. */
export type ContainerItem = JsonObject & { containerType: ContainerType };

const CONTAINER_LISTS: ReadonlyArray<[string, ContainerType]> = [
  ['containers', 'container'],
  ['initContainers', 'init'],
  ['ephemeralContainers', 'ephemeral'],
];

/** Every container of a pod spec: regular, init and ephemeral. */
export function containersOf(spec: JsonObject | undefined): ContainerItem[] {
  if (spec === undefined) return [];
  const items: ContainerItem[] = [];
  for (const [key, containerType] of CONTAINER_LISTS) {
    const list = spec[key];
    if (!Array.isArray(list)) continue;
    for (const container of list) {
      if (isObject(container)) items.push({ ...container, containerType });
    }
  }
  return items;
}

/** A hostPath volume of a pod spec, with its path in canonical form. */
export interface HostPathItem {
  volume: string;
  path: string;
  canonical: string;
  type: string;
}
