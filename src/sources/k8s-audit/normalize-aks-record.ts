import {
  type AuditCollector,
  addProblem,
  addSkip,
  type NormalizeContext,
} from './audit-collector.js';
import { buildAuditEvent } from './build-audit-event.js';
import { parseAuditTime } from './parse-audit-time.js';
import { parseEmbeddedEvent } from './parse-embedded-event.js';
import { isPlainObject, type JsonObject, jsonTypeOf } from './read-fields.js';

const AUDIT_CATEGORIES = new Set(['kube-audit', 'kube-audit-admin']);
const CLUSTER_SEGMENT = '/MANAGEDCLUSTERS/';

/**
 * Normalizes one AKS diagnostic-log record. The audit event is the JSON
 * string in `properties.log` (an object in some exports). Records of
 * categories other than kube-audit and kube-audit-admin are counted as
 * skipped.
 */
export function normalizeAksRecord(
  record: JsonObject,
  context: NormalizeContext,
  out: AuditCollector,
  where = '',
): void {
  const category = record.category;
  if (typeof category !== 'string') {
    addProblem(out, context, 'invalid-event', `${where}missing AKS category`);
    return;
  }
  if (!AUDIT_CATEGORIES.has(category)) {
    addSkip(out, 'other-aks-category');
    return;
  }

  const properties = record.properties;
  const log = isPlainObject(properties) ? properties.log : undefined;
  let event: JsonObject;
  let cut = context.truncated;
  if (typeof log === 'string') {
    const decoded = parseEmbeddedEvent(log, 'properties.log');
    if (typeof decoded === 'string') {
      addProblem(out, context, 'invalid-event', where + decoded);
      return;
    }
    event = decoded.value;
    cut ||= decoded.cut;
  } else if (isPlainObject(log)) {
    event = log;
  } else {
    const reason = `${where}invalid properties.log: expected a JSON string or object, got ${jsonTypeOf(log)}`;
    addProblem(out, context, 'invalid-event', reason);
    return;
  }

  const time = record.time;
  const result = buildAuditEvent(event, {
    format: 'aks',
    cluster: aksClusterName(record.resourceId) ?? context.defaultCluster,
    file: context.file,
    line: context.line,
    fallbackTimeMs:
      typeof time === 'string' ? parseAuditTime(time) : Number.NaN,
    truncated: cut,
  });
  if (typeof result === 'string') {
    addProblem(out, context, 'invalid-event', where + result);
  } else {
    out.events.push(result);
  }
}

/** Normalizes the `{"records": […]}` envelope of Event Hubs and blobs. */
export function normalizeAksRecords(
  envelope: JsonObject,
  context: NormalizeContext,
  out: AuditCollector,
): void {
  const records = envelope.records;
  if (!Array.isArray(records)) {
    const reason = `invalid AKS envelope: expected records to be an array, got ${jsonTypeOf(records)}`;
    addProblem(out, context, 'invalid-event', reason);
    return;
  }
  for (let i = 0; i < records.length; i++) {
    const record: unknown = records[i];
    if (isPlainObject(record)) {
      normalizeAksRecord(record, context, out, `records[${i}]: `);
    } else {
      const reason = `invalid records[${i}]: expected an object, got ${jsonTypeOf(record)}`;
      addProblem(out, context, 'invalid-event', reason);
    }
  }
}

/**
 * Extracts the cluster name from an Azure resource ID
 * (`…/providers/Microsoft.ContainerService/managedClusters/NAME`).
 * Azure resource names are case-insensitive and diagnostic exports write
 * the ID in upper case, so the name is returned in lower case.
 */
export function aksClusterName(resourceId: unknown): string | undefined {
  if (typeof resourceId !== 'string') return undefined;
  const start = resourceId.toUpperCase().lastIndexOf(CLUSTER_SEGMENT);
  if (start < 0) return undefined;

  const nameStart = start + CLUSTER_SEGMENT.length;
  const slash = resourceId.indexOf('/', nameStart);
  const name = resourceId.slice(nameStart, slash < 0 ? undefined : slash);
  if (name === '' || name.length > 256) return undefined;
  return name.toLowerCase();
}
