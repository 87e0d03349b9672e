import type { AuditObjectRef, AuditResponseStatus } from '../event.js';
import { AUDIT_LIMITS } from './audit-limits.js';
import {
  isPlainObject,
  jsonTypeOf,
  type ReadState,
  readString,
} from './read-fields.js';

const OBJECT_REF_FIELDS = [
  'subresource',
  'namespace',
  'name',
  'apiGroup',
  'apiVersion',
  'uid',
] as const;

/** Reads `objectRef`. Non-resource requests have none. */
export function readObjectRef(
  value: unknown,
  state: ReadState,
): AuditObjectRef | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) {
    state.error ??= `invalid objectRef: expected an object, got ${jsonTypeOf(value)}`;
    return undefined;
  }

  const max = AUDIT_LIMITS.maxIdLength;
  const ref: AuditObjectRef = {
    resource:
      readString(value, 'resource', 'objectRef.resource', max, state) ?? '',
  };
  for (const key of OBJECT_REF_FIELDS) {
    const text = readString(value, key, `objectRef.${key}`, max, state);
    if (text !== undefined) ref[key] = text;
  }
  return ref;
}

/** Reads `responseStatus` (a metav1.Status without its details). */
export function readResponseStatus(
  value: unknown,
  state: ReadState,
): AuditResponseStatus | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) {
    state.error ??= `invalid responseStatus: expected an object, got ${jsonTypeOf(value)}`;
    return undefined;
  }

  const status: AuditResponseStatus = {};
  const code = value.code;
  if (typeof code === 'number' && Number.isInteger(code)) {
    status.code = code;
  } else if (code !== undefined && code !== null) {
    state.error ??= `invalid responseStatus.code: expected an integer, got ${jsonTypeOf(code)}`;
  }

  const max = AUDIT_LIMITS.maxTextLength;
  const text = readString(value, 'status', 'responseStatus.status', max, state);
  if (text !== undefined) status.status = text;
  const reason = readString(
    value,
    'reason',
    'responseStatus.reason',
    max,
    state,
  );
  if (reason !== undefined) status.reason = reason;
  const message = readString(
    value,
    'message',
    'responseStatus.message',
    max,
    state,
  );
  if (message !== undefined) status.message = message;
  return status;
}
