import type { VigilEvent } from '../../sources/event.js';
import { MAX_ENTITY_STRING } from '../entities.js';
import type { EventContext } from '../event-context.js';
import type { Evaluator } from '../predicates/predicate-registry.js';
import { type DetectorInstance, touch, trim } from './detector.js';

export interface ClusterMarkerOptions {
  /** Passes on an event that shows the cluster runs the application. */
  marker: Evaluator;
  /** Passes on an event that shows the application is gone. */
  clear: Evaluator | undefined;
  /** Most clusters remembered at once. */
  maxKeys: number;
}

/** The details a cluster-marker alert carries. */
export const CLUSTER_MARKER_DETAILS = ['marker'];

/**
 * Fires on events that passed the rule's condition only in clusters that
 * earlier showed a marker: an event that passes `marker`, such as any
 * successful request in the namespace an application installs. Marker
 * events themselves never fire, and an event that passes `clear` removes
 * the marker. The rule's condition must admit the marker and clearing
 * events as well as the events to alert on. State is one entry per
 * cluster, bounded by `maxKeys` (least recently marked dropped).
 *
 * NOTE: an event to alert on that comes before the cluster's first marker
 * raises nothing, and is not remembered for when a marker arrives.
 */
export class ClusterMarkerDetector implements DetectorInstance {
  /** The first marker event's description, by cluster. */
  private readonly marked = new Map<string, string>();

  constructor(private readonly options: ClusterMarkerOptions) {}

  get size(): number {
    return this.marked.size;
  }

  observe(event: VigilEvent, context: EventContext) {
    const cluster = event.cluster;
    if (this.options.clear?.(event, context)) {
      this.marked.delete(cluster);
      return undefined;
    }
    if (this.options.marker(event, context)) {
      const first = this.marked.get(cluster) ?? describeMarker(event);
      touch(this.marked, cluster, first);
      trim(this.marked, this.options.maxKeys);
      return undefined;
    }

    const marker = this.marked.get(cluster);
    return marker === undefined ? undefined : { marker: [marker] };
  }
}

/** Describe a marker event as `VERB RESOURCE NAMESPACE/NAME`. */
function describeMarker(event: VigilEvent): string {
  if (event.kind !== 'k8s-audit') return event.kind;
  const ref = event.audit.objectRef;
  const where = [ref?.namespace, ref?.name].filter(Boolean).join('/');
  const text = [event.audit.verb, ref?.resource ?? '', where]
    .filter(Boolean)
    .join(' ');
  return text.slice(0, MAX_ENTITY_STRING);
}
