/** The parts of a GKE audit `methodName` such as
 * `io.k8s.core.v1.pods.exec.create`. */
export interface GkeMethod {
  verb: string;
  /** Absent for non-resource requests (`io.k8s.get` on `/readyz`). */
  resource?: string;
  subresource?: string;
  apiGroup?: string;
  apiVersion?: string;
}

// Built-in API groups whose names have no domain, so the method's
// reversed-domain prefix (`io.k8s.apps`) is the group name itself.
const SHORT_GROUPS = new Set([
  'apps',
  'batch',
  'autoscaling',
  'policy',
  'extensions',
]);

/**
 * Splits a method name into verb, resource, subresource and API group.
 * The verb is the last segment. The segment before the resource is the
 * API version (`v1`, `v1beta1`), and what precedes it is the group in
 * reversed-domain order: `io.k8s.authorization.rbac` is
 * `rbac.authorization.k8s.io`, `io.k8s.core` is the core group.
 */
export function parseGkeMethod(methodName: string): GkeMethod | undefined {
  const parts = methodName.split('.');
  const verb = parts[parts.length - 1];
  if (verb === undefined || verb === '' || parts.length < 2) return undefined;

  const versionIndex = parts.findIndex(isApiVersion);
  if (versionIndex < 1 || versionIndex + 2 >= parts.length) return { verb };
  const method: GkeMethod = {
    verb,
    resource: parts[versionIndex + 1] as string,
    apiGroup: groupName(parts.slice(0, versionIndex)),
    apiVersion: parts[versionIndex] as string,
  };
  if (versionIndex + 3 < parts.length) {
    method.subresource = parts.slice(versionIndex + 2, -1).join('/');
  }
  return method;
}

function groupName(reversed: string[]): string {
  if (reversed[0] === 'io' && reversed[1] === 'k8s') {
    const rest = reversed.slice(2);
    if (rest.length === 1 && rest[0] === 'core') return '';
    if (rest.length === 1 && SHORT_GROUPS.has(rest[0] as string)) {
      return rest[0] as string;
    }
  }
  return reversed.reverse().join('.');
}

/** Returns whether a segment is a Kubernetes API version: v1, v2beta3. */
export function isApiVersion(segment: string): boolean {
  if (segment.length < 2 || segment.charCodeAt(0) !== 118) return false;
  let i = 1;
  while (i < segment.length && isDigit(segment.charCodeAt(i))) i++;
  if (i === 1) return false;
  if (i === segment.length) return true;

  const rest = segment.slice(i);
  const label = rest.startsWith('alpha') ? 5 : rest.startsWith('beta') ? 4 : 0;
  if (label === 0 || rest.length === label) return false;
  for (let j = label; j < rest.length; j++) {
    if (!isDigit(rest.charCodeAt(j))) return false;
  }
  return true;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
