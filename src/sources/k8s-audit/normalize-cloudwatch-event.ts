import {
  type AuditCollector,
  addProblem,
  addSkip,
  type NormalizeContext,
} from './audit-collector.js';
import { buildAuditEvent } from './build-audit-event.js';
import { parseEmbeddedEvent } from './parse-embedded-event.js';
import { isPlainObject, type JsonObject, jsonTypeOf } from './read-fields.js';

/**
 * Normalizes one CloudWatch Logs event of an EKS audit log group: the
 * audit event is the JSON string in `message` (`@message` in Logs
 * Insights exports). `cluster` comes from the log group when known.
 */
export function normalizeCloudWatchEvent(
  entry: JsonObject,
  context: NormalizeContext,
  out: AuditCollector,
  cluster: string,
  where = '',
): void {
  const message = entry.message ?? entry['@message'];
  if (message === undefined) {
    addProblem(out, context, 'invalid-event', `${where}missing message`);
    return;
  }
  if (typeof message !== 'string') {
    const reason = `${where}invalid message: expected a JSON string, got ${jsonTypeOf(message)}`;
    addProblem(out, context, 'invalid-event', reason);
    return;
  }
  const decoded = parseEmbeddedEvent(message, 'message');
  if (typeof decoded === 'string') {
    addProblem(out, context, 'invalid-event', where + decoded);
    return;
  }

  const timestamp = entry.timestamp;
  const result = buildAuditEvent(decoded.value, {
    format: 'eks',
    cluster,
    file: context.file,
    line: context.line,
    fallbackTimeMs: typeof timestamp === 'number' ? timestamp : Number.NaN,
    truncated: context.truncated || decoded.cut,
  });
  if (typeof result === 'string') {
    addProblem(out, context, 'invalid-event', where + result);
  } else {
    out.events.push(result);
  }
}

/**
 * Normalizes a CloudWatch Logs subscription message
 * (`{"messageType":"DATA_MESSAGE","logGroup":"/aws/eks/NAME/cluster",
 * "logEvents":[…]}`). Control messages are counted as skipped.
 */
export function normalizeCloudWatchEnvelope(
  envelope: JsonObject,
  context: NormalizeContext,
  out: AuditCollector,
): void {
  if (envelope.messageType === 'CONTROL_MESSAGE') {
    addSkip(out, 'cloudwatch-control');
    return;
  }
  const cluster = eksClusterName(envelope.logGroup) ?? context.defaultCluster;
  normalizeEventArray(envelope, 'logEvents', context, out, cluster);
}

/** Normalizes `aws logs filter-log-events` output (`{"events":[…]}`). */
export function normalizeFilterLogEvents(
  output: JsonObject,
  context: NormalizeContext,
  out: AuditCollector,
): void {
  normalizeEventArray(output, 'events', context, out, context.defaultCluster);
}

function normalizeEventArray(
  container: JsonObject,
  key: string,
  context: NormalizeContext,
  out: AuditCollector,
  cluster: string,
): void {
  const entries = container[key];
  if (!Array.isArray(entries)) {
    const reason = `invalid CloudWatch output: expected ${key} to be an array, got ${jsonTypeOf(entries)}`;
    addProblem(out, context, 'invalid-event', reason);
    return;
  }
  for (let i = 0; i < entries.length; i++) {
    const entry: unknown = entries[i];
    const where = `${key}[${i}]: `;
    if (isPlainObject(entry)) {
      normalizeCloudWatchEvent(entry, context, out, cluster, where);
    } else {
      const reason = `invalid ${key}[${i}]: expected an object, got ${jsonTypeOf(entry)}`;
      addProblem(out, context, 'invalid-event', reason);
    }
  }
}

/** Extracts NAME from an EKS log group name `/aws/eks/NAME/cluster`. */
export function eksClusterName(logGroup: unknown): string | undefined {
  if (typeof logGroup !== 'string' || !logGroup.startsWith('/aws/eks/')) {
    return undefined;
  }
  const end = logGroup.indexOf('/', 9);
  const name = logGroup.slice(9, end < 0 ? undefined : end);
  return name === '' || name.length > 256 ? undefined : name;
}
