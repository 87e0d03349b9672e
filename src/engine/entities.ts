import type {
  AlertEntities,
  ContainerEntity,
  ResourceEntity,
} from '../alerts/alert.js';
import type {
  AuditRecord,
  FlowEvent,
  HostEvent,
  VigilEvent,
} from '../sources/event.js';
import type { EventContext } from './event-context.js';
import { isObject } from './views/object-after.js';

/** Longest string kept in an entity; longer values are cut with `…`. */
export const MAX_ENTITY_STRING = 256;
/** Most items kept in an entity list. */
export const MAX_ENTITY_ITEMS = 20;

function bounded(value: string): string {
  return value.length > MAX_ENTITY_STRING
    ? `${value.slice(0, MAX_ENTITY_STRING - 1)}…`
    : value;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0
    ? bounded(value)
    : undefined;
}

function unique(values: string[]): string[] {
  return [...new Set(values)].slice(0, MAX_ENTITY_ITEMS);
}

function describeCaptured(item: unknown): string {
  if (typeof item === 'string') return bounded(item);
  if (isObject(item)) {
    for (const key of ['canonical', 'name', 'path', 'url']) {
      const value = text(item[key]);
      if (value) return value;
    }
  }
  return bounded(JSON.stringify(item) ?? String(item));
}

function containerEntity(item: unknown): ContainerEntity | undefined {
  if (!isObject(item)) return undefined;
  return { name: text(item.name) ?? 'unknown', image: text(item.image) ?? '' };
}

function objectName(audit: AuditRecord, context: EventContext) {
  if (audit.objectRef?.name) return audit.objectRef.name;
  const object = context.view('object');
  return isObject(object) && isObject(object.metadata)
    ? text(object.metadata.name)
    : undefined;
}

/** Kinds of the resources whose objects create pods, by resource. */
const WORKLOAD_KINDS: Readonly<Record<string, string>> = {
  pods: 'Pod',
  deployments: 'Deployment',
  replicasets: 'ReplicaSet',
  replicationcontrollers: 'ReplicationController',
  statefulsets: 'StatefulSet',
  daemonsets: 'DaemonSet',
  jobs: 'Job',
  cronjobs: 'CronJob',
  podtemplates: 'PodTemplate',
};

function workloadOf(audit: AuditRecord, context: EventContext) {
  const object = context.view('object');
  const metadata =
    isObject(object) && isObject(object.metadata) ? object.metadata : {};
  const owners = metadata.ownerReferences;
  if (Array.isArray(owners)) {
    const owner = owners.find((o) => isObject(o) && o.controller === true);
    if (isObject(owner) && text(owner.kind) && text(owner.name)) {
      return `${text(owner.kind)}/${text(owner.name)}`;
    }
  }
  if (!context.view('podSpec')) return undefined;
  // A pod that no controller owns is its own workload, so that alerts
  // grouped by workload keep two such pods apart. The kind comes from the
  // resource, because a patch body may lack `kind` and `metadata`.
  const name = objectName(audit, context);
  const resource = audit.objectRef?.resource ?? '';
  const kind =
    WORKLOAD_KINDS[resource] ??
    (isObject(object) ? text(object.kind) : undefined) ??
    (resource || undefined);
  return name && kind ? `${kind}/${name}` : undefined;
}

function auditEntities(
  audit: AuditRecord,
  context: EventContext,
): AlertEntities {
  const ref = audit.objectRef;
  const name = ref ? objectName(audit, context) : undefined;
  const entities: AlertEntities = {
    user: text(audit.user.username),
    impersonatedUser: text(audit.impersonatedUser?.username),
    userAgent: text(audit.userAgent),
    sourceIPs: unique(audit.sourceIPs.map(bounded)),
    namespace: text(ref?.namespace),
  };
  if (ref) {
    const resource: ResourceEntity = {
      apiGroup: ref.apiGroup ?? '',
      resource: bounded(ref.resource),
    };
    if (ref.subresource) resource.subresource = bounded(ref.subresource);
    if (ref.namespace) resource.namespace = bounded(ref.namespace);
    if (name) resource.name = bounded(name);
    entities.resources = [resource];
    if (ref.resource === 'pods' && name) entities.pod = bounded(name);
    entities.workload = workloadOf(audit, context);
  }

  const captured = context.captures.get('containers');
  const containers = (captured ?? (context.view('containers') as unknown[]))
    .map(containerEntity)
    .filter((c): c is ContainerEntity => c !== undefined)
    .slice(0, MAX_ENTITY_ITEMS);
  if (containers.length > 0) {
    entities.containers = containers;
    entities.images = unique(containers.map((c) => c.image).filter(Boolean));
  }
  return entities;
}

