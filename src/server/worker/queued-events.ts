import type { K8sAuditEvent, VigilEvent } from '../../sources/event.js';
import { normalizeAuditValue } from '../../sources/k8s-audit/normalize-audit-value.js';
import type { QueueRow } from '../../store/ingest-queue.js';

/**
 * Returns the events of a queued batch: those the detection thread
 * attached when it normalized the body for the webhook, or else those of
 * the payload. A body is normalized again exactly as the webhook did, so
 * positions match, and the positions the webhook left out (repeats,
 * oversized or pre-enrolment events) are skipped. Throws when the
 * payload is not JSON.
 */
export function queuedEvents(row: QueueRow): VigilEvent[] {
  if (row.events) return row.events;
  const { payload } = row;
  if (payload.format === 'events') {
    return JSON.parse(payload.events) as VigilEvent[];
  }

  const out = normalizeAuditValue(JSON.parse(payload.body), {
    format: 'k8s-audit',
    defaultCluster: row.cluster,
  });
  const events: K8sAuditEvent[] = [];
  for (const [index, event] of out.events.entries()) {
    if (payload.skip.has(index)) continue;
    event.cluster = row.cluster;
    events.push(event);
  }
  return events;
}
