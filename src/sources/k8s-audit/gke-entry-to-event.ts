import { httpStatusOfGrpc } from './grpc-status.js';
import {
  type GkeMethod,
  isApiVersion,
  parseGkeMethod,
} from './parse-gke-method.js';
import { isPlainObject, type JsonObject } from './read-fields.js';

const DECISION_LABEL = 'authorization.k8s.io/decision';

/**
 * Maps a GKE Cloud Audit Logs entry onto the shape of an audit.k8s.io/v1
 * Event, for `buildAuditEvent` to validate. Returns the reason as a
 * string when the entry has no AuditLog payload or method name.
 *
 * GKE logs each request once, when it completes, so the stage is always
 * ResponseComplete. The request URI is rebuilt from `resourceName` and
 * lacks the query string.
 */
export function gkeEntryToEvent(entry: JsonObject): JsonObject | string {
  const payload = entry.protoPayload;
  if (!isPlainObject(payload)) return 'missing protoPayload';
  const methodName = payload.methodName;
  if (typeof methodName !== 'string') return 'missing protoPayload.methodName';
  const method = parseGkeMethod(methodName);
  if (method === undefined) {
    return `invalid protoPayload.methodName "${methodName.slice(0, 128)}"`;
  }

  const auth = payload.authenticationInfo;
  const metadata = payload.requestMetadata;
  const request = payload.request;
  const response = payload.response;
  const operation = entry.operation;
  const event: JsonObject = {
    auditID:
      (isPlainObject(operation) ? operation.id : undefined) ?? entry.insertId,
    stage: 'ResponseComplete',
    level:
      request !== undefined || response !== undefined
        ? 'RequestResponse'
        : 'Metadata',
    verb: method.verb,
    user: { username: isPlainObject(auth) ? auth.principalEmail : undefined },
    sourceIPs:
      isPlainObject(metadata) && metadata.callerIp !== undefined
        ? [metadata.callerIp]
        : [],
    userAgent: isPlainObject(metadata)
      ? metadata.callerSuppliedUserAgent
      : undefined,
    annotations: annotationsOf(entry.labels, payload.authorizationInfo),
    requestReceivedTimestamp: entry.timestamp,
  };
  addTarget(event, method, payload.resourceName);
  event.responseStatus = responseStatusOf(payload.status, response);
  if (isPlainObject(request)) event.requestObject = withoutType(request);
  if (isPlainObject(response)) event.responseObject = withoutType(response);
  return event;
}

/** Returns the cluster name in `resource.labels.cluster_name`. */
export function gkeClusterName(entry: JsonObject): string | undefined {
  const resource = entry.resource;
  if (!isPlainObject(resource) || !isPlainObject(resource.labels)) {
    return undefined;
  }
  const name = resource.labels.cluster_name;
  return typeof name === 'string' && name !== '' && name.length <= 256
    ? name
    : undefined;
}

/**
 * Sets objectRef and requestURI. `resourceName` is
 * `GROUP/VERSION[/namespaces/NS]/RESOURCE[/NAME[/SUBRESOURCE]]` with
 * `core` for the core group, or a URL path for non-resource requests.
 */
function addTarget(
  event: JsonObject,
  method: GkeMethod,
  resourceName: unknown,
): void {
  const name = typeof resourceName === 'string' ? resourceName : '';
  if (method.resource === undefined) {
    event.requestURI = name.startsWith('/') ? name : `/${name}`;
    return;
  }

  const segments = name.split('/');
  let group = method.apiGroup ?? '';
  let version = method.apiVersion ?? '';
  let rest: string[] = [];
  if (segments.length >= 2 && isApiVersion(segments[1] as string)) {
    group = segments[0] === 'core' ? '' : (segments[0] as string);
    version = segments[1] as string;
    rest = segments.slice(2);
  }
  let namespace: string | undefined;
  if (
    rest[0] === 'namespaces' &&
    method.resource !== 'namespaces' &&
    rest.length >= 3
  ) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const objectName = rest[0] === method.resource ? rest[1] : undefined;

  const ref: JsonObject = {
    resource: method.resource,
    apiGroup: group,
    apiVersion: version,
  };
  if (namespace !== undefined) ref.namespace = namespace;
  if (objectName !== undefined && objectName !== '') ref.name = objectName;
  if (method.subresource !== undefined) ref.subresource = method.subresource;
  event.objectRef = ref;
  event.requestURI = requestPath(ref);
}

function requestPath(ref: JsonObject): string {
  const base =
    ref.apiGroup === ''
      ? `/api/${ref.apiVersion}`
      : `/apis/${ref.apiGroup}/${ref.apiVersion}`;
  let path = base;
  if (ref.namespace !== undefined) path += `/namespaces/${ref.namespace}`;
  path += `/${ref.resource}`;
  if (ref.name !== undefined) path += `/${ref.name}`;
  if (ref.subresource !== undefined) path += `/${ref.subresource}`;
  return path;
}

/**
 * Builds responseStatus. A Kubernetes Status in the response carries the
 * real HTTP code and reason; otherwise the gRPC code is mapped.
 */
function responseStatusOf(
  status: unknown,
  response: unknown,
): JsonObject | undefined {
  if (!isPlainObject(status)) return undefined;
  const grpcCode = typeof status.code === 'number' ? status.code : 0;
  const result: JsonObject = {
    code: httpStatusOfGrpc(grpcCode),
    status: grpcCode === 0 ? 'Success' : 'Failure',
  };
  if (typeof status.message === 'string') result.message = status.message;
  if (isPlainObject(response) && response.kind === 'Status') {
    if (typeof response.code === 'number') result.code = response.code;
    if (typeof response.reason === 'string') result.reason = response.reason;
  }
  return result;
}

/**
 * Returns the entry's labels as annotations. When they lack an
 * authorization decision, one is derived from `authorizationInfo`: forbid
 * if any check was not granted.
 */
function annotationsOf(labels: unknown, authorizationInfo: unknown): unknown {
  if (labels !== undefined && !isPlainObject(labels)) return labels;
  if (isPlainObject(labels) && labels[DECISION_LABEL] !== undefined)
    return labels;
  if (!Array.isArray(authorizationInfo) || authorizationInfo.length === 0) {
    return labels;
  }

  const denied = authorizationInfo.some(
    (check) => isPlainObject(check) && check.granted === false,
  );
  const annotations: JsonObject = copyObject(labels ?? {}, '');
  annotations[DECISION_LABEL] = denied ? 'forbid' : 'allow';
  return annotations;
}

/** Returns a shallow copy without the protobuf `@type` key. */
function withoutType(object: JsonObject): JsonObject {
  return object['@type'] === undefined ? object : copyObject(object, '@type');
}

function copyObject(object: JsonObject, skipKey: string): JsonObject {
  const copy: JsonObject = {};
  for (const key of Object.keys(object)) {
    if (key === skipKey) continue;
    // Assigning `__proto__` would set the prototype instead of a key.
    Object.defineProperty(copy, key, {
      value: object[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}
