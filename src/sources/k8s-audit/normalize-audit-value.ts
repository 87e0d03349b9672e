import { UNKNOWN } from '../event.js';
import {
  type AuditCollector,
  addProblem,
  createAuditCollector,
  type NormalizeContext,
} from './audit-collector.js';
import type { AuditFormat } from './audit-format.js';
import { detectAuditFormat } from './detect-audit-format.js';
import {
  normalizeAksRecord,
  normalizeAksRecords,
} from './normalize-aks-record.js';
import {
  normalizeCloudWatchEnvelope,
  normalizeCloudWatchEvent,
  normalizeFilterLogEvents,
} from './normalize-cloudwatch-event.js';
import { normalizeGkeEntry } from './normalize-gke-entry.js';
import {
  normalizeEventList,
  normalizeK8sEvent,
} from './normalize-k8s-event.js';
import { isPlainObject, type JsonObject, jsonTypeOf } from './read-fields.js';

/** Options of `normalizeAuditValue`. */
export interface NormalizeOptions {
  /** Expected format; `auto` (the default) sniffs each value. */
  format?: AuditFormat;
  /** Cluster for sources that do not name one; default `unknown`. */
  defaultCluster?: string;
  /** File and line recorded in each event's origin. */
  file?: string;
  line?: number;
}

/**
 * Normalizes one parsed JSON value (an Event, EventList, AKS record or
 * envelope, CloudWatch event or envelope, GKE entry, or an array of any of
 * them) into events and problems. This is what the audit webhook calls
 * with a request body. Every stage of a request is kept, since the same
 * auditID appears once per stage.
 */
export function normalizeAuditValue(
  value: unknown,
  options: NormalizeOptions = {},
): AuditCollector {
  const out = createAuditCollector();
  const context: NormalizeContext = {
    format: options.format ?? 'auto',
    defaultCluster: options.defaultCluster ?? UNKNOWN,
    file: options.file,
    line: options.line,
    truncated: false,
  };
  normalizeInto(value, context, out);
  return out;
}

/**
 * Normalizes `value` into `out`; the reader's per-value entry point. One
 * level of array is unwrapped (`gcloud logging read --format=json`
 * writes one); an array inside it is a problem, not a recursion that
 * hostile nesting could drive past the stack.
 */
export function normalizeInto(
  value: unknown,
  context: NormalizeContext,
  out: AuditCollector,
  inArray = false,
): void {
  if (Array.isArray(value)) {
    if (inArray) {
      const reason =
        'unrecognized audit log value: expected an object inside the array, got an array';
      addProblem(out, context, 'unknown-format', reason);
      return;
    }
    for (const item of value) normalizeInto(item, context, out, true);
    return;
  }
  if (!isPlainObject(value)) {
    const reason = `unrecognized audit log value: expected a JSON object or array, got ${jsonTypeOf(value)}`;
    addProblem(out, context, 'unknown-format', reason);
    return;
  }

  const format =
    context.format === 'auto' ? detectAuditFormat(value) : context.format;
  if (format === 'k8s-audit') normalizeK8sValue(value, context, out);
  else if (format === 'gke') normalizeGkeEntry(value, context, out);
  else if (format === 'aks') normalizeAksValue(value, context, out);
  else if (format === 'eks') normalizeEksValue(value, context, out);
  else addProblem(out, context, 'unknown-format', UNRECOGNIZED);
}

const UNRECOGNIZED =
  'unrecognized audit log value: expected an audit Event, EventList, ' +
  'AKS diagnostic record, CloudWatch Logs event or GKE Cloud Logging entry';

function normalizeK8sValue(
  value: JsonObject,
  context: NormalizeContext,
  out: AuditCollector,
): void {
  if (
    value.kind === 'EventList' ||
    (value.items !== undefined && value.verb === undefined)
  ) {
    normalizeEventList(value, context, out);
  } else {
    normalizeK8sEvent(value, context, out);
  }
}

function normalizeAksValue(
  value: JsonObject,
  context: NormalizeContext,
  out: AuditCollector,
): void {
  if (value.records !== undefined && value.category === undefined) {
    normalizeAksRecords(value, context, out);
  } else {
    normalizeAksRecord(value, context, out);
  }
}

function normalizeEksValue(
  value: JsonObject,
  context: NormalizeContext,
  out: AuditCollector,
): void {
  if (value.messageType !== undefined || value.logEvents !== undefined) {
    normalizeCloudWatchEnvelope(value, context, out);
  } else if (Array.isArray(value.events)) {
    normalizeFilterLogEvents(value, context, out);
  } else if (value.message !== undefined || value['@message'] !== undefined) {
    normalizeCloudWatchEvent(value, context, out, context.defaultCluster);
  } else {
    // Bare audit events, as CloudWatch `message` payloads are often saved.
    normalizeK8sEvent(value, context, out, 'eks');
  }
}
