import { type AuditRecord, type K8sAuditEvent, UNKNOWN } from '../event.js';
import { AUDIT_LIMITS } from './audit-limits.js';
import type { AuditSource } from './audit-source.js';
import { formatIsoTime } from './format-iso-time.js';
import { parseAuditTime } from './parse-audit-time.js';
import { readObjectRef, readResponseStatus } from './read-audit-parts.js';
import { readAuditUser } from './read-audit-user.js';
import {
  isPlainObject,
  type JsonObject,
  jsonTypeOf,
  type ReadState,
  readString,
  readStringList,
  readStringMap,
} from './read-fields.js';

const TRUNCATED_ANNOTATION = 'audit.k8s.io/truncated';

/**
 * Builds a normalized event from an audit.k8s.io Event object (v1,
 * v1beta1, or without apiVersion). Returns the reason as a string when the
 * object lacks verb, auditID, user or a timestamp, or has a field of the
 * wrong type.
 *
 * Valid lists and maps are shared with `raw`, not copied. Strings longer
 * than their bound are cut and the event is marked truncated, so a long
 * user agent cannot hide a request.
 */
export function buildAuditEvent(
  raw: JsonObject,
  source: AuditSource,
): K8sAuditEvent | string {
  const state: ReadState = { cut: false, error: undefined };
  const idMax = AUDIT_LIMITS.maxIdLength;
  const textMax = AUDIT_LIMITS.maxTextLength;

  const verb = readId(raw, 'verb', state);
  const auditID = readId(raw, 'auditID', state);
  if (state.error !== undefined) return state.error;
  if (verb === undefined) return 'missing verb';
  if (auditID === undefined) return 'missing auditID';
  if (raw.user === undefined) return 'missing user';
  const user = readAuditUser(raw.user, 'user', state);
  if (user === undefined) return state.error ?? 'missing user';

  const record: AuditRecord = {
    auditID,
    stage: readString(raw, 'stage', 'stage', idMax, state) ?? UNKNOWN,
    level: readString(raw, 'level', 'level', idMax, state) ?? UNKNOWN,
    verb,
    requestURI:
      readString(raw, 'requestURI', 'requestURI', textMax, state) ?? '',
    user,
    sourceIPs: readStringList(raw, 'sourceIPs', 'sourceIPs', state) ?? [],
    userAgent: readString(raw, 'userAgent', 'userAgent', textMax, state) ?? '',
    annotations: readStringMap(raw, 'annotations', 'annotations', state) ?? {},
  };
  readOptionalParts(raw, record, state);
  if (state.error !== undefined) return state.error;

  const timeMs = readEventTime(raw, record, source.fallbackTimeMs, state);
  if (state.error !== undefined) return state.error;
  if (Number.isNaN(timeMs)) return 'missing requestReceivedTimestamp';

  const truncated =
    source.truncated ||
    state.cut ||
    record.annotations[TRUNCATED_ANNOTATION] === 'true';
  return {
    id: auditID,
    kind: 'k8s-audit',
    time: formatIsoTime(timeMs),
    timeMs,
    cluster: source.cluster,
    node: UNKNOWN,
    container: UNKNOWN,
    pod: UNKNOWN,
    origin: { format: source.format, file: source.file, line: source.line },
    truncated,
    audit: record,
  };
}

/** Reads a required identifier, which is rejected rather than cut. */
function readId(
  raw: JsonObject,
  key: string,
  state: ReadState,
): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    state.error ??= `invalid ${key}: expected a string, got ${jsonTypeOf(value)}`;
    return undefined;
  }
  if (value.length > AUDIT_LIMITS.maxIdLength) {
    state.error ??= `invalid ${key}: longer than ${AUDIT_LIMITS.maxIdLength} characters`;
    return undefined;
  }
  return value;
}

function readOptionalParts(
  raw: JsonObject,
  record: AuditRecord,
  state: ReadState,
): void {
  if (raw.impersonatedUser !== undefined && raw.impersonatedUser !== null) {
    const user = readAuditUser(raw.impersonatedUser, 'impersonatedUser', state);
    if (user !== undefined) record.impersonatedUser = user;
  }
  const objectRef = readObjectRef(raw.objectRef, state);
  if (objectRef !== undefined) record.objectRef = objectRef;
  const status = readResponseStatus(raw.responseStatus, state);
  if (status !== undefined) record.responseStatus = status;

  // Objects stay as parsed: a JSON patch request body is an array.
  const requestObject = raw.requestObject;
  if (typeof requestObject === 'object' && requestObject !== null) {
    record.requestObject = requestObject;
  }
  const responseObject = raw.responseObject;
  if (typeof responseObject === 'object' && responseObject !== null) {
    record.responseObject = responseObject;
  }
}

/**
 * Returns the request received time in epoch milliseconds and stores both
 * timestamps in ISO form. v1beta1 events may carry only `timestamp` or
 * `metadata.creationTimestamp` (second precision).
 */
function readEventTime(
  raw: JsonObject,
  record: AuditRecord,
  fallbackMs: number,
  state: ReadState,
): number {
  const max = AUDIT_LIMITS.maxIdLength;
  const received = readString(
    raw,
    'requestReceivedTimestamp',
    'requestReceivedTimestamp',
    max,
    state,
  );
  let timeMs = Number.NaN;
  if (received !== undefined) {
    timeMs = parseAuditTime(received);
    if (Number.isNaN(timeMs)) {
      state.error ??= `invalid requestReceivedTimestamp "${received.slice(0, 64)}"`;
      return timeMs;
    }
  } else {
    timeMs = readLegacyTime(raw, state);
  }

  // Canonical UTC timestamps are kept as written; others are rewritten
  // in ISO form.
  const stage = readString(raw, 'stageTimestamp', 'stageTimestamp', max, state);
  if (stage !== undefined) {
    if (isCanonical(stage)) {
      record.stageTimestamp = stage;
    } else {
      const stageMs = parseAuditTime(stage);
      if (!Number.isNaN(stageMs)) {
        record.stageTimestamp = formatIsoTime(stageMs);
        if (Number.isNaN(timeMs)) timeMs = stageMs;
      }
    }
  }
  if (Number.isNaN(timeMs) && record.stageTimestamp !== undefined) {
    timeMs = parseAuditTime(record.stageTimestamp);
  }
  if (Number.isNaN(timeMs)) timeMs = fallbackMs;
  if (!Number.isNaN(timeMs)) {
    record.requestReceivedTimestamp =
      received !== undefined && isCanonical(received)
        ? received
        : formatIsoTime(timeMs);
  }
  return timeMs;
}

/** True for `YYYY-MM-DDTHH:MM:SS…Z`, the API server's own spelling. */
function isCanonical(text: string): boolean {
  return (
    text.length >= 20 &&
    text.charCodeAt(10) === 84 &&
    text.charCodeAt(text.length - 1) === 90 &&
    text.charCodeAt(4) === 45
  );
}

function readLegacyTime(raw: JsonObject, state: ReadState): number {
  const max = AUDIT_LIMITS.maxIdLength;
  const timestamp = readString(raw, 'timestamp', 'timestamp', max, state);
  if (timestamp !== undefined) return parseAuditTime(timestamp);
  const metadata = raw.metadata;
  if (!isPlainObject(metadata)) return Number.NaN;
  const created = readString(
    metadata,
    'creationTimestamp',
    'metadata.creationTimestamp',
    max,
    state,
  );
  return created === undefined ? Number.NaN : parseAuditTime(created);
}
