import type { AuditRecord } from '../../sources/event.js';

type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The object as it is after the request, as far as the event states it.
 *
 * For create and update the request body is the whole object, and the
 * response (where the audit level records it) is that object as stored,
 * with defaults and mutations applied, so the response wins. For a patch
 * the request body holds only the patch: the response is the patched
 * object. Without a response a merge patch is returned as a partial
 * object, so that what it sets can still be seen; a JSON patch (an array
 * of operations) gives nothing. A `Status` response is an error report,
 * not the object.
 */
export function objectAfter(audit: AuditRecord): JsonObject | undefined {
  const response = audit.responseObject;
  if (isObject(response) && response.kind !== 'Status') return response;

  const request = audit.requestObject;
  if (!isObject(request)) return undefined;
  if (request.kind === 'DeleteOptions' || request.kind === 'Status') {
    return undefined;
  }
  return request;
}
