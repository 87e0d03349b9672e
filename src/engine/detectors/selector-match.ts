import type { AuditRecord, VigilEvent } from '../../sources/event.js';
import { MAX_ENTITY_ITEMS, MAX_ENTITY_STRING } from '../entities.js';
import type { EventContext } from '../event-context.js';
import type { Evaluator } from '../predicates/predicate-registry.js';
import { isObject, objectAfter } from '../views/object-after.js';
import { POD_SPEC_RESOURCES } from '../views/pod-spec.js';
import { type DetectorInstance, touch, trim } from './detector.js';

export interface SelectorMatchOptions {
  /** Passes on a pod or workload whose pods have the property. */
  pods: Evaluator;
  /** Passes on a Service that exposes the pods it selects. */
  services: Evaluator;
  /** Most namespaces remembered at once, over all clusters. */
  maxKeys: number;
  /** Most workloads, and most Services, remembered per namespace. */
  maxObjectsPerKey: number;
}

/** The details a selector-match alert carries. */
export const SELECTOR_MATCH_DETAILS = ['service', 'workloads'];

interface RememberedService {
  selector: Record<string, string>;
  /** True once the Service raised an alert, until it changes again. */
  reported: boolean;
}

interface Namespace {
  /** Pod labels by `resource/name` of the pod or workload. */
  workloads: Map<string, Record<string, string>>;
  services: Map<string, RememberedService>;
}

function bounded(text: string): string {
  return text.slice(0, MAX_ENTITY_STRING);
}

/** True when every key of a non-empty selector has that label value. */
export function selects(
  selector: Record<string, string>,
  labels: Record<string, string>,
): boolean {
  const keys = Object.keys(selector);
  if (keys.length === 0) return false;
  return keys.every((key) => labels[key] === selector[key]);
}

function selectorOf(audit: AuditRecord): Record<string, string> | undefined {
  const spec = objectAfter(audit)?.spec;
  if (!isObject(spec) || !isObject(spec.selector)) return undefined;
  const selector: Record<string, string> = {};
  for (const [key, value] of Object.entries(spec.selector)) {
    if (typeof value === 'string') selector[key] = value;
  }
  return selector;
}

/**
 * True when the event states the whole object after the request, so that
 * a condition that fails on it means the property is gone. A merge patch
 * without a recorded response shows only what it sets.
 */
function statesWholeObject(audit: AuditRecord): boolean {
  if (audit.verb === 'create' || audit.verb === 'update') return true;
  const response = audit.responseObject;
  return isObject(response) && response.kind !== 'Status';
}

/**
 * Joins workloads with the Services that select their pods, per cluster
 * and namespace, in either order of arrival. It remembers the pod labels
 * of pods and workloads that pass `pods` and the selectors of Services
 * that pass `services`. It fires when a remembered Service selects a
 * remembered workload. It fires on the Service event when the workload
 * came first, and on the workload event when the Service came first. A
 * Service fires once until it is changed again, so the pods that a
 * StatefulSet creates after it add no alerts. Deleting an object, or a
 * change after which it no longer passes, forgets it.
 *
 * The detector sees only events that passed the rule's condition, so that
 * condition must admit the events that clear the state as well (deletes,
 * and updates that remove the property), for example
 * `request-changed-state` alone. State is bounded by `maxKeys` namespaces
 * (least recent dropped) and `maxObjectsPerKey` objects of each side.
 */
export class SelectorMatchDetector implements DetectorInstance {
  private readonly namespaces = new Map<string, Namespace>();

  constructor(private readonly options: SelectorMatchOptions) {}

  get size(): number {
    return this.namespaces.size;
  }

  observe(event: VigilEvent, context: EventContext) {
    if (event.kind !== 'k8s-audit') return undefined;
    const audit = event.audit;
    const ref = audit.objectRef;
    if (!ref?.namespace || !ref.name || ref.subresource) return undefined;

    const key = `${event.cluster}\u0000${ref.namespace}`;
    const namespace = this.namespaces.get(key) ?? {
      workloads: new Map(),
      services: new Map(),
    };
    touch(this.namespaces, key, namespace);
    trim(this.namespaces, this.options.maxKeys);

    if (ref.resource === 'services') {
      return this.observeService(namespace, audit, ref.name, context);
    }
    if (POD_SPEC_RESOURCES.includes(ref.resource)) {
      const id = `${ref.resource}/${ref.name}`;
      return this.observeWorkload(namespace, audit, id, context);
    }
    return undefined;
  }

  private observeService(
    namespace: Namespace,
    audit: AuditRecord,
    name: string,
    context: EventContext,
  ) {
    const previous = namespace.services.get(name);
    if (audit.verb === 'delete') {
      namespace.services.delete(name);
      return undefined;
    }
    if (!this.options.services(context.event, context)) {
      if (statesWholeObject(audit)) namespace.services.delete(name);
      return undefined;
    }

    const selector = selectorOf(audit) ?? previous?.selector;
    if (selector === undefined) return undefined;
    const service = { selector, reported: false };
    touch(namespace.services, name, service);
    trim(namespace.services, this.options.maxObjectsPerKey);

    const workloads: string[] = [];
    for (const [id, labels] of namespace.workloads) {
      if (selects(selector, labels)) workloads.push(id);
    }
    if (workloads.length === 0) return undefined;
    service.reported = true;
    return {
      service: [bounded(name)],
      workloads: workloads.slice(0, MAX_ENTITY_ITEMS).map(bounded),
    };
  }

  private observeWorkload(
    namespace: Namespace,
    audit: AuditRecord,
    id: string,
    context: EventContext,
  ) {
    const previous = namespace.workloads.get(id);
    if (audit.verb === 'delete') {
      namespace.workloads.delete(id);
      return undefined;
    }
    if (!this.options.pods(context.event, context)) {
      if (statesWholeObject(audit)) namespace.workloads.delete(id);
      return undefined;
    }

    const view = context.view('podLabels') as
      | Record<string, string>
      | undefined;
    const labels = view ?? previous;
    if (labels === undefined) return undefined;
    touch(namespace.workloads, id, labels);
    trim(namespace.workloads, this.options.maxObjectsPerKey);

    const services: string[] = [];
    for (const [name, service] of namespace.services) {
      if (service.reported || !selects(service.selector, labels)) continue;
      service.reported = true;
      services.push(name);
    }
    if (services.length === 0) return undefined;
    return {
      service: services.slice(0, MAX_ENTITY_ITEMS).map(bounded),
      workloads: [bounded(id)],
    };
  }
}
