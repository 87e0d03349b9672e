import type { K8sAuditEvent } from '../../sources/event.js';
import type { QueuedEvent } from '../../store/ingest-queue.js';

/** Normalized events sorted into what is queued and what is counted. */
export interface PreparedEvents {
  events: QueuedEvent[];
  /** Events from before the cluster's enrolment time. */
  beforeEnrolment: number;
  /** Events whose JSON exceeds the per-event limit. */
  tooLarge: number;
}

/**
 * Attributes events to the authenticated cluster, whatever cluster the
 * body names, and serializes them for the queue. Events before the
 * enrolment time and events larger than `maxEventBytes` are counted and
 * left out.
 */
export function prepareEvents(
  events: readonly K8sAuditEvent[],
  cluster: string,
  enrolledMs: number,
  maxEventBytes: number,
): PreparedEvents {
  const prepared: PreparedEvents = {
    events: [],
    beforeEnrolment: 0,
    tooLarge: 0,
  };
  for (const event of events) {
    if (event.timeMs < enrolledMs) {
      prepared.beforeEnrolment++;
      continue;
    }

    event.cluster = cluster;
    const json = JSON.stringify(event);
    // UTF-16 length bounds the UTF-8 size from below, and is exact for the
    // ASCII that audit events mostly are; Buffer.byteLength only when close.
    if (
      json.length > maxEventBytes ||
      (json.length * 3 > maxEventBytes &&
        Buffer.byteLength(json, 'utf8') > maxEventBytes)
    ) {
      prepared.tooLarge++;
      continue;
    }
    prepared.events.push({ key: eventKey(event), json });
  }
  return prepared;
}

/**
 * Returns the retry key of an event: its audit ID and stage, as JSON so
 * that no character of a client-chosen audit ID (`Audit-ID` header) can
 * make two keys equal or put a NUL into a PostgreSQL text column.
 */
export function eventKey(event: K8sAuditEvent): string {
  return JSON.stringify([event.audit.auditID, event.audit.stage]);
}
