import type { AuditRecord } from '../../sources/event.js';
import { canonicalHostPath } from './host-path.js';
import { isObject, objectAfter } from './object-after.js';
import { containersOf, type HostPathItem, podSpecOf } from './pod-spec.js';
import type { ViewFunction } from './view-registry.js';

function fromAudit<T>(compute: (record: AuditRecord) => T): ViewFunction {
  return (event) =>
    event.kind === 'k8s-audit' ? compute(event.audit) : undefined;
}

function hostPathsOf(record: AuditRecord): HostPathItem[] {
  const volumes = podSpecOf(record)?.volumes;
  if (!Array.isArray(volumes)) return [];

  const items: HostPathItem[] = [];
  for (const volume of volumes) {
    if (!isObject(volume) || !isObject(volume.hostPath)) continue;
    const path = volume.hostPath.path;
    if (typeof path !== 'string') continue;
    items.push({
      volume: typeof volume.name === 'string' ? volume.name : '',
      path,
      canonical: canonicalHostPath(path),
      type:
        typeof volume.hostPath.type === 'string' ? volume.hostPath.type : '',
    });
  }
  return items;
}

function queryOf(record: AuditRecord): Record<string, string[]> {
  const uri = record.requestURI;
  const start = uri.indexOf('?');
  const query: Record<string, string[]> = Object.create(null);
  if (start < 0) return query;
  for (const [key, value] of new URLSearchParams(uri.slice(start + 1))) {
    const values = query[key];
    if (values) values.push(value);
    else query[key] = [value];
  }
  return query;
}

const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';

function serviceAccountOf(record: AuditRecord) {
  const username = record.user.username;
  if (!username.startsWith(SERVICE_ACCOUNT_PREFIX)) return undefined;
  const start = SERVICE_ACCOUNT_PREFIX.length;
  const colon = username.indexOf(':', start);
  if (colon <= start || colon === username.length - 1) return undefined;
  const name = username.slice(colon + 1);
  if (name.includes(':')) return undefined;
  return { namespace: username.slice(start, colon), name };
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * The views of an audit event:
 * - `object`: the object after the request (see objectAfter);
 * - `podSpec`: the pod spec it creates pods from, for pods and workloads;
 * - `containers`: every container of that spec, with `containerType`;
 * - `hostPaths`: its hostPath volumes, with `canonical` paths;
 * - `rbacRules` and `subjects`: a role's rules and a binding's subjects;
 * - `path` and `query`: the request URI without and with its parameters;
 * - `serviceAccount`: namespace and name when a service account acts;
 * - `resourceKey`: `resource` or `resource/subresource`.
 */
export const K8S_VIEWS: ReadonlyArray<[string, ViewFunction]> = [
  ['object', fromAudit(objectAfter)],
  ['podSpec', fromAudit(podSpecOf)],
  ['containers', fromAudit((record) => containersOf(podSpecOf(record)))],
  ['hostPaths', fromAudit(hostPathsOf)],
  ['rbacRules', fromAudit((record) => listOf(objectAfter(record)?.rules))],
  ['subjects', fromAudit((record) => listOf(objectAfter(record)?.subjects))],
  ['path', fromAudit((record) => record.requestURI.split('?', 1)[0])],
  ['query', fromAudit(queryOf)],
  ['serviceAccount', fromAudit(serviceAccountOf)],
  ['resourceKey', fromAudit(resourceKeyOf)],
];

function resourceKeyOf(record: AuditRecord): string | undefined {
  const ref = record.objectRef;
  if (!ref) return undefined;
  return ref.subresource ? `${ref.resource}/${ref.subresource}` : ref.resource;
}
