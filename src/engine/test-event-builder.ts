import { parseDuration } from './rule-schema.js';

/** The time of the first event in a rule's test case. */
export const TEST_BASE_TIME = Date.parse('2026-11-02T10:00:00Z');

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requestUriOf(event: Record<string, unknown>): string {
  const ref = isRecord(event.objectRef) ? event.objectRef : {};
  const group = typeof ref.apiGroup === 'string' ? ref.apiGroup : '';
  const version = typeof ref.apiVersion === 'string' ? ref.apiVersion : 'v1';
  let uri = group ? `/apis/${group}/${version}` : `/api/${version}`;
  if (typeof ref.namespace === 'string') uri += `/namespaces/${ref.namespace}`;
  if (typeof ref.resource === 'string') uri += `/${ref.resource}`;
  if (typeof ref.name === 'string') uri += `/${ref.name}`;
  if (typeof ref.subresource === 'string') uri += `/${ref.subresource}`;
  return uri;
}

/**
 * Complete a test event written in audit.k8s.io/v1 form with what a real
 * API server would add: identity, stage, level, user, source address, user
 * agent, timestamps, request URI and a success status. Fields the test
 * sets win; a field set to null is removed, to write events that lack it.
 * `at: 5m` places the event that long after TEST_BASE_TIME.
 */
export function buildTestAuditEvent(
  raw: unknown,
  id: string,
  index: number,
): unknown {
  if (!isRecord(raw)) return raw;
  const { at, ...fields } = raw;
  const offset = typeof at === 'string' ? parseDuration(at) : index * 1000;
  const time = new Date(TEST_BASE_TIME + offset).toISOString();
  const verb = typeof fields.verb === 'string' ? fields.verb : 'get';

  const event: Record<string, unknown> = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: id,
    stage: 'ResponseComplete',
    requestURI: requestUriOf(fields),
    user: {
      username: 'alice@example.com',
      groups: ['system:authenticated'],
    },
    sourceIPs: ['198.51.100.20'],
    userAgent: 'kubectl/v1.30.2 (linux/amd64) kubernetes/3968350',
    responseStatus: { metadata: {}, code: verb === 'create' ? 201 : 200 },
    requestReceivedTimestamp: time,
    stageTimestamp: time,
    annotations: { 'authorization.k8s.io/decision': 'allow' },
    ...fields,
  };
  for (const [key, value] of Object.entries(event)) {
    if (value === null) delete event[key];
  }
  return event;
}
