import type { VigilEvent } from '../../sources/event.js';
import type { QueueCandidate } from '../../store/ingest-queue.js';

/** Normalized events sorted into queue candidates and counted drops. */
export interface PreparedEvents {
  candidates: QueueCandidate[];
  /** Events from before the cluster's enrolment time. */
  beforeEnrolment: number;
  /** Events whose JSON exceeds the per-event limit. */
  tooLarge: number;
}

/** Settings of `prepareEvents`. */
export interface PrepareOptions {
  cluster: string;
  enrolledMs: number;
  maxEventBytes: number;
}

/**
 * Attributes events to the authenticated cluster, whatever cluster the
 * input names, and picks the ones to queue with their JSON. Events
 * before the enrolment time and events larger than `maxEventBytes` are
 * counted and left out.
 */
export function prepareEvents(
  events: readonly VigilEvent[],
  options: PrepareOptions,
): PreparedEvents {
  const prepared: PreparedEvents = {
    candidates: [],
    beforeEnrolment: 0,
    tooLarge: 0,
  };
  const max = options.maxEventBytes;

  for (const [index, event] of events.entries()) {
    if (event.timeMs < options.enrolledMs) {
      prepared.beforeEnrolment++;
      continue;
    }

    event.cluster = options.cluster;
    const json = JSON.stringify(event);
    if (exceedsBytes(json, max)) {
      prepared.tooLarge++;
      continue;
    }
    prepared.candidates.push({
      index,
      key: eventKey(event),
      json,
    });
  }
  return prepared;
}

/** Tells whether `json` takes more than `max` bytes as UTF-8. */
export function exceedsBytes(json: string, max: number): boolean {
  // UTF-16 length bounds UTF-8 size from below and is exact for ASCII,
  // so Buffer.byteLength runs only near the limit.
  return (
    json.length > max ||
    (json.length * 3 > max && Buffer.byteLength(json, 'utf8') > max)
  );
}

/**
 * Returns the retry key of an event: for audit events their audit ID and
 * stage, for other events their kind and id. It is JSON so that no
 * character of a client-chosen audit ID (`Audit-ID` header) can make two
 * keys equal or put a NUL into a PostgreSQL text column.
 */
export function eventKey(event: VigilEvent): string {
  if (event.kind === 'k8s-audit') {
    return JSON.stringify([event.audit.auditID, event.audit.stage]);
  }
  return JSON.stringify([event.kind, event.id]);
}