function hostEntities(event: HostEvent): AlertEntities {
  const entities: AlertEntities = {};
  if (event.container !== 'unknown') {
    const container: ContainerEntity = {
      name: bounded(event.container.name),
      image: bounded(event.container.image),
    };
    if (event.container.id) container.id = bounded(event.container.id);
    entities.containers = [container];
    if (container.image) entities.images = [container.image];
  }
  if (event.pod !== 'unknown') {
    entities.namespace = text(event.pod.namespace);
    entities.pod = text(event.pod.name);
  }
  if (event.kind !== 'container') {
    const { exe, argv, uid } = event.process;
    const command = argv.length > 0 ? argv.join(' ') : exe;
    entities.process = bounded(command);
    entities.user = `uid ${uid}`;
  } else if (event.runtime.user) {
    entities.user = bounded(event.runtime.user);
  }
  return entities;
}

/**
 * A flow involves both of its addresses, so `sourceIPs` holds both,
 * source first; rules that aggregate by it fold repeats of one pair.
 */
function flowEntities(event: FlowEvent): AlertEntities {
  const { srcAddress, dstAddress } = event.flow;
  const entities: AlertEntities = {
    sourceIPs: unique([bounded(srcAddress), bounded(dstAddress)]),
  };
  if (event.pod !== 'unknown') {
    entities.namespace = text(event.pod.namespace);
    entities.pod = text(event.pod.name);
  }
  return entities;
}

/**
 * Build the entities of an alert from the event that raised it and the
 * items its condition captured. Strings are cut to MAX_ENTITY_STRING and
 * lists to MAX_ENTITY_ITEMS, because every value may come from an
 * attacker. Fields with no value are left out.
 */
export function entitiesOf(
  event: VigilEvent,
  context: EventContext,
): AlertEntities {
  const entities =
    event.kind === 'k8s-audit'
      ? auditEntities(event.audit, context)
      : event.kind === 'flow'
        ? flowEntities(event)
        : hostEntities(event);
  if (event.node !== 'unknown') entities.node = bounded(event.node);

  const details: Record<string, string[]> = {};
  for (const [name, items] of context.captures) {
    if (name === 'containers') continue;
    details[name] = unique(items.map(describeCaptured));
  }
  if (Object.keys(details).length > 0) entities.details = details;

  for (const key of Object.keys(entities) as (keyof AlertEntities)[]) {
    const value = entities[key];
    if (value === undefined || (Array.isArray(value) && value.length === 0)) {
      delete entities[key];
    }
  }
  return entities;
}

/** Bound the details a detector adds as entities bound captured ones. */
export function boundedDetails(
  details: Record<string, string[]>,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(details)) {
    out[name] = unique(values.map(bounded));
  }
  return out;
}

/** Render entities as the strings that templates insert. */
export function templateValues(
  entities: AlertEntities,
  extra: Record<string, string>,
): Record<string, string> {
  const values: Record<string, string> = { ...extra };
  for (const [key, value] of Object.entries(entities)) {
    if (typeof value === 'string') values[key] = value;
  }
  if (entities.sourceIPs) values.sourceIPs = entities.sourceIPs.join(', ');
  if (entities.images) values.images = entities.images.join(', ');
  if (entities.containers) {
    values.containers = entities.containers
      .map((c) => (c.image ? `${c.name} (${c.image})` : c.name))
      .join(', ');
  }
  if (entities.resources) {
    values.resources = entities.resources
      .map((r) => {
        const kind = r.subresource
          ? `${r.resource}/${r.subresource}`
          : r.resource;
        const where = r.namespace ? `${r.namespace}/` : '';
        return r.name ? `${kind} ${where}${r.name}` : kind;
      })
      .join(', ');
  }
  for (const [name, items] of Object.entries(entities.details ?? {})) {
    values[`details.${name}`] = items.join(', ');
  }
  return values;
}
