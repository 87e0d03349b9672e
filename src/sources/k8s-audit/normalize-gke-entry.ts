import {
  type AuditCollector,
  addProblem,
  type NormalizeContext,
} from './audit-collector.js';
import { buildAuditEvent } from './build-audit-event.js';
import { gkeClusterName, gkeEntryToEvent } from './gke-entry-to-event.js';
import type { JsonObject } from './read-fields.js';

/** Normalizes one GKE Cloud Audit Logs entry of a Kubernetes request. */
export function normalizeGkeEntry(
  entry: JsonObject,
  context: NormalizeContext,
  out: AuditCollector,
  where = '',
): void {
  const event = gkeEntryToEvent(entry);
  const result =
    typeof event === 'string'
      ? event
      : buildAuditEvent(event, {
          format: 'gke',
          cluster: gkeClusterName(entry) ?? context.defaultCluster,
          file: context.file,
          line: context.line,
          fallbackTimeMs: Number.NaN,
          truncated: context.truncated,
        });
  if (typeof result === 'string') {
    addProblem(out, context, 'invalid-event', where + result);
  } else {
    out.events.push(result);
  }
}
