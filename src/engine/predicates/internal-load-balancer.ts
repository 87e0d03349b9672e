import { isObject, objectAfter } from '../views/object-after.js';
import {
  onlyArgs,
  type PredicateDefinition,
  stringArg,
} from './predicate-registry.js';

/**
 * Parse `KEY=VALUE` entries of an annotation list. Values compare without
 * case because cloud providers accept `true`, `True` and `Internal` alike.
 */
export function parseAnnotationEntries(
  entries: readonly string[],
): Map<string, string> {
  const parsed = new Map<string, string>();
  for (const entry of entries) {
    const at = entry.indexOf('=');
    if (at <= 0) {
      throw new Error(`list entry ${JSON.stringify(entry)} is not KEY=VALUE`);
    }
    parsed.set(entry.slice(0, at), entry.slice(at + 1).toLowerCase());
  }
  return parsed;
}

/**
 * True when the annotations ask the cloud provider for a load balancer
 * that only the private network reaches.
 */
export function requestsInternalLoadBalancer(
  annotations: unknown,
  internal: ReadonlyMap<string, string>,
): boolean {
  if (!isObject(annotations)) return false;
  for (const [key, value] of Object.entries(annotations)) {
    if (typeof value !== 'string') continue;
    if (internal.get(key) === value.toLowerCase()) return true;
  }
  return false;
}

export const INTERNAL_LOAD_BALANCER_PREDICATES: PredicateDefinition[] = [
  {
    name: 'internal-load-balancer',
    description:
      'The Service after the request carries an annotation from the ' +
      '`annotations` list (KEY=VALUE) that makes its load balancer internal.',
    compile(args, env) {
      onlyArgs(args, ['annotations']);
      const internal = parseAnnotationEntries(
        env.list(stringArg(args, 'annotations')),
      );
      return (_item, context) => {
        if (context.event.kind !== 'k8s-audit') return false;
        const metadata = objectAfter(context.event.audit)?.metadata;
        if (!isObject(metadata)) return false;
        return requestsInternalLoadBalancer(metadata.annotations, internal);
      };
    },
  },
];
